// @ts-check
/**
 * Part of the protocol (see protocol.js, which runs first): the settings
 * every side reads — their keys, defaults and allowed values — and their
 * validation: `validateSettings` repairs a stored object, and
 * `validateSettingsPatch` refuses a bad update, naming every problem.
 * `isShown` applies them to a finding.
 */
(function (root) {
  'use strict';
  const P = root.ClausemarkProtocol;
  if (!P) throw new Error('clausemark: protocol/settings.js runs after protocol.js');
  if (Object.isFrozen(P)) return; // injected twice into one world
  const { describe } = P;

  /** `chrome.storage.local` key holding the settings object. */
  const SETTINGS_KEY = 'settings';

  /** Which finding risks each sensitivity shows. */
  const RISKS_BY_SENSITIVITY = Object.freeze({
    low: Object.freeze(['bad']),
    normal: Object.freeze(['good', 'caution', 'bad']),
    high: Object.freeze(['good', 'neutral', 'caution', 'bad']),
  });
  const SENSITIVITIES = Object.freeze(/** @type {const} */ (['low', 'normal', 'high']));
  const THEMES = Object.freeze(/** @type {const} */ (['system', 'light', 'dark']));

  /** Category ids are the taxonomy's file names: lower-case ASCII and `_`. */
  const CATEGORY_ID = /^[a-z][a-z0-9_]{0,63}$/;
  const MAX_DISABLED_CATEGORIES = 256;

  /**
   * @typedef {{
   *   autoAnnotate: boolean,
   *   disabledCategories: string[],
   *   sensitivity: 'low' | 'normal' | 'high',
   *   theme: 'system' | 'light' | 'dark',
   *   rememberPolicies: boolean,
   * }} Settings
   *
   * - `autoAnnotate`: annotate pages that look like policies on load. Only
   *   effective while the optional `<all_urls>` host permission is granted;
   *   the background keeps the two in step.
   * - `disabledCategories`: category ids NOT shown (a list of the switched-
   *   off ones, so a category added by a later version starts switched on).
   * - `sensitivity`: `low` = bad only; `normal` = good, caution, bad;
   *   `high` = everything, neutral included.
   * - `theme`: the UI's colours; `system` follows `prefers-color-scheme`.
   * - `rememberPolicies`: keep, on this device, the text of each policy the
   *   user annotates (background/history.js), to say what changed on the
   *   next visit. Off by default; switching it off forgets them all.
   */

  /** @type {Readonly<Settings>} */
  const DEFAULT_SETTINGS = Object.freeze({
    autoAnnotate: false,
    disabledCategories: /** @type {string[]} */ (Object.freeze([])),
    sensitivity: 'normal',
    theme: 'system',
    rememberPolicies: false,
  });

  /**
   * One checker per key: the cleaned value, or an error message.
   * @type {Record<keyof Settings, (v: unknown) => { value: any } | { error: string }>}
   */
  const CHECKS = {
    autoAnnotate: (v) => boolean(v),
    rememberPolicies: (v) => boolean(v),
    disabledCategories(v) {
      if (!Array.isArray(v)) return { error: `expected an array of category ids, got ${describe(v)}` };
      if (v.length > MAX_DISABLED_CATEGORIES) return { error: `at most ${MAX_DISABLED_CATEGORIES} ids, got ${v.length}` };
      const bad = v.findIndex((id) => typeof id !== 'string' || !CATEGORY_ID.test(id));
      if (bad >= 0) return { error: `item ${bad} is not a category id (lower-case letters, digits, "_"): ${describe(v[bad])}` };
      return { value: [...new Set(/** @type {string[]} */ (v))].sort() };
    },
    sensitivity: (v) => oneOf(v, SENSITIVITIES),
    theme: (v) => oneOf(v, THEMES),
  };

  /** @param {unknown} v */
  function boolean(v) {
    return typeof v === 'boolean' ? { value: v } : { error: `expected true or false, got ${describe(v)}` };
  }

  /**
   * @param {unknown} v
   * @param {readonly string[]} allowed
   */
  function oneOf(v, allowed) {
    return typeof v === 'string' && allowed.includes(v)
      ? { value: v }
      : { error: `expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(v)}` };
  }

  /**
   * Cleans a stored settings object (possibly from an older version, or
   * hand-edited): unknown keys are dropped, missing or bad values take their
   * default, and every such repair is named in `errors` (missing keys are
   * not errors). Never throws.
   * @param {unknown} raw
   * @returns {{ settings: Settings, errors: string[] }}
   */
  function validateSettings(raw) {
    /** @type {any} */
    const settings = { ...DEFAULT_SETTINGS, disabledCategories: [] };
    const errors = [];
    if (raw === undefined || raw === null) return { settings, errors };
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      return { settings, errors: [`settings: expected an object, got ${describe(raw)}; using the defaults`] };
    }
    for (const [key, value] of Object.entries(raw)) {
      if (!Object.hasOwn(CHECKS, key)) {
        errors.push(`settings: unknown key ${JSON.stringify(key)} dropped`);
        continue;
      }
      const r = CHECKS[/** @type {keyof Settings} */ (key)](value);
      if ('error' in r) errors.push(`settings.${key}: ${r.error}; using the default ${JSON.stringify(settings[key])}`);
      else settings[key] = r.value;
    }
    return { settings, errors };
  }

  /**
   * Checks a partial update (what `setSettings` takes). Unlike
   * `validateSettings` nothing is repaired: a caller that sends a bad value
   * gets every problem named and should store nothing.
   * @param {unknown} partial
   * @returns {{ patch: Partial<Settings> } | { error: string }}
   */
  function validateSettingsPatch(partial) {
    if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
      return { error: `clausemark: settings must be an object, got ${describe(partial)}` };
    }
    /** @type {any} */
    const patch = {};
    const errors = [];
    for (const [key, value] of Object.entries(partial)) {
      if (!Object.hasOwn(CHECKS, key)) {
        errors.push(`unknown key ${JSON.stringify(key)} (known: ${Object.keys(CHECKS).join(', ')})`);
        continue;
      }
      const r = CHECKS[/** @type {keyof Settings} */ (key)](value);
      if ('error' in r) errors.push(`${key}: ${r.error}`);
      else patch[key] = r.value;
    }
    return errors.length ? { error: `clausemark: bad settings: ${errors.join('; ')}` } : { patch };
  }

  /**
   * Whether the settings show a finding (its risk passes the sensitivity,
   * its category is switched on).
   * @param {{ risk: string, category: string }} finding
   * @param {Settings} settings
   */
  function isShown(finding, settings) {
    const risks = RISKS_BY_SENSITIVITY[settings.sensitivity] ?? RISKS_BY_SENSITIVITY.normal;
    return risks.includes(finding.risk) && !settings.disabledCategories.includes(finding.category);
  }

  Object.assign(P, {
    SETTINGS_KEY,
    DEFAULT_SETTINGS,
    SENSITIVITIES,
    THEMES,
    RISKS_BY_SENSITIVITY,
    validateSettings,
    validateSettingsPatch,
    isShown,
  });
})(/** @type {any} */ (globalThis));

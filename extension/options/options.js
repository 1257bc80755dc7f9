// @ts-check
/**
 * The options page: the settings of protocol.js (`autoAnnotate`,
 * `rememberPolicies`, `disabledCategories`, `sensitivity`, `theme`), saved on
 * every change to `storage.local` under `settings`; and the list of the
 * policies change tracking remembers, each with a "Forget" button (asked of
 * the background with `history-list` / `history-forget`, which owns that
 * storage: background/history.js).
 *
 * The page writes storage itself (validated with protocol.js); the
 * background listens to `storage.onChanged` and keeps the auto-annotate
 * registration in step, so there is one source of truth and no message to
 * lose. The auto-annotate switch shows the real state: on only when the
 * setting is on AND the `<all_urls>` host permission is granted; it follows
 * grants and revocations made elsewhere (the browser's extension page).
 */
(function () {
  'use strict';
  const P = /** @type {any} */ (globalThis).ClausemarkProtocol;
  const g = /** @type {any} */ (globalThis);
  const ext = g.browser?.runtime ? g.browser : g.chrome;
  const ALL_URLS = { origins: ['<all_urls>'] };
  const GROUP_TITLES = /** @type {Record<string, string>} */ ({ terms: 'Terms of service', privacy: 'Privacy' });

  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const autoBox = /** @type {HTMLInputElement} */ ($('auto-annotate'));
  const autoState = $('auto-state');
  const status = $('status');
  const categoriesBox = $('categories');
  const rememberBox = /** @type {HTMLInputElement} */ ($('remember-policies'));
  const historyState = $('history-state');
  const historyTable = $('history-table');
  const historyRows = $('history-rows');
  const forgetAll = $('history-forget-all');

  /** Last settings read or written. @type {any} */
  let current = P.validateSettings(undefined).settings;

  // -------------------------------------------------------------------------
  // Storage

  async function readSettings() {
    const stored = await ext.storage.local.get(P.SETTINGS_KEY);
    const { settings, errors } = P.validateSettings(stored[P.SETTINGS_KEY]);
    if (errors.length) console.warn('clausemark: stored settings repaired:', errors.join('; '));
    return settings;
  }

  /**
   * Validates and stores a partial update; says so in the status line.
   * @param {object} patch
   */
  async function save(patch) {
    const checked = P.validateSettingsPatch(patch);
    if ('error' in checked) throw new Error(checked.error);
    current = { ...(await readSettings()), ...checked.patch };
    await ext.storage.local.set({ [P.SETTINGS_KEY]: current });
    say('Saved.');
  }

  /**
   * @param {string} text
   * @param {boolean} [error]
   */
  function say(text, error = false) {
    status.textContent = text;
    status.classList.toggle('error', error);
  }

  /** @param {unknown} e */
  function fail(e) {
    const msg = e instanceof Error ? e.message : String(e);
    console.error('clausemark options:', msg);
    say(`Not saved: ${msg}`, true);
  }

  // -------------------------------------------------------------------------
  // Rendering the settings

  async function renderAuto() {
    const granted = await ext.permissions.contains(ALL_URLS);
    autoBox.checked = current.autoAnnotate && granted;
    autoState.classList.remove('error');
    if (autoBox.checked) {
      autoState.textContent = 'On: Clausemark may look at the pages you open, to spot policies.';
    } else if (granted) {
      autoState.textContent = 'Off. (Access to all websites is still granted in your browser; Clausemark does not use it while this is off.)';
    } else {
      autoState.textContent = 'Off: Clausemark reads a page only when you click its button.';
    }
  }

  function renderChoices() {
    for (const name of ['sensitivity', 'theme']) {
      const input = /** @type {HTMLInputElement | null} */ (document.querySelector(`input[name="${name}"][value="${current[name]}"]`));
      if (input) input.checked = true;
    }
    document.documentElement.dataset.theme = current.theme;
    for (const box of /** @type {NodeListOf<HTMLInputElement>} */ (categoriesBox.querySelectorAll('input[data-category]'))) {
      box.checked = !current.disabledCategories.includes(box.dataset.category);
    }
  }

  async function renderAll() {
    current = await readSettings();
    renderChoices();
    rememberBox.checked = current.rememberPolicies;
    await Promise.all([renderAuto(), renderHistory()]);
  }

  // -------------------------------------------------------------------------
  // Remembered policies

  /** @param {unknown} msg */
  async function ask(msg) {
    return P.unwrap(await ext.runtime.sendMessage(msg), 'history');
  }

  /** @param {string} iso */
  function day(iso) {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
  }

  /** @param {number} bytes */
  function size(bytes) {
    return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
  }

  /** Lists the remembered documents (title, URL, date, size), each with a Forget button. */
  async function renderHistory() {
    const { entries, totalBytes, quotaBytes } = await ask({ type: P.Type.HISTORY_LIST });
    historyTable.hidden = entries.length === 0;
    forgetAll.hidden = entries.length === 0;
    if (!entries.length) {
      historyState.textContent = current.rememberPolicies
        ? 'Nothing remembered yet: annotate a policy and it will be listed here.'
        : 'Nothing is remembered while this is off.';
      historyRows.replaceChildren();
      return;
    }
    historyState.textContent = `${entries.length} document${entries.length === 1 ? '' : 's'} remembered, ` +
      `${size(totalBytes)} of ${size(quotaBytes)}.`;
    historyRows.replaceChildren(...entries.map((/** @type {any} */ e) => {
      const row = document.createElement('tr');
      const doc = document.createElement('td');
      const title = document.createElement('div');
      title.className = 'doc-title';
      title.textContent = e.title || e.url;
      const link = document.createElement('a');
      link.href = e.url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.className = 'doc-url';
      link.textContent = e.url;
      doc.append(title, link);
      const when = document.createElement('td');
      when.textContent = day(e.lastSeen);
      when.title = `This wording first seen on ${day(e.firstSeen)}`;
      const bytes = document.createElement('td');
      bytes.textContent = size(e.bytes);
      const actions = document.createElement('td');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = 'Forget';
      b.setAttribute('aria-label', `Forget ${e.title || e.url}`);
      b.addEventListener('click', () => {
        ask(P.historyForgetRequest(e.url)).then(() => say('Forgotten.'), fail).then(renderHistory).catch(fail);
      });
      actions.append(b);
      row.append(doc, when, bytes, actions);
      return row;
    }));
  }

  /**
   * Builds the category switches from the taxonomy, grouped (terms, then
   * privacy), each with its title and one-line summary. Text goes in with
   * textContent only.
   * @param {any[]} taxonomy
   */
  function buildCategories(taxonomy) {
    categoriesBox.replaceChildren();
    const groups = new Map();
    for (const c of taxonomy) {
      if (!groups.has(c.group)) groups.set(c.group, []);
      groups.get(c.group).push(c);
    }
    for (const [group, cats] of groups) {
      const box = document.createElement('div');
      box.className = 'group';
      box.setAttribute('role', 'group');
      const head = document.createElement('div');
      head.className = 'group-head';
      const title = GROUP_TITLES[group] ?? group;
      const h3 = document.createElement('h3');
      h3.id = `group-${group}`;
      h3.textContent = `${title} (${cats.length})`;
      box.setAttribute('aria-labelledby', h3.id);
      head.append(h3, groupButton(`All on`, `Switch on every ${title.toLowerCase()} category`, cats, true),
        groupButton(`All off`, `Switch off every ${title.toLowerCase()} category`, cats, false));
      box.append(head);
      for (const c of cats) {
        const row = document.createElement('div');
        row.className = 'category';
        const input = document.createElement('input');
        input.type = 'checkbox';
        input.id = `category-${c.id}`;
        input.dataset.category = c.id;
        // Name = the title (label); description = the summary, outside the label.
        const text = document.createElement('div');
        const label = document.createElement('label');
        label.htmlFor = input.id;
        label.textContent = c.title;
        const help = document.createElement('span');
        help.className = 'help';
        help.id = `category-${c.id}-help`;
        help.textContent = c.summary;
        input.setAttribute('aria-describedby', help.id);
        text.append(label, help);
        row.append(input, text);
        box.append(row);
      }
      categoriesBox.append(box);
    }
    categoriesBox.setAttribute('aria-busy', 'false');
  }

  /**
   * @param {string} text
   * @param {string} label accessible name
   * @param {any[]} cats
   * @param {boolean} on
   */
  function groupButton(text, label, cats, on) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.setAttribute('aria-label', label);
    b.addEventListener('click', () => {
      const ids = new Set(cats.map((c) => c.id));
      const others = current.disabledCategories.filter((/** @type {string} */ id) => !ids.has(id));
      const disabled = on ? others : [...others, ...ids];
      save({ disabledCategories: disabled }).then(renderChoices, fail);
    });
    return b;
  }

  // -------------------------------------------------------------------------
  // Events

  autoBox.addEventListener('change', () => {
    if (autoBox.checked) {
      // Called first, synchronously in the click's handler: Firefox grants
      // the prompt only while the user gesture is still being handled.
      const asked = ext.permissions.request(ALL_URLS);
      autoState.classList.remove('error');
      autoState.textContent = 'Waiting for your answer to the browser\'s permission request…';
      Promise.resolve(asked)
        .then(async (/** @type {boolean} */ granted) => {
          if (!granted) {
            autoBox.checked = false;
            autoState.textContent = 'Not switched on: access to websites was not granted.';
            autoState.classList.add('error');
            return;
          }
          await save({ autoAnnotate: true });
          await renderAuto();
        })
        .catch((/** @type {unknown} */ e) => {
          autoBox.checked = false;
          fail(e);
        });
    } else {
      save({ autoAnnotate: false })
        .then(() => ext.permissions.remove(ALL_URLS))
        .then(renderAuto)
        .catch(fail);
    }
  });

  rememberBox.addEventListener('change', () => {
    save({ rememberPolicies: rememberBox.checked }).then(renderHistory).catch(fail);
  });

  forgetAll.addEventListener('click', () => {
    ask(P.historyForgetRequest()).then(() => say('Every remembered document was forgotten.'), fail).then(renderHistory).catch(fail);
  });

  document.addEventListener('change', (e) => {
    const t = /** @type {HTMLInputElement} */ (e.target);
    if (t.type === 'radio' && (t.name === 'sensitivity' || t.name === 'theme')) {
      save({ [t.name]: t.value }).then(renderChoices, fail);
    } else if (t.dataset?.category) {
      const id = t.dataset.category;
      const others = current.disabledCategories.filter((/** @type {string} */ c) => c !== id);
      save({ disabledCategories: t.checked ? others : [...others, id] }).catch(fail);
    }
  });

  // Changes made elsewhere: another options tab, the background switching
  // auto-annotate off after a revocation, the browser's permission UI.
  ext.storage.onChanged.addListener((/** @type {any} */ changes, /** @type {string} */ area) => {
    if (area !== 'local') return;
    if (P.SETTINGS_KEY in changes) renderAll().catch(fail);
    else if (Object.keys(changes).some((k) => k === 'history' || k.startsWith('history:'))) renderHistory().catch(fail);
  });
  ext.permissions.onAdded.addListener(() => renderAuto().catch(fail));
  ext.permissions.onRemoved.addListener(() => renderAuto().catch(fail));

  // -------------------------------------------------------------------------
  // Start

  renderAll().catch(fail);
  P.requestTaxonomy()
    .then((/** @type {any[]} */ taxonomy) => {
      buildCategories(taxonomy);
      renderChoices();
    })
    .catch((/** @type {unknown} */ e) => {
      categoriesBox.setAttribute('aria-busy', 'false');
      const p = document.createElement('p');
      p.className = 'state error';
      p.textContent = `The categories could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
      categoriesBox.replaceChildren(p);
    });
})();

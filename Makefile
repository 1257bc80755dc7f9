# Clausemark — build, test and package.
#
#   make setup      install what is missing (wasm target, wasm-bindgen-cli, browsers, npm deps)
#   make build      native CLI (debug)
#   make extension  wasm (release) + JS glue + extension files → dist/extension/ (load unpacked)
#   make demo       the CLI on the bundled sample policy
#   make test       everything CI runs: cargo test, boundary check, extension, browser e2e tests
#   make bench      cargo bench (benches/throughput.rs)
#   make size       the wasm's raw and gzip -9 size
#   make bench-wasm wasm analyze per policy in headless Chromium (bench-extension: whole click)
#   make bench-cold the click that wakes a stopped service worker, next to a warm click
#
# `make setup` is idempotent and cheap when everything is there; it is the
# only step that touches the network (crates.io, Debian, npm registries).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

export PATH := $(HOME)/.cargo/bin:$(PATH)
# The e2e tests drive Debian's browsers; no test tool may fetch its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export PUPPETEER_SKIP_DOWNLOAD := 1

CARGO_TARGET_DIR ?= target
WASM_TARGET := wasm32-unknown-unknown
WASM_IN := $(CARGO_TARGET_DIR)/$(WASM_TARGET)/release/clausemark.wasm
DIST := dist/extension
WASM_OUT := $(DIST)/wasm/clausemark_bg.wasm
# wasm-bindgen drops the `name` section (function names, ≈ 20 % of the file):
# a panic still logs its message and source location through
# console_error_panic_hook, only the JS stack loses Rust function names.
# No wasm-opt: Debian's binaryen 108 corrupts the externref table.
# The CLI must be the exact version of the `wasm-bindgen` crate in Cargo.lock.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
SAMPLE := samples/lumio-policy.html
CLI := $(CARGO_TARGET_DIR)/debug/clausemark
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

section = @printf '\n\033[1m==== %s ====\033[0m\n' "$(1)"

.PHONY: help setup setup-rust setup-browsers setup-node build extension demo test check-boundary e2e bench size print-size

help:
	@sed -n 's/^#   //p' Makefile

setup: setup-rust setup-browsers setup-node

setup-rust:
	$(call section,setup: Rust wasm toolchain)
	@if rustup target list --installed | grep -qx '$(WASM_TARGET)'; then \
	  echo "$(WASM_TARGET) target: present"; \
	else rustup target add $(WASM_TARGET); fi
	@test -n '$(WASM_BINDGEN_VERSION)' || { echo "no wasm-bindgen in Cargo.lock" >&2; exit 1; }
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "wasm-bindgen $(WASM_BINDGEN_VERSION): present"; \
	else \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (≈2 min)"; \
	  cargo install wasm-bindgen-cli --version '$(WASM_BINDGEN_VERSION)' --no-default-features --force; \
	fi

setup-browsers:
	$(call section,setup: browsers)
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v firefox-esr >/dev/null; then \
	  echo "chromium, chromedriver, firefox-esr: present"; \
	else \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver firefox-esr; \
	fi

setup-node: node_modules/.clausemark-installed

# npm ci only when the lock file changed since the last install.
node_modules/.clausemark-installed: package.json package-lock.json
	$(call section,setup: npm ci)
	@command -v npm >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y nodejs npm; }
	npm ci --no-audit --no-fund
	@touch $@

build:
	$(call section,build: native CLI)
	cargo build --bin clausemark

extension: setup-rust setup-node
	$(call section,extension: wasm (release))
	@start=$$(date +%s); \
	cargo build --lib --release --target $(WASM_TARGET); \
	echo "==== extension: wasm-bindgen → $(DIST)"; \
	rm -rf $(DIST) dist/types; mkdir -p $(DIST)/wasm dist/types; \
	wasm-bindgen --target web --remove-name-section --remove-producers-section --out-dir $(DIST)/wasm $(WASM_IN); \
	mv $(DIST)/wasm/*.d.ts dist/types/; \
	node -e 'JSON.parse(require("fs").readFileSync("manifest.json", "utf8"))'; \
	cp manifest.json $(DIST)/; \
	cp -R extension/. $(DIST)/; \
	node scripts/strip-comments.mjs $(DIST); \
	node scripts/bundle-content.mjs $(DIST); \
	echo "built $(DIST) in $$(( $$(date +%s) - start )) s (types in dist/types/)"; \
	find $(DIST) -type f | sort

demo: setup build
	$(call section,demo: clausemark analyze $(SAMPLE))
	@test -f $(SAMPLE) || { echo "missing $(SAMPLE)" >&2; exit 1; }
	$(CLI) analyze $(SAMPLE)
	@$(MAKE) --no-print-directory extension
	@$(MAKE) --no-print-directory demo-screenshot

# The core must not know it runs in a browser: only the boundary module
# (src/wasm.rs and its children in src/wasm/) may name the JS bindings.
check-boundary:
	$(call section,test: wasm boundary)
	@if grep -rnE '\b(wasm_bindgen|web_sys|js_sys|gloo|serde_wasm_bindgen|console_error_panic_hook)\b' src --include='*.rs' | grep -vE '^src/wasm(\.rs|/)'; then \
	  echo "JS bindings used outside src/wasm.rs (above)" >&2; exit 1; \
	else echo "only src/wasm.rs and src/wasm/ touch JS bindings"; fi

e2e: setup-node
	$(call section,test: browser e2e (node --test tests/e2e))
	node --test tests/e2e/*.test.mjs

test: setup
	$(call section,test: cargo test)
	cargo test
	@$(MAKE) --no-print-directory check-boundary
	@$(MAKE) --no-print-directory extension
	@$(MAKE) --no-print-directory lint-extension
	@$(MAKE) --no-print-directory print-size
	@$(MAKE) --no-print-directory e2e

bench:
	$(call section,bench: cargo bench)
	cargo bench --bench throughput

size: extension
	@$(MAKE) --no-print-directory print-size

print-size:
	$(call section,size: $(WASM_OUT))
	@raw=$$(wc -c < $(WASM_OUT)); gz=$$(gzip -9 -c $(WASM_OUT) | wc -c); \
	glue=$$(wc -c < $(DIST)/wasm/clausemark.js); \
	printf 'wasm raw   %8d bytes (%d KiB)\nwasm gzip  %8d bytes (%d KiB)\nJS glue    %8d bytes\n' \
	  $$raw $$((raw / 1024)) $$gz $$((gz / 1024)) $$glue

# ---- extension checks, benchmark and screenshots (tests/e2e, scripts/) ----
# They use the built extension: run `make extension` first (`make test` does).

.PHONY: lint-extension bench-extension bench-cold bench-wasm profile-click demo-screenshot

# web-ext's own linter (Mozilla's add-on rules): errors fail, warnings are shown.
lint-extension: setup-node
	$(call section,lint: web-ext lint $(DIST))
	@test -f $(DIST)/manifest.json || { echo "$(DIST) is missing: run \`make extension\` first" >&2; exit 1; }
	NO_UPDATE_NOTIFIER=1 node_modules/.bin/web-ext lint --source-dir $(DIST) --no-config-discovery --boring

# Click → highlights painted on the 48 corpus policies, next to one innerText read.
bench-extension: setup-node
	$(call section,bench: extension in headless Chromium (48 policies))
	node scripts/bench-extension.mjs

# Click → painted when the click wakes a stopped service worker (the usual
# click: Chrome stops an idle worker after ~30 s), on three policies, with
# the start-up broken down; table in target/bench-cold.md.
bench-cold: setup-node
	$(call section,bench: cold-start click in headless Chromium (3 policies))
	node scripts/bench-cold.mjs

# The wasm analysis alone, in the extension's service worker, on the 48 policies
# (issue 4's budget: a 100 KB policy in ≤ 10 ms); table in target/bench-wasm.md.
bench-wasm: setup-node
	$(call section,bench: wasm analyze in headless Chromium (48 policies))
	node scripts/bench-wasm.mjs

# Where one click's time goes (PAGE: a policy name substring, paypal's by default).
PAGE ?= paypal__privacy
profile-click: setup-node
	$(call section,profile: one click on $(PAGE))
	node scripts/profile-click.mjs --only '$(PAGE)'

# The sample policy annotated, with a card open, and the summary panel.
demo-screenshot: setup-node
	$(call section,demo: screenshots of the annotated sample)
	@test -f $(DIST)/manifest.json || { echo "$(DIST) is missing: run \`make extension\` first" >&2; exit 1; }
	node scripts/demo-screenshot.mjs
	node scripts/changes-screenshot.mjs

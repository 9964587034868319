# Redline: the two commands a newcomer needs are `make demo` and `make test`.
# Both install what they need first (crates through cargo, UI packages
# through `npm ci`, Debian packages through apt when run as root).

SHELL := /bin/bash
CARGO ?= cargo
NPM ?= npm

# Debian packages: the desktop shell (webkit), its headless runs (Xvfb,
# WebKitWebDriver), browser tests (chromium), the tools benchmarks compare
# against (sqlite3, ripgrep, GNU time), the CJK font case.pdf embeds
# (fonts-noto-cjk) and pdftotext for the PDF tests (poppler-utils).
APT_PACKAGES := build-essential pkg-config curl wget file libssl-dev \
	libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev \
	xvfb imagemagick webkit2gtk-driver chromium sqlite3 ripgrep time \
	fonts-noto-cjk poppler-utils

DEMO_DIR := target/demo
DEMO_DB := $(DEMO_DIR)/redline.db

.PHONY: all deps apt-deps ui-deps build ui shell demo open-demo test test-rust test-rules test-ui test-e2e test-desktop bench help

help:
	@echo "make demo   build Redline, import the bundled demo dataset, show a summary and a search"
	@echo "make test   run every test: Rust unit and integration (with the shared corpus when REDLINE_CORPUS is set),"
	@echo "            rule packs, UI unit tests, end-to-end in Chromium, the desktop app under Xvfb"
	@echo "make bench  run the benchmarks (long; figures go to BENCHMARKS.md by hand)"

deps: apt-deps ui-deps

apt-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "Missing Debian packages. Run as root:"; \
		echo "  sudo apt-get install -y --no-install-recommends $$missing"; \
		exit 1; \
	fi

ui-deps: ui/node_modules/.package-lock.json

ui/node_modules/.package-lock.json: ui/package-lock.json
	cd ui && $(NPM) ci --no-audit --no-fund

ui: ui-deps
	cd ui && $(NPM) run build

build: ui
	$(CARGO) build --release -p redline

# The desktop shell embeds ui/dist (the custom-protocol feature is on by default).
shell: apt-deps ui
	$(CARGO) build -p redline-desktop

demo: deps build
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	./target/release/redline gen-corpus --format jsonl --messages 20000 --seed 7 --out $(DEMO_DIR)/generated-chats.jsonl
	./target/release/redline --db $(DEMO_DB) import demo/exports $(DEMO_DIR)/generated-chats.jsonl --tz Asia/Shanghai
	@echo
	./target/release/redline --db $(DEMO_DB) sources
	@echo
	./target/release/redline --db $(DEMO_DB) scan
	@echo
	./target/release/redline --db $(DEMO_DB) cases list --limit 10
	@echo
	@echo '$$ redline search 红包'
	@./target/release/redline --db $(DEMO_DB) search 红包 --limit 5 || true
	@echo
	@echo '$$ redline search "guaranteed returns"'
	@./target/release/redline --db $(DEMO_DB) search '"guaranteed returns"' --limit 5 || true
	@echo
	@$(MAKE) --no-print-directory open-demo

# The workstation on the demo workspace: the desktop app when there is a
# display, otherwise the browser UI through `redline serve`.
open-demo:
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] && pkg-config --exists webkit2gtk-4.1 2>/dev/null; then \
		$(MAKE) --no-print-directory shell && \
		echo "Opening the desktop workstation on $(DEMO_DB) (close the window to finish)" && \
		REDLINE_DB=$(abspath $(DEMO_DB)) ./target/debug/redline-desktop; \
	else \
		echo "No display: serving the workstation to your browser instead (Ctrl-C to stop)."; \
		./target/release/redline --db $(DEMO_DB) serve --port 8765; \
	fi

test: deps test-rust test-rules test-ui test-e2e test-desktop

test-rust:
	$(CARGO) test --workspace --exclude redline-desktop

# Every pack's own examples, through the real CLI.
test-rules:
	$(CARGO) run -q -p redline -- rules check rules/
	$(CARGO) run -q -p redline -- rules test rules/

test-ui: ui-deps
	cd ui && $(NPM) run check && $(NPM) test

# The built UI in real Chromium against a real `redline serve` (screenshots
# in test-artifacts/ui/).
test-e2e: ui
	$(CARGO) build -q -p redline
	cd ui && REDLINE_BIN=$(CURDIR)/target/debug/redline $(NPM) run e2e

# The real desktop binary under Xvfb, driven through WebDriver (screenshots
# in test-artifacts/desktop/).
test-desktop: shell
	$(CARGO) build -q -p redline
	REDLINE_BIN=$(CURDIR)/target/debug/redline DESKTOP_BIN=$(CURDIR)/target/debug/redline-desktop node --test tests/desktop/

bench: apt-deps
	bash bench/run.sh
	bash bench/scan.sh

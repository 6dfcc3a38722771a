# Daka's entry points. The two that matter: `make run` and `make test` (see README.md).
# Both install what is missing first (scripts/setup.sh), so a fresh clone needs only Rust,
# Node.js and git.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR

# The test build: the same features for `cargo test`, clippy and the binary the real-window
# tests drive, so everything shares one compilation. `pinned-clock` lets tests set DAKA_NOW.
TEST_FEATURES := pinned-clock,tauri/custom-protocol,tauri/test
# What users run: the UI served from the binary, no test hooks.
APP_FEATURES := tauri/custom-protocol
TAURI := $(CURDIR)/ui/node_modules/.bin/tauri
XVFB := xvfb-run -a -s "-screen 0 1600x1000x24"

.PHONY: help run dev server test setup-run setup-test ui ui-check rust-check rust-test server-check e2e-build e2e \
	bindings deb deb-check bench profile screenshots clean

help:
	@echo "make run          build and open Daka (installs what is missing)"
	@echo "make test         every check and test, including the real-window tests under Xvfb"
	@echo "make server       run the group server (SQLite in ./daka-server-data; see README)"
	@echo "make dev          run with the Vite dev server and hot reload"
	@echo "make e2e          only the real-window tests"
	@echo "make bindings     regenerate ui/src/lib/bindings.ts from the Rust commands"
	@echo "make deb          build the Debian package (target/release/bundle/deb)"
	@echo "make bench        data figures on a 10-year profile; start-up time and memory"
	@echo "make profile      write the 10-year profile to PROFILE_OUT (restore it in the app)"
	@echo "make screenshots  capture every screen into OUT (default: /tmp/daka-screenshots)"

setup-run:
	@scripts/setup.sh run

setup-test:
	@scripts/setup.sh test

ui:
	@echo "[ui] building the web UI"
	@cd ui && npm run --silent build -- --logLevel warn

# --- make run ---------------------------------------------------------------------------------
run: setup-run ui
	@echo "[run] building Daka (release; the first build takes a few minutes)"
	cargo build --release --features $(APP_FEATURES) --bin daka
	cargo build --release -p daka-blockd
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
		echo "[run] No display found. To run Daka on a virtual display:"; \
		echo "        xvfb-run -a $(CARGO_TARGET_DIR)/release/daka"; \
		exit 2; \
	fi
	$(CARGO_TARGET_DIR)/release/daka

dev: setup-run
	$(TAURI) dev

# --- make server ------------------------------------------------------------------------------
# The group server needs nothing but Rust: SQLite is compiled in. Flags after ARGS=, e.g.
#   make server ARGS="--listen 0.0.0.0:8750 --public-url https://daka.example.com"
# or the DAKA_* / DATABASE_URL environment variables (daka-server --help).
ARGS ?=
server:
	cargo build --release -p daka-server
	$(CARGO_TARGET_DIR)/release/daka-server $(ARGS)

# --- make test --------------------------------------------------------------------------------
test: setup-test ui ui-check rust-check rust-test server-check e2e
	@echo "[test] all checks passed"

ui-check:
	@echo "[ui] svelte-check, eslint, vitest"
	cd ui && npm run --silent check && npm run --silent lint && npm run --silent test

rust-check:
	@echo "[rust] rustfmt and clippy"
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --features $(TEST_FEATURES) -- -D warnings

rust-test:
	@echo "[rust] cargo test (workspace)"
	cargo test --workspace --features $(TEST_FEATURES)

# The group server from outside: its web page in real Chromium (JavaScript off), and
# schemathesis fuzzing the live server against its OpenAPI document (0 server errors).
SCHEMATHESIS_SECONDS ?= 45
server-check:
	@echo "[server] web page in Chromium; schemathesis against the live server"
	cargo build -p daka-server --bin daka-server
	DAKA_SERVER_BIN=$(CARGO_TARGET_DIR)/debug/daka-server node --test --test-concurrency=1 tests/server/*.test.mjs
	scripts/schemathesis.sh $(CARGO_TARGET_DIR)/debug/daka-server $(SCHEMATHESIS_SECONDS)

e2e-build:
	cargo build --features $(TEST_FEATURES) --bin daka
	cargo build -p daka-blockd
	cargo build -p daka-server --bin daka-server

e2e: e2e-build
	@echo "[e2e] real window under Xvfb, driven by WebKitWebDriver"
	DAKA_APP_BIN=$(CARGO_TARGET_DIR)/debug/daka $(XVFB) \
		node --test --test-concurrency=1 --test-timeout=120000 tests/e2e/*.test.mjs

bindings: ui
	DAKA_UPDATE_BINDINGS=1 cargo test --features $(TEST_FEATURES) --test bindings

# --- packaging --------------------------------------------------------------------------------
# The website blocker is built first and staged where tauri.conf.json's deb `files` expects it
# (a path relative to the repository, whatever CARGO_TARGET_DIR is).
deb: setup-run
	cargo build --release -p daka-blockd
	mkdir -p build/deb && cp $(CARGO_TARGET_DIR)/release/daka-blockd build/deb/daka-blockd
	$(TAURI) build --bundles deb
	@ls -1 $(CARGO_TARGET_DIR)/release/bundle/deb/*.deb

deb-check: deb setup-test
	scripts/check-deb.sh $(CARGO_TARGET_DIR)/release/bundle/deb/*.deb

# --- benchmarks and screenshots ----------------------------------------------------------------
bench: ui
	@scripts/setup.sh bench
	cargo build --release --features $(APP_FEATURES) --bin daka --example bare_window
	cargo build --release -p daka-bench-profile
	@echo "[bench] data: the 10-year profile (bench/profile)"
	$(CARGO_TARGET_DIR)/release/daka-bench-profile run 50
	@echo "[bench] share cards: in-process, one-shot vs headless Chromium, binary size"
	cargo build --release -p daka-card --example card_bench --example size_baseline
	node bench/card.mjs
	@echo "[bench] start-up and memory, next to a bare Tauri window"
	DAKA_BENCH_TARGET=$(CARGO_TARGET_DIR)/release $(XVFB) node bench/startup.mjs
	@echo "[bench] app blocking: kill latency and the watcher's CPU (about 90 s)"
	cargo build --release -p daka-focus --example watcher_bench
	$(CARGO_TARGET_DIR)/release/examples/watcher_bench
	@echo "[bench] group server: 200 clients on SQLite and PostgreSQL, next to a raw insert loop"
	cargo build --release -p daka-server -p daka-bench-server
	pg=$$(mktemp -d) && url=$$(scripts/pg-cluster.sh start $$pg/c) && \
		{ $(CARGO_TARGET_DIR)/release/daka-bench-server --pg "$$url"; status=$$?; scripts/pg-cluster.sh stop $$pg/c; exit $$status; }
	@echo "[bench] focus timer drift: a 10-minute countdown with the window hidden (10 minutes)"
	$(MAKE) --no-print-directory e2e-build
	DAKA_APP_BIN=$(CARGO_TARGET_DIR)/debug/daka $(XVFB) node bench/focus_drift.mjs

# The 10-year profile as an export file, to restore into the app and look at it.
PROFILE_OUT ?= /tmp/daka-10-year-profile.jsonl
profile:
	cargo run --release -p daka-bench-profile -- generate $(PROFILE_OUT)

OUT ?= /tmp/daka-screenshots
screenshots: setup-test ui e2e-build
	DAKA_APP_BIN=$(CARGO_TARGET_DIR)/debug/daka $(XVFB) node scripts/screenshots.mjs $(OUT)

clean:
	cargo clean
	rm -rf ui/dist

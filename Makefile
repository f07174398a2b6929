# runcheck front door. `make serve` and `make test` install what a fresh Debian 12 machine
# lacks, build everything and run it. Nothing else needs doing by hand.
SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
PORT ?= 8080
JOBS ?= 2
BUILD_ID ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo dev)$(shell git diff --quiet 2>/dev/null || echo -dirty)
APT_PACKAGES := cmake make g++ libgtest-dev nlohmann-json3-dev emscripten chromium fonts-liberation
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: benchmarks catalog-md accuracy golden all deps build native wasm site serve test test-native test-js test-e2e bench accuracy clean format

all: build

# --- dependencies -------------------------------------------------------------------------
deps: build/.deps-apt node_modules/.package-lock.json

build/.deps-apt:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p build && touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# --- builds ----------------------------------------------------------------------------------
build: native wasm site

native: build/.deps-apt
	@start=$$(date +%s%N); \
	cmake -S . -B build/native -DRUNCHECK_BUILD_ID=$(BUILD_ID) >/dev/null && \
	cmake --build build/native -j$(JOBS) && \
	echo "native build: $$(( ($$(date +%s%N) - start) / 1000000 )) ms"

wasm: build/.deps-apt
	@start=$$(date +%s%N); \
	emcmake cmake -S . -B build/wasm -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node -DRUNCHECK_BUILD_ID=$(BUILD_ID) >/dev/null && \
	cmake --build build/wasm -j$(JOBS) && \
	echo "wasm build: $$(( ($$(date +%s%N) - start) / 1000000 )) ms"

site: wasm
	@rm -rf build/site && mkdir -p build/site
	@cp -r web/. build/site/
	@cp build/wasm/runcheck.mjs build/wasm/runcheck.wasm build/site/
	@node tools/make-icons.mjs build/site
	@node tools/site-manifest.mjs build/site $(BUILD_ID)
	@node tools/sizes.mjs build/site

serve: build node_modules/.package-lock.json
	@echo "Serving build/site on http://127.0.0.1:$(PORT)/"
	node tools/serve.mjs build/site $(PORT)

# --- tests -----------------------------------------------------------------------------------
test: build node_modules/.package-lock.json test-native test-js test-e2e

test-native: native
	cd build/native && ctest --output-on-failure -j$(JOBS)
	@node tools/catalog-md.mjs build/native/runcheck build/CATALOG.md && \
	  if ! cmp -s build/CATALOG.md CATALOG.md; then echo "CATALOG.md is stale: run make catalog-md"; exit 1; fi

# catalog/benchmarks.json: the speed rows of a measurements CSV, mapped to catalog ids.
benchmarks: native
	build/native/runcheck benchmarks --data $(or $(DATA),../shared/calibration/measurements.csv) --json | \
	  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);if(r.unmapped.length)console.error("unmapped rows:",JSON.stringify(r.unmapped));require("fs").writeFileSync("catalog/benchmarks.json",JSON.stringify({"$$comment":"Published llama.cpp speed measurements (llama-bench pp/tg), one row each, mapped from shared/calibration/measurements.csv by `make benchmarks`. value_tps as published; tokens = N of ppN/tgN.",benchmarks:r.benchmarks},null,1)+"\n");console.log(r.benchmarks.length+" benchmark rows written")})'

# CATALOG.md is generated from the compiled-in catalog.
catalog-md: native
	node tools/catalog-md.mjs build/native/runcheck CATALOG.md

test-js: site
	node --test tests/js/module.test.mjs tests/js/no-arithmetic.test.mjs

test-e2e: site node_modules/.package-lock.json
	node --test --test-concurrency=1 tests/e2e/page.test.mjs tests/e2e/tools.test.mjs tests/e2e/widget.test.mjs

# Per-estimate timings, native core and the wasm module (numbers printed, nothing asserted).
bench: native site
	build/native/runcheck_bench tests/bench/requests.json
	node tests/bench/wasm-bench.mjs
	node tests/bench/browser-bench.mjs

clean:
	rm -rf build

format:
	clang-format -i core/include/runcheck/*.h core/src/*.cpp core/cli/*.cpp wasm/*.cpp tests/core/*.cpp

golden: native
	@for f in tests/golden/*.request.json; do \
	  build/native/runcheck raw < $$f > $${f%.request.json}.response.json; \
	done; echo "golden responses regenerated: review git diff tests/golden"

accuracy: native
	build/native/runcheck accuracy --data $(or $(DATA),../shared/calibration/measurements.csv) --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(JSON.stringify(r.summary,null,1));console.log("unmapped rows:",r.unmapped.length);})'

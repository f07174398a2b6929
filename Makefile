# runcheck front door. `make serve` and `make test` install what a fresh Debian 12 machine
# lacks, build everything and run it. Nothing else needs doing by hand.
SHELL := /bin/bash
MAKEFLAGS += --no-print-directory
PORT ?= 8080
# The steering repo's shared/ folder (fixtures, calibration data): next to the checkout unless
# SHARED=... says otherwise. Without it the native tests that read it skip (an error under CI=true).
SHARED ?= ../shared
SHARED_ABS := $(if $(wildcard $(SHARED)/calibration/measurements.csv),$(abspath $(SHARED)),)
JOBS ?= 2
BUILD_ID ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo dev)$(shell git diff --quiet 2>/dev/null || echo -dirty)
APT_PACKAGES := cmake make g++ clang clang-format libclang-rt-14-dev libgtest-dev nlohmann-json3-dev emscripten chromium fonts-liberation
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)


.PHONY: catalog-tables format-check sanitize fuzz fuzz-corpus test-sanitize benchmarks catalog-md accuracy golden all deps build native wasm site serve test test-native test-js test-e2e bench accuracy clean format

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
	cmake --preset native -DRUNCHECK_BUILD_ID=$(BUILD_ID) -DRUNCHECK_SHARED_DIR=$(SHARED_ABS) >/dev/null && \
	cmake --build --preset native -j$(JOBS) && \
	echo "native build: $$(( ($$(date +%s%N) - start) / 1000000 )) ms"

# The catalog's typed tables, generated (and validated) by the native runcheck_catgen; the wasm
# build compiles the same file, so native and wasm start from identical data.
catalog-tables: build/.deps-apt
	@cmake --preset native -DRUNCHECK_BUILD_ID=$(BUILD_ID) -DRUNCHECK_SHARED_DIR=$(SHARED_ABS) >/dev/null && \
	cmake --build --preset native -j$(JOBS) --target catalog_tables

wasm: build/.deps-apt catalog-tables
	@start=$$(date +%s%N); \
	emcmake cmake --preset wasm -DCMAKE_CROSSCOMPILING_EMULATOR=$$(command -v node) -DRUNCHECK_BUILD_ID=$(BUILD_ID) >/dev/null && \
	cmake --build --preset wasm -j$(JOBS) && \
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
test: build node_modules/.package-lock.json format-check test-native test-js test-e2e test-sanitize

test-native: native
	ctest --preset native -j$(JOBS)
	@node tools/catalog-md.mjs build/native/runcheck build/CATALOG.md && \
	  if ! cmp -s build/CATALOG.md CATALOG.md; then echo "CATALOG.md is stale: run make catalog-md"; exit 1; fi

# catalog/benchmarks.json: the speed rows of a measurements CSV, mapped to catalog ids.
benchmarks: native
	build/native/runcheck benchmarks --data $(SHARED)/calibration/measurements.csv --data $(SHARED)/calibration/set_c.csv --json | \
	  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);const why={};for(const u of r.unmapped){const k=u.why.replace(/[0-9.]+/g,"N");why[k]=(why[k]||0)+1}console.error("rows left out, by reason:",JSON.stringify(why,null,1));require("fs").writeFileSync("catalog/benchmarks.json",JSON.stringify({"$$comment":"Published speed measurements, one row each, mapped from shared/calibration/measurements.csv and set_c.csv by `make benchmarks` with each run'"'"'s own settings (runtime, flash attention, KV type, layers, depth; absent = llama-bench defaults of measurements.csv). value_tps as published; tokens = N of ppN/tgN. Speculative, concurrent, mislabelled, prefill-timed and unmappable rows are left out (make benchmarks lists why).",benchmarks:r.benchmarks},null,1)+"\n");console.log(r.benchmarks.length+" benchmark rows written")})'

# CATALOG.md is generated from the compiled-in catalog.
catalog-md: native
	node tools/catalog-md.mjs build/native/runcheck CATALOG.md

test-js: site
	node --test tests/js/module.test.mjs tests/js/no-arithmetic.test.mjs tests/js/urlstate.test.mjs tests/js/regressions.test.mjs tests/js/syntax.test.mjs

test-e2e: site node_modules/.package-lock.json
	node --test --test-concurrency=1 tests/e2e/page.test.mjs tests/e2e/tools.test.mjs tests/e2e/widget.test.mjs tests/e2e/regressions.test.mjs tests/e2e/troubleshoot.test.mjs tests/e2e/learn.test.mjs

# --- hardening: ASan + UBSan build of the whole native suite, and libFuzzer targets -------------
FUZZ_RUNS ?= 1000000
FUZZ_TARGETS := gguf config request log
sanitize: build/.deps-apt
	@cmake --preset san -DRUNCHECK_BUILD_ID=$(BUILD_ID) -DRUNCHECK_SHARED_DIR=$(SHARED_ABS) >/dev/null && cmake --build --preset san -j$(JOBS)

# Seeds: the shared fixtures (read from ../shared, copied into the build tree only) and the
# golden and hostile requests in tests/.
fuzz-corpus: sanitize
	@rm -rf build/fuzz && mkdir -p build/fuzz/gguf build/fuzz/config build/fuzz/request build/fuzz/log
	@if [ -n "$(SHARED_ABS)" ]; then \
	  cp $(SHARED_ABS)/fixtures/gguf/*.gguf build/fuzz/gguf/; \
	  for d in $(SHARED_ABS)/fixtures/hf/*/ $(SHARED_ABS)/fixtures/hf-tiny/*/; do cp $$d/config.json build/fuzz/config/$$(basename $$d).json; done; \
	  cp $(SHARED_ABS)/fixtures/logs/*.log build/fuzz/log/; \
	else echo "fuzz seeds: shared/ not found, seeding from tests/fuzz/corpus only"; fi
	@cp tests/fuzz/corpus/gguf/* build/fuzz/gguf/ 2>/dev/null || true
	@cp tests/fuzz/corpus/config/* build/fuzz/config/ 2>/dev/null || true
	@cp tests/fuzz/corpus/request/*.json build/fuzz/request/
	@printf 'llama_context: n_ctx = 4096\n' > build/fuzz/log/seed.log

# make fuzz: each target for FUZZ_RUNS executions (default 1,000,000); counts go to build/fuzz-report.txt.
fuzz: fuzz-corpus
	@: > build/fuzz-report.txt
	@for t in $(FUZZ_TARGETS); do \
	  echo "fuzz_$$t: $(FUZZ_RUNS) runs"; \
	  build/san/fuzz_$$t -runs=$(FUZZ_RUNS) -timeout=10 -rss_limit_mb=2048 -max_len=1048576 -print_final_stats=1 \
	    build/fuzz/$$t 2>&1 | grep -E "stat::number_of_executed_units|ERROR|Done" | tee -a build/fuzz-report.txt || exit 1; \
	done
	@echo "url-state (JS mutation fuzzer): $(FUZZ_RUNS) runs"
	@node --no-warnings tests/fuzz/url-state.fuzz.mjs $(FUZZ_RUNS) | tee -a build/fuzz-report.txt; exit $${PIPESTATUS[0]}

# In make test: the sanitized suite, then a short fuzz run of each target.
test-sanitize: sanitize
	ctest --preset san -j$(JOBS)
	@$(MAKE) fuzz FUZZ_RUNS=20000

# Per-estimate timings, native core and the wasm module (numbers printed, nothing asserted).
bench: native site node_modules/.package-lock.json
	build/native/runcheck_bench tests/bench/requests.json
	node tests/bench/wasm-bench.mjs
	node tests/bench/browser-bench.mjs

clean:
	rm -rf build

CXX_SOURCES = $(shell git ls-files '*.cpp' '*.h' 2>/dev/null || find core wasm tests -name '*.cpp' -o -name '*.h')
format:
	clang-format -i $(CXX_SOURCES)

# In make test: every C++ file as .clang-format (Google, column 100) formats it.
format-check: build/.deps-apt
	@clang-format --dry-run --Werror $(CXX_SOURCES) && echo "clang-format: $(words $(CXX_SOURCES)) files clean"

golden: native
	@for f in tests/golden/*.request.json; do \
	  build/native/runcheck raw --pretty < $$f > $${f%.request.json}.response.json; \
	  build/native/runcheck raw --text < $$f > $${f%.request.json}.txt; \
	  [ -s $${f%.request.json}.txt ] || rm -f $${f%.request.json}.txt; \
	done; echo "golden responses regenerated: review git diff tests/golden"

accuracy: native
	@node tools/accuracy.mjs build/native/runcheck $(or $(DATA),$(SHARED)/calibration/measurements.csv $(SHARED)/calibration/set_c.csv)

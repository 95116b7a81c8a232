# Strata — the two commands a user needs are `make test` and `make bench`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
SWIFT ?= swift
RUN_ID := $(shell date -u +%Y%m%dT%H%M%SZ)
RESULTS := results/$(RUN_ID)

.PHONY: all deps build release test test-trie-only bench bench-full bench-micro bench-docs bench-spatial stress stress-ci clean

all: build

deps:
	@scripts/install-deps.sh
	@command -v $(SWIFT) >/dev/null || { echo "error: swift not found (Swift 6.1 or newer is required)" >&2; exit 1; }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## The fast tests: every module, the conformance suite on every backend.
## A failing run ends by listing its failures again (with what they
## recorded), since a CI log often keeps only its last lines.
test: deps
	$(SWIFT) build --build-tests
	@mkdir -p .build
	@status=0; $(SWIFT) test --skip-build 2>&1 | tee .build/test-output.txt || status=$$?; \
	if [ $$status -ne 0 ]; then \
		echo "== make test failed ($$status); the failures, from .build/test-output.txt:"; \
		grep -E -A3 "^✘|Fatal error:|Crashed|[Ss]ignal [0-9]" .build/test-output.txt | cut -c1-400 | head -80; \
	fi; exit $$status

## The trie backend alone, as on a machine without the C libraries.
test-trie-only:
	$(SWIFT) build --disable-default-traits --scratch-path .build-trie-only --target StrataBackends

## The benchmark suite: every backend, embedded and over TCP, every family
## (store, document, spatial, YCSB A-F) plus db_bench reference rows when
## db_bench is installed. Writes results/<run id>/{report.json,report.md,
## report.html,ycsb.txt}, points results/latest at it, prints the summary.
## BENCH_ARGS adds or overrides options (e.g. BENCH_ARGS="--backend lmdb").
BENCH_DEFAULTS := --records 50000 --documents 5000 --objects 5000 --seconds 1.5 --ycsb recordcount=20000
REFERENCE = $$(command -v db_bench >/dev/null 2>&1 && echo --reference db_bench)
BENCH_ARGS ?=
bench: deps
	$(SWIFT) build -c release --product strata
	.build/release/strata bench $(BENCH_DEFAULTS) $(REFERENCE) --out $(RESULTS) $(BENCH_ARGS)

## The long run: 500,000 records, 3 repeats, every family, 1 and 4 threads.
bench-full: deps
	$(SWIFT) build -c release --product strata
	.build/release/strata bench --records 500000 --documents 50000 --objects 50000 --repeats 3 --threads 1 --threads 4 \
		--seconds 5 --ycsb recordcount=100000 $(REFERENCE) --out $(RESULTS) $(BENCH_ARGS)

## Store micro-benchmarks with package-benchmark (its own package in Benchmarks/).
## Each bench-* target touches Benchmarks/Package.swift first: an incremental
## build of that package does not see source files added to Strata (its path
## dependency) since its last manifest load, and fails with "cannot find ...
## in scope" until the manifest is newer than its build.
bench-micro: deps
	@mkdir -p $(RESULTS)
	cd Benchmarks && touch Package.swift && $(SWIFT) package --disable-sandbox benchmark --target StoreBenchmarks --no-progress 2>&1 | tee ../$(RESULTS)/store-benchmarks.txt

## Document micro-benchmarks with package-benchmark: BSON encode, decode and
## raw field access; 100k-record queries (full scan with filter, indexed
## equality, sorted top-200, covered projection, 1,000 lookups) on every backend.
bench-docs: deps
	@mkdir -p $(RESULTS)
	cd Benchmarks && touch Package.swift && $(SWIFT) package --disable-sandbox benchmark --target DocumentBenchmarks --no-progress 2>&1 | tee ../$(RESULTS)/document-benchmarks.txt

## Moving-object micro-benchmarks with package-benchmark: the R*-tree at 1M
## points (bulk load, insert, radius ~10 results, knn 10) and the tracker at
## 100k objects on every backend (upsert, nearby, knn).
bench-spatial: deps
	@mkdir -p $(RESULTS)
	cd Benchmarks && touch Package.swift && $(SWIFT) package --disable-sandbox benchmark --target SpatialBenchmarks --no-progress 2>&1 | tee ../$(RESULTS)/spatial-benchmarks.txt

## The store-level stress and race suite (StressTests/README.md): 500,000
## records of 1 KiB on every backend, race checks, crash recovery.
## Writes results/<run id>/report.{json,md}; exits non-zero on any violation.
stress: deps
	$(SWIFT) build -c release
	.build/release/strata stress --out $(RESULTS)
	@ln -sfn $(RUN_ID) results/latest

## The same suite at CI size.
stress-ci: deps
	$(SWIFT) build -c release
	.build/release/strata stress --records 100000 --seconds 3 --crash-cycles 5 --out $(RESULTS)
	@ln -sfn $(RUN_ID) results/latest

clean:
	rm -rf .build .build-trie-only Benchmarks/.build

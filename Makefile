# Strata — the two commands a user needs are `make test` and `make bench`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
SWIFT ?= swift
RUN_ID := $(shell date -u +%Y%m%dT%H%M%SZ)
RESULTS := results/$(RUN_ID)

.PHONY: all deps build release test test-trie-only bench stress stress-ci clean

all: build

deps:
	@scripts/install-deps.sh
	@command -v $(SWIFT) >/dev/null || { echo "error: swift not found (Swift 6.1 or newer is required)" >&2; exit 1; }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## The fast tests: every module, the conformance suite on every backend.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## The trie backend alone, as on a machine without the C libraries.
test-trie-only:
	$(SWIFT) build --disable-default-traits --scratch-path .build-trie-only --target StrataBackends

## Store micro-benchmarks on every backend (package-benchmark, release build).
## Writes the output to results/<run id>/ and points results/latest at it.
bench: deps
	@mkdir -p $(RESULTS)
	cd Benchmarks && $(SWIFT) package --disable-sandbox benchmark --target StoreBenchmarks --no-progress 2>&1 | tee ../$(RESULTS)/store-benchmarks.txt
	@ln -sfn $(RUN_ID) results/latest
	@echo "report: $(RESULTS)/store-benchmarks.txt"

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

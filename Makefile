# Strata — the two commands a user needs are `make test` and `make bench`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
SWIFT ?= swift
RUN_ID := $(shell date -u +%Y%m%dT%H%M%SZ)
RESULTS := results/$(RUN_ID)

.PHONY: all deps build release test test-trie-only bench clean

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

clean:
	rm -rf .build .build-trie-only Benchmarks/.build

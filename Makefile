# ASCEND SDK — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
PYTHON ?= python3

.PHONY: test lint rust-test conformance-index bench fmt

test: lint rust-test

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(PYTHON) tests/conformance/build_index.py --check

rust-test:
	$(CARGO) test --workspace

conformance-index:
	$(PYTHON) tests/conformance/build_index.py

fmt:
	$(CARGO) fmt --all

bench:
	$(CARGO) bench -p ascend-core

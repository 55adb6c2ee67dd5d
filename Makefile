# ASCEND SDK — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
PYTHON ?= python3

.PHONY: test lint rust-test conformance-index bench fmt demo

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

demo:
	@echo "make demo needs the local dev server ascend-dev (issue 6), which is not in this repository yet." >&2
	@exit 1

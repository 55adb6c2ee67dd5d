# Python targets; include from the root Makefile (`include bindings-python/python.mk`).
#   make python        .venv at the repo root with the release wheel installed (one release build per run)
#   make python-test   pytest (incl. conformance + guides), mypy --strict, stubtest, ruff
.PHONY: python python-test

python:
	bindings-python/build.sh

python-test: python
	bindings-python/test.sh

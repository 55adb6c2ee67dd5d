# Node targets; included from the root Makefile (`include bindings-node/node.mk`).
#   make node         builds the npm package ascend-sdk in bindings-node/ (addons, TypeScript, ESM + CJS entries)
#   make node-test    node --test (conformance, API, runtime rules, DevServer, guide example, consumer types, npm pack)
#   make node-bench   the evaluateAction round-trip benchmark (ours vs a plain undici client vs bare undici)
.PHONY: node node-test node-bench

NODE_PROFILE ?= release

node:
	NODE_PROFILE=$(NODE_PROFILE) bindings-node/build.sh

node-test: node
	$(CARGO) build -p ascend-mock-server -p ascend-devserver
	cd bindings-node && node --test --test-concurrency=2 __test__/

node-bench: node
	bash bench/node/run.sh

# Node targets; included from the root Makefile (`include bindings-node/node.mk`).
#   make node         builds the npm package ascend-sdk in bindings-node/ (addons, TypeScript, ESM + CJS entries);
#                     release profile unless NODE_PROFILE=dev
#   make node-test    node --test (conformance, API, runtime rules, DevServer, guide example, packaging); builds the
#                     addons with the dev profile, which reuses the debug dependencies `cargo test`/`clippy` built;
#                     under CI=true a skipped or todo test fails it (scripts/no_skips.sh)
#   make node-bench   the evaluateAction round-trip benchmark on a release build (ours vs plain undici vs bare undici)
.PHONY: node node-test node-bench

NODE_PROFILE ?= release

node:
	NODE_PROFILE=$(NODE_PROFILE) bindings-node/build.sh

node-test:
	NODE_PROFILE=dev bindings-node/build.sh
	$(CARGO) build -p ascend-mock-server -p ascend-devserver
	tap="$$(mktemp)"; trap 'rm -f "$$tap"' EXIT; \
	(cd bindings-node && node --test --test-concurrency=2 --test-reporter=spec --test-reporter-destination=stdout \
		--test-reporter=tap --test-reporter-destination="$$tap" __test__/) && bash scripts/no_skips.sh tap "$$tap"

node-bench:
	NODE_PROFILE=release bindings-node/build.sh
	bash bench/node/run.sh

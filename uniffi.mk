# UniFFI bindings (bindings-uniffi/): Kotlin/JVM and Swift. Included from the root Makefile.
#
#   make uniffi        build libascend_uniffi + the crate's own uniffi-bindgen, generate Kotlin and Swift,
#                      package the jar (bindings-uniffi/kotlin/target/ascend-sdk-0.1.0.jar, native lib inside)
#   make uniffi-test   the JUnit tests on a real JVM (conformance, guide, cancellation, Java facade; under CI=true a
#                      skipped test fails it, scripts/no_skips.sh) + the Swift
#                      checks (generation is deterministic, every .swift file parses with tree-sitter-swift)
#   make uniffi-bench  the JVM benchmark (release library)

UNIFFI_DIR      := bindings-uniffi
UNIFFI_KT       := $(UNIFFI_DIR)/kotlin
UNIFFI_SWIFT    := $(UNIFFI_DIR)/swift
UNIFFI_TARGET   := $(abspath $(or $(CARGO_TARGET_DIR),target))
UNIFFI_BINDGEN  := $(UNIFFI_TARGET)/debug/uniffi-bindgen
UNIFFI_ARCH     := $(shell uname -m | sed -e 's/x86_64/x86-64/' -e 's/aarch64/aarch64/')
UNIFFI_RES      := $(UNIFFI_KT)/generated/resources/linux-$(UNIFFI_ARCH)
MVN             ?= mvn
# The first run resolves plugins and dependencies from Maven Central into ~/.m2; later runs only read them.
UNIFFI_MVN      := $(MVN) -B -ntp -f $(UNIFFI_KT)/pom.xml -Dcargo.target=$(UNIFFI_TARGET)
UNIFFI_VENV     := $(UNIFFI_DIR)/.venv-swift

.PHONY: uniffi uniffi-native uniffi-kotlin uniffi-swift uniffi-test uniffi-kotlin-test uniffi-swift-test uniffi-bench

# One debug build of the library (shared with the workspace target dir) and of the test servers.
uniffi-native:
	$(CARGO) build -q -p ascend-uniffi --features bindgen --lib --bin uniffi-bindgen
	$(CARGO) build -q -p ascend-mock-server -p ascend-devserver

# $(1): the library to generate from; $(2): the Kotlin output directory.
define uniffi_gen_kotlin
	rm -rf $(2) && mkdir -p $(2)
	$(UNIFFI_BINDGEN) generate --library $(1) --language kotlin --no-format --out-dir $(2) >/dev/null
	python3 $(UNIFFI_DIR)/kotlin_lane_threads.py $(2)
endef

uniffi-kotlin: uniffi-native
	$(call uniffi_gen_kotlin,$(UNIFFI_TARGET)/debug/libascend_uniffi.so,$(UNIFFI_KT)/generated/kotlin)
	rm -rf $(UNIFFI_KT)/generated/resources && mkdir -p $(UNIFFI_RES)
	cp $(UNIFFI_TARGET)/debug/libascend_uniffi.so $(UNIFFI_RES)/

uniffi-swift: uniffi-native
	bash $(UNIFFI_DIR)/swift-gen.sh $(UNIFFI_BINDGEN) $(UNIFFI_TARGET)/debug/libascend_uniffi.a $(UNIFFI_SWIFT)

uniffi: uniffi-kotlin uniffi-swift
	$(UNIFFI_MVN) -q -DskipTests package

uniffi-test: uniffi-kotlin-test uniffi-swift-test

uniffi-kotlin-test: uniffi-kotlin
	rm -rf $(UNIFFI_KT)/target/surefire-reports
	$(UNIFFI_MVN) test
	bash scripts/no_skips.sh surefire $(UNIFFI_KT)/target/surefire-reports

# Deterministic generation (two runs, byte-identical) and a tree-sitter parse of every generated and example file.
uniffi-swift-test: uniffi-swift
	bash $(UNIFFI_DIR)/swift-gen.sh $(UNIFFI_BINDGEN) $(UNIFFI_TARGET)/debug/libascend_uniffi.a $(UNIFFI_SWIFT).again
	diff -r $(UNIFFI_SWIFT) $(UNIFFI_SWIFT).again
	rm -rf $(UNIFFI_SWIFT).again
	test -x $(UNIFFI_VENV)/bin/python || $(PYTHON) -m venv $(UNIFFI_VENV)
	$(UNIFFI_VENV)/bin/python -c "import tree_sitter, tree_sitter_swift" 2>/dev/null || \
		$(UNIFFI_VENV)/bin/pip install -q -r $(UNIFFI_DIR)/swift-check-requirements.txt
	$(UNIFFI_VENV)/bin/python $(UNIFFI_DIR)/swift_parse_check.py $(UNIFFI_SWIFT) examples/swift

# Sequential evaluateAction round trips vs a bare java.net.http keep-alive request, and prescore per call.
uniffi-bench:
	$(CARGO) build -q --release -p ascend-uniffi --lib
	$(CARGO) build -q --release -p ascend-mock-server
	$(call uniffi_gen_kotlin,$(UNIFFI_TARGET)/release/libascend_uniffi.so,$(UNIFFI_KT)/generated/kotlin)
	rm -rf $(UNIFFI_KT)/generated/resources && mkdir -p $(UNIFFI_RES)
	cp $(UNIFFI_TARGET)/release/libascend_uniffi.so $(UNIFFI_RES)/
	$(UNIFFI_MVN) test -Dtest=JvmBench -Dsurefire.failIfNoSpecifiedTests=false \
		-Dascend.mockServer=$(UNIFFI_TARGET)/release/ascend-mock-server

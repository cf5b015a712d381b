# memstripe: thin entry points. The build itself is CMake + Ninja.
#   make run    install what is missing, build, start the daemon with conf/ defaults
#   make test   install what is missing, build, run every test
SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc)
CONFIG ?= conf/memstripe.conf
CMAKE_FLAGS ?=

.PHONY: all deps build run test asan tsan fuzz fuzz-smoke bench compare compare-tls compare-clients compare-hits soak clean

all: build

deps:
	@.ci/deps

# Configures once (or when CMakeLists change, through Ninja), then builds what changed.
define cmake_build
	@if [ ! -f $(1)/build.ninja ]; then \
	  cmake -S . -B $(1) -G Ninja $(2) $(CMAKE_FLAGS) >/dev/null; fi
	@cmake --build $(1) -j $(JOBS) $(3)
endef

build: deps
	$(call cmake_build,$(BUILD),-DCMAKE_BUILD_TYPE=RelWithDebInfo)

run: build
	$(BUILD)/memstripe --config $(CONFIG)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# ASan+UBSan over the whole suite (g++).
asan: deps
	$(call cmake_build,build-asan,-DCMAKE_BUILD_TYPE=Asan)
	@cd build-asan && ctest --output-on-failure -j $(JOBS) -LE 'timing|clients' $(CTEST_ARGS)

# ThreadSanitizer (clang) over the concurrency and server tests. Those run two programs,
# the server and the storage concurrency tests: only they are built (the rest would double
# the build's time for nothing the run executes).
TSAN_BUILD_TARGETS = --target memstripe storage_concurrency_tests

tsan: deps
	$(call cmake_build,build-tsan,-DCMAKE_BUILD_TYPE=Tsan -DCMAKE_CXX_COMPILER=clang++,$(TSAN_BUILD_TARGETS))
	@cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  ctest --output-on-failure -j $(JOBS) -L 'concurrency|server' -LE 'timing|clients' $(CTEST_ARGS)

# libFuzzer (clang, ASan+UBSan) over the text parser, the meta parser, a whole
# connection in either protocol and a restart from a damaged memory file, one target after the other on one core (tests/fuzz/run.sh). `make fuzz` runs
# each for FUZZ_SECONDS from a random seed and keeps its corpus in build-fuzz/; fuzz-smoke
# is CI's reproducible run: FUZZ_SMOKE_RUNS executions each from a fixed seed over the
# kept corpus.
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_RUNS ?= 20000
FUZZ_BUILD_TARGETS = --target text_parser_fuzzer meta_parser_fuzzer session_fuzzer binary_session_fuzzer \
                     ascii_auth_session_fuzzer memory_file_fuzzer

fuzz: deps
	$(call cmake_build,build-fuzz,-DCMAKE_BUILD_TYPE=Fuzz -DCMAKE_CXX_COMPILER=clang++,$(FUZZ_BUILD_TARGETS))
	@tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: deps
	$(call cmake_build,build-fuzz,-DCMAKE_BUILD_TYPE=Fuzz -DCMAKE_CXX_COMPILER=clang++,$(FUZZ_BUILD_TARGETS))
	@tests/fuzz/run.sh --smoke build-fuzz $(FUZZ_SMOKE_RUNS) $(FUZZ_TARGETS)

# Google Benchmark microbenchmarks of the parser and the storage engine.
bench: build
	@for b in $(BUILD)/microbench/*_bench; do "$$b" $(BENCH_ARGS) || exit 1; done

# memstripe against memcached, TCP against the UNIX socket: bench/results/<date>/.
# COMPARE_ARGS=--quick for a fast check.
compare: build
	@bench/compare --no-build --build-dir $(BUILD) $(COMPARE_ARGS)

# memstripe -Z against memcached -Z (one certificate): 50 conns, 50 x pipeline 16,
# handshakes/s, memory per idle TLS connection, ssl_kernel_tls, and memtier --tls's cells
# when MEMTIER names it: bench/results/<date>-tls/. COMPARE_TLS_ARGS=--quick for a fast check.
compare-tls: build
	@bench/compare-tls --no-build --build-dir $(BUILD) $(COMPARE_TLS_ARGS)

# The seed's get benchmark through every client in every language (Python, PHP, Ruby, Go,
# Java, Node.js), both servers, both transports: bench/results/<date>-clients/.
# COMPARE_CLIENTS_ARGS=--quick for a fast check.
# Builds only the server (bench/compare-clients does), not the whole tree.
compare-clients: deps
	@bench/compare-clients --build-dir $(BUILD) $(COMPARE_CLIENTS_ARGS)

# memstripe's hit ratio against memcached's, cache-aside, at -m 16, 64 and 256, each workload
# (Zipf 0.9 and 0.99, with and without one-hit wonders, a scan), servers alternated, 3 runs:
# bench/results/<date>-hits/. COMPARE_HITS_ARGS=--quick for a fast check.
compare-hits: build
	@bench/compare-hits --no-build --build-dir $(BUILD) $(COMPARE_HITS_ARGS)

# memstripe-soak against memstripe and, for comparison, memcached at the same -m (16):
# many connections over both transports, values of 0 B to 1 MiB that check themselves;
# prints reads checked, corrupt reads, protocol errors and both servers' RSS.
# Then 20 SIGKILLs of memstripe -e under a self-checking load, each followed by a restart on
# the same memory file and a read-back of every key (tests/server/crash_load.py).
SOAK_SECONDS ?= 180
SOAK_KILLS ?= 20
soak: build
	@bench/soak/run_soak.py --build-dir $(BUILD) --seconds $(SOAK_SECONDS) $(SOAK_ARGS)
	@/usr/bin/python3 tests/server/crash_load.py --kills $(SOAK_KILLS) --binary $(BUILD)/memstripe

clean:
	rm -rf build build-asan build-tsan build-fuzz

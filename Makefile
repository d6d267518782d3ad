# tracekit — the front door. Every public target first makes sure the Debian packages it needs are
# present (scripts/install-deps.sh, idempotent), then runs the real rules in mk/build.mk.
#
#   make            build build/tracekit
#   make check      build and run every test (unit + CLI) through one prove run
#   make asan       the whole suite under AddressSanitizer + UBSan, in build-asan/
#   make fuzz       build the libFuzzer harnesses and run each for FUZZ_TIME seconds
#   make demo       trace the demo HTTP server under load; results in demo-out/
#   make bench      run the side-by-side benchmarks in bench/
#   V=1             show full command lines;  B=DIR  build somewhere else than build/
B ?= build
export V
# The build runs in parallel (one job per CPU); the test suite itself runs serially through prove.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SUB = $(MAKE) --no-print-directory -j$(JOBS) -f mk/build.mk

.PHONY: all check asan fuzz demo bench deps deps-build clean
all: deps-build
	@$(SUB) B=$(B) all
check: deps
	@$(SUB) B=$(B) check
asan: deps
	@$(SUB) B=build-asan SAN=1 check
fuzz: deps
	@$(SUB) B=build-fuzz FUZZ=1 fuzz
demo: deps-build
	@$(SUB) B=$(B) demo
bench: deps
	@$(SUB) B=$(B) bench
deps:
	@scripts/install-deps.sh all
deps-build:
	@scripts/install-deps.sh build
clean:
	rm -rf build build-asan build-fuzz

#!/bin/sh
# Install the Debian packages tracekit's build and tests need, only those missing.
# Idempotent: when everything is present it prints nothing and exits 0 at once.
set -eu

# build: compilers, BPF toolchain, libraries
BUILD="gcc make pkg-config python3 clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev
       libtraceevent-dev libtracefs-dev libcmocka-dev"
# tests and benches: oracles (strace, perf, trace-cmd), TAP runners, fuzzing runtime
TEST="bats curl strace linux-perf trace-cmd libclang-rt-14-dev protobuf-compiler wrk
      chromium chromium-driver"

case "${1:-all}" in
build) WANT="$BUILD" ;;
*) WANT="$BUILD $TEST" ;;
esac

missing=""
for p in $WANT; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: need root to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || apt-get update
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"

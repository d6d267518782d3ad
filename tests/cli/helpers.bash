# Shared bats helpers. run.sh exports TRACEKIT (the binary), TK_BUILD (build dir), TK_SRC (source).
: "${TK_SRC:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${TK_BUILD:=$TK_SRC/build}"
: "${TRACEKIT:=$TK_BUILD/tracekit}"
PROGS="$TK_BUILD/tests/progs"

# TK_TRACE_BACKEND=bpf|ptrace runs every `tk trace` with that backend (trace-bpf.bats replays the
# trace tests under each backend that way).
tk() {
	if [ "${1:-}" = trace ] && [ -n "${TK_TRACE_BACKEND:-}" ]; then
		shift
		"$TRACEKIT" trace --backend "$TK_TRACE_BACKEND" "$@"
	else
		"$TRACEKIT" "$@"
	fi
}

# Skip unless root (tests that touch the kernel's tracing state need it).
require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

# Whether doctor finds a kernel feature (a doctor --json key) working.
feature_ok() {
	[ "$("$TRACEKIT" doctor --json | python3 -c "import json,sys; print(json.load(sys.stdin)['checks']['$1']['ok'])")" = True ]
}

# Skip unless `tracekit doctor` reports a check as usable: require_feature bpf|uprobes|...
require_feature() {
	local key=$1
	feature_ok "$key" || skip "kernel feature '$key' unavailable: $("$TRACEKIT" doctor --json | python3 -c "import json,sys; print(json.load(sys.stdin)['checks']['$key']['detail'])")"
}

# Skip unless a command is on PATH.
require_cmd() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"
}

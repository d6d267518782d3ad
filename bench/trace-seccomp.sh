#!/bin/bash
# Syscall tracing overhead: `dd if=/dev/zero of=/dev/null bs=1 count=200000` (about 400k syscalls)
# bare, under `tracekit trace` (ptrace backend) and under strace, interleaved in one run; median
# wall time of RUNS runs each, printed with ratios to bare. Then the same with `-e trace=openat`,
# with and without the seccomp-bpf prefilter, to show what the prefilter saves: syscalls nobody
# asked for never stop the tracee. The prefilter needs -f (a child not followed would inherit a
# filter with no tracer behind it), in tracekit as in strace, so the openat runs use -f.
# (bench/trace-overhead.sh compares the eBPF backend, ptrace, strace and perf trace on full traces.)
#   B=build bench/trace-seccomp.sh        (TRACE_BENCH_RUNS=3 TRACE_BENCH_COUNT=200000)
set -euo pipefail
B=${B:-build}
RUNS=${TRACE_BENCH_RUNS:-3}
COUNT=${TRACE_BENCH_COUNT:-200000}
TK=$B/tracekit
command -v strace >/dev/null || { echo "bench/trace-seccomp.sh: strace is not installed (scripts/install-deps.sh)" >&2; exit 1; }
[ -x "$TK" ] || { echo "bench/trace-seccomp.sh: $TK is not built (make)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
WORK=(dd if=/dev/zero of=/dev/null bs=1 count="$COUNT")

# wall seconds of one run of "$@" (all output discarded)
wall() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" > /dev/null 2>&1
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A CASES=(
	[bare]="${WORK[*]}"
	[tracekit]="$TK trace --backend ptrace -o /dev/null -- ${WORK[*]}"
	[strace]="strace -o /dev/null -- ${WORK[*]}"
	[tracekit_openat]="$TK trace --backend ptrace -f -e trace=openat -o /dev/null -- ${WORK[*]}"
	[tracekit_openat_noseccomp]="$TK trace --backend ptrace -f --no-seccomp-bpf -e trace=openat -o /dev/null -- ${WORK[*]}"
	[strace_openat]="strace -e trace=openat -o /dev/null -- ${WORK[*]}"
	[strace_openat_seccomp]="strace -f --seccomp-bpf -e trace=openat -o /dev/null -- ${WORK[*]}"
)
ORDER=(bare tracekit strace tracekit_openat tracekit_openat_noseccomp strace_openat strace_openat_seccomp)

# the counts must agree before timing means anything
tk_calls=$("$TK" trace --backend ptrace -c -o "$TMP/c" -- "${WORK[@]}" 2>/dev/null; awk '$NF == "write" { print $4 }' "$TMP/c")
st_calls=$(strace -c -o "$TMP/s" -- "${WORK[@]}" 2>/dev/null; awk '$NF == "write" { print $4 }' "$TMP/s")
echo "write calls seen: tracekit $tk_calls, strace $st_calls"

for r in $(seq "$RUNS"); do
	for c in "${ORDER[@]}"; do
		# shellcheck disable=SC2086
		wall ${CASES[$c]} >> "$TMP/$c"
	done
done
for c in "${ORDER[@]}"; do
	median < "$TMP/$c" > "$TMP/$c.med"
done
bare=$(cat "$TMP/bare.med")
printf '%-34s %9s %9s\n' "dd bs=1 count=$COUNT (median of $RUNS)" seconds "x bare"
for c in "${ORDER[@]}"; do
	m=$(cat "$TMP/$c.med")
	awk -v n="$c" -v m="$m" -v b="$bare" 'BEGIN { printf "%-34s %9.3f %8.2fx\n", n, m, m / b }'
done
awk -v tk="$(cat "$TMP/tracekit.med")" -v st="$(cat "$TMP/strace.med")" \
    -v tko="$(cat "$TMP/tracekit_openat.med")" -v tkn="$(cat "$TMP/tracekit_openat_noseccomp.med")" \
    -v sto="$(cat "$TMP/strace_openat.med")" -v sts="$(cat "$TMP/strace_openat_seccomp.med")" 'BEGIN {
	printf "tracekit / strace, all syscalls:            %.2f\n", tk / st
	printf "tracekit -e trace=openat: prefilter saves   %.1fx (%.3fs -> %.3fs)\n", tkn / tko, tkn, tko
	printf "strace   -e trace=openat: --seccomp-bpf saves %.1fx (%.3fs -> %.3fs)\n", sto / sts, sto, sts
	printf "tracekit -e trace=openat / strace --seccomp-bpf -e trace=openat: %.2f\n", tko / sts
}'

#!/bin/bash
# The cost of tracing every syscall of a syscall-heavy job (dd bs=1: ~400k syscalls), each tracer
# side by side in one run, as ratios to the bare job: tracekit on eBPF (full decoded output to a
# file; -c counted in the kernel), tracekit on ptrace, strace, perf trace. Median of N rounds; the
# tracers take turns within a round so machine noise hits them alike. Lost events are reported.
#   B=build bench/trace-overhead.sh      (N=5 COUNT=200000 to change the shape)
set -euo pipefail
B=${B:-build}
N=${N:-3}
COUNT=${COUNT:-200000}
TK="$B/tracekit"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
JOB=(dd if=/dev/zero of=/dev/null bs=1 count="$COUNT")

secs() { local s e; s=$(date +%s%N); "$@" > /dev/null 2> "$TMP/stderr" || true; e=$(date +%s%N); echo $(((e - s) / 1000)); }
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

declare -A T
names=(bare ebpf ebpf_c ptrace strace perf_trace)
lost=0
for round in $(seq "$N"); do
	echo "round $round of $N ..." >&2
	T[bare]+=" $(secs "${JOB[@]}")"
	T[ebpf]+=" $(secs "$TK" trace --backend bpf -o "$TMP/ebpf.out" -- "${JOB[@]}")"
	l=$(sed -n 's/^tracekit trace: \([0-9]*\) events lost$/\1/p' "$TMP/stderr")
	lost=$((lost + ${l:-0}))
	lines=$(grep -c . "$TMP/ebpf.out")
	T[ebpf_c]+=" $(secs "$TK" trace --backend bpf -c -o "$TMP/ebpf_c.out" -- "${JOB[@]}")"
	T[ptrace]+=" $(secs "$TK" trace --backend ptrace -o "$TMP/ptrace.out" -- "${JOB[@]}")"
	if command -v strace > /dev/null; then
		T[strace]+=" $(secs strace -o "$TMP/strace.out" -- "${JOB[@]}")"
	fi
	if command -v perf > /dev/null; then
		T[perf_trace]+=" $(secs perf trace -o "$TMP/perf.out" -- "${JOB[@]}")"
	fi
done
bare=$(echo ${T[bare]} | tr ' ' '\n' | med)
printf 'workload: dd if=/dev/zero of=/dev/null bs=1 count=%s, median of %s rounds\n' "$COUNT" "$N"
for n in "${names[@]}"; do
	[ -n "${T[$n]:-}" ] || { printf '%-34s not installed\n' "$n"; continue; }
	m=$(echo ${T[$n]} | tr ' ' '\n' | med)
	case $n in
	bare) label="bare" ;;
	ebpf) label="tracekit eBPF, full output to file" ;;
	ebpf_c) label="tracekit eBPF -c (in-kernel)" ;;
	ptrace) label="tracekit ptrace, full output" ;;
	strace) label="strace, full output" ;;
	perf_trace) label="perf trace (live)" ;;
	esac
	awk -v l="$label" -v m="$m" -v b="$bare" 'BEGIN {printf "%-36s %8.3f s  %6.2fx\n", l, m / 1e6, m / b}'
done
printf 'tracekit eBPF: %s lines in the last trace, %s events lost over %s runs (targets: full <= 1.5x, -c <= 1.25x, no loss)\n' \
	"$lines" "$lost" "$N"

#!/bin/bash
# The cost of tracing every syscall of a syscall-heavy job (dd bs=1: ~400k syscalls), each tracer
# side by side in one run, as ratios to the bare job: tracekit on eBPF (full decoded output to a
# file; -c counted in the kernel), tracekit on ptrace, strace, perf trace. Median of N rounds; the
# tracers take turns within a round so machine noise hits them alike. Lost events are reported.
# Beside wall time, the CPU time (user+sys) of tracer and job together: a busy machine stretches
# wall time but not CPU time; the eBPF programs run in the job's system time, the reader in the
# tracer's.
#   B=build bench/trace-overhead.sh      (N=7 COUNT=200000 to change the shape;
#                                         ONLY="ebpf ebpf_c" to run only those beside bare)
set -euo pipefail
B=${B:-build}
N=${N:-5}
COUNT=${COUNT:-200000}
ONLY=${ONLY:-}
TK="$B/tracekit"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# The job runs on one CPU in every variant (the last one unless JOB_CPU=N, or JOB_CPU=any): on this
# VM's two CPUs the same dd takes 0.50 s on one and 0.61 s on the other, so where the scheduler put
# it moved the ratios by ~0.3x from run to run. The tracers themselves run where they like.
JOB_CPU=${JOB_CPU:-$(($(nproc) - 1))}
JOB=(dd if=/dev/zero of=/dev/null bs=1 count="$COUNT")
[ "$JOB_CPU" = any ] || JOB=(taskset -c "$JOB_CPU" "${JOB[@]}")

# wall µs and CPU ms (user+sys, the command and the children it waited for) of one run
run() {
	local s e
	s=$(date +%s%N)
	/usr/bin/time -f '%U %S' -o "$TMP/cpu" "$@" > /dev/null 2> "$TMP/stderr" || true
	e=$(date +%s%N)
	echo "$(((e - s) / 1000)) $(awk 'END {printf "%d", ($1 + $2) * 1000}' "$TMP/cpu")"
}
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
want() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A T C
names=(bare ebpf ebpf_c ptrace strace perf_trace)
lost=0
lines=0
add() {
	local w c
	read -r w c < <(run "${@:2}")
	T[$1]+=" $w"
	C[$1]+=" $c"
}
for round in $(seq "$N"); do
	echo "round $round of $N ..." >&2
	add bare "${JOB[@]}"
	if want ebpf; then
		add ebpf "$TK" trace --backend bpf -o "$TMP/ebpf.out" -- "${JOB[@]}"
		l=$(sed -n 's/^tracekit trace: \([0-9]*\) events lost$/\1/p' "$TMP/stderr")
		lost=$((lost + ${l:-0}))
		lines=$(grep -c . "$TMP/ebpf.out")
	fi
	want ebpf_c && add ebpf_c "$TK" trace --backend bpf -c -o "$TMP/ebpf_c.out" -- "${JOB[@]}"
	want ptrace && add ptrace "$TK" trace --backend ptrace -o "$TMP/ptrace.out" -- "${JOB[@]}"
	if want strace && command -v strace > /dev/null; then
		add strace strace -o "$TMP/strace.out" -- "${JOB[@]}"
	fi
	if want perf_trace && command -v perf > /dev/null; then
		add perf_trace perf trace -o "$TMP/perf.out" -- "${JOB[@]}"
	fi
done
bare=$(echo ${T[bare]} | tr ' ' '\n' | med)
bare_cpu=$(echo ${C[bare]} | tr ' ' '\n' | med)
printf 'workload: dd if=/dev/zero of=/dev/null bs=1 count=%s on CPU %s, median of %s rounds; load before: %s\n' \
	"$COUNT" "$JOB_CPU" "$N" "$load_before"
printf '%-36s %10s %8s %10s %8s\n' "" wall ratio "cpu(u+s)" ratio
for n in "${names[@]}"; do
	want "$n" || [ "$n" = bare ] || continue
	[ -n "${T[$n]:-}" ] || { printf '%-36s not installed\n' "$n"; continue; }
	m=$(echo ${T[$n]} | tr ' ' '\n' | med)
	c=$(echo ${C[$n]} | tr ' ' '\n' | med)
	case $n in
	bare) label="bare" ;;
	ebpf) label="tracekit eBPF, full output to file" ;;
	ebpf_c) label="tracekit eBPF -c (in-kernel)" ;;
	ptrace) label="tracekit ptrace, full output" ;;
	strace) label="strace, full output" ;;
	perf_trace) label="perf trace (live)" ;;
	esac
	awk -v l="$label" -v m="$m" -v b="$bare" -v c="$c" -v bc="$bare_cpu" 'BEGIN {
		printf "%-36s %8.3f s  %6.2fx %8.3f s  %6.2fx\n", l, m / 1e6, m / b, c / 1e3, bc ? c / bc : 0 }'
done
if want ebpf; then
	printf 'tracekit eBPF: %s lines in the last trace, %s events lost over %s runs (targets: full <= 1.5x, -c <= 1.25x, no loss)\n' \
		"$lines" "$lost" "$N"
fi
printf 'load after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

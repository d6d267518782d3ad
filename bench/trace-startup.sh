#!/bin/bash
# Start-to-attached of `tracekit trace`: the traced command (`date +%s%N`) prints the time it starts,
# which is only after the tracer has attached; minus the time the same command takes to start when
# run bare. Median of N paired runs, for the eBPF and the ptrace backend. Target (issue #4): 20 ms.
#   B=build bench/trace-startup.sh      (N=21 to change the number of runs)
set -euo pipefail
B=${B:-build}
N=${N:-21}
TK="$B/tracekit"
# microseconds from just before the launch to the moment the command reports it runs
lat() { local s c; s=$(date +%s%N); c=$("$@" 2>/dev/null | tail -1); echo $(((c - s) / 1000)); }
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
bare=() bpf=() pt=()
for _ in $(seq "$N"); do
	bare+=("$(lat date +%s%N)")
	bpf+=("$(lat "$TK" trace --backend bpf -e trace=none -o /dev/null -- date +%s%N)")
	pt+=("$(lat "$TK" trace --backend ptrace -e trace=none -o /dev/null -- date +%s%N)")
done
# CPU time (user+sys, tracekit and command) of a whole `-e trace=none -- true`: on a busy machine
# wall times stretch with the run queue, this does not; it includes the teardown
cpu() { local TIMEFORMAT='%3U %3S' t; t=$({ time "$@" > /dev/null 2>&1; } 2>&1); echo "$t" | awk '{print int(($1 + $2) * 1000000)}'; }
cb=() cp=()
for _ in $(seq "$N"); do
	cb+=("$(cpu "$TK" trace --backend bpf -e trace=none -o /dev/null -- true)")
	cp+=("$(cpu "$TK" trace --backend ptrace -e trace=none -o /dev/null -- true)")
done
b=$(printf '%s\n' "${bare[@]}" | med)
ce=$(printf '%s\n' "${cb[@]}" | med)
cq=$(printf '%s\n' "${cp[@]}" | med)
e=$(printf '%s\n' "${bpf[@]}" | med)
p=$(printf '%s\n' "${pt[@]}" | med)
awk -v b="$b" -v e="$e" -v p="$p" -v ce="$ce" -v cq="$cq" 'BEGIN {
	printf "command start, bare                 %7.1f ms\n", b / 1000
	printf "start-to-attached, eBPF backend     %7.1f ms   (target <= 20 ms)\n", (e - b) / 1000
	printf "start-to-attached, ptrace backend   %7.1f ms\n", (p - b) / 1000
	printf "CPU of a whole trace of true, eBPF  %7.1f ms   (load, verify, attach, run, tear down)\n", ce / 1000
	printf "CPU of a whole trace of true, ptrace%7.1f ms\n", cq / 1000
}'

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
b=$(printf '%s\n' "${bare[@]}" | med)
e=$(printf '%s\n' "${bpf[@]}" | med)
p=$(printf '%s\n' "${pt[@]}" | med)
awk -v b="$b" -v e="$e" -v p="$p" 'BEGIN {
	printf "command start, bare                 %7.1f ms\n", b / 1000
	printf "start-to-attached, eBPF backend     %7.1f ms   (target <= 20 ms)\n", (e - b) / 1000
	printf "start-to-attached, ptrace backend   %7.1f ms\n", (p - b) / 1000
}'

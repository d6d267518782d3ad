#!/bin/bash
# How long `tracekit trace` takes to start and to finish, eBPF and ptrace backends side by side.
# Target (issue #4): start-to-attached <= 20 ms. Every number is the median of N runs; each run of
# a measure alternates the backends, so load that comes and goes hits both alike.
#
#  A  first output of a traced `date +%s%N` minus that of a bare one: what a user waits for, from
#     typing the command to the command running. It includes tracekit's own exec and dynamic
#     linking, and the command's start under tracing; the bare `date`'s own start is subtracted.
#  B  tracekit's execve -> the traced command's execve, both on one clock: the shell writes the
#     time (bash's $EPOCHREALTIME, microseconds, no fork) right before it execs tracekit, and
#     `trace -ttt` prints when the command's execve happened (eBPF: the kernel's timestamp at
#     the syscall's entry; ptrace: at its entry stop). This is start-to-attached itself.
#  C  the command's exit_group (its -ttt time) -> tracekit gone: noticing the end, draining,
#     detaching and freeing everything (the teardown).
#  D  wall time of a whole `trace -e trace=none -o /dev/null -- true`.
#  E  CPU time (user+sys of tracekit and the command) of the same: on a busy machine wall times
#     stretch with the run queue, this does not.
#   B=build bench/trace-startup.sh      (N=21 to change the number of runs)
set -euo pipefail
B=${B:-build}
N=${N:-21}
TK="$B/tracekit"
[[ -n ${EPOCHREALTIME:-} ]] || { echo "trace-startup: needs bash 5 (\$EPOCHREALTIME)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
BACKENDS=(bpf ptrace)
# microseconds from just before the launch to the moment the command reports it runs
lat() { local s c; s=$(date +%s%N); c=$("$@" 2>/dev/null | tail -1); echo $(((c - s) / 1000)); }
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
# seconds.microseconds (as $EPOCHREALTIME and -ttt print them) -> microseconds
usec() { echo "${1/./}"; }
# B and C of one run: "<execve - tracekit's exec> <tracekit's end - exit_group>", microseconds
phases() {
	local be=$1 s e x g
	(
		echo "$EPOCHREALTIME" > "$tmp/start"
		exec "$TK" trace --backend "$be" -ttt -e trace=execve,exit_group -o "$tmp/ph" -- true
	)
	e=$EPOCHREALTIME
	s=$(< "$tmp/start")
	x=$(awk '/ execve\(/ {print $1; exit}' "$tmp/ph")
	g=$(awk '/ exit_group\(/ {print $1; exit}' "$tmp/ph")
	[[ -n $x && -n $g ]] || { echo "trace-startup: no execve/exit_group line from $be:" >&2; cat "$tmp/ph" >&2; exit 1; }
	echo "$(($(usec "$x") - $(usec "$s"))) $(($(usec "$e") - $(usec "$g")))"
}
wall() { local s; s=$EPOCHREALTIME; "$@" > /dev/null 2>&1; echo $(($(usec "$EPOCHREALTIME") - $(usec "$s"))); }
cpu() { local TIMEFORMAT='%3U %3S' t; t=$({ time "$@" > /dev/null 2>&1; } 2>&1); echo "$t" | awk '{print int(($1 + $2) * 1000000)}'; }

echo "load: $(uptime | sed 's/.*load average/load average/')"
: > "$tmp/bare"
for _ in $(seq "$N"); do
	lat date +%s%N >> "$tmp/bare"
	for be in "${BACKENDS[@]}"; do
		lat "$TK" trace --backend "$be" -e trace=none -o /dev/null -- date +%s%N >> "$tmp/A.$be"
		read -r b c < <(phases "$be")
		echo "$b" >> "$tmp/B.$be"
		echo "$c" >> "$tmp/C.$be"
		wall "$TK" trace --backend "$be" -e trace=none -o /dev/null -- true >> "$tmp/D.$be"
		cpu "$TK" trace --backend "$be" -e trace=none -o /dev/null -- true >> "$tmp/E.$be"
	done
done
bare=$(med < "$tmp/bare")
m() { med < "$tmp/$1.$2"; }
printf '%-58s %9s %9s\n' "median of $N runs, ms" eBPF ptrace
row() { awk -v l="$1" -v e="$2" -v p="$3" -v x="${4:-}" 'BEGIN {printf "%-58s %9.1f %9.1f   %s\n", l, e / 1000, p / 1000, x}'; }
row "A  first output of traced date minus bare ($((bare / 1000)).$((bare % 1000 / 100)) ms)" \
	$(($(m A bpf) - bare)) $(($(m A ptrace) - bare)) "(target <= 20 ms)"
row "B  tracekit's execve -> traced command's execve" "$(m B bpf)" "$(m B ptrace)" "(start-to-attached)"
row "C  command's exit_group -> tracekit gone" "$(m C bpf)" "$(m C ptrace)" "(teardown)"
row "D  wall of a whole trace of true" "$(m D bpf)" "$(m D ptrace)"
row "E  CPU of a whole trace of true (user+sys)" "$(m E bpf)" "$(m E ptrace)"

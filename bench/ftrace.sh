#!/bin/bash
# Tracepoint recording, side by side in one run: tracekit ftrace record vs perf record vs trace-cmd
# record, on a syscall-heavy load (dd with 1-byte blocks: two syscalls per byte) plus the
# scheduler events. Prints events recorded, events lost, events/s over the traced run, and the wall
# time of each run over the bare workload.
#   COUNT=200000 (bytes dd copies)   BUFKB=8192 (per-CPU ring buffer for tracekit)
set -eu
B=${B:-build}
TK=$(cd "$B" && pwd)/tracekit
COUNT=${COUNT:-200000}
BUFKB=${BUFKB:-8192}
EVENTS="raw_syscalls:* sched:sched_switch sched:sched_wakeup"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ "$(id -u)" = 0 ] || { echo "bench/ftrace.sh: needs root"; exit 1; }

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }
workload() { dd if=/dev/zero of=/dev/null bs=1 count="$COUNT" 2>/dev/null; }

t0=$(now); workload; t1=$(now)
bare=$(elapsed "$t0" "$t1")

# --- tracekit ---
tk_args=()
for e in $EVENTS; do tk_args+=(-e "$e"); done
t0=$(now)
"$TK" ftrace record -b "$BUFKB" "${tk_args[@]}" -o "$tmp/tk.dat" -- dd if=/dev/zero of=/dev/null bs=1 count="$COUNT" 2>"$tmp/tk.err"
t1=$(now)
tk_wall=$(elapsed "$t0" "$t1")
read -r tk_events tk_lost < <("$TK" ftrace report --json "$tmp/tk.dat" 2>/dev/null | tail -1 | python3 -c '
import json, sys
s = json.load(sys.stdin)["summary"]["cpus"]
print(sum(c["events"] for c in s), sum(c["overrun"] + c["dropped"] + c["missed"] for c in s))')

# --- perf record (the anchor that works on this kernel) ---
perf_args=()
for e in $EVENTS; do perf_args+=(-e "$e"); done
t0=$(now)
perf record -q "${perf_args[@]}" -o "$tmp/perf.data" -- dd if=/dev/zero of=/dev/null bs=1 count="$COUNT" 2>"$tmp/perf.err" || true
t1=$(now)
perf_wall=$(elapsed "$t0" "$t1")
perf_events=$(perf report -i "$tmp/perf.data" --stats 2>/dev/null | awk '/SAMPLE events:/ { print $3; exit }')
perf_lost=$(perf report -i "$tmp/perf.data" --stats 2>/dev/null | awk '/LOST events:/ { print $3; exit }')
perf_events=${perf_events:-0}; perf_lost=${perf_lost:-0}

# --- trace-cmd record (Debian 3.1.6): refused on this kernel, shown as such ---
tc_inst="tcbench-$$"
tc_args=()
for e in $EVENTS; do tc_args+=(-e "$e"); done
t0=$(now)
if trace-cmd record -B "$tc_inst" "${tc_args[@]}" -o "$tmp/tc.dat" -- dd if=/dev/zero of=/dev/null bs=1 count="$COUNT" \
	>"$tmp/tc.out" 2>&1; then
	tc_ok=1
else
	tc_ok=0
fi
t1=$(now)
tc_wall=$(elapsed "$t0" "$t1")
# trace-cmd leaves its instance behind when it fails: remove it, wherever tracefs is mounted
for d in $(awk '$3 == "tracefs" { print $2 }' /proc/mounts | sed "s|\$|/instances/$tc_inst|"); do
	[ -d "$d" ] || continue
	echo 0 > "$d/events/enable" 2>/dev/null || true
	rmdir "$d" 2>/dev/null || true
done

rate() { echo "$1 / $2" | bc -l | xargs printf '%.0f'; }
printf 'workload: dd bs=1 count=%s (%s syscalls), events: %s\n' "$COUNT" "$((COUNT * 2))" "$EVENTS"
printf '%-28s %10s %10s %8s %12s %9s\n' tool events lost wall_s events/s vs_bare
printf '%-28s %10s %10s %8.2f %12s %9s\n' bare - - "$bare" - 1.00x
printf '%-28s %10s %10s %8.2f %12s %8.2fx\n' "tracekit ftrace record" "$tk_events" "$tk_lost" "$tk_wall" \
	"$(rate "$tk_events" "$tk_wall")" "$(echo "$tk_wall / $bare" | bc -l)"
printf '%-28s %10s %10s %8.2f %12s %8.2fx\n' "perf record" "$perf_events" "$perf_lost" "$perf_wall" \
	"$(rate "$perf_events" "$perf_wall")" "$(echo "$perf_wall / $bare" | bc -l)"
if [ "$tc_ok" = 1 ]; then
	tc_events=$(trace-cmd report -i "$tmp/tc.dat" 2>/dev/null | grep -c ': ' || true)
	printf '%-28s %10s %10s %8.2f %12s %8.2fx\n' "trace-cmd record" "$tc_events" "?" "$tc_wall" \
		"$(rate "$tc_events" "$tc_wall")" "$(echo "$tc_wall / $bare" | bc -l)"
else
	printf '%-28s %s\n' "trace-cmd record" "FAILED on this kernel: $(grep -m1 -iE 'error|fail|denied|permit' "$tmp/tc.out" || head -1 "$tmp/tc.out")"
fi
printf 'ratio tracekit/perf: wall %.2fx, events/s %.2fx\n' "$(echo "$tk_wall / $perf_wall" | bc -l)" \
	"$(echo "($tk_events / $tk_wall) / ($perf_events / $perf_wall)" | bc -l)"

# Helpers for the tracefs command tests (tp, ftrace, probe). Every assertion is about the tracekit
# process the test started (its pid names its instance tracekit-PID and probe group tracekit_PID):
# other suites may run tracekit at the same time.
T=/sys/kernel/tracing

# Where tracefs is mounted (the canonical place when mounted twice), like tk_tracefs_find().
tracefs_dir() {
	awk '$3 == "tracefs" { d = $2; if (d == "/sys/kernel/tracing") { print d; found = 1; exit } }
	     END { if (!found && d) print d }' /proc/mounts
}

# Needs root and tracefs (tracekit mounts it). An open file in tracefs keeps it mounted for the
# rest of the test: other suites (doctor's) unmount it to test mounting when nothing holds it.
require_tracefs() {
	require_root
	"$TRACEKIT" tp list sched:sched_switch >/dev/null 2>&1 || skip "tracefs unavailable"
	T=$(tracefs_dir)
	[ -n "$T" ] || skip "tracefs unavailable"
	exec 8<"$T/README"
}

# The top-level files tracekit must never change.
top_snapshot() {
	local f
	for f in set_event current_tracer tracing_on set_event_pid buffer_size_kb trace_clock; do
		printf '%s=%s\n' "$f" "$(cat "$T/$f" 2>/dev/null | md5sum)"
	done
}

# No instance and no probe group of this pid is left.
assert_nothing_left_of() {
	local pid=$1
	[ ! -e "$T/instances/tracekit-$pid" ] || { echo "instance tracekit-$pid left"; return 1; }
	[ ! -e "$T/events/tracekit_$pid" ] || { echo "probe group tracekit_$pid left"; return 1; }
	! grep -q "tracekit_$pid/" "$T/uprobe_events" || { echo "uprobe of $pid left"; return 1; }
}

# No tracekit instance or probe group whose owner is dead (what a failed command could leave).
assert_no_stale() {
	local d pid
	for d in "$T"/instances/tracekit-* "$T"/events/tracekit_*; do
		[ -e "$d" ] || continue
		pid=${d##*tracekit[-_]}
		if ! grep -qs '^tracekit' "/proc/$pid/comm"; then
			echo "stale: $d"
			return 1
		fi
	done
}

# Wait until a background tracekit's instance exists and tracing is on (or it died).
wait_armed() {
	local pid=$1 i
	for i in $(seq 1 100); do
		[ "$(cat "$T/instances/tracekit-$pid/tracing_on" 2>/dev/null)" = 1 ] && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# Teardown for tests that start tracekit in the background: kill it, then remove what the kill
# left (the instance stops tracing by itself through disable_on_free; the directory and probes
# are only removed by a later tracekit, so sweep here).
cleanup_bg() {
	local pid=${BG_PID:-}
	[ -n "$pid" ] || return 0
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if [ -d "$T/instances/tracekit-$pid" ]; then
		echo 0 > "$T/instances/tracekit-$pid/events/enable" 2>/dev/null || true
		rmdir "$T/instances/tracekit-$pid" 2>/dev/null || true
	fi
	if [ -d "$T/events/tracekit_$pid" ]; then
		for e in "$T/events/tracekit_$pid"/*/; do
			[ -d "$e" ] || continue
			e=${e%/}
			echo "-:tracekit_$pid/${e##*/}" >> "$T/uprobe_events" 2>/dev/null || true
		done
	fi
	BG_PID=
}

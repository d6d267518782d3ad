#!/usr/bin/env bats
# tracekit stat: counting with perf_event_open on the real kernel.
load helpers

setup() {
	require_root
	OUT="$BATS_TEST_TMPDIR/stat.out"
}

@test "stat counts 4 execs of sched:sched_process_exec (the shell and three /bin/true)" {
	run tk stat -x, -o "$OUT" -e sched:sched_process_exec -- sh -c 'for i in 1 2 3; do /bin/true; done'
	[ "$status" -eq 0 ]
	run cat "$OUT"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(cut -d, -f1 "$OUT")" = 4 ]
	[ "$(cut -d, -f3 "$OUT")" = sched:sched_process_exec ]
}

@test "stat -I 1000 prints one line per second per event, stamped at whole intervals" {
	run tk stat -I 1000 -x, -o "$OUT" -e sched:sched_process_exec -- sh -c 'sleep 2.4; /bin/true'
	[ "$status" -eq 0 ]
	run cut -d, -f1 "$OUT"
	[ "${lines[0]}" = 1.000000000 ]
	[ "${lines[1]}" = 2.000000000 ]
	# the tail after the last whole second holds the exec of /bin/true
	[ "${#lines[@]}" -eq 3 ]
	[ "$(sed -n 3p "$OUT" | cut -d, -f2)" = 1 ]
	[ "$(sed -n 1p "$OUT" | cut -d, -f2)" = 2 ]
}

@test "stat default set is the software events and the table names the command" {
	run tk stat -o "$OUT" -- /bin/true
	[ "$status" -eq 0 ]
	grep -q "Performance counter stats for '/bin/true'" "$OUT"
	for e in task-clock context-switches cpu-migrations page-faults; do
		grep -q " $e\$" "$OUT" || grep -q " $e " "$OUT"
	done
	grep -q "seconds time elapsed" "$OUT"
}

@test "stat prints <not supported> for hardware events this machine lacks" {
	if tk doctor --json | python3 -c "import json,sys; sys.exit(0 if json.load(sys.stdin)['checks']['perf_hw']['ok'] else 1)"; then
		skip "this machine has a hardware PMU"
	fi
	run tk stat -x, -o "$OUT" -e instructions,task-clock -- /bin/true
	[ "$status" -eq 0 ]
	grep -q '^<not supported>,,instructions,' "$OUT"
	grep -q ',msec,task-clock,' "$OUT"
}

@test "stat --json is one object with counters and the command's exit status" {
	run tk stat --json -o "$OUT" -e page-faults,cs -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
	python3 - "$OUT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["exit_status"] == 3, d
names = [c["event"] for c in d["counters"]]
assert names == ["page-faults", "cs"], names
assert d["counters"][0]["value"] > 0
PY
}

@test "stat -p counts an existing process and -a counts system-wide" {
	"$PROGS/hotloop" 3 &
	local pid=$!
	run tk stat -p "$pid" --duration 0.3 -x, -o "$OUT" -e task-clock
	kill "$pid"; wait "$pid" || true
	[ "$status" -eq 0 ]
	grep -q ',msec,task-clock,' "$OUT"
	# a spinning process gets most of 0.3 s of CPU: well above zero
	awk -F, '{ exit !($1 > 10) }' "$OUT"
	run tk stat -a --duration 0.2 -x, -o "$OUT" -e context-switches
	[ "$status" -eq 0 ]
	awk -F, '{ exit !($1 > 0) }' "$OUT"
}

@test "stat errors: unknown event (2), missing command (1), nothing to count (2)" {
	run tk stat -e cpu-clok -- /bin/true
	[ "$status" -eq 2 ]
	[[ "$output" == *"did you mean 'cpu-clock'"* ]]
	run tk stat -- /nonexistent/cmd
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "tracekit stat: cannot run '/nonexistent/cmd': No such file or directory" ]]
	run tk stat
	[ "$status" -eq 2 ]
	run tk stat -p 999999999 --duration 0.1
	[ "$status" -ne 0 ]
}

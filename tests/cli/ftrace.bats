#!/usr/bin/env bats
# tracekit ftrace on the real kernel: stream, record/report, hygiene on every kind of exit, bad input.
load helpers
load tracefs-helpers

setup() {
	TMP=$(mktemp -d)
	BG_PID=
}

teardown() {
	cleanup_bg
	rm -rf "$TMP"
}

@test "ftrace stream shows the exec of /bin/true" {
	require_tracefs
	run tk ftrace stream -e sched:sched_process_exec -- sh -c '/bin/true'
	[ "$status" -eq 0 ]
	[[ "$output" =~ sched_process_exec:\ filename=/bin/true\ pid=[0-9]+ ]]
}

@test "ftrace stream --json decodes fields and exits with the command's status" {
	require_tracefs
	run tk ftrace stream --json -e sched:sched_process_exec -- sh -c '/bin/true; exit 3'
	[ "$status" -eq 3 ]
	echo "$output" | python3 -c '
import json, sys
evs = [json.loads(l) for l in sys.stdin if l.startswith("{")]
t = [e for e in evs if e["fields"]["filename"] == "/bin/true"]
assert len(t) == 1, evs
assert t[0]["event"] == "sched:sched_process_exec" and t[0]["pid"] == t[0]["fields"]["pid"]
'
}

@test "ftrace stream -p follows only that pid" {
	require_tracefs
	sh -c 'sleep 0.6; /bin/true' &
	local target=$!
	run tk ftrace stream -d 1.5 -e sched:sched_process_exec -p "$target"
	wait "$target"
	[ "$status" -eq 0 ]
	[[ "$output" == *"filename=/bin/true"* ]]
	# everything shown comes from the target's children (sleep, true), nothing else on the machine
	other=$(echo "$output" | grep sched_process_exec | grep -Ev 'filename=(/usr)?/bin/(sleep|true) ' || true)
	[ -z "$other" ] || { echo "not from the target: $other"; return 1; }
}

@test "bad input: a command that does not exist" {
	require_tracefs
	run tk ftrace stream -e sched:sched_process_exec -- /nonexistent/cmd
	[ "$status" -eq 1 ]
	[[ "$output" == "tracekit ftrace stream: cannot run '/nonexistent/cmd': No such file or directory" ]]
	assert_no_stale
}

@test "ftrace record + report: openat of /etc/hostname by cat" {
	require_tracefs
	run tk ftrace record -e syscalls:sys_enter_openat -o "$TMP/t.dat" -- cat /etc/hostname
	[ "$status" -eq 0 ]
	[[ "$output" == *"wrote $TMP/t.dat"* ]]
	[[ "$output" == *"cpu0:"*"overrun 0"* ]]
	run tk ftrace report "$TMP/t.dat"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" =~ ^cpus=[0-9]+$ ]]
	[[ "$output" =~ cat-[0-9]+\ +\[[0-9]{3}\]\ +[0-9]+\.[0-9]{6}:\ sys_enter_openat:\ dfd:\ 0xffffff9c,\ filename:\ 0x[0-9a-f]+ ]]
	[[ "$output" == *"# cpu0: events"* ]]
}

@test "ftrace report decodes openat's filename field to the pointer the program passed" {
	require_tracefs
	tk ftrace record -e syscalls:sys_enter_openat -o "$TMP/o.dat" -- "$PROGS/open_target" /etc/hostname > "$TMP/out"
	ptr=$(head -1 "$TMP/out")
	run tk ftrace report --json "$TMP/o.dat"
	[ "$status" -eq 0 ]
	echo "$output" | PTR=$ptr python3 -c '
import json, os, sys
evs = [json.loads(l) for l in sys.stdin]
assert "summary" in evs[-1]
opens = [e for e in evs[:-1] if e["comm"] == "open_target" and e["event"] == "syscalls:sys_enter_openat"]
assert any(int(e["fields"]["filename"], 16) == int(os.environ["PTR"], 16) for e in opens), (os.environ["PTR"], opens)
'
}

@test "ftrace report --format perfetto is Chrome trace-event JSON" {
	require_tracefs
	tk ftrace record -e raw_syscalls -o "$TMP/p.dat" -- cat /etc/hostname >/dev/null
	run tk ftrace report --format perfetto "$TMP/p.dat"
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
ev = d["traceEvents"]
assert any(e["ph"] == "M" and e["args"]["name"] == "cat" for e in ev)
assert all("ts" in e for e in ev if e["ph"] != "M")
assert sum(1 for e in ev if e.get("name") == "sys_enter") > 10
assert d["otherData"]["cpus"][0]["overrun"] == 0
'
}

@test "threads map to their process: tgid in JSON, pid/tid in the Perfetto trace" {
	require_tracefs
	tk ftrace record -e syscalls:sys_enter_getppid -o "$TMP/th.dat" -- "$PROGS/thread_target" 3 > "$TMP/pid" 2>/dev/null
	run tk ftrace report --json "$TMP/th.dat"
	[ "$status" -eq 0 ]
	echo "$output" | PID=$(cat "$TMP/pid") python3 -c '
import json, os, sys
pid = int(os.environ["PID"])
evs = [e for e in map(json.loads, sys.stdin) if "event" in e]
assert len(evs) == 3, evs
assert len({e["pid"] for e in evs}) == 3 and pid not in {e["pid"] for e in evs}, evs
assert all(e["tgid"] == pid for e in evs), evs
'
	run tk ftrace report --format perfetto "$TMP/th.dat"
	echo "$output" | PID=$(cat "$TMP/pid") python3 -c '
import json, os, sys
pid = int(os.environ["PID"])
ev = json.load(sys.stdin)["traceEvents"]
assert all(e["pid"] == pid for e in ev), ev
assert any(e["ph"] == "M" and e["name"] == "process_name" and e["pid"] == pid for e in ev)
assert sum(1 for e in ev if e["ph"] == "M" and e["name"] == "thread_name") == 3
'
}

@test "the recorded file is self-contained: report works after tracefs formats are unreachable" {
	require_tracefs
	tk ftrace record -e sched:sched_process_exec -o "$TMP/s.dat" -- /bin/true 2>/dev/null
	# report never reads tracefs: run it with no access to it at all (new mount namespace)
	require_cmd unshare
	run unshare -m sh -c "umount -l $T 2>/dev/null; \"$TRACEKIT\" ftrace report \"$TMP/s.dat\""
	[ "$status" -eq 0 ]
	[[ "$output" == *"filename=/bin/true"* ]]
}

@test "normal exit leaves nothing and top-level files unchanged" {
	require_tracefs
	before=$(top_snapshot)
	"$TRACEKIT" ftrace stream -e sched:sched_switch -e syscalls --filter 'common_pid != 0' -d 0.3 > /dev/null &
	BG_PID=$!
	wait "$BG_PID"
	assert_nothing_left_of "$BG_PID"
	BG_PID=
	[ "$(top_snapshot)" = "$before" ]
}

@test "Ctrl-C (SIGINT) stops cleanly and leaves nothing" {
	require_tracefs
	before=$(top_snapshot)
	"$TRACEKIT" ftrace stream -e sched:sched_switch > /dev/null &
	BG_PID=$!
	wait_armed "$BG_PID"
	kill -INT "$BG_PID"
	wait "$BG_PID"
	assert_nothing_left_of "$BG_PID"
	BG_PID=
	[ "$(top_snapshot)" = "$before" ]
}

@test "SIGKILL: disable_on_free stops tracing at once, the next tracekit sweeps the rest" {
	require_tracefs
	before=$(top_snapshot)
	"$TRACEKIT" ftrace record -e sched:sched_switch -o "$TMP/k.dat" > /dev/null 2>&1 &
	BG_PID=$!
	wait_armed "$BG_PID"
	kill -KILL "$BG_PID"
	wait "$BG_PID" || true
	# the kernel closed free_buffer: tracing is off in the orphaned instance
	[ "$(cat $T/instances/tracekit-$BG_PID/tracing_on)" = 0 ]
	# no partial output presented as whole
	[ ! -e "$TMP/k.dat" ]
	# any later tracekit run sweeps the dead pid's instance
	tk ftrace stream -e sched:sched_process_exec -- /bin/true > /dev/null
	assert_nothing_left_of "$BG_PID"
	BG_PID=
	[ "$(top_snapshot)" = "$before" ]
}

@test "bad input: unknown event is one line, exit 1, suggestion, nothing left" {
	require_tracefs
	run tk ftrace stream -e sched:sched_process_exe -- /bin/true
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "tracekit ftrace stream: cannot enable event: no such event 'sched:sched_process_exe'; did you mean 'sched:sched_process_exec'?" ]]
	assert_no_stale
}

@test "bad input: bad filter shows the kernel's error_log line" {
	require_tracefs
	run tk ftrace stream -e sched:sched_process_exec --filter 'no_such_field == 1' -- /bin/true
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"kernel rejected filter 'no_such_field == 1'"*"error: Field not found"* ]]
	assert_no_stale
}

@test "bad input: report of a non-tracekit file and of a truncated one" {
	require_tracefs
	run tk ftrace report /etc/hostname
	[ "$status" -eq 1 ]
	[[ "$output" == "tracekit ftrace report: /etc/hostname: not a tracekit ftrace file" ]]
	tk ftrace record -e sched:sched_process_exec -o "$TMP/t.dat" -- /bin/true 2>/dev/null
	head -c 300 "$TMP/t.dat" > "$TMP/cut.dat"
	run tk ftrace report "$TMP/cut.dat"
	[ "$status" -eq 1 ]
	[[ "$output" == *"truncated or corrupt file"* ]]
	run tk ftrace report "$TMP/none.dat"
	[ "$status" -eq 1 ]
	[[ "$output" == *"No such file or directory"* ]]
}

@test "ftrace funccount: the function tracer refusal is clear" {
	require_tracefs
	fok=$("$TRACEKIT" doctor --json | python3 -c "import json,sys; print(json.load(sys.stdin)['checks']['function_tracer']['ok'])")
	[ "$fok" = False ] || skip "this kernel allows the function tracer"
	run tk ftrace funccount 'vfs_*'
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "tracekit ftrace funccount: the kernel refuses the function tracer: "*"Operation not permitted"* ]]
	run tk ftrace record -p function -l 'vfs_*' -o "$TMP/f.dat" -- /bin/true
	[ "$status" -eq 1 ]
	[[ "$output" == *"refuses the function tracer"* ]]
	[ ! -e "$TMP/f.dat" ]
	assert_no_stale
}

@test "ftrace reset removes stale state but not a running session's" {
	require_tracefs
	"$TRACEKIT" ftrace stream -e sched:sched_switch > /dev/null &
	BG_PID=$!
	wait_armed "$BG_PID"
	run tk ftrace reset
	[ "$status" -eq 0 ]
	[[ "$output" == removed* ]]
	[ -d "$T/instances/tracekit-$BG_PID" ]
	[ "$(cat $T/instances/tracekit-$BG_PID/tracing_on)" = 1 ]
	kill -INT "$BG_PID"
	wait "$BG_PID"
	assert_nothing_left_of "$BG_PID"
	BG_PID=
}

@test "ftrace usage errors exit 2" {
	run tk ftrace
	[ "$status" -eq 2 ]
	run tk ftrace bogus
	[ "$status" -eq 2 ]
	run tk ftrace report --format xml x.dat
	[ "$status" -eq 2 ]
}

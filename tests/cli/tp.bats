#!/usr/bin/env bats
# tracekit tp list: tracepoints and their fields from tracefs formats.
load helpers
load tracefs-helpers

@test "tp list shows tracepoints and filters by glob" {
	require_tracefs
	run tk tp list
	[ "$status" -eq 0 ]
	[[ "$output" == *"sched:sched_process_exec"* ]]
	[ "${#lines[@]}" -gt 100 ]
	run tk tp list 'sched:sched_process_*'
	[ "$status" -eq 0 ]
	for l in "${lines[@]}"; do [[ "$l" == sched:sched_process_* ]]; done
	# a bare word matches a whole subsystem
	run tk tp list raw_syscalls
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | sort)" = $'raw_syscalls:sys_enter\nraw_syscalls:sys_exit' ]
}

@test "tp list -v shows fields, types and offsets from the format file" {
	require_tracefs
	run tk tp list -v sched:sched_process_exec
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "sched:sched_process_exec" ]]
	# the same fields the kernel's format file lists
	for f in filename pid old_pid; do
		off=$(sed -n "s/.*[ ]$f;.*offset:\([0-9]*\);.*/\1/p" $T/events/sched/sched_process_exec/format)
		[[ "$output" =~ [[:space:]]$f[[:space:]]+offset:$off[[:space:]] ]] || { echo "field $f offset $off"; return 1; }
	done
}

@test "tp list --json -v parses and carries fields" {
	require_tracefs
	run tk tp list --json -v syscalls:sys_enter_openat
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d) == 1 and d[0]["name"] == "syscalls:sys_enter_openat", d
names = [f["name"] for f in d[0]["fields"]]
assert names[-4:] == ["dfd", "filename", "flags", "mode"], names
assert d[0]["id"] > 0
'
}

@test "tp list with a glob that matches nothing fails" {
	require_tracefs
	run tk tp list 'nosuchsys:*'
	[ "$status" -eq 1 ]
	[[ "$output" == *"no tracepoint matches 'nosuchsys:*'"* ]]
}

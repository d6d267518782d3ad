#!/usr/bin/env bats
# tracekit list: software, hardware, cache and tracepoint events.
load helpers

@test "list shows software events and tracepoints" {
	require_root
	run tk list
	[ "$status" -eq 0 ]
	[[ "$output" == *"cpu-clock"*"[Software event]"* ]]
	[[ "$output" == *"sched:sched_switch"*"[Tracepoint event]"* ]]
}

@test "list GLOB keeps only matching events" {
	require_root
	run tk list 'sched:*'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -gt 5 ]
	for l in "${lines[@]}"; do [[ "$l" == "  sched:"* ]]; done
	run tk list 'nosuch:*'
	[ "$status" -eq 1 ]
	[[ "$output" == *"no event matches 'nosuch:*'"* ]]
}

@test "list --json is an array of {name, kind, supported}; unsupported ones only with --all" {
	run tk list --json --all '*-clock' instructions
	[ "$status" -eq 0 ]
	python3 -c '
import json, sys
v = json.loads(sys.argv[1])
names = {e["name"]: e for e in v}
assert names["cpu-clock"]["kind"] == "software" and names["cpu-clock"]["supported"], v
assert "instructions" in names and names["instructions"]["kind"] == "hardware", v
' "$output"
	run tk list --json instructions
	python3 -c '
import json, sys
v = json.loads(sys.argv[1])
assert all(e["supported"] for e in v), v
' "$output"
}

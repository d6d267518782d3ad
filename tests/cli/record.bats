#!/usr/bin/env bats
# tracekit record: sampling into perf.data that perf itself reads.
load helpers

setup() {
	require_root
	D="$BATS_TEST_TMPDIR/perf.data"
}

# The top symbol of a perf report --stdio table (first data row's last field).
top_sym() {
	grep -v '^#' | grep -v '^$' | head -1 | awk '{print $NF}'
}

@test "record -g of a CPU-bound program: perf report and tracekit report agree on the top function" {
	require_cmd perf
	run tk record -q -g -o "$D" -- "$PROGS/hotloop" 1
	[ "$status" -eq 0 ]
	[ -s "$D" ]
	perf_top=$(perf report -i "$D" --stdio --no-children --sort sym -g none 2>/dev/null | top_sym)
	tk_top=$(tk report -i "$D" --no-children --sort sym | top_sym)
	[ "$perf_top" = hot_spin ]
	[ "$tk_top" = hot_spin ]
	# the call chains reach main through frame pointers, in both tools
	perf script -i "$D" 2>/dev/null | grep -q 'main+'
	run tk report -i "$D" --children --sort sym --json
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
rows = {r["sym"]: r for r in d["events"][0]["rows"]}
assert rows["main"]["children"] > 99.0 and rows["main"]["self"] == 0, rows["main"]
assert rows["hot_spin"]["self"] > 50, rows["hot_spin"]
' "$output"
}

@test "record writes the build-id feature and the event name that perf reads" {
	require_cmd perf
	run tk record -q -o "$D" -- "$PROGS/hotloop" 0.2
	[ "$status" -eq 0 ]
	bid=$(readelf -n "$PROGS/hotloop" | awk '/Build ID/{print $3}')
	perf buildid-list -i "$D" 2>/dev/null | grep -q "^$bid .*hotloop$"
	perf buildid-list -i "$D" 2>/dev/null | grep -q '\[kernel.kallsyms\]'
	perf report -i "$D" --stdio 2>/dev/null | grep -q "of event 'cpu-clock'"
}

@test "record -p samples a running process (its mappings synthesized from /proc)" {
	"$PROGS/hotloop" 5 &
	local pid=$!
	run tk record -q -p "$pid" --duration 0.6 -o "$D"
	kill "$pid"; wait "$pid" || true
	[ "$status" -eq 0 ]
	[ "$(tk report -i "$D" --no-children --sort sym | top_sym)" = hot_spin ]
}

@test "record -a samples every CPU" {
	"$PROGS/hotloop" 5 &
	local pid=$!
	run tk record -q -a --duration 0.6 -o "$D"
	kill "$pid"; wait "$pid" || true
	[ "$status" -eq 0 ]
	run tk report -i "$D" --sort comm,sym --no-children
	[[ "$output" == *"hotloop"*"hot_spin"* ]]
}

@test "record keeps the command's exit status and leaves no file when the command cannot run" {
	run tk record -q -o "$D" -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	[ -s "$D" ]
	rm -f "$D"
	run tk record -q -o "$D" -- /nonexistent/cmd
	[ "$status" -eq 1 ]
	[ ! -e "$D" ]
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep tmp)" ]
}

@test "record counts lost samples and report shows the same number" {
	run tk record -m 1 -F 50000 -g -o "$D" -- "$PROGS/hotloop" 0.5
	[ "$status" -eq 0 ]
	lost=$(echo "$output" | sed -n 's/^tracekit record: lost \([0-9]*\) samples.*/\1/p')
	[ -n "$lost" ] || skip "the 1-page ring did not overflow on this run"
	run tk report -i "$D"
	[[ "$output" == *"# Total Lost Samples: $lost"* ]]
}

@test "record --json summary and usage errors" {
	run tk record --json -o "$D" -- /bin/true
	[ "$status" -eq 0 ]
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["output"] and "samples" in d and d["lost"] == 0' "$output"
	run tk record
	[ "$status" -eq 2 ]
	run tk record -F 0 -- /bin/true
	[ "$status" -eq 2 ]
	run tk record -e nosuchevent -- /bin/true
	[ "$status" -eq 2 ]
}

@test "record -e tracepoint: raw fields and their formats, so perf script decodes them" {
	require_cmd perf
	run tk record -q -e sched:sched_process_exec -o "$D" -- sh -c '/bin/true; /bin/true'
	[ "$status" -eq 0 ]
	run perf script -i "$D"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c 'sched:sched_process_exec: filename=/bin/true')" -eq 2 ]
	run tk report -i "$D" --sort comm -n
	[[ "$output" == *"of event 'sched:sched_process_exec'"* ]]
	[[ "$output" == *"true"* ]]
}

@test "record removes the temporary file of a recorder that was killed" {
	"$PROGS/hotloop" 5 &
	local pid=$!
	"$TRACEKIT" record -q -p "$pid" -o "$D" --duration 5 &
	local rec=$!
	sleep 0.5
	kill -9 "$rec"; wait "$rec" || true
	kill "$pid"; wait "$pid" || true
	[ -e "$D.tmp.$rec" ]
	[ ! -e "$D" ]
	run tk record -q -o "$D" -- /bin/true
	[ "$status" -eq 0 ]
	[ ! -e "$D.tmp.$rec" ]
	[ -s "$D" ]
}

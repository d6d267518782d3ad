#!/usr/bin/env bats
# tracekit probe: uprobes resolved from ELF symbols, on the real kernel; kprobes refused clearly.
load helpers
load tracefs-helpers

setup() {
	TMP=$(mktemp -d)
	BG_PID=
	TARGET="$PROGS/uprobe_target"
}

teardown() {
	cleanup_bg
	rm -rf "$TMP"
}

# The file offset readelf and nm imply for a symbol: vaddr - p_vaddr + p_offset of its PT_LOAD.
expected_offset() {
	local bin=$1 sym=$2 vaddr type off va fsz rest
	vaddr=$((16#$(nm "$bin" | awk -v s="$sym" '$3 == s { print $1 }')))
	while read -r type off va rest; do
		fsz=$(echo "$rest" | awk '{ print $2 }')
		if [ "$type" = LOAD ] && [ "$vaddr" -ge $((va)) ] && [ "$vaddr" -lt $((va + fsz)) ]; then
			printf '0x%x\n' $((vaddr - va + off))
			return
		fi
	done < <(readelf -lW "$bin")
}

@test "probe add --dry-run computes the offset readelf and nm imply" {
	require_cmd readelf
	want=$(expected_offset "$TARGET" tk_target_func)
	[ -n "$want" ]
	run tk probe add --dry-run "u:$TARGET:tk_target_func"
	[ "$status" -eq 0 ]
	[[ "$output" == "p:tracekit_"*"/tk_target_func $TARGET:$want "* ]]
	# +off is added inside the function
	run tk probe add --dry-run "u:$TARGET:tk_target_func+4"
	[[ "$output" == *":$(printf '0x%x' $((want + 4))) "* ]]
	# a shared library: symbol from .dynsym, versioned names match
	libc=$(ldd /bin/true | awk '/libc.so/ { print $3 }')
	want=$(readelf -sW --dyn-syms "$libc" | awk '$8 ~ /^getpid(@|$)/ && $7 != "UND" { print $2; exit }')
	run tk probe add --dry-run "u:$libc:getpid"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/tk_getpid "* || "$output" == *"/getpid "* ]]
}

@test "uprobe fires once per call with its argument, and is removed on exit" {
	require_tracefs
	require_feature uprobes
	run tk -v probe add --json "u:$TARGET:tk_target_func" 'x=%di:s64' -- "$TARGET" 5
	[ "$status" -eq 0 ]
	[[ "$output" == *"p:tracekit_"*"/tk_target_func $TARGET:$(expected_offset "$TARGET" tk_target_func)"* ]]
	echo "$output" | python3 -c '
import json, sys
evs = [json.loads(l) for l in sys.stdin if l.startswith("{")]
assert [e["fields"]["x"] for e in evs] == [0, 1, 2, 3, 4], evs
assert all(e["comm"] == "uprobe_target" for e in evs)
'
	! grep -q "tracekit_.*tk_target_func" $T/uprobe_events || {
		# another run of this suite may hold one: none may be ours (dead owner)
		assert_no_stale
	}
}

@test "uretprobe sees return values; record + report work on probes" {
	require_tracefs
	require_feature uprobes
	run tk probe add -o "$TMP/r.dat" "ur:$TARGET:tk_target_func" 'ret=$retval:s64' -- "$TARGET" 3
	[ "$status" -eq 0 ]
	run tk ftrace report --json "$TMP/r.dat"
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
evs = [json.loads(l) for l in sys.stdin]
rets = [e["fields"]["ret"] for e in evs if "event" in e and e["event"].endswith(":tk_target_func__return")]
assert rets == [1, 3, 5], rets
'
}

@test "probe list shows a running session's probe; del refuses while it is enabled; Ctrl-C removes it" {
	require_tracefs
	require_feature uprobes
	before=$(top_snapshot)
	"$TRACEKIT" probe add "u:$TARGET:tk_target_func" > "$TMP/out" &
	BG_PID=$!
	wait_armed "$BG_PID"
	run tk probe list --json
	[ "$status" -eq 0 ]
	echo "$output" | PID=$BG_PID python3 -c '
import json, os, sys
d = [p for p in json.load(sys.stdin) if p["owner_pid"] == int(os.environ["PID"])]
assert len(d) == 1 and d[0]["owner_running"] and d[0]["name"].endswith("/tk_target_func"), d
'
	run tk probe del "tracekit_$BG_PID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"Device or resource busy"* ]]
	"$TARGET" 2 > /dev/null
	kill -INT "$BG_PID"
	wait "$BG_PID"
	[ "$(grep -c tk_target_func "$TMP/out")" -eq 2 ]
	assert_nothing_left_of "$BG_PID"
	BG_PID=
	after=$(top_snapshot)
	[ "$after" = "$before" ] || { diff <(echo "$before") <(echo "$after"); return 1; }
}

@test "SIGKILL of a probe session: the next tracekit sweeps instance and probe" {
	require_tracefs
	require_feature uprobes
	"$TRACEKIT" probe add "u:$TARGET:tk_target_func" > /dev/null &
	BG_PID=$!
	wait_armed "$BG_PID"
	kill -KILL "$BG_PID"
	wait "$BG_PID" || true
	grep -q "tracekit_$BG_PID/tk_target_func" $T/uprobe_events
	run tk probe list
	[[ "$output" == *"tracekit_$BG_PID/tk_target_func"*"(owner $BG_PID, gone)"* ]]
	tk ftrace stream -e sched:sched_process_exec -- /bin/true > /dev/null
	assert_nothing_left_of "$BG_PID"
	BG_PID=
}

@test "bad input: missing symbol, not ELF, missing file, bad spec, bad fetcharg" {
	require_tracefs
	run tk probe add "u:$TARGET:tk_target_fun"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "tracekit probe add: no function 'tk_target_fun' in $TARGET; did you mean 'tk_target_func'?" ]]
	run tk probe add "u:/etc/hostname:main"
	[ "$status" -eq 1 ]
	[[ "$output" == "tracekit probe add: /etc/hostname: not an ELF file" ]]
	run tk probe add "u:/nonexistent/bin:main"
	[ "$status" -eq 1 ]
	[[ "$output" == *"No such file or directory" ]]
	run tk probe add "x:$TARGET:main"
	[ "$status" -eq 2 ]
	run tk probe add "u:$TARGET:tk_target_func" 'x=%nosuchreg' -- /bin/true
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"kernel rejected the probe: trace_uprobe: error: "* ]]
	assert_no_stale
}

@test "kprobes fail with the kernel config named" {
	require_tracefs
	[ ! -e $T/kprobe_events ] || skip "this kernel has kprobes"
	run tk probe add k:vfs_read
	[ "$status" -eq 1 ]
	[ "$output" = "tracekit probe add: CONFIG_KPROBES is not enabled in this kernel" ]
	run tk probe add kr:vfs_read
	[ "$status" -eq 1 ]
	assert_no_stale
}

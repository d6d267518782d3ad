#!/usr/bin/env bats
# `ftrace stream -p PID` means the whole process: every existing thread of it, not just the main one.
load helpers

teardown() {
	[ -n "${HTTPD:-}" ] && { kill -9 "$HTTPD" 2>/dev/null; wait "$HTTPD" 2>/dev/null; } || true
}

@test "ftrace stream -p of a multithreaded server sees its worker threads' syscalls" {
	require_root
	[ -x "$TK_BUILD/demo/httpd" ] || skip "demo/httpd not built"
	"$TK_BUILD/demo/httpd" -q -w 2 -d "$BATS_TEST_TMPDIR" -l /dev/null --port-file "$BATS_TEST_TMPDIR/port" &
	HTTPD=$!
	for _ in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/port" ] && break; sleep 0.1; done
	"$TRACEKIT" ftrace stream -e syscalls:sys_enter_accept4 -p "$HTTPD" -d 6 --json \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" &
	local sp=$!
	# accept4 runs only in the workers; keep connecting until the stream has shown one
	for _ in $(seq 50); do
		curl -s -o /dev/null "http://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/port")/" || true
		[ -s "$BATS_TEST_TMPDIR/out" ] && break
		sleep 0.1
	done
	wait "$sp"
	cat "$BATS_TEST_TMPDIR/err"
	head -3 "$BATS_TEST_TMPDIR/out"
	python3 - "$BATS_TEST_TMPDIR/out" "$HTTPD" <<'PY'
import json, sys
pid = int(sys.argv[2])
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert evs, "no accept4 event from httpd's workers"
tids = {e.get("tid", e.get("pid")) for e in evs}
assert any(t != pid for t in tids), tids
PY
}

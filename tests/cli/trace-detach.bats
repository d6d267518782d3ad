#!/usr/bin/env bats
# `tracekit trace -p` on Ctrl-C (SIGINT) or SIGTERM detaches and leaves the process running, untraced,
# whatever the tracee was doing: blocked in a syscall, or a multithreaded server with -f.
load helpers

setup() {
	SUBJECTS=()
}

teardown() {
	local p
	for p in "${SUBJECTS[@]}"; do
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}

tracer_pid_of() { awk '/^TracerPid:/{print $2}' "/proc/$1/status"; }

# trace_then_stop PID SIGNAL [trace args...]: attach, wait until attached, send SIGNAL, expect exit 0.
trace_then_stop() {
	local pid=$1 sig=$2
	shift 2
	"$TRACEKIT" trace "$@" -p "$pid" -o /dev/null 2>"$BATS_TEST_TMPDIR/err" &
	local tp=$!
	for _ in $(seq 50); do
		grep -q attached "$BATS_TEST_TMPDIR/err" 2>/dev/null && break
		sleep 0.1
	done
	sleep 0.3
	kill "-$sig" "$tp"
	# a hang guard, not a timing assertion: detaching must finish at all
	timeout 20 tail --pid="$tp" -f /dev/null || { kill -9 "$tp"; echo "tracer did not exit"; return 1; }
	wait "$tp"
}

@test "trace -p of a process blocked in nanosleep detaches on SIGINT" {
	sleep 300 &
	SUBJECTS+=($!)
	trace_then_stop "$!" INT
	kill -0 "${SUBJECTS[0]}"
	[ "$(tracer_pid_of "${SUBJECTS[0]}")" = 0 ]
	grep -q "Process ${SUBJECTS[0]} detached" "$BATS_TEST_TMPDIR/err"
}

@test "trace -p of a shell blocked in wait4 detaches on SIGTERM and the shell still works" {
	# the shell waits for a child we end ourselves, so nothing here depends on how fast the machine is
	bash -c 'sleep 300 & echo $! > '"$BATS_TEST_TMPDIR"'/child; wait; echo done > '"$BATS_TEST_TMPDIR"'/done' &
	SUBJECTS+=($!)
	for _ in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/child" ] && break; sleep 0.1; done
	SUBJECTS+=($(cat "$BATS_TEST_TMPDIR/child"))
	trace_then_stop "${SUBJECTS[0]}" TERM
	[ "$(tracer_pid_of "${SUBJECTS[0]}")" = 0 ]
	kill "${SUBJECTS[1]}"
	timeout 20 tail --pid="${SUBJECTS[0]}" -f /dev/null
	[ "$(cat "$BATS_TEST_TMPDIR/done")" = done ]
}

@test "trace -c -f -p of a multithreaded server detaches every thread on SIGINT" {
	[ -x "$TK_BUILD/demo/httpd" ] || skip "demo/httpd not built"
	"$TK_BUILD/demo/httpd" -q -w 2 -d "$BATS_TEST_TMPDIR" -l /dev/null --port-file "$BATS_TEST_TMPDIR/port" &
	SUBJECTS+=($!)
	for _ in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/port" ] && break; sleep 0.1; done
	trace_then_stop "${SUBJECTS[0]}" INT -c -f
	for t in /proc/"${SUBJECTS[0]}"/task/*; do
		[ "$(awk '/^TracerPid:/{print $2}' "$t/status")" = 0 ]
	done
	# still serving
	curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/port")/" | grep -q 200
}

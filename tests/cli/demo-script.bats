#!/usr/bin/env bats
# `make demo` (scripts/demo.sh) end to end, shortened: it must exit 0, stop everything it started,
# and leave the syscall summary of httpd plus the subject's own logs and metrics in its directory.
load helpers

@test "scripts/demo.sh: exits 0 with httpd's syscall summary, logs and metrics; leaves nothing running" {
	require_root
	[ -x "$TK_BUILD/demo/httpd" ] || skip "demo programs not built (make)"
	out="$BATS_TEST_TMPDIR/out"
	cd "$TK_SRC"
	DEMO_OUT="$out" DEMO_SECONDS=4 run scripts/demo.sh "$TK_BUILD"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"demo: done"* ]]
	pid=$(sed -n 's/^demo: httpd pid \([0-9]*\) .*/\1/p' "$out/summary.txt")
	[ -n "$pid" ]
	# every process the demo started is gone: the server and any tracer naming it
	! kill -0 "$pid" 2>/dev/null
	! pgrep -f -- "-p $pid( |$)" >/dev/null
	if grep -qx '    trace' <(tk help | awk '{print "    " $1}'); then
		# the strace -c table of the server: its event loop and socket calls are there
		grep -q 'epoll_pwait2' "$out/syscalls.txt"
		grep -q 'sendto\|sendfile\|write' "$out/syscalls.txt"
		grep -q 'total$' "$out/syscalls.txt"
	fi
	# the subject's own view agrees with the load generator's
	answered=$(sed 's/.*"requests":\([0-9]*\).*/\1/' "$out/load.json")
	[ "$answered" -gt 1000 ]
	# every answered load request, plus the demo's own /metrics fetch made after the metrics were
	# rendered, is in the access log
	[ "$(wc -l < "$out/access.log")" -eq $((answered + 1)) ]
	grep -q '^httpd_requests_total{endpoint="/",code="200"}' "$out/metrics.txt"
}

#!/bin/bash
# make demo: start the demo HTTP server on a free port, drive it with the load generator for about
# DEMO_SECONDS (12) seconds, and meanwhile observe it with every tracekit command that exists in
# this build (each step runs only when `tracekit help` lists its command). Everything goes into
# DEMO_OUT (demo-out/); the script stops every process it started, also on Ctrl-C or failure.
#
#   scripts/demo.sh [BUILD_DIR]        (make demo runs it after building)
set -euo pipefail

B=${1:-build}
OUT=${DEMO_OUT:-demo-out}
SECS=${DEMO_SECONDS:-12}
TK="$B/tracekit"
HTTPD="$B/demo/httpd"
LOAD="$B/demo/load"

for f in "$TK" "$HTTPD" "$LOAD"; do
	[ -x "$f" ] || { echo "demo: $f is not built (run make)" >&2; exit 1; }
done

PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		# give each a moment to clean up its tracing state, then insist
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$p" 2>/dev/null || true
	done
	PIDS=()
}
trap cleanup EXIT
trap 'echo "demo: interrupted" >&2; exit 130' INT TERM

forget() {	# forget PID: it was waited for already
	local p keep=()
	for p in "${PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	PIDS=("${keep[@]+"${keep[@]}"}")
}

COMMANDS=$("$TK" help 2>/dev/null | awk '/^commands:/{on=1; next} on && /^    [a-z]/{print $1}')
have() {
	grep -qx "$1" <<<"$COMMANDS"
}
NOT_HERE="not built yet"

say() {
	printf '%s\n' "$*" | tee -a "$OUT/summary.txt"
}

rm -rf "$OUT"
mkdir -p "$OUT/www"

# --- the subject ---
echo "hello from the tracekit demo" > "$OUT/www/hello.txt"
head -c 262144 /dev/urandom > "$OUT/www/quarter.bin"
cat > "$OUT/urls.txt" <<'EOF'
# weight  path            (the mix demo/load draws from)
40 /
20 /file/hello.txt
5  /file/quarter.bin
15 /cpu?n=200
10 /sleep?ms=5
10 /alloc?kb=512
EOF

"$HTTPD" -w 2 -d "$OUT/www" -l "$OUT/access.log" --port-file "$OUT/httpd.port" \
	2>"$OUT/httpd.log" &
HTTPD_PID=$!
PIDS+=("$HTTPD_PID")
for _ in $(seq 100); do
	[ -s "$OUT/httpd.port" ] && break
	kill -0 "$HTTPD_PID" 2>/dev/null || { cat "$OUT/httpd.log" >&2; exit 1; }
	sleep 0.05
done
PORT=$(cat "$OUT/httpd.port")
URL="http://127.0.0.1:$PORT/"
say "demo: httpd pid $HTTPD_PID on $URL (2 workers), load for ${SECS}s, output in $OUT/"

# open loop at a fixed rate: latency is charged from the intended send times, and the rate leaves
# the tracers room on a small machine
"$LOAD" -c 16 -d "${SECS}s" -R 2000 -u "$OUT/urls.txt" -o "$OUT/load.json" "$URL" \
	>"$OUT/load.txt" 2>&1 &
LOAD_PID=$!
PIDS+=("$LOAD_PID")
sleep 0.5
T0=$SECONDS

# --- the observers, one after another inside the load window ---
# run_for SECS NAME CMD...: run a command for SECS seconds, then SIGINT it as Ctrl-C would (KILL
# if it is still there 5 s later); stdout to NAME.txt, stderr to NAME.err. Its exit status.
run_for() {
	local secs=$1 name=$2 rc=0
	shift 2
	# in a subshell that outlives timeout, so a KILL is reported here and not as bash's "Killed"
	(timeout --preserve-status -s INT -k 5 "$secs" "$@" >"$OUT/$name.txt" 2>"$OUT/$name.err"
		exit $?) 2>/dev/null || rc=$?
	if [ "$rc" = 137 ]; then
		echo "demo: '$*' did not exit within 5 s of SIGINT: killed" >>"$OUT/$name.err"
	fi
	return "$rc"
}

# A failed step is reported and the demo goes on; the syscall summary is the one step that makes
# `make demo` fail, being the demo's promise.
TRACE_FAILED=0
step_failed() {
	say "  FAILED: $1 (see $OUT/$2.err)"
	tail -3 "$OUT/$2.err" | sed 's/^/    /' | tee -a "$OUT/summary.txt"
}

if [ "$(id -u)" != 0 ]; then
	COMMANDS=
	NOT_HERE="needs root (run make demo as root)"
fi

# 1. syscall summary of every httpd thread: the strace -c of the demo
if have trace; then
	say "trace:   tracekit trace -c -f -p $HTTPD_PID for 2 s -> $OUT/syscalls.txt"
	if run_for 2 trace "$TK" trace -c -f -p "$HTTPD_PID" -o "$OUT/syscalls.txt" &&
		[ -s "$OUT/syscalls.txt" ]; then
		head -12 "$OUT/syscalls.txt" | sed 's/^/    /' | tee -a "$OUT/summary.txt"
	else
		step_failed "tracekit trace -c -f -p $HTTPD_PID" trace
		TRACE_FAILED=1
	fi
else
	say "skipped: tracekit trace $NOT_HERE"
fi

# 1b. decoded syscall lines, strace style, for the calls that serve a file
if have trace; then
	say "trace:   tracekit trace -f -tt -y -e trace=accept4,openat,sendfile -p $HTTPD_PID for 1 s -> $OUT/syscall-lines.txt"
	if run_for 1 trace-lines "$TK" trace -f -tt -y -e trace=accept4,openat,sendfile \
		-p "$HTTPD_PID" -o "$OUT/syscall-lines.txt" && [ -s "$OUT/syscall-lines.txt" ]; then
		head -4 "$OUT/syscall-lines.txt" | cut -c1-150 | sed 's/^/    /' |
			tee -a "$OUT/summary.txt"
	else
		step_failed "tracekit trace -f -p $HTTPD_PID -e trace=..." trace-lines
	fi
fi

# 2. CPU profile of httpd (its report and flame graph are made after the load, below)
RECORDED=0
if have record; then
	say "record:  tracekit record -F 499 -g -p $HTTPD_PID --duration 2 -> $OUT/perf.data"
	if run_for 10 record "$TK" record -F 499 -g -p "$HTTPD_PID" --duration 2 \
		-o "$OUT/perf.data" && [ -s "$OUT/perf.data" ]; then
		RECORDED=1
	else
		step_failed "tracekit record -p $HTTPD_PID" record
	fi
else
	say "skipped: tracekit record $NOT_HERE (CPU profile and flame graph)"
fi

# 3. software counters of httpd (perf stat)
if have stat; then
	say "stat:    tracekit stat -p $HTTPD_PID --duration 1 -> $OUT/stat.txt"
	if run_for 10 stat "$TK" stat -p "$HTTPD_PID" --duration 1 -o "$OUT/stat.txt" &&
		[ -s "$OUT/stat.txt" ]; then
		awk 'NF { print "    " $0; if (++n == 8) exit }' "$OUT/stat.txt" | tee -a "$OUT/summary.txt"
	else
		step_failed "tracekit stat -p $HTTPD_PID" stat
	fi
else
	say "skipped: tracekit stat $NOT_HERE (counters)"
fi

# 4. scheduler tracepoints of httpd's threads through a private tracefs instance, also as a
#    Perfetto / Chrome trace (the filter names every thread: they are tasks of their own to tracefs)
if have ftrace; then
	FILTER=$(ls "/proc/$HTTPD_PID/task" | sed 's/^/common_pid == /' | paste -sd'|' |
		sed 's/|/ || /g')
	say "ftrace:  tracekit ftrace record -e sched:sched_switch (httpd threads) -d 1 -> $OUT/sched.dat"
	if run_for 10 ftrace "$TK" ftrace record -e sched:sched_switch --filter "$FILTER" -d 1 \
		-o "$OUT/sched.dat" && [ -s "$OUT/sched.dat" ] &&
		"$TK" ftrace report "$OUT/sched.dat" >"$OUT/sched.txt" 2>>"$OUT/ftrace.err" &&
		"$TK" ftrace report --format perfetto "$OUT/sched.dat" >"$OUT/sched.perfetto.json" \
			2>>"$OUT/ftrace.err"; then
		say "         $(grep -c 'sched_switch:' "$OUT/sched.txt") context switches of httpd threads in $OUT/sched.txt;" \
			"timeline: $OUT/sched.perfetto.json (ui.perfetto.dev)"
	else
		step_failed "tracekit ftrace record" ftrace
	fi
else
	say "skipped: tracekit ftrace $NOT_HERE (tracepoints)"
fi

# --- post-processing, off the load window ---
if [ "$RECORDED" = 1 ]; then
	if have report; then
		if "$TK" report -i "$OUT/perf.data" --no-children --max-rows 15 \
			>"$OUT/report.txt" 2>"$OUT/report.err"; then
			say "report:  top functions of httpd in $OUT/report.txt"
			# awk reads the file itself: an early exit upstream of a pipe would be a
			# SIGPIPE failure under pipefail
			awk '!/^#/ && NF { print "    " $0; if (++n == 6) exit }' "$OUT/report.txt" |
				tee -a "$OUT/summary.txt"
		else
			step_failed "tracekit report -i $OUT/perf.data" report
		fi
	fi
	if have flame; then
		if "$TK" flame --title "demo httpd under load" "$OUT/perf.data" -o "$OUT/flame.svg" \
			2>"$OUT/flame.err" && [ -s "$OUT/flame.svg" ]; then
			say "flame:   $OUT/flame.svg (open it in a browser)"
		else
			step_failed "tracekit flame $OUT/perf.data" flame
		fi
	else
		say "skipped: tracekit flame $NOT_HERE"
	fi
fi

# --- the end of the load, then the server's own view, then a clean stop ---
wait "$LOAD_PID" || { cat "$OUT/load.txt" >&2; echo "demo: load failed" >&2; exit 1; }
forget "$LOAD_PID"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /metrics HTTP/1.1\r\nHost: demo\r\nConnection: close\r\n\r\n' >&3
sed '1,/^\r$/d' <&3 >"$OUT/metrics.txt"
exec 3<&-
kill -TERM "$HTTPD_PID"
rc=0
wait "$HTTPD_PID" || rc=$?
forget "$HTTPD_PID"
[ "$rc" = 0 ] || { echo "demo: httpd exited $rc on SIGTERM" >&2; exit 1; }

say "load:    $(sed -n 2p "$OUT/load.txt" | sed 's/^ *//')"
say "         $(sed -n 3p "$OUT/load.txt" | sed 's/^ *//')"
say "         $(sed -n 4p "$OUT/load.txt" | sed 's/^ *//')"
say "httpd:   $(wc -l <"$OUT/access.log") requests in $OUT/access.log (JSON lines), metrics in $OUT/metrics.txt, exited 0 on SIGTERM"
find "$OUT" -maxdepth 1 -type f -empty -delete	# stderr files of steps that said nothing
say "files:   $(cd "$OUT" && ls | tr '\n' ' ')"
say "demo: done in $((SECONDS - T0 + 1)) s; summary in $OUT/summary.txt"
if [ "$TRACE_FAILED" = 1 ]; then
	echo "demo: tracekit trace failed" >&2
	exit 1
fi

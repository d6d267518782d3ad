#!/bin/bash
# Throughput of demo/load against wrk (Debian's wrk) on the demo server's `/`, same connections,
# threads and duration, alternating two rounds each in one run; prints both and the ratio.
#   B=build bench/load.sh        (LOAD_BENCH_SECS=5 LOAD_BENCH_CONNS=16 to change the shape)
set -euo pipefail
B=${B:-build}
SECS=${LOAD_BENCH_SECS:-5}
CONNS=${LOAD_BENCH_CONNS:-16}
THREADS=2
command -v wrk >/dev/null || { echo "bench/load.sh: wrk is not installed (scripts/install-deps.sh)" >&2; exit 1; }
TMP=$(mktemp -d)
HTTPD_PID=
cleanup() {
	[ -n "$HTTPD_PID" ] && kill -TERM "$HTTPD_PID" 2>/dev/null && wait "$HTTPD_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$B/demo/httpd" -q -w 2 -d "$TMP" --port-file "$TMP/port" &
HTTPD_PID=$!
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
URL="http://127.0.0.1:$(cat "$TMP/port")/"

best_load=0 best_wrk=0
for round in 1 2; do
	l=$("$B/demo/load" -t $THREADS -c "$CONNS" -d "${SECS}s" --json "$URL" |
		sed 's/.*"throughput_rps":\([0-9.]*\).*/\1/')
	w=$(wrk -t $THREADS -c "$CONNS" -d "${SECS}s" "$URL" | awk '/^Requests\/sec:/{print $2}')
	printf 'round %d: load %10.0f req/s   wrk %10.0f req/s\n' "$round" "$l" "$w"
	best_load=$(awk -v a="$best_load" -v b="$l" 'BEGIN{print (b > a) ? b : a}')
	best_wrk=$(awk -v a="$best_wrk" -v b="$w" 'BEGIN{print (b > a) ? b : a}')
done
awk -v l="$best_load" -v w="$best_wrk" -v c="$CONNS" -v t="$THREADS" -v s="$SECS" 'BEGIN {
	printf "load vs wrk on / (%d connections, %d threads, %ss, best of 2): load %.0f req/s, wrk %.0f req/s, ratio %.2f\n", c, t, s, l, w, l / w
}'

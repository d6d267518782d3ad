#!/bin/bash
# Throughput of demo/load against wrk (Debian's wrk) on the demo server's `/`, same connections,
# threads and duration, three alternating rounds in one run; prints both and the ratio.
#   B=build bench/load.sh        (LOAD_BENCH_SECS=5 LOAD_BENCH_CONNS=16 to change the shape)
set -euo pipefail
B=${B:-build}
SECS=${LOAD_BENCH_SECS:-4}
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

# alternate which goes first: on a 2-CPU machine the client competes with the server for CPU, and
# whatever else runs meanwhile should fall on both sides alike; report the median of 3 rounds
run_load() {
	"$B/demo/load" -t $THREADS -c "$CONNS" -d "${SECS}s" --json "$URL" |
		sed 's/.*"throughput_rps":\([0-9.]*\).*/\1/'
}
run_wrk() {
	wrk -t $THREADS -c "$CONNS" -d "${SECS}s" "$URL" | awk '/^Requests\/sec:/{print $2}'
}
L=() W=()
for round in 1 2 3; do
	if [ $((round % 2)) = 1 ]; then
		l=$(run_load); w=$(run_wrk)
	else
		w=$(run_wrk); l=$(run_load)
	fi
	L+=("$l") W+=("$w")
	printf 'round %d: load %10.0f req/s   wrk %10.0f req/s\n' "$round" "$l" "$w"
done
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
awk -v l="$(median "${L[@]}")" -v w="$(median "${W[@]}")" -v c="$CONNS" -v t="$THREADS" -v s="$SECS" 'BEGIN {
	printf "load vs wrk on / (%d connections, %d threads, %ss, median of 3): load %.0f req/s, wrk %.0f req/s, ratio %.2f\n", c, t, s, l, w, l / w
}'

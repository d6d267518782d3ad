#!/bin/bash
# tracekit collapse / flame throughput, side by side with Brendan Gregg's FlameGraph Perl scripts
# (stackcollapse-perf.pl, flamegraph.pl) when they can be found: $FLAMEGRAPH_DIR or PATH. They are
# not a Debian package and this machine kind cannot download them; without them the issue's quoted
# numbers for this machine kind (2.6 s collapse, 0.55 s render of a 64 MB perf script dump with
# 118k samples and 12.5k distinct stacks) are the anchor, and the output says so.
#
# Inputs: the shared example dump (gzip, read directly) and two generated dumps of >= 50 MB: 21 copies
# of the example (each copy's leaf frames renamed, so distinct stacks grow as in a long recording;
# deep Java stacks, 2.4 kB a sample) and one shaped like the issue's reference recording
# (bench/gen-perf-script.py: 118k samples, ~12k distinct stacks, ~600 bytes a sample).
# Times are the best of RUNS runs; both wall-clock and CPU (user+sys) are shown, because other jobs
# share this machine's two cores and CPU time is what the work itself costs. A big plain perf script
# file is parsed by two threads (one per half): wall time is what a user waits, CPU time (both
# threads) the conservative figure; `--threads 1` shows the one-thread cost beside it. Ratios are
# given both ways.
set -eu
B=${B:-build}
TK=${TRACEKIT:-$B/tracekit}
RUNS=${RUNS:-5}
SRC=$(cd "$(dirname "$0")/.." && pwd)
EXAMPLE="$SRC/../shared/data/example-perf-stacks.txt.gz"
WORK="$B/bench-flame"
mkdir -p "$WORK"

[ -x "$TK" ] || { echo "bench/flame.sh: build $TK first (make)" >&2; exit 1; }
[ -r "$EXAMPLE" ] || { echo "bench/flame.sh: skipped: the shared example $EXAMPLE is absent"; exit 0; }

# best wall and CPU seconds of RUNS runs of a command (stdout to /dev/null)
measure() {
	python3 - "$RUNS" "$@" <<'PY'
import os, subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
best_wall = best_cpu = None
for _ in range(runs):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if status != 0:
        sys.exit("failed: " + " ".join(cmd))
    cpu = ru.ru_utime + ru.ru_stime
    best_wall = wall if best_wall is None else min(best_wall, wall)
    best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
print("%.4f %.4f" % (best_wall, best_cpu))
PY
}

BIG="$WORK/generated-perf-script.txt"
if [ ! -s "$BIG" ] || [ "$(stat -c %s "$BIG")" -lt 50000000 ]; then
	gzip -dc "$EXAMPLE" > "$WORK/example.txt"
	for k in $(seq 1 21); do
		awk -v k="$k" 'BEGIN { RS = ""; ORS = "\n\n" } /^#/ { next }
			{ n = split($0, L, "\n"); if (n > 1) sub(/ \(/, "_v" k " (", L[2]);
			  s = L[1]; for (i = 2; i <= n; i++) s = s "\n" L[i]; print s }' "$WORK/example.txt"
	done > "$BIG.tmp"
	mv "$BIG.tmp" "$BIG"
fi
REF="$WORK/reference-shaped-perf-script.txt"
[ -s "$REF" ] || { python3 "$SRC/bench/gen-perf-script.py" "$REF.tmp" && mv "$REF.tmp" "$REF"; }

"$TK" collapse "$EXAMPLE" > "$WORK/example.folded"
"$TK" collapse "$BIG" > "$WORK/generated.folded"
"$TK" collapse "$REF" > "$WORK/reference-shaped.folded"

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
samples_of() { awk '{ s += $NF } END { print s }' "$1"; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { if (t <= 0) t = 1e-6; printf "%.0f", n / t }'; }

EX_BYTES=$(gzip -dc "$EXAMPLE" | wc -c)
BIG_BYTES=$(stat -c %s "$BIG")
EX_SAMPLES=$(gzip -dc "$EXAMPLE" | grep -c '^[^#[:space:]]')
BIG_SAMPLES=$(grep -c '^[^#[:space:]]' "$BIG")
EX_STACKS=$(wc -l < "$WORK/example.folded")
BIG_STACKS=$(wc -l < "$WORK/generated.folded")
REF_BYTES=$(stat -c %s "$REF")
REF_SAMPLES=$(grep -c '^[^#[:space:]]' "$REF")
REF_STACKS=$(wc -l < "$WORK/reference-shaped.folded")

echo "tracekit flame bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), best of $RUNS runs"
printf '%-34s %9s %9s %8s\n' input MB samples stacks
printf '%-34s %9s %9s %8s\n' "shared example (.gz, read as is)" "$(mb "$EX_BYTES")" "$EX_SAMPLES" "$EX_STACKS"
printf '%-34s %9s %9s %8s\n' "generated: example x21" "$(mb "$BIG_BYTES")" "$BIG_SAMPLES" "$BIG_STACKS"
printf '%-34s %9s %9s %8s\n' "generated: reference-shaped" "$(mb "$REF_BYTES")" "$REF_SAMPLES" "$REF_STACKS"
echo

report() { # label bytes samples stacks wall cpu: rates by wall time, then by CPU time
	awk -v l="$1" -v b="$2" -v n="$3" -v k="$4" -v w="$5" -v c="$6" 'BEGIN {
		if (w <= 0) w = 1e-6; if (c <= 0) c = 1e-6
		printf "%-38s wall %6.3f s  cpu %6.3f s | MB/s %7.1f %7.1f | samples/s %9.0f %9.0f | stacks/s %8.0f %8.0f\n",
			l, w, c, b / 1e6 / w, b / 1e6 / c, n / w, n / c, k / w, k / c }'
}
echo "(each rate: by wall time, then by CPU time)"
read -r w c < <(measure "$TK" collapse "$EXAMPLE"); report "collapse example.gz" "$EX_BYTES" "$EX_SAMPLES" "$EX_STACKS" "$w" "$c"
read -r w c < <(measure "$TK" collapse "$BIG"); report "collapse example x21" "$BIG_BYTES" "$BIG_SAMPLES" "$BIG_STACKS" "$w" "$c"
read -r w c < <(measure "$TK" collapse --threads 1 "$BIG"); report "collapse example x21, 1 thread" "$BIG_BYTES" "$BIG_SAMPLES" "$BIG_STACKS" "$w" "$c"
read -r w c < <(measure "$TK" collapse "$REF"); report "collapse reference-shaped" "$REF_BYTES" "$REF_SAMPLES" "$REF_STACKS" "$w" "$c"
TK_COLLAPSE_WALL=$w TK_COLLAPSE_CPU=$c
read -r w c < <(measure "$TK" collapse --threads 1 "$REF"); report "collapse reference-shaped, 1 thread" "$REF_BYTES" "$REF_SAMPLES" "$REF_STACKS" "$w" "$c"
FOLDED_BYTES=$(stat -c %s "$WORK/generated.folded")
read -r w c < <(measure "$TK" flame "$WORK/example.folded"); report "render example (folded -> svg)" "$(stat -c %s "$WORK/example.folded")" "$EX_SAMPLES" "$EX_STACKS" "$w" "$c"
read -r w c < <(measure "$TK" flame "$WORK/generated.folded"); report "render example x21 (folded -> svg)" "$FOLDED_BYTES" "$BIG_SAMPLES" "$BIG_STACKS" "$w" "$c"
REF_FOLDED_BYTES=$(stat -c %s "$WORK/reference-shaped.folded")
read -r w c < <(measure "$TK" flame "$WORK/reference-shaped.folded"); report "render reference-shaped (folded->svg)" "$REF_FOLDED_BYTES" "$REF_SAMPLES" "$REF_STACKS" "$w" "$c"
TK_RENDER_WALL=$w TK_RENDER_CPU=$c
read -r w c < <(measure "$TK" flame "$REF"); report "perf script -> svg in one step" "$REF_BYTES" "$REF_SAMPLES" "$REF_STACKS" "$w" "$c"
read -r w c < <(measure "$TK" flame -f pprof "$REF"); report "perf script -> pprof" "$REF_BYTES" "$REF_SAMPLES" "$REF_STACKS" "$w" "$c"
echo

FG_COLLAPSE="" FG_RENDER=""
for d in "${FLAMEGRAPH_DIR:-}" $(dirname "$(command -v stackcollapse-perf.pl 2>/dev/null || echo /nonexistent/x)"); do
	if [ -n "$d" ] && [ -x "$d/stackcollapse-perf.pl" ] && [ -x "$d/flamegraph.pl" ]; then
		FG_COLLAPSE="$d/stackcollapse-perf.pl" FG_RENDER="$d/flamegraph.pl"
		break
	fi
done

if [ -n "$FG_COLLAPSE" ]; then
	echo "reference: FlameGraph Perl scripts found in $(dirname "$FG_COLLAPSE"), measured on the same inputs"
	read -r w c < <(RUNS=1 measure "$FG_COLLAPSE" "$REF"); report "stackcollapse-perf.pl reference-shaped" "$REF_BYTES" "$REF_SAMPLES" "$REF_STACKS" "$w" "$c"
	REF_COLLAPSE=$c
	read -r w c < <(RUNS=1 measure "$FG_RENDER" "$WORK/reference-shaped.folded"); report "flamegraph.pl reference-shaped" "$REF_FOLDED_BYTES" "$REF_SAMPLES" "$REF_STACKS" "$w" "$c"
	REF_RENDER=$c
	awk -v a="$REF_COLLAPSE" -v b="$TK_COLLAPSE_CPU" -v bw="$TK_COLLAPSE_WALL" -v c="$REF_RENDER" \
	    -v d="$TK_RENDER_CPU" -v dw="$TK_RENDER_WALL" 'BEGIN {
		printf "speed ratio (Perl cpu / tracekit): collapse %.1fx wall, %.1fx cpu; render %.1fx wall, %.1fx cpu (target >= 30x)\n",
			a / bw, a / b, c / dw, c / d }'
else
	echo "reference: the FlameGraph Perl scripts are not available here (not a Debian package, no download"
	echo "possible; set FLAMEGRAPH_DIR to a checkout to measure them side by side). Anchor: the issue's quoted"
	echo "numbers on this machine kind, 64 MB perf script dump, 118k samples, 12.5k distinct stacks:"
	echo "  stackcollapse-perf.pl 2.6 s  (24.6 MB/s, 45.4k samples/s)    flamegraph.pl 0.55 s  (22.7k stacks/s)"
	echo "  (compared with the reference-shaped dump of the same shape)"
	awk -v bytes="$REF_BYTES" -v samples="$REF_SAMPLES" -v stacks="$REF_STACKS" -v tc="$TK_COLLAPSE_CPU" \
	    -v tcw="$TK_COLLAPSE_WALL" -v tr="$TK_RENDER_CPU" -v trw="$TK_RENDER_WALL" 'BEGIN {
		split("wall cpu", how, " "); c[1] = tcw; c[2] = tc; r[1] = trw; r[2] = tr
		for (i = 1; i <= 2; i++) {
			if (c[i] <= 0) c[i] = 1e-6; if (r[i] <= 0) r[i] = 1e-6
			printf "speed ratio vs the quoted numbers, %-4s: collapse %5.1fx by MB/s (%6.1f MB/s), %5.1fx by samples/s (%5.2f M/s); render %5.1fx by stacks/s (%.1f ms) (target >= 30x)\n",
				how[i], (bytes / 1e6 / c[i]) / (64 / 2.6), bytes / 1e6 / c[i], (samples / c[i]) / (118000 / 2.6),
				samples / c[i] / 1e6, (stacks / r[i]) / (12500 / 0.55), r[i] * 1000
		}
	}'
fi

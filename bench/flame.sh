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
# share this machine's two cores and CPU time is what the work itself costs.
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

report() { # label bytes samples stacks wall cpu
	printf '%-38s wall %7.3f s  cpu %7.3f s  %8.1f MB/s  %10s samples/s  %9s stacks/s (cpu)\n' \
		"$1" "$5" "$6" "$(awk -v b="$2" -v t="$6" 'BEGIN { if (t <= 0) t = 1e-6; print b / 1e6 / t }')" \
		"$(rate "$3" "$6")" "$(rate "$4" "$6")"
}

read -r w c < <(measure "$TK" collapse "$EXAMPLE"); report "collapse example.gz" "$EX_BYTES" "$EX_SAMPLES" "$EX_STACKS" "$w" "$c"
read -r w c < <(measure "$TK" collapse "$BIG"); report "collapse example x21" "$BIG_BYTES" "$BIG_SAMPLES" "$BIG_STACKS" "$w" "$c"
read -r w c < <(measure "$TK" collapse "$REF"); report "collapse reference-shaped" "$REF_BYTES" "$REF_SAMPLES" "$REF_STACKS" "$w" "$c"
TK_COLLAPSE_CPU=$c
FOLDED_BYTES=$(stat -c %s "$WORK/generated.folded")
read -r w c < <(measure "$TK" flame "$WORK/example.folded"); report "render example (folded -> svg)" "$(stat -c %s "$WORK/example.folded")" "$EX_SAMPLES" "$EX_STACKS" "$w" "$c"
read -r w c < <(measure "$TK" flame "$WORK/generated.folded"); report "render example x21 (folded -> svg)" "$FOLDED_BYTES" "$BIG_SAMPLES" "$BIG_STACKS" "$w" "$c"
REF_FOLDED_BYTES=$(stat -c %s "$WORK/reference-shaped.folded")
read -r w c < <(measure "$TK" flame "$WORK/reference-shaped.folded"); report "render reference-shaped (folded->svg)" "$REF_FOLDED_BYTES" "$REF_SAMPLES" "$REF_STACKS" "$w" "$c"
TK_RENDER_CPU=$c
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
	awk -v a="$REF_COLLAPSE" -v b="$TK_COLLAPSE_CPU" -v c="$REF_RENDER" -v d="$TK_RENDER_CPU" 'BEGIN {
		printf "speed ratio (Perl cpu / tracekit cpu): collapse %.1fx, render %.1fx (target >= 30x)\n", a / b, c / d }'
else
	echo "reference: the FlameGraph Perl scripts are not available here (not a Debian package, no download"
	echo "possible; set FLAMEGRAPH_DIR to a checkout to measure them side by side). Anchor: the issue's quoted"
	echo "numbers on this machine kind, 64 MB perf script dump, 118k samples, 12.5k distinct stacks:"
	echo "  stackcollapse-perf.pl 2.6 s  (24.6 MB/s, 45.4k samples/s)    flamegraph.pl 0.55 s  (22.7k stacks/s)"
	echo "  (compared with the reference-shaped dump, CPU time)"
	awk -v bytes="$REF_BYTES" -v samples="$REF_SAMPLES" -v stacks="$REF_STACKS" -v tc="$TK_COLLAPSE_CPU" -v tr="$TK_RENDER_CPU" 'BEGIN {
		if (tc <= 0) tc = 1e-6; if (tr <= 0) tr = 1e-6
		printf "speed ratio vs the quoted numbers: collapse %.1fx by MB/s, %.1fx by samples/s; render %.1fx by stacks/s (target >= 30x)\n",
			(bytes / 1e6 / tc) / (64 / 2.6), (samples / tc) / (118000 / 2.6), (stacks / tr) / (12500 / 0.55) }'
fi

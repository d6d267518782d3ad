#!/bin/bash
# Sampling profiler overhead and record->flame-graph end-to-end time, tracekit against perf, in one run.
#
# 1. Overhead: the same fixed-work CPU-bound job (tests/progs/hotloop nROUNDS) run bare, under
#    `tracekit record -F 999 -g` and under `perf record -F 999 -g`; wall time as a ratio to bare.
# 2. End to end: record -> SVG flame graph. tracekit: `record -g` then `report --flame` (perf.data
#    straight into the stack model). perf: `perf record -g`, `perf script`, collapse, render. The
#    FlameGraph Perl scripts are not packaged in Debian, so tracekit's own collapse and flame stand in
#    for stackcollapse-perf.pl and flamegraph.pl (faster than the Perl, which flatters perf's path).
#
# Rounds alternate between the contenders; medians are printed.
#   B=build bench/profile.sh            (PROFILE_BENCH_ROUNDS=5 PROFILE_BENCH_WORK=n800 to change)
set -euo pipefail
B=${B:-build}
ROUNDS=${PROFILE_BENCH_ROUNDS:-5}
WORK=${PROFILE_BENCH_WORK:-n800}
TK="$B/tracekit"
JOB=("$B/tests/progs/hotloop" "$WORK")
command -v perf >/dev/null || { echo "bench/profile.sh: perf is not installed (scripts/install-deps.sh)" >&2; exit 1; }
[ -x "${JOB[0]}" ] || { echo "bench/profile.sh: ${JOB[0]} is not built (make check builds it)" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
# time_of CMD...: wall seconds of one run (output discarded; a failure aborts the bench)
time_of() {
	local t0 t1
	t0=$(now)
	"$@" >/dev/null 2>"$TMP/err" || { echo "bench/profile.sh: failed: $*" >&2; cat "$TMP/err" >&2; exit 1; }
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

tk_e2e() {
	"$TK" record -q -F 999 -g -o "$TMP/tk.data" -- "${JOB[@]}" &&
		"$TK" report -i "$TMP/tk.data" --flame -o "$TMP/tk.svg"
}
perf_e2e() {
	perf record -q -F 999 -g -o "$TMP/perf.data" -- "${JOB[@]}" 2>/dev/null &&
		perf script -i "$TMP/perf.data" 2>/dev/null | "$TK" collapse - | "$TK" flame -o "$TMP/perf.svg" -
}

: >"$TMP/bare"; : >"$TMP/tk"; : >"$TMP/perf"; : >"$TMP/tk_e2e"; : >"$TMP/perf_e2e"
for r in $(seq "$ROUNDS"); do
	time_of "${JOB[@]}" >>"$TMP/bare"
	time_of "$TK" record -q -F 999 -g -o "$TMP/tk.data" -- "${JOB[@]}" >>"$TMP/tk"
	time_of perf record -q -F 999 -g -o "$TMP/perf.data" -- "${JOB[@]}" >>"$TMP/perf"
	time_of tk_e2e >>"$TMP/tk_e2e"
	time_of perf_e2e >>"$TMP/perf_e2e"
	printf 'round %d: bare %.3fs  tracekit record %.3fs  perf record %.3fs  e2e tracekit %.3fs  perf %.3fs\n' "$r" \
		"$(tail -1 "$TMP/bare")" "$(tail -1 "$TMP/tk")" "$(tail -1 "$TMP/perf")" \
		"$(tail -1 "$TMP/tk_e2e")" "$(tail -1 "$TMP/perf_e2e")"
done
bare=$(median <"$TMP/bare")
tk=$(median <"$TMP/tk")
pf=$(median <"$TMP/perf")
te=$(median <"$TMP/tk_e2e")
pe=$(median <"$TMP/perf_e2e")
# the flame graphs must show the job's hot function, or the comparison is void
grep -q hot_spin "$TMP/tk.svg" && grep -q hot_spin "$TMP/perf.svg" ||
	{ echo "bench/profile.sh: a flame graph lacks hot_spin" >&2; exit 1; }
echo "job: ${JOB[*]} (median of $ROUNDS)"
printf 'overhead   bare %.3fs   tracekit record -F 999 -g %.3fs (%.2fx bare)   perf record -F 999 -g %.3fs (%.2fx bare)\n' \
	"$bare" "$tk" "$(echo "$tk / $bare" | bc -l)" "$pf" "$(echo "$pf / $bare" | bc -l)"
printf 'end-to-end record->svg   tracekit %.3fs   perf+script+collapse+render %.3fs   ratio tracekit/perf %.2fx\n' \
	"$te" "$pe" "$(echo "$te / $pe" | bc -l)"

#!/usr/bin/env bats
# tracekit collapse: perf script text -> folded stacks with stackcollapse-perf.pl's counts.
load helpers
bats_require_minimum_version 1.5.0

EXAMPLE="$TK_SRC/../shared/data/example-perf-stacks.txt.gz"
EDGE="$TK_SRC/tests/cli/data/perf-edge.txt"

need_example() {
	[ -r "$EXAMPLE" ] || skip "shared example dump $EXAMPLE is absent"
}

# Facts about the example, counted from its text with grep/awk: 1315 sample headers, every one a
# "cycles:" event, 995 of them from java, 240 wrk, 72 swapper, 6 perf, 1 gmain, 1 ksoftirqd/3; the
# stack http_parser_execute <- socket_readable <- aeProcessEvents <- aeMain <- thread_main <-
# start_thread under wrk occurs in exactly 15 samples.
@test "collapse: the shared example has the counts its text defines" {
	need_example
	run --separate-stderr tk collapse "$EXAMPLE"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	total=$(printf '%s\n' "$output" | awk '{s += $NF} END {print s}')
	[ "$total" -eq 1315 ]
	per_comm=$(printf '%s\n' "$output" | awk '{split($0, a, ";"); c[a[1]] += $NF} END {for (k in c) print k, c[k]}' | sort | tr '\n' ,)
	[ "$per_comm" = "gmain 1,java 995,ksoftirqd/3 1,perf 6,swapper 72,wrk 240," ]
	printf '%s\n' "$output" | grep -qxF 'wrk;start_thread;thread_main;aeMain;aeProcessEvents;socket_readable;http_parser_execute 15'
	# one line per distinct stack, sorted bytewise
	[ "$(printf '%s\n' "$output" | awk '{$NF=""; print}' | sort -u | wc -l)" -eq "${#lines[@]}" ]
	[ "$(printf '%s\n' "$output" | LC_ALL=C sort)" = "$output" ]
	# Java frames tidied: no leading 'L' on package paths, no argument lists
	! printf '%s\n' "$output" | grep -q ';Lio/netty'
	! printf '%s\n' "$output" | grep -q 'call_helper('
}

@test "collapse: the same answer as an independent regex model of the algorithm" {
	need_example
	require_cmd python3
	for opts in "" "--pid" "--tid" "--kernel" "--all --addrs"; do
		tk collapse $opts "$EXAMPLE" > "$BATS_TEST_TMPDIR/a"
		python3 "$TK_SRC/tests/cli/data/collapse_oracle.py" ${opts/--all/--kernel --jit} "$EXAMPLE" > "$BATS_TEST_TMPDIR/b"
		cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" || { echo "differs with '$opts'"; return 1; }
	done
	for opts in "" "--pid" "--tid" "--kernel --jit --addrs" "--event-filter=instructions"; do
		tk collapse ${opts/=/ } "$EDGE" > "$BATS_TEST_TMPDIR/a" 2>/dev/null
		python3 "$TK_SRC/tests/cli/data/collapse_oracle.py" $opts "$EDGE" > "$BATS_TEST_TMPDIR/b"
		cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" || { echo "edge differs with '$opts'"; return 1; }
	done
}

# A plain file of 2 MB or more is parsed by two threads, one per half: the answer must be the
# one-pass answer, statistics and notes included (the halves here differ: the second has a
# malformed line and a sample of another event).
@test "collapse: two threads give the one-pass answer" {
	need_example
	gzip -dc "$EXAMPLE" > "$BATS_TEST_TMPDIR/plain.txt"
	printf 'not a sample line\n\nperf 1/1 [000] 9.000000: 7 instructions:\n\t    1 f (/bin/x)\n\n' >> "$BATS_TEST_TMPDIR/plain.txt"
	for opts in "" "--tid --all --addrs" "--event-filter instructions" "--json"; do
		tk collapse --threads 1 $opts "$BATS_TEST_TMPDIR/plain.txt" > "$BATS_TEST_TMPDIR/a" 2> "$BATS_TEST_TMPDIR/a.err"
		tk collapse --threads 2 $opts "$BATS_TEST_TMPDIR/plain.txt" > "$BATS_TEST_TMPDIR/b" 2> "$BATS_TEST_TMPDIR/b.err"
		cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" || { echo "differs with '$opts'"; return 1; }
		cmp "$BATS_TEST_TMPDIR/a.err" "$BATS_TEST_TMPDIR/b.err" || { echo "messages differ with '$opts'"; return 1; }
	done
	grep -q 'skipped 1 malformed line' "$BATS_TEST_TMPDIR/b.err"
	run tk collapse --threads 3 "$BATS_TEST_TMPDIR/plain.txt"
	[ "$status" -eq 2 ]
}

@test "collapse: malformed lines are counted and reported, other events filtered with a note" {
	run --separate-stderr tk collapse "$EDGE"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[[ "$stderr" == *"tracekit collapse: skipped 1 malformed line (first: line 21 of $EDGE)"* ]]
	[[ "$stderr" == *"kept only event 'cpu-clock:pppH'"*"'instructions'"* ]]
}

@test "collapse: gzip and plain input, stdin, -o writes the whole file" {
	need_example
	tk collapse "$EXAMPLE" > "$BATS_TEST_TMPDIR/gz"
	gzip -dc "$EXAMPLE" | tk collapse > "$BATS_TEST_TMPDIR/stdin"
	cmp "$BATS_TEST_TMPDIR/gz" "$BATS_TEST_TMPDIR/stdin"
	tk collapse -o "$BATS_TEST_TMPDIR/out" "$EXAMPLE"
	cmp "$BATS_TEST_TMPDIR/gz" "$BATS_TEST_TMPDIR/out"
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep tmp)" ]
}

@test "collapse: bad input is a one-line error and exit 1, never a partial file" {
	run tk collapse /nonexistent/x
	[ "$status" -eq 1 ]
	[ "$output" = "tracekit collapse: cannot read /nonexistent/x: No such file or directory" ]
	# a truncated gzip file
	need_example
	head -c 20000 "$EXAMPLE" > "$BATS_TEST_TMPDIR/trunc.gz"
	run tk collapse -o "$BATS_TEST_TMPDIR/o" "$BATS_TEST_TMPDIR/trunc.gz"
	[ "$status" -eq 1 ]
	[[ "$output" == *"corrupt or truncated gzip data"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/o" ]
	printf 'nothing here\n' > "$BATS_TEST_TMPDIR/junk"
	run tk collapse "$BATS_TEST_TMPDIR/junk"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no samples with stacks"* ]]
	printf 'PERFILE2xxxxxxxx' > "$BATS_TEST_TMPDIR/perf.data"
	run tk collapse "$BATS_TEST_TMPDIR/perf.data"
	[ "$status" -eq 1 ]
	# until the perf.data reader lands the hook says so; afterwards a bogus file is a read error
	[[ "$output" == "tracekit collapse: perf.data input needs tracekit report support" ||
	   "$output" == "tracekit collapse: cannot read $BATS_TEST_TMPDIR/perf.data"* ]]
	run tk collapse a b
	[ "$status" -eq 2 ]
}

@test "collapse: --json lists frames and counts" {
	tk collapse --json "$EDGE" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["samples"] == 4 and d["total"] == 750001 and d["malformed_lines"] == 1, d
assert d["stacks"][1] == {"frames": ["java", "org/foo/Bar:.baz"], "count": 250000}, d["stacks"][1]
'
}

@test "collapse: a dump recorded here with perf has the counts of its own text" {
	require_root
	require_cmd perf
	[ -x "$PROGS/spin" ] || skip "no spin subject program"
	perf record -q -e cpu-clock -F 999 -g -o "$BATS_TEST_TMPDIR/perf.data" -- "$PROGS/spin" 2>/dev/null ||
		skip "perf record cannot sample here"
	perf script -i "$BATS_TEST_TMPDIR/perf.data" > "$BATS_TEST_TMPDIR/script.txt" 2>/dev/null
	headers=$(grep -c '^[^#[:space:]]' "$BATS_TEST_TMPDIR/script.txt" || true)
	[ "$headers" -gt 0 ] || skip "perf recorded no samples"
	tk collapse "$BATS_TEST_TMPDIR/script.txt" > "$BATS_TEST_TMPDIR/folded"
	python3 "$TK_SRC/tests/cli/data/collapse_oracle.py" "$BATS_TEST_TMPDIR/script.txt" > "$BATS_TEST_TMPDIR/oracle"
	cmp "$BATS_TEST_TMPDIR/folded" "$BATS_TEST_TMPDIR/oracle"
	# one event: every header is one sample
	samples=$(tk collapse --json "$BATS_TEST_TMPDIR/script.txt" | python3 -c 'import json,sys; print(json.load(sys.stdin)["samples"])')
	[ "$samples" -eq "$headers" ]
	grep -q '^spin;.*spin_leaf' "$BATS_TEST_TMPDIR/folded"
}

# Memory follows the distinct stacks, not the input: 40 MB of one repeated sample, as a plain file,
# through a pipe and gzip-compressed, must each stay far below the input's size.
@test "collapse: memory stays bounded on a 40 MB input" {
	python3 - "$BATS_TEST_TMPDIR/big.txt" <<'PY'
import sys
block = ("app 42/42 [000] 1.000000: 1 cpu-clock:\n"
         + "".join("\t    %x frame_%d+0x10 (/usr/bin/app)\n" % (0x400000 + i, i) for i in range(40)) + "\n")
with open(sys.argv[1], "w") as f:
    f.write(block * (40_000_000 // len(block)))
PY
	gzip -1c "$BATS_TEST_TMPDIR/big.txt" > "$BATS_TEST_TMPDIR/big.txt.gz"
	python3 - "$TRACEKIT" "$BATS_TEST_TMPDIR/big.txt" <<'PY'
import os, subprocess, sys
tk, path = sys.argv[1], sys.argv[2]
n = os.path.getsize(path) // len(open(path).read(2000).split("\n\n")[0] + "\n\n")
def run(cmd, stdin=None):
    p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    assert status == 0, cmd
    return out, ru.ru_maxrss  # KiB
for cmd, stdin in (([tk, "collapse", path], None), ([tk, "collapse", path + ".gz"], None),
                   ([tk, "collapse"], open(path, "rb"))):
    out, rss = run(cmd, stdin)
    assert out.decode().endswith(" %d\n" % n) and out.count(b"\n") == 1, out[-80:]
    assert rss < 32 * 1024, (cmd, rss)
PY
}

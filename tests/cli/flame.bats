#!/usr/bin/env bats
# tracekit flame: SVG (checked in a real browser), pprof (decoded by protoc), speedscope, folded,
# differential graphs, minwidth merging, malformed input.
load helpers
bats_require_minimum_version 1.5.0

EXAMPLE="$TK_SRC/../shared/data/example-perf-stacks.txt.gz"
DATA="$TK_SRC/tests/cli/data"

need_example() {
	[ -r "$EXAMPLE" ] || skip "shared example dump $EXAMPLE is absent"
}

# Parse an SVG as XML and print: frame count, the root's data-w, the title text, merged boxes.
svg_facts() {
	python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {'s': 'http://www.w3.org/2000/svg'}
root = ET.parse(sys.argv[1]).getroot()
frames = root.find(".//s:g[@id='frames']", ns)
gs = list(frames)
widths = [int(g.get('data-w')) for g in gs]
merged = sum(1 for g in gs if g.get('data-merged') == '1')
title = root.find(".//s:text[@id='title']", ns).text
print(len(gs), max(widths), merged, title)
PY
}

@test "flame: folded and perf script (.gz) inputs give the same self-contained SVG" {
	need_example
	tk collapse "$EXAMPLE" > "$BATS_TEST_TMPDIR/ex.folded"
	tk flame "$BATS_TEST_TMPDIR/ex.folded" > "$BATS_TEST_TMPDIR/a.svg"
	tk flame -o "$BATS_TEST_TMPDIR/b.svg" "$EXAMPLE"
	cmp "$BATS_TEST_TMPDIR/a.svg" "$BATS_TEST_TMPDIR/b.svg"
	read -r n root merged title < <(svg_facts "$BATS_TEST_TMPDIR/a.svg")
	[ "$root" -eq 1315 ]
	[ "$n" -gt 100 ]
	# nothing to fetch: no external script, stylesheet, image or font
	! grep -Eq '(src|href)=' "$BATS_TEST_TMPDIR/a.svg"
	grep -q '<title>all (1,315 samples, 100.00%)</title>' "$BATS_TEST_TMPDIR/a.svg"
	# a frame's width is every sample whose stack passes through it
	want=$(awk '/^wrk;start_thread;thread_main;aeMain[; ]/ {s += $NF} END {print s}' "$BATS_TEST_TMPDIR/ex.folded")
	[ "$want" -gt 100 ]
	[ "$(grep -c "<title>aeMain ($want samples, " "$BATS_TEST_TMPDIR/a.svg")" -eq 1 ]
}

@test "flame: title, subtitle, countname, width, height, inverted, colors, hash" {
	need_example
	tk flame --title 'My "CPU" <profile>' --subtitle sub --countname ms --width 900 --height 20 \
		--inverted --colors java --hash "$EXAMPLE" > "$BATS_TEST_TMPDIR/o.svg"
	read -r n root merged title < <(svg_facts "$BATS_TEST_TMPDIR/o.svg")
	[ "$title" = 'My "CPU" <profile>' ]
	grep -q 'My &quot;CPU&quot; &lt;profile&gt;' "$BATS_TEST_TMPDIR/o.svg"
	grep -q '<text id="subtitle"[^>]*>sub</text>' "$BATS_TEST_TMPDIR/o.svg"
	grep -q '(1,315 ms, 100.00%)' "$BATS_TEST_TMPDIR/o.svg"
	grep -q 'width="900"' "$BATS_TEST_TMPDIR/o.svg"
	grep -q 'data-inverted="1"' "$BATS_TEST_TMPDIR/o.svg"
	grep -q 'height="19"' "$BATS_TEST_TMPDIR/o.svg"
	# --hash: a function has one colour, in this graph and in another
	c1=$(grep -o '<title>aeMain ([^<]*</title><rect [^>]*fill="[^"]*"' "$BATS_TEST_TMPDIR/o.svg" | grep -o 'fill="[^"]*"')
	printf 'x;aeMain 1\n' | tk flame --colors java --hash > "$BATS_TEST_TMPDIR/p.svg"
	c2=$(grep -o '<title>aeMain ([^<]*</title><rect [^>]*fill="[^"]*"' "$BATS_TEST_TMPDIR/p.svg" | grep -o 'fill="[^"]*"')
	[ -n "$c1" ] && [ "$c1" = "$c2" ]
	# --colors java: package paths green (r < g)
	grep -o '<title>org/mozilla[^<]*</title><rect [^>]*fill="rgb([0-9]*,[0-9]*' "$BATS_TEST_TMPDIR/o.svg" | head -1 |
		sed 's/.*rgb(//' | awk -F, '{ exit !($1 < $2) }'
}

@test "flame: --minwidth merges narrow frames, keeping the total" {
	need_example
	tk flame --minwidth 0 "$EXAMPLE" > "$BATS_TEST_TMPDIR/all.svg"
	tk flame --minwidth 2% "$EXAMPLE" > "$BATS_TEST_TMPDIR/m.svg"
	read -r n_all root_all merged_all _ < <(svg_facts "$BATS_TEST_TMPDIR/all.svg")
	read -r n_m root_m merged_m _ < <(svg_facts "$BATS_TEST_TMPDIR/m.svg")
	[ "$merged_all" -eq 0 ]
	[ "$merged_m" -gt 0 ]
	[ "$n_m" -lt $((n_all / 4)) ]
	[ "$root_all" -eq 1315 ] && [ "$root_m" -eq 1315 ]
	grep -q 'frames merged\]' "$BATS_TEST_TMPDIR/m.svg"
	run tk flame --minwidth wide "$EXAMPLE"
	[ "$status" -eq 2 ]
}

@test "flame: --reverse and --flamechart" {
	printf 'pp 1 1.0: cycles:\n\t1 leaf (x)\n\t2 main (x)\n\npp 1 2.0: cycles:\n\t1 other (x)\n\t2 main (x)\n\npp 1 3.0: cycles:\n\t1 leaf (x)\n\t2 main (x)\n\n' > "$BATS_TEST_TMPDIR/t.txt"
	# merged graph: main has leaf (2) and other (1)
	tk flame -f folded "$BATS_TEST_TMPDIR/t.txt" > "$BATS_TEST_TMPDIR/f"
	[ "$(cat "$BATS_TEST_TMPDIR/f")" = "$(printf 'pp;main;leaf 2\npp;main;other 1')" ]
	# reversed: leaves become roots
	tk flame --reverse "$BATS_TEST_TMPDIR/t.txt" > "$BATS_TEST_TMPDIR/r.svg"
	grep -q '<title>leaf (2 samples' "$BATS_TEST_TMPDIR/r.svg"
	grep -q '<title>pp (2 samples' "$BATS_TEST_TMPDIR/r.svg"
	# flame chart: time order, leaf / other / leaf are three frames; x of the second leaf is 2
	tk flame --flamechart "$BATS_TEST_TMPDIR/t.txt" > "$BATS_TEST_TMPDIR/c.svg"
	[ "$(grep -c '<title>leaf (1 samples' "$BATS_TEST_TMPDIR/c.svg")" -eq 2 ]
	grep -q 'data-x="2" data-w="1"><title>leaf' "$BATS_TEST_TMPDIR/c.svg"
	grep -q '<title>main (3 samples' "$BATS_TEST_TMPDIR/c.svg"
}

@test "flame: pprof output decodes with protoc and has the input's total" {
	need_example
	require_cmd protoc
	tk flame -f pprof -o "$BATS_TEST_TMPDIR/p.pb.gz" "$EXAMPLE"
	gzip -t "$BATS_TEST_TMPDIR/p.pb.gz"
	gzip -dc "$BATS_TEST_TMPDIR/p.pb.gz" | protoc --decode_raw > /dev/null
	gzip -dc "$BATS_TEST_TMPDIR/p.pb.gz" | protoc --proto_path="$DATA" --decode=perftools.profiles.Profile \
		"$DATA/profile.proto" > "$BATS_TEST_TMPDIR/p.txt"
	python3 - "$BATS_TEST_TMPDIR/p.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
strings = [eval(s) for s in re.findall(r'^string_table: (".*")$', text, re.M)]
assert strings[0] == "", strings[:3]
samples = re.findall(r'^sample \{\n(.*?)^\}', text, re.M | re.S)
total = sum(int(v) for s in samples for v in re.findall(r'value: (\d+)', s))
assert total == 1315, total
types = re.findall(r'^sample_type \{\n  type: (\d+)\n  unit: (\d+)', text, re.M)
assert [strings[int(t)] for t in types[0]] == ["samples", "count"], types
funcs = {int(i): int(n) for i, n in re.findall(r'^function \{\n  id: (\d+)\n  name: (\d+)', text, re.M)}
locs = {int(i): int(f) for i, f in re.findall(r'^location \{\n  id: (\d+)\n  line \{\n    function_id: (\d+)', text, re.M)}
# the wrk stack counted 15 times, leaf first
want = ["http_parser_execute", "socket_readable", "aeProcessEvents", "aeMain", "thread_main", "start_thread", "wrk"]
for s in samples:
    names = [strings[funcs[locs[int(l)]]] for l in re.findall(r'location_id: (\d+)', s)]
    if names == want:
        assert re.findall(r'value: (\d+)', s) == ["15"], s
        break
else:
    raise SystemExit("the wrk stack is missing")
PY
}

# pprof keeps inlining as Lines of one Location (innermost first, the caller last), not as frames:
# perf script's "(inlined)" frames and "a->b->c" chains (b and c inlined into a) become one Location
# each with the caller, and the function names lose the "_[i]" that the folded text shows.
@test "flame: pprof folds inlined frames into their caller's location" {
	require_cmd protoc
	printf 'app 42/42 [000] 1.000000: 1 cpu-clock:\n\t    401000 inner (inlined)\n\t    401000 outer+0x10 (/usr/bin/app)\n\t    402000 main+0x5 (/usr/bin/app)\n\n' > "$BATS_TEST_TMPDIR/in.txt"
	printf 'app 42/42 [000] 1.000001: 2 cpu-clock:\n\t    401000 a->b->c (/usr/bin/app)\n\t    402000 main+0x5 (/usr/bin/app)\n\n' >> "$BATS_TEST_TMPDIR/in.txt"
	tk flame -f pprof -o "$BATS_TEST_TMPDIR/p.pb.gz" "$BATS_TEST_TMPDIR/in.txt"
	gzip -dc "$BATS_TEST_TMPDIR/p.pb.gz" | protoc --proto_path="$DATA" --decode=perftools.profiles.Profile \
		"$DATA/profile.proto" > "$BATS_TEST_TMPDIR/p.txt"
	python3 - "$BATS_TEST_TMPDIR/p.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
strings = [eval(s) for s in re.findall(r'^string_table: (".*")$', text, re.M)]
funcs = {int(i): strings[int(n)] for i, n in re.findall(r'^function \{\n  id: (\d+)\n  name: (\d+)', text, re.M)}
locs = {}
for i, body in re.findall(r'^location \{\n  id: (\d+)\n(.*?)^\}', text, re.M | re.S):
    locs[int(i)] = [funcs[int(f)] for f in re.findall(r'function_id: (\d+)', body)]
got = {}
for s in re.findall(r'^sample \{\n(.*?)^\}', text, re.M | re.S):
    stack = tuple(tuple(locs[int(l)]) for l in re.findall(r'location_id: (\d+)', s))
    got[stack] = int(re.findall(r'value: (\d+)', s)[0])
want = {(("inner", "outer"), ("main",), ("app",)): 1, (("c", "b", "a"), ("main",), ("app",)): 2}
assert got == want, got
PY
}

@test "flame: speedscope and folded outputs" {
	need_example
	tk flame -f speedscope -o "$BATS_TEST_TMPDIR/s.json" "$EXAMPLE"
	python3 - "$BATS_TEST_TMPDIR/s.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["$schema"] == "https://www.speedscope.app/file-format-schema.json"
p = d["profiles"][0]
assert p["type"] == "sampled" and sum(p["weights"]) == 1315 == p["endValue"]
assert len(p["samples"]) == len(p["weights"])
frames = d["shared"]["frames"]
names = [[frames[i]["name"] for i in s] for s in p["samples"]]
assert ["wrk", "start_thread", "thread_main", "aeMain", "aeProcessEvents", "socket_readable", "http_parser_execute"] in names
PY
	tk flame -f folded "$EXAMPLE" > "$BATS_TEST_TMPDIR/f"
	tk collapse "$EXAMPLE" | cmp - "$BATS_TEST_TMPDIR/f"
}

@test "flame: --diff colours growth red and shrinkage blue, --normalize scales" {
	printf 'm;a 10\nm;b 10\n' > "$BATS_TEST_TMPDIR/before"
	printf 'm;a 30\nm;b 5\nm;c 5\n' > "$BATS_TEST_TMPDIR/after"
	tk flame --diff "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" > "$BATS_TEST_TMPDIR/d.svg"
	grep -q '<title>a (30 samples, 75.00%; +20, +200.00%)</title><rect [^>]*fill="rgb(255,0,0)"' "$BATS_TEST_TMPDIR/d.svg"
	grep -q '<title>b (5 samples, 12.50%; -5, -50.00%)</title><rect [^>]*fill="rgb(157,157,255)"' "$BATS_TEST_TMPDIR/d.svg"
	tk flame --diff -f folded "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" > "$BATS_TEST_TMPDIR/d.folded"
	[ "$(cat "$BATS_TEST_TMPDIR/d.folded")" = "$(printf 'm;a 10 30\nm;b 10 5\nm;c 0 5')" ]
	# normalized: before (20) scaled to after's total (40): a 20 -> 30, b 20 -> 5
	tk flame --diff --normalize -f folded "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after" > "$BATS_TEST_TMPDIR/n.folded"
	[ "$(cat "$BATS_TEST_TMPDIR/n.folded")" = "$(printf 'm;a 20 30\nm;b 20 5\nm;c 0 5')" ]
	# perf script inputs too: AFTER's samples count as "after"
	printf 'app 1/1 [000] 1.000000: 1 cpu-clock:\n\t    401000 a (/bin/x)\n\n' > "$BATS_TEST_TMPDIR/before.txt"
	printf 'app 1/1 [000] 2.000000: 3 cpu-clock:\n\t    401000 a (/bin/x)\n\napp 1/1 [000] 2.1: 1 cpu-clock:\n\t    402000 b (/bin/x)\n\n' > "$BATS_TEST_TMPDIR/after.txt"
	tk flame --diff -f folded "$BATS_TEST_TMPDIR/before.txt" "$BATS_TEST_TMPDIR/after.txt" > "$BATS_TEST_TMPDIR/p.folded"
	[ "$(cat "$BATS_TEST_TMPDIR/p.folded")" = "$(printf 'app;a 1 3\napp;b 0 1')" ]
	# and perf.data: a profile against itself changes nothing
	tk flame --diff -f folded "$TK_SRC/tests/fuzz/corpus/fuzz_perfdata/perf-g.data" \
		"$TK_SRC/tests/fuzz/corpus/fuzz_perfdata/perf-g.data" > "$BATS_TEST_TMPDIR/pd.folded"
	[ -s "$BATS_TEST_TMPDIR/pd.folded" ]
	! awk '$(NF - 1) != $NF' "$BATS_TEST_TMPDIR/pd.folded" | grep -q .
	# difffolded-style two-column input is a differential graph by itself
	tk flame < "$BATS_TEST_TMPDIR/d.folded" > "$BATS_TEST_TMPDIR/d2.svg"
	grep -q 'Differential Flame Graph' "$BATS_TEST_TMPDIR/d2.svg"
	run tk flame --diff "$BATS_TEST_TMPDIR/before"
	[ "$status" -eq 2 ]
}

@test "flame: malformed lines are counted and reported, bad input fails cleanly" {
	printf 'a;b 3\nnot a stack\na;c 2\nalso bad\n\n# comment\nx 1y\n' > "$BATS_TEST_TMPDIR/bad.folded"
	run --separate-stderr tk flame -o "$BATS_TEST_TMPDIR/bad.svg" "$BATS_TEST_TMPDIR/bad.folded"
	[ "$status" -eq 0 ]
	[ "$stderr" = "tracekit flame: skipped 3 malformed lines (first: line 2 of $BATS_TEST_TMPDIR/bad.folded)" ]
	read -r n root _ _ < <(svg_facts "$BATS_TEST_TMPDIR/bad.svg")
	[ "$root" -eq 5 ]
	# invalid UTF-8 and control bytes in names still make well-formed XML
	printf 'a\377\001b;c&d<e 2\n' | tk flame > "$BATS_TEST_TMPDIR/u.svg"
	svg_facts "$BATS_TEST_TMPDIR/u.svg"
	printf 'PERFILE2\0\0\0\0' > "$BATS_TEST_TMPDIR/perf.data"
	run tk flame "$BATS_TEST_TMPDIR/perf.data"
	[ "$status" -eq 1 ]
	[[ "$output" == "tracekit flame: perf.data input needs tracekit report support" ||
	   "$output" == "tracekit flame: cannot read $BATS_TEST_TMPDIR/perf.data"* ]]
	run tk flame -o "$BATS_TEST_TMPDIR/none.svg" /dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == "tracekit flame: no samples with stacks in /dev/null" ]]
	[ ! -e "$BATS_TEST_TMPDIR/none.svg" ]
	run tk flame --colors neon /dev/null
	[ "$status" -eq 2 ]
	run tk flame -f png /dev/null
	[ "$status" -eq 2 ]
	run tk flame --json /dev/null
	[ "$status" -eq 2 ]
}

@test "flame: --json summary with -o" {
	need_example
	run --separate-stderr tk flame --json -o "$BATS_TEST_TMPDIR/j.svg" "$EXAMPLE"
	[ "$status" -eq 0 ]
	printf '%s' "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["format"] == "svg" and d["total"] == 1315 and d["inputs"][0]["format"] == "perf", d
assert d["inputs"][0]["samples"] == 1315 and d["inputs"][0]["bytes"] == 3139170, d
'
}

# The acceptance check a person would do: open it in Chromium, search, click, reload the link.
@test "flame: in headless Chromium, search reports Matched: N% and a click zooms" {
	need_example
	require_cmd chromium
	require_cmd python3
	tk collapse "$EXAMPLE" > "$BATS_TEST_TMPDIR/ex.folded"
	tk flame --minwidth 0 -o "$BATS_TEST_TMPDIR/ex.svg" "$BATS_TEST_TMPDIR/ex.folded"
	# expected share: samples whose stack has a frame matching the regex, over all samples
	want=$(python3 - "$BATS_TEST_TMPDIR/ex.folded" <<'PY'
import re, sys
tot = hit = 0
for line in open(sys.argv[1]):
    stack, n = line.rsplit(' ', 1)
    tot += int(n)
    if any(re.search('aeMain|socket_', f) for f in stack.split(';')):
        hit += int(n)
print('Matched: %.1f%%' % (100.0 * hit / tot))
PY
)
	run timeout 120 python3 "$DATA/svg_browser_check.py" "$BATS_TEST_TMPDIR/ex.svg" 'aeMain|socket_' aeMain
	echo "$output"
	[ "$status" -eq 0 ]
	printf '%s' "$output" | python3 -c '
import json, sys
want = sys.argv[1]
d = json.loads(sys.stdin.read().strip().splitlines()[-1])
assert d["prompt"].startswith("Enter a search term"), d
assert d["matched"] == want, (d["matched"], want)
assert d["highlighted"] > 0, d
assert d["width_before"] < d["full_width"] / 2, d
assert d["hover_details"] == d["hover_title"] and d["hover_title"].startswith("aeMain ("), d
assert abs(d["width_after"] - d["full_width"]) < 0.01, d
assert d["reset_visible"] and d["hidden_after_zoom"] > 0, d
assert "x=" in d["url"] and "y=" in d["url"] and "s=aeMain%7Csocket_" in d["url"], d
assert abs(d["reloaded_width"] - d["full_width"]) < 0.01 and d["reloaded_matched"] == want, d
assert abs(d["width_reset"] - d["width_before"]) < 0.01 and "x=" not in d["url_after_reset"], d
' "$want"
}

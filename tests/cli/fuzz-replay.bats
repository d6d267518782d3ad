#!/usr/bin/env bats
# Every libFuzzer harness replays its checked-in corpus without crashing (make fuzz explores more).
load helpers

@test "every fuzz harness survives its corpus" {
	local n=0
	for h in "$TK_BUILD"/fuzz-replay/fuzz_*; do
		[ -x "$h" ] || continue
		name=${h##*/}
		files=$(find "$TK_SRC/tests/fuzz/corpus/$name" -type f 2>/dev/null)
		[ -n "$files" ] || { echo "$name has no corpus"; return 1; }
		"$h" $files || { echo "$name crashed"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || skip "no fuzz harnesses yet"
}

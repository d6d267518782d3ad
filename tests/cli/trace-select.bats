#!/usr/bin/env bats
# -P PATH (only calls touching a path, by name or by descriptor) and -e read=/write= (hex dumps), on
# both backends, against the lines tests/progs/paths_target prints and against Debian's strace.
load helpers

# backends to try: ptrace always, bpf where it loads
backends() {
	echo ptrace
	[ "$(id -u)" = 0 ] && "$TRACEKIT" doctor --json |
		python3 -c "import json,sys; sys.exit(not json.load(sys.stdin)['checks']['bpf']['ok'])" && echo bpf
	true
}

@test "trace -P: only the calls on the path (names, descriptors, dup, reuse), with read/write dumps" {
	local b dir=$BATS_TEST_TMPDIR/d
	mkdir "$dir"
	for b in $(backends); do
		"$TRACEKIT" trace --backend "$b" -P "$dir/data" -e read=all -e write=all -o "$BATS_TEST_TMPDIR/$b" -- \
			"$PROGS/paths_target" "$dir" > "$BATS_TEST_TMPDIR/expected"
		diff -u "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/$b" || { echo "backend $b"; return 1; }
	done
	# a real trace: the read of the data file and its dump are there
	grep -qx ' | 00000  68 65 6c 6c 6f 2c 20 77  6f 72                    hello, wor       |' "$BATS_TEST_TMPDIR/ptrace"
}

@test "trace -P / -e read= -e write=: the expected lines are strace's own" {
	require_cmd strace
	local dir=$BATS_TEST_TMPDIR/d
	mkdir "$dir"
	strace -P "$dir/data" -e read=all -e write=all -o "$BATS_TEST_TMPDIR/strace" -- "$PROGS/paths_target" "$dir" \
		> "$BATS_TEST_TMPDIR/expected"
	diff -u "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/strace"
}

@test "trace -e write=FD dumps only that descriptor; -c with -P counts only matching calls" {
	local b out=$BATS_TEST_TMPDIR/o
	for b in $(backends); do
		"$TRACEKIT" trace --backend "$b" -e trace=write -e write=2 -o "$out" -- \
			/usr/bin/python3 -c 'import os; os.write(1, b"ab"); os.write(2, b"cd")' > /dev/null 2>&1
		[ "$(grep -c '^ | ' "$out")" -eq 1 ] || { cat "$out"; return 1; }
		grep -qx ' | 00000  63 64                                             cd               |' "$out"
		"$TRACEKIT" trace --backend "$b" -c -P /etc/hostname -o "$out" -- cat /etc/hostname > /dev/null
		grep -Eq '^ +[0-9.]+ +[0-9.]+ +[0-9]+ +1 +openat$' "$out" || { cat "$out"; return 1; }
		grep -Eq ' read$' "$out"
		! grep -Eq ' (mmap|brk|execve|exit_group)$' "$out"
	done
}

@test "trace: bad -P and -e read=/write= fail before anything runs" {
	run tk trace -P '' -- true
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "tracekit trace: empty -P path"* ]]
	run tk trace -e read=x -- true
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "tracekit trace: invalid descriptor 'x' in -e read= (want 0..1023, all or none)"* ]]
	run tk trace -e write=99999 -- true
	[ "$status" -eq 2 ]
}

@test "trace -P -e read=all -e write=all on cat: the same lines as strace, on both backends" {
	require_cmd strace
	local b
	strace -P /etc/hostname -e read=all -e write=all -o "$BATS_TEST_TMPDIR/strace" -- \
		cat /etc/hostname /etc/hostname > /dev/null
	for b in $(backends); do
		"$TRACEKIT" trace --backend "$b" -P /etc/hostname -e read=all -e write=all -o "$BATS_TEST_TMPDIR/$b" -- \
			cat /etc/hostname /etc/hostname > /dev/null
		diff -u "$BATS_TEST_TMPDIR/strace" "$BATS_TEST_TMPDIR/$b" || { echo "backend $b"; return 1; }
	done
	[ "$(grep -c '^ | 00000  ' "$BATS_TEST_TMPDIR/strace")" -eq 2 ]
}

#!/usr/bin/env bats
# Exact-output tests, strace's way: each tests/progs/sys_*.c makes syscalls with known arguments and
# prints the lines `tracekit trace` must print for them; the trace must contain exactly those lines,
# in order, from the first one on (before it: the dynamic loader's calls; after: stdout's write).
load helpers

# check_prog PROG [TRACER]: TRACER is tracekit's backend, ptrace (the default) or bpf; `strace` checks
# the expectations themselves.
check_prog() {
	local prog=$PROGS/$1 set exp out n first start
	set=$("$prog" --set)
	exp=$BATS_TEST_TMPDIR/expected
	out=$BATS_TEST_TMPDIR/trace
	if [ "${2:-}" = strace ]; then
		strace -e trace="$set" -o "$out" -- "$prog" > "$exp"
	else
		tk trace --backend "${2:-ptrace}" -e trace="$set" -o "$out" -- "$prog" > "$exp"
	fi
	n=$(($(wc -l < "$exp") - 1))
	first=$(head -1 "$exp")
	start=$(grep -nxF -- "$first" "$out" | head -1 | cut -d: -f1)
	[ -n "$start" ] || { echo "first expected line not in the trace: $first"; cat "$out"; return 1; }
	diff -u <(head -n "$n" "$exp") <(tail -n +"$start" "$out" | head -n "$n")
	[ "$(tail -1 "$out")" = "$(tail -1 "$exp")" ]
}

@test "decoders: file and descriptor syscalls" {
	check_prog sys_file
}

@test "decoders: memory syscalls" {
	check_prog sys_mem
}

@test "decoders: the expected lines are strace's own (Debian strace as oracle)" {
	require_cmd strace
	for p in $PROGS/sys_*; do
		check_prog "${p##*/}" strace || { echo "strace disagrees with ${p##*/}"; return 1; }
	done
}

@test "decoders: process and signal syscalls, signal delivery" {
	check_prog sys_proc
}

@test "decoders: network syscalls (loopback TCP, AF_UNIX)" {
	check_prog sys_net
}

@test "decoders: polling, event fds, timers, time, getrandom" {
	check_prog sys_poll
}

@test "decoders: nanosleep's remaining time only when interrupted, else its address (as strace)" {
	run tk trace -e trace=clock_nanosleep -- sleep 0.01
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^clock_nanosleep\(CLOCK_REALTIME,\ 0,\ \{tv_sec=0,\ tv_nsec=10000000\},\ 0x[0-9a-f]+\)\ +=\ 0$ ]] ||
		{ echo "$output"; return 1; }
	# killed half-way: the kernel wrote the time left, and the line shows it
	run tk trace -f -e trace=clock_nanosleep -o "$BATS_TEST_TMPDIR/out" -- sh -c 'sleep 5 & sleep 0.3; kill -TERM $!; wait'
	[ "$status" -eq 0 ]
	# (with -f the call may be interrupted by the parent's lines and resumed)
	grep -Eq ' (clock_nanosleep\(CLOCK_REALTIME, 0, \{tv_sec=5, tv_nsec=0\}, |<\.\.\. clock_nanosleep resumed>)\{tv_sec=4, tv_nsec=[0-9]+\}\) += \? ERESTART_RESTARTBLOCK \(Interrupted by signal\)$' "$BATS_TEST_TMPDIR/out" ||
		{ cat "$BATS_TEST_TMPDIR/out"; return 1; }
}

@test "decoders: ioctls (termios, winsize, FIO*, SIOCGIFINDEX, _IOC), sendfile offsets, sendmmsg/recvmmsg" {
	check_prog sys_ioctl
}

@test "decoders: ioctls, sendfile and mmsg vectors print the same on eBPF" {
	require_root
	require_feature bpf
	check_prog sys_ioctl bpf
}

# (ptrace only: eBPF names a pipe from /proc when the reader gets to it, after this command has gone)
@test "decoders: -y names sendfile's two descriptors" {
	local out=$BATS_TEST_TMPDIR/y exe
	exe=$(realpath "$PROGS/sys_ioctl" | sed 's/[].[*^$]/\\&/g')
	tk trace --backend ptrace -y -e trace=sendfile -o "$out" -- "$PROGS/sys_ioctl" > /dev/null
	grep -Eq '^sendfile\([0-9]+<pipe:\[[0-9]+\]>, [0-9]+<'"$exe"'>, \[2\] => \[9\], 7\) += 7$' "$out" ||
		{ cat "$out"; return 1; }
}

#!/usr/bin/env bats
# tracekit trace on the ptrace backend (pinned with --backend ptrace: the default is eBPF where it loads): strace-compatible lines, exit status, filters, bad input.
load helpers

@test "trace: true prints execve first and +++ exited with 0 +++ last" {
	run tk trace --backend ptrace -- true
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == 'execve("'*'/true", ["true"], 0x'*' vars */) = 0' ]]
	[ "${lines[-1]}" = "+++ exited with 0 +++" ]
}

@test "trace: the command's exit status and death by signal pass through" {
	run tk trace --backend ptrace -e trace=none -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run tk trace --backend ptrace -e trace=none -- sh -c 'kill -9 $$'
	[ "$status" -eq 137 ]
	[[ "$output" == *"+++ killed by SIGKILL +++"* ]]
}

@test "trace: -f -e trace=openat,close shows only those, with the seccomp prefilter" {
	run tk trace --backend ptrace -f -e trace=openat,close -- cat /dev/null
	[ "$status" -eq 0 ]
	echo "$output" | grep -Eq '^openat\(AT_FDCWD, "/dev/null", O_RDONLY\) += [0-9]+$'
	! echo "$output" | grep -Eq '^(read|mmap|execve)\('
}

@test "trace: unknown syscall fails before running, naming the closest match" {
	run tk trace --backend ptrace -e trace=opnat -- touch "$BATS_TEST_TMPDIR/never"
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"'opnat'"*"openat"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/never" ]
}

@test "trace: missing command, missing pid, unwritable -o: one line, non-zero" {
	run tk trace --backend ptrace -- /nonexistent/cmd
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "tracekit trace: cannot run '/nonexistent/cmd': No such file or directory" ]]
	run tk trace --backend ptrace -p 999999999
	[ "$status" -ne 0 ]
	[ "${#lines[@]}" -eq 1 ]
	run tk trace --backend ptrace -o /nonexistent/dir/out -- true
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"cannot write '/nonexistent/dir/out'"* ]]
	run tk trace
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "trace: an unknown backend is a usage error" {
	run tk trace --backend ptrace --backend nope -- true
	[ "$status" -eq 2 ]
}

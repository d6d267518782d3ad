#!/usr/bin/env bats
# The ptrace backend's seccomp prefilter must never change what the traced program does.
load helpers

@test "ptrace: a subset without -f leaves untraced children working (no inherited prefilter)" {
	run "$TRACEKIT" trace --backend ptrace -e trace=clone,clone3 -o "$BATS_TEST_TMPDIR/t" -- sh -c '/bin/true; /bin/true; echo ok'
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "ptrace: --seccomp-bpf without -f says it is not used, and the program still works" {
	run "$TRACEKIT" trace --backend ptrace --seccomp-bpf -e trace=execve -o "$BATS_TEST_TMPDIR/t" -- sh -c '/bin/true && echo ok'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"--seccomp-bpf needs -f"* ]]
	[[ "$output" == *ok ]]
}

@test "ptrace: -f with a subset uses the prefilter and still sees every selected call" {
	run "$TRACEKIT" trace --backend ptrace -f -e trace=execve -o "$BATS_TEST_TMPDIR/t" -- sh -c '/bin/true; /bin/true'
	[ "$status" -eq 0 ]
	cat "$BATS_TEST_TMPDIR/t"
	[ "$(grep -c 'execve("/bin/true"' "$BATS_TEST_TMPDIR/t")" -eq 2 ]
	[ "$(grep -c -e 'execve("/bin/sh"' -e 'execve("/usr/bin/sh"' "$BATS_TEST_TMPDIR/t")" -eq 1 ]
}

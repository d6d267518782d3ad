#!/usr/bin/env bats
# -e inject= / -e fault= (ptrace: the syscall number becomes -1 at entry, the return is set at exit,
# as strace does), invocation counting with when=, what the program sees, strace's own lines, and the
# backend choice: eBPF cannot change returns on this kernel, so ptrace is used with a notice.
load helpers

INJ=(-e inject=getppid:retval=42:when=2..4+2 -e fault=chdir:error=EACCES:when=2+ -e trace=getppid,chdir)

@test "trace -e inject= -e fault=: the program gets the injected results on the invocations asked for" {
	run "$TRACEKIT" trace "${INJ[@]}" -o "$BATS_TEST_TMPDIR/t" -- "$PROGS/inject_target" /
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "tracekit trace: eBPF cannot inject syscall faults on this kernel (no kprobes for bpf_override_return); using ptrace" ]
	[ "${lines[2]}" = "getppid 42" ]
	[ "${lines[4]}" = "getppid 42" ]
	[ "${lines[1]}" != "getppid 42" ] && [ "${lines[3]}" != "getppid 42" ] && [ "${lines[5]}" != "getppid 42" ]
	[ "${lines[6]}" = "chdir 0" ]
	[ "${lines[7]}" = "chdir -13" ]
	[ "${lines[8]}" = "chdir -13" ]
	local ppid=$(sed -n 2p <<< "$output" | cut -d' ' -f2)
	diff -u - "$BATS_TEST_TMPDIR/t" <<-EOF
	getppid()                               = $ppid
	getppid()                               = 42 (INJECTED)
	getppid()                               = $ppid
	getppid()                               = 42 (INJECTED)
	getppid()                               = $ppid
	chdir("/")                              = 0
	chdir("/")                              = -1 EACCES (Permission denied) (INJECTED)
	chdir("/")                              = -1 EACCES (Permission denied) (INJECTED)
	+++ exited with 0 +++
	EOF
}

@test "trace -e inject=: the same lines as strace (pids aside)" {
	require_cmd strace
	tk trace "${INJ[@]}" -o "$BATS_TEST_TMPDIR/tk" -- "$PROGS/inject_target" / > /dev/null 2>&1
	strace "${INJ[@]}" -o "$BATS_TEST_TMPDIR/st" -- "$PROGS/inject_target" / > /dev/null
	diff -u <(sed -E 's/^getppid\(\) += [0-9]+$/getppid() PPID/' "$BATS_TEST_TMPDIR/st") \
		<(sed -E 's/^getppid\(\) += [0-9]+$/getppid() PPID/' "$BATS_TEST_TMPDIR/tk")
}

@test "trace -e fault= with the seccomp prefilter (-f): injected calls still stop; --json marks them" {
	run "$TRACEKIT" trace -f --backend ptrace -e fault=chdir -e trace=chdir -o "$BATS_TEST_TMPDIR/t" -- \
		"$PROGS/inject_target" /
	[ "$status" -eq 0 ]
	[ "$(grep -c '^chdir -38$' <<< "$output")" -eq 3 ]
	[ "$(grep -c '= -1 ENOSYS (Function not implemented) (INJECTED)$' "$BATS_TEST_TMPDIR/t")" -eq 3 ]
	run "$TRACEKIT" trace --backend ptrace --json -e inject=chdir:error=ENOENT:when=3 -e trace=chdir -- \
		"$PROGS/inject_target" /
	[ "$status" -eq 0 ]
	[ "$(grep -c '"injected":true' <<< "$output")" -eq 1 ]
	grep -q '"syscall":"chdir".*"errno":"ENOENT","injected":true' <<< "$output"
}

@test "trace -e inject=: forcing eBPF, and bad specifications, fail before anything runs" {
	run "$TRACEKIT" trace --backend bpf -e inject=chdir:error=EPERM -- true
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "tracekit trace: -e inject= and -e fault= need the ptrace backend"* ]]
	run "$TRACEKIT" trace -e inject=chdir -- true
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "tracekit trace: -e inject= needs error= or retval="* ]]
	run "$TRACEKIT" trace -e inject=chdir:error=ENOPE -- true
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "tracekit trace: unknown error 'ENOPE' in -e inject="* ]]
	run "$TRACEKIT" trace -e fault=chdir:when=0 -- true
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == "tracekit trace: invalid when '0' in -e fault="* ]]
	run "$TRACEKIT" trace -e fault=chdr -- true
	[ "$status" -eq 2 ]
	[[ "${lines[0]}" == *"unknown syscall 'chdr'"*"did you mean 'chdir'"* ]]
}

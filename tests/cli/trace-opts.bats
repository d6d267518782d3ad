#!/usr/bin/env bats
# tracekit trace options: -f/-ff/-o prefixes, -p attach and detach, timestamps, -y, -z/-Z, -q,
# -s, --json, group-stop and exec-from-a-thread semantics.
load helpers

@test "-f: children get [pid N] prefixes and their own exit lines" {
	run tk trace --backend ptrace -f -e trace=execve,exit_group -- sh -c 'true; echo hi | cat'
	[ "$status" -eq 0 ]
	echo "$output" | grep -Eq '^\[pid +[0-9]+\] execve\("/usr/bin/cat", \["cat"\]'
	[ "$(echo "$output" | grep -Ec '^(\[pid +[0-9]+\] )?\+\+\+ exited with 0 \+\+\+$')" -ge 3 ]
	[ "${lines[-1]}" = "+++ exited with 0 +++" ]
}

@test "-f -o FILE: every line starts with the pid" {
	tk trace --backend ptrace -f -o "$BATS_TEST_TMPDIR/out" -e trace=execve -- sh -c 'echo hi | cat' > /dev/null
	! grep -Ev '^[0-9]+ +' "$BATS_TEST_TMPDIR/out"
	[ "$(grep -c execve "$BATS_TEST_TMPDIR/out")" -ge 2 ]
}

@test "-ff -o PREFIX: one file per process, each ending with its exit" {
	tk trace --backend ptrace -ff -o "$BATS_TEST_TMPDIR/pp" -e trace=execve,exit_group -- sh -c 'echo hi | cat' > /dev/null
	n=0
	for f in "$BATS_TEST_TMPDIR"/pp.*; do
		[ "$(tail -1 "$f")" = "+++ exited with 0 +++" ]
		! grep -q '^\[pid' "$f"
		n=$((n + 1))
	done
	[ "$n" -ge 2 ]
}

@test "-p: attach to a running process, Ctrl-C detaches and leaves it running" {
	sleep 30 &
	victim=$!
	"$TRACEKIT" trace --backend ptrace -p "$victim" -o "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" &
	tracer=$!
	sleep 0.5
	kill -INT "$tracer"
	wait "$tracer"
	rc=$?
	kill -0 "$victim"
	kill "$victim"
	cat "$BATS_TEST_TMPDIR/err"
	[ "$rc" -eq 0 ]
	grep -q "Process $victim attached" "$BATS_TEST_TMPDIR/err"
	grep -q "Process $victim detached" "$BATS_TEST_TMPDIR/err"
	# the sleep was in clock_nanosleep when we came and left
	grep -q '<detached ...>' "$BATS_TEST_TMPDIR/out" || [ ! -s "$BATS_TEST_TMPDIR/out" ]
}

@test "-t -tt -ttt -r -T: stamps and durations in strace's formats" {
	run tk trace --backend ptrace -t -e trace=close -- true
	echo "$output" | grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2} close\('
	run tk trace --backend ptrace -tt -T -e trace=close -- true
	echo "$output" | grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} close\([0-9]+\) += 0 <[0-9]+\.[0-9]{6}>$'
	run tk trace --backend ptrace -ttt -e trace=close -- true
	echo "$output" | grep -Eq '^[0-9]{10}\.[0-9]{6} close\('
	run tk trace --backend ptrace -r -e trace=close -- true
	echo "$output" | grep -Eq '^ +[0-9]+\.[0-9]{6} close\('
	# beside an absolute stamp, -r's delta is marked "(+ ...)"
	local be
	for be in bpf ptrace; do
		[ "$be" = ptrace ] || feature_ok bpf || continue
		run tk trace --backend "$be" -tt -r -e trace=close -- true
		echo "$output" | grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} \(\+ +[0-9]+\.[0-9]{6}\) close\('
		run tk trace --backend "$be" -ttt -r -e trace=close -- true
		echo "$output" | grep -Eq '^[0-9]{10}\.[0-9]{6} \(\+ +[0-9]+\.[0-9]{6}\) close\('
	done
	if command -v strace > /dev/null; then
		# the same shape as strace's, digits aside
		diff <(strace -t -r -T -e trace=close -o /dev/stdout true | sed 's/[0-9]/0/g') \
			<(tk trace -t -r -T -e trace=close -- true 2>&1 | sed 's/[0-9]/0/g')
	fi
}

@test "-y: descriptors show their paths" {
	run tk trace --backend ptrace -y -e trace=read -- cat /etc/hostname
	echo "$output" | grep -Eq '^read\([0-9]+</etc/hostname>, '
}

@test "-z and -Z: only successful, only failed calls" {
	run tk trace --backend ptrace -z -e trace=openat -- cat /nonexistent/x
	! echo "$output" | grep -q ENOENT
	echo "$output" | grep -Eq '= [0-9]+$'
	run tk trace --backend ptrace -Z -e trace=openat -- cat /nonexistent/x
	echo "$output" | grep -q '"/nonexistent/x", O_RDONLY) = -1 ENOENT'
	! echo "$output" | grep -Eq ' = [0-9]+$'
}

@test "-q, -qq and -e quiet=: no attach notes; no exit lines" {
	run tk trace --backend ptrace -q -f -e trace=none -- sh -c 'true | true'
	! echo "$output" | grep -q attached
	run tk trace --backend ptrace -qq -e trace=none -- true
	[ -z "$output" ]
	# -e quiet=SET names the classes: exit lines without attach notes, and the converse
	local be
	for be in bpf ptrace; do
		[ "$be" = ptrace ] || feature_ok bpf || continue
		run tk trace --backend "$be" -e quiet=exit -e signal=none -f -e trace=none -- sh -c 'true | true'
		echo "$output" | grep -q ' attached$'
		! echo "$output" | grep -q '+++ exited'
		run tk trace --backend "$be" -e 'quiet=!exit' -e signal=none -f -e trace=none -- sh -c 'true | true'
		! echo "$output" | grep -q ' attached$'
		[ "$(echo "$output" | grep -c '+++ exited with 0 +++')" -ge 2 ]
	done
	run tk trace -e quiet=attach,nonsense -- true
	[ "$status" -eq 2 ]
}

@test "-s: strings cut at N bytes with ..." {
	run tk trace --backend ptrace -s 4 -e trace=write -- sh -c 'echo abcdefgh >/dev/null'
	echo "$output" | grep -Eq '^write\(1, "abcd"\.\.\., 9\) += 9$'
}

@test "-e signal= and -e status=: hide signals, pick results" {
	run tk trace --backend ptrace -e signal=none -e trace=kill -- sh -c 'kill -USR1 $$ 2>/dev/null; true'
	! echo "$output" | grep -q -- '--- SIGUSR1'
	run tk trace --backend ptrace -e status=failed -e trace=openat -- cat /nonexistent/y
	echo "$output" | grep -q '/nonexistent/y'
	! echo "$output" | grep -Eq ' = [0-9]+$'
}

@test "--json: one parseable object per syscall, signal and exit; -c gives one summary" {
	tk trace --backend ptrace -f --json -e trace=openat,kill -o "$BATS_TEST_TMPDIR/j" -- sh -c 'cat /nonexistent/z 2>/dev/null; kill -USR2 $$' || true
	python3 - "$BATS_TEST_TMPDIR/j" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
sc = [o for o in objs if o["type"] == "syscall"]
assert any(o["syscall"] == "openat" and o["args"][1] == "/nonexistent/z" and o["ret"] == -1
           and o["errno"] == "ENOENT" and o["dur_us"] >= 0 for o in sc), sc
assert all({"ts", "pid", "syscall", "args", "ret"} <= o.keys() for o in sc)
assert any(o["type"] == "signal" and o["signal"] == "SIGUSR2" for o in objs)
assert objs[-1]["type"] == "exit" and objs[-1]["killed_by"] == "SIGUSR2"
PY
	run tk trace --backend ptrace --json -c -- true
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | python3 -c 'import json,sys; o=json.load(sys.stdin); assert o["type"]=="summary" and o["calls"]>10'
}

@test "group-stop: a stopped child stays stopped for its parent until SIGCONT" {
	run timeout 20 "$TRACEKIT" trace --backend ptrace -f -e trace=none -- "$PROGS/stopcont"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q 'si_code=CLD_STOPPED'
}

@test "exec from a non-leader thread: strace's pid-changed lines, clean exit (both backends)" {
	local be args
	for be in ptrace bpf; do
		[ "$be" = bpf ] && ! feature_ok bpf && continue
		run timeout 20 "$TRACEKIT" trace --backend "$be" -f -e trace=execve -- "$PROGS/thread_exec"
		[ "$status" -eq 0 ]
		# eBPF reads memory without faulting pages in: a string literal in a page the program
		# never touched shows as its address (ptrace reads it live)
		args='"/bin/true", \["true"\]'
		[ "$be" = bpf ] && args="($args|0x[0-9a-f]+, \[0x[0-9a-f]+\])"
		echo "$output" | grep -Eq '^\[pid +[0-9]+\] execve\('"$args"', 0x[0-9a-f]+ /\* [0-9]+ vars \*/ <pid changed to [0-9]+ \.\.\.>$' ||
			{ echo "$be: $output"; return 1; }
		echo "$output" | grep -q '^+++ superseded by execve in pid [0-9]*'
		echo "$output" | grep -Eq '^<\.\.\. execve resumed>\) += 0$'
		! echo "$output" | grep -q 'SIG???'
		[ "${lines[-1]}" = "+++ exited with 0 +++" ]
	done
}

@test "a thread group's end: the other threads end with the group's status, their calls = ?" {
	run tk trace -f -e trace=exit_group,pause -- "$PROGS/group_exit"
	[ "$status" -eq 3 ]
	echo "$output"
	echo "$output" | grep -Eq '^\[pid +[0-9]+\] pause\( <unfinished \.\.\.>$'
	echo "$output" | grep -Eq '^\[pid +[0-9]+\] <\.\.\. pause resumed>\) += \?$'
	echo "$output" | grep -Eq '^\[pid +[0-9]+\] \+\+\+ exited with 3 \+\+\+$'
	[ "${lines[-1]}" = "+++ exited with 3 +++" ]
	# a fatal signal: the thread ends with it too (on eBPF the kernel turns it into SIGKILL for
	# every thread; the task's exit code still names it)
	run tk trace -f -e trace=exit_group,pause -- "$PROGS/group_exit" term
	[ "$status" -eq 143 ]
	echo "$output"
	echo "$output" | grep -Eq '^\[pid +[0-9]+\] (<\.\.\. pause resumed>|pause\()\) += \?$'
	echo "$output" | grep -Eq '^\[pid +[0-9]+\] \+\+\+ killed by SIGTERM \+\+\+$'
	[ "${lines[-1]}" = "+++ killed by SIGTERM +++" ]
}

@test "a task killed by SIGKILL in a call: its line ends <unfinished ...>) = ?, as strace" {
	run tk trace -f -e trace=clock_nanosleep -- sh -c 'sleep 5 & sleep 0.3; kill -KILL $!; wait'
	[ "$status" -eq 0 ]
	echo "$output"
	# (the parent's lines may come between: then the call is resumed to end unfinished)
	echo "$output" | grep -Eq '^\[pid +[0-9]+\] (clock_nanosleep\(CLOCK_REALTIME, 0, \{tv_sec=5, tv_nsec=0\}, |<\.\.\. clock_nanosleep resumed>) <unfinished \.\.\.>\) += \?$'
	echo "$output" | grep -Eq '^\[pid +[0-9]+\] \+\+\+ killed by SIGKILL \+\+\+$'
	! echo "$output" | grep -q ERESTART
}

@test "a fatal signal: the call it interrupts returns, the signal shows, the task is killed by it" {
	run tk trace -f -e trace=clock_nanosleep,kill -- sh -c 'sleep 5 & sleep 0.3; kill -TERM $!; wait'
	[ "$status" -eq 0 ]
	echo "$output"
	echo "$output" | grep -Eq '^\[pid +([0-9]+)\] (clock_nanosleep\(CLOCK_REALTIME, 0, \{tv_sec=5, tv_nsec=0\}, |<\.\.\. clock_nanosleep resumed>)\{tv_sec=4, tv_nsec=[0-9]+\}\) += \? ERESTART_RESTARTBLOCK \(Interrupted by signal\)$'
	echo "$output" | grep -Eq '^\[pid +[0-9]+\] --- SIGTERM \{si_signo=SIGTERM, si_code=SI_USER, si_pid=[0-9]+, si_uid=0\} ---$'
	echo "$output" | grep -Eq '^\[pid +[0-9]+\] \+\+\+ killed by SIGTERM \+\+\+$'
	[ "${lines[-1]}" = "+++ exited with 0 +++" ]
}

@test "-x, -xx, -n and -A as strace: hex strings, syscall numbers, appending to -o" {
	local f=$BATS_TEST_TMPDIR/in be
	printf 'h\303\251llo\1\n' > "$f"
	require_feature ptrace
	for be in bpf ptrace; do
		[ "$be" = ptrace ] || feature_ok bpf || continue
		tk trace --backend "$be" -x -e trace=read -o "$BATS_TEST_TMPDIR/x" -- cat "$f" > /dev/null
		grep -Eq '^read\([0-9]+, "\\x68\\xc3\\xa9\\x6c\\x6c\\x6f\\x01\\x0a", [0-9]+\) += 8$' "$BATS_TEST_TMPDIR/x"
		# printable strings stay as they are with -x, go hex with -xx
		tk trace --backend "$be" -x -e trace=openat -o "$BATS_TEST_TMPDIR/x" -- cat "$f" > /dev/null
		grep -qF "\"$f\"" "$BATS_TEST_TMPDIR/x"
		tk trace --backend "$be" -xx -e trace=openat -o "$BATS_TEST_TMPDIR/x" -- cat "$f" > /dev/null
		! grep -qF "\"$f\"" "$BATS_TEST_TMPDIR/x"
		grep -Eq '^openat\(AT_FDCWD, "(\\x[0-9a-f]{2})+", O_RDONLY\) += [0-9]+$' "$BATS_TEST_TMPDIR/x"
		# -n: read is 0 on x86_64; the exit line carries the task's last call (exit_group, 231)
		tk trace --backend "$be" -n -e trace=read -o "$BATS_TEST_TMPDIR/n" -- cat "$f" > /dev/null
		grep -Eq '^\[   0\] read\([0-9]+, ' "$BATS_TEST_TMPDIR/n"
		[ "$(tail -1 "$BATS_TEST_TMPDIR/n")" = "[ 231] +++ exited with 0 +++" ]
		# -A: a second trace goes after the first
		tk trace --backend "$be" -A -e trace=read -o "$BATS_TEST_TMPDIR/n" -- cat "$f" > /dev/null
		[ "$(grep -c '^\[ 231\] +++ exited with 0 +++$' "$BATS_TEST_TMPDIR/n")" = 1 ]
		[ "$(grep -c '^+++ exited with 0 +++$' "$BATS_TEST_TMPDIR/n")" = 1 ]
	done
	if command -v strace > /dev/null; then
		strace -x -n -e trace=read -o "$BATS_TEST_TMPDIR/s" -- cat "$f" > /dev/null
		tk trace -x -n -e trace=read -o "$BATS_TEST_TMPDIR/t" -- cat "$f" > /dev/null
		diff <(sed -E 's/ +/ /g' "$BATS_TEST_TMPDIR/s") <(sed -E 's/ +/ /g' "$BATS_TEST_TMPDIR/t")
	fi
}

@test "-u USER and -E: the command runs with the user's ids and the edited environment (both backends)" {
	require_root
	require_feature ptrace
	getent passwd nobody > /dev/null || skip "no user 'nobody' on this machine"
	require_cmd setpriv
	local be want cmd='echo "$(id -u) $(id -g) [$(id -G)] ${TK_OPT_NEW-} ${TK_OPT_GONE-unset} $(env | grep -v ^_= | sort | md5sum)"'
	export TK_OPT_GONE=x
	# the oracle: util-linux's setpriv and env doing the same
	want=$(env -u TK_OPT_GONE TK_OPT_NEW=1 setpriv --reuid=nobody --regid="$(id -g nobody)" --init-groups sh -c "$cmd")
	[[ "$want" == "$(id -u nobody) "* ]]
	for be in bpf ptrace; do
		[ "$be" = ptrace ] || feature_ok bpf || continue
		run "$TRACEKIT" trace --backend "$be" -qq -e trace=none -e signal=none -u nobody -E TK_OPT_NEW=1 \
			-E TK_OPT_GONE -- sh -c "$cmd"
		[ "$status" -eq 0 ]
		[ "$output" = "$want" ]
	done
	# the execve line counts the environment the command got, as strace's does: one more here
	run "$TRACEKIT" trace -e trace=execve -- true
	[ "$status" -eq 0 ]
	n=$(echo "${lines[0]}" | sed -nE 's|.* /\* ([0-9]+) vars \*/\) = 0$|\1|p')
	[ -n "$n" ]
	run "$TRACEKIT" trace -E TK_OPT_NEW=1 -E TK_OPT_GONE -E TK_OPT_X=2 -e trace=execve -- true
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"/* $((n + 1)) vars */) = 0" ]]
}

@test "-u and -E refuse what they cannot do: unknown users, empty names, -p" {
	run "$TRACEKIT" trace -u no-such-user-tk -- true
	[ "$status" -ne 0 ]
	[ "$output" = "tracekit trace: cannot find user 'no-such-user-tk'" ]
	run "$TRACEKIT" trace -E =x -- true
	[ "$status" -eq 2 ]
	[[ "$output" == *"invalid -E '=x'"* ]]
	run "$TRACEKIT" trace -E A=1 -p $$
	[ "$status" -eq 2 ]
	[[ "$output" == *"-E and -u apply to a command"* ]]
}

@test "-i: lines start with the user instruction pointer, strace's own (both backends, ASLR off for both)" {
	require_cmd strace
	require_cmd setarch
	require_feature ptrace
	# one task, signals it sends itself: every line comes at the same place in every run
	local be s='trap "echo got" USR1; kill -USR1 $$; echo done; kill -TERM $$'
	local set=trace=write,kill,rt_sigreturn,exit_group
	# pids differ from run to run; everything else, addresses included, must not
	pids() { sed -E 's/(si_pid=|kill\()[0-9]+/\1N/g' "$1"; }
	run setarch -R strace -i -e "$set" -o "$BATS_TEST_TMPDIR/st" sh -c "$s"
	[ "$status" -eq 143 ]
	grep -Eq '^\[[0-9a-f]{16}\] rt_sigreturn\(\{mask=\[\]\}\) += 0$' "$BATS_TEST_TMPDIR/st"
	grep -Eq '^\[[0-9a-f]{16}\] --- SIGTERM ' "$BATS_TEST_TMPDIR/st"
	[ "$(tail -1 "$BATS_TEST_TMPDIR/st")" = "[????????????????] +++ killed by SIGTERM +++" ]
	for be in bpf ptrace; do
		[ "$be" = ptrace ] || feature_ok bpf || continue
		run setarch -R "$TRACEKIT" trace --backend "$be" -i -e "$set" -o "$BATS_TEST_TMPDIR/tk" sh -c "$s"
		[ "$status" -eq 143 ]
		diff <(pids "$BATS_TEST_TMPDIR/st") <(pids "$BATS_TEST_TMPDIR/tk")
	done
}

@test "-yy: sockets as the kernel describes them, devices with their numbers; strace's text (both backends)" {
	require_root
	require_feature ptrace
	local be d=$BATS_TEST_TMPDIR
	cat > "$d/socks.py" <<'PY'
import fcntl, os, socket, sys, time
d = sys.argv[1]
s = socket.socket(socket.AF_UNIX); s.bind(d + '/s.sock'); s.listen()
c = socket.socket(socket.AF_UNIX); c.connect(d + '/s.sock'); a, _ = s.accept()
t = socket.socket(); t.bind(('127.0.0.1', 0)); t.listen()
k = socket.socket(); k.connect(t.getsockname()); b, _ = t.accept()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', 0))
socks = [s, c, a, t, k, b, u]
if socket.has_ipv6 and os.path.exists('/proc/net/if_inet6'):
    v = socket.socket(socket.AF_INET6); v.bind(('::1', 0)); v.listen()
    w = socket.socket(socket.AF_INET6); w.connect(v.getsockname())
    socks += [v, w]
g = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); g.bind('\0tk-abstract-%d' % os.getpid())
n = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0); n.bind((0, 0))
socks += [g, n, socket.socket()] + list(socket.socketpair())
fds = [x.fileno() for x in socks] + [os.open('/dev/null', os.O_RDONLY)]
for fd in fds:
    fcntl.fcntl(fd, fcntl.F_GETFD)
time.sleep(0.2)  # the eBPF reader describes them while they are still there
PY
	# the inode numbers, ports and pids differ from run to run
	# (a pid may have 3 digits: the abstract name and the netlink port id carry one)
	lines() { grep -E '^fcntl\(([3-9]|[1-9][0-9])<' "$1" | sed -E 's/(tk-abstract-|ROUTE:)[0-9]+/\1N/g; s/[0-9]{4,}/N/g'; }
	for be in bpf ptrace; do
		[ "$be" = ptrace ] || feature_ok bpf || continue
		rm -f "$d/s.sock"
		"$TRACEKIT" trace --backend "$be" -yy -e trace=fcntl -o "$d/$be" python3 "$d/socks.py" "$d"
		lines "$d/$be" > "$d/$be.n"
		grep -Fq "<UNIX-STREAM:[N->N,\"$d/s.sock\"]>" "$d/$be.n"
		grep -Eq '<TCP:\[127\.0\.0\.1:N->127\.0\.0\.1:N\]>' "$d/$be.n"
		grep -Eq '<UDP:\[127\.0\.0\.1:N\]>' "$d/$be.n"
		grep -Fq '<UNIX:[N,@"tk-abstract-N"]>' "$d/$be.n"
		grep -Fq '<NETLINK:[ROUTE:N]>' "$d/$be.n"
		grep -Fq '</dev/null<char 1:3>>, F_GETFD) = 0x1 (flags FD_CLOEXEC)' "$d/$be.n"
	done
	if command -v strace > /dev/null; then
		rm -f "$d/s.sock"
		strace -yy -e trace=fcntl -o "$d/st" python3 "$d/socks.py" "$d"
		lines "$d/st" > "$d/st.n"
		[ "$(wc -l < "$d/st.n")" -ge 14 ]
		diff "$d/st.n" "$d/ptrace.n"
		! feature_ok bpf || diff "$d/st.n" "$d/bpf.n"
	fi
}

@test "-e raw= and -e abbrev=: undecoded hex for some calls, unabbreviated structs for others; strace's text" {
	require_feature ptrace
	local be f=$BATS_TEST_TMPDIR/f q
	printf 'hello\n' > "$f"
	# addresses differ from run to run; everything else must not
	addr() { sed -E 's/0x[0-9a-f]{8,}/ADDR/g' "$1"; }
	for be in bpf ptrace; do
		[ "$be" = ptrace ] || feature_ok bpf || continue
		tk trace --backend "$be" -e raw=openat,read -e trace=openat,read,close -o "$BATS_TEST_TMPDIR/r-$be" -- cat "$f" > /dev/null
		grep -Eq '^read\(0x[0-9a-f]+, 0x[0-9a-f]+, 0x20000\) += 0x6$' "$BATS_TEST_TMPDIR/r-$be"
		grep -Eq '^openat\(0xffffff9c, 0x[0-9a-f]+, 0, 0\) += 0x[0-9a-f]+$' "$BATS_TEST_TMPDIR/r-$be"
		grep -Eq '^close\([0-9]+\) ' "$BATS_TEST_TMPDIR/r-$be"	# not in the raw set: decoded
		# abbrev=none is -v for every call; abbrev=SET leaves the others abbreviated
		tk trace --backend "$be" -e abbrev=none -e trace=newfstatat,fstat -o "$BATS_TEST_TMPDIR/a-$be" -- cat "$f" > /dev/null
		tk trace --backend "$be" -v -e trace=newfstatat,fstat -o "$BATS_TEST_TMPDIR/v-$be" -- cat "$f" > /dev/null
		grep -q 'st_mtime=' "$BATS_TEST_TMPDIR/a-$be"
		diff <(sed -E 's/st_atime[^,]*,//g; s/st_atime_nsec=[0-9]+, //g' "$BATS_TEST_TMPDIR/v-$be") \
			<(sed -E 's/st_atime[^,]*,//g; s/st_atime_nsec=[0-9]+, //g' "$BATS_TEST_TMPDIR/a-$be")
		tk trace --backend "$be" -e a=execve -e trace=newfstatat,fstat -o "$BATS_TEST_TMPDIR/a2-$be" -- cat "$f" > /dev/null
		! grep -q 'st_mtime=' "$BATS_TEST_TMPDIR/a2-$be"
	done
	run tk trace -e raw=nosuchcall -- true
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown syscall 'nosuchcall'"* ]]
	if command -v strace > /dev/null; then
		strace -e raw=openat,read -e trace=openat,read,close -o "$BATS_TEST_TMPDIR/r-st" -- cat "$f" > /dev/null
		diff <(addr "$BATS_TEST_TMPDIR/r-st") <(addr "$BATS_TEST_TMPDIR/r-ptrace")
		! feature_ok bpf || diff <(addr "$BATS_TEST_TMPDIR/r-st") <(addr "$BATS_TEST_TMPDIR/r-bpf")
		# -v's stat as strace prints it (a whole second's time without a fraction)
		strace -e abbrev=none -e trace=newfstatat,fstat -o "$BATS_TEST_TMPDIR/a-st" -- cat "$f" > /dev/null
		diff <(sed -E 's/st_atime[^,]*,//g; s/st_atime_nsec=[0-9]+, //g' "$BATS_TEST_TMPDIR/a-st") \
			<(sed -E 's/st_atime[^,]*,//g; s/st_atime_nsec=[0-9]+, //g' "$BATS_TEST_TMPDIR/a-ptrace")
	fi
}

@test "-o '|CMD' and '!CMD': the trace piped to a command, as strace; -ff refuses it" {
	require_feature ptrace
	local be d=$BATS_TEST_TMPDIR
	for be in bpf ptrace; do
		[ "$be" = ptrace ] || feature_ok bpf || continue
		tk trace --backend "$be" -f -e trace=execve,exit_group -o "|cat > $d/piped" -- sh -c 'true; /bin/true' > /dev/null
		tk trace --backend "$be" -f -e trace=execve,exit_group -o "$d/file" -- sh -c 'true; /bin/true' > /dev/null
		# the same lines, "PID " prefixes as for a file; pids differ from run to run
		diff <(sed -E 's/^[0-9]+ +//; s/0x[0-9a-f]+/A/g; s/[0-9]{3,}/N/g' "$d/file") <(sed -E 's/^[0-9]+ +//; s/0x[0-9a-f]+/A/g; s/[0-9]{3,}/N/g' "$d/piped")
		grep -Eq '^[0-9]+ +execve\("/bin/true"' "$d/piped"
		run tk trace --backend "$be" -e trace=openat -o '!grep -c openat' -- cat /etc/hostname
		[ "$status" -eq 0 ]
		[ "${lines[-1]}" -ge 1 ]
	done
	# a command that stops reading, or exits non-zero, is said, not a failed trace
	run tk trace -e trace=none -o '|exit 3' -- true
	[ "$status" -eq 0 ]
	run tk trace -ff -o '|cat' -- true
	[ "$status" -eq 2 ]
	[[ "$output" == *"-ff writes one file per process"* ]]
}

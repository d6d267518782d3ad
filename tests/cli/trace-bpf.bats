#!/usr/bin/env bats
# tracekit trace on eBPF: same text as the ptrace backend, the trace corpus on both backends,
# fallback when bpf() is denied, nothing left loaded after SIGKILL, in-kernel -c, -a, --cgroup, loss.
load helpers

SAME_SET='trace=getcwd,chdir,openat,read,write,pwrite64,pread64,writev,lseek,close,newfstatat,mkdir,rename,unlink,rmdir,pipe2,dup2,socketpair,sendto,recvfrom,socket,connect,exit_group'

setup() {
	require_root
	require_feature bpf
}

teardown() {
	[ -n "${CG:-}" ] && rmdir "$CG" 2>/dev/null
	true
}

@test "trace-bpf: both backends print identical text for a deterministic program" {
	require_feature ptrace
	mkdir "$BATS_TEST_TMPDIR/w"
	run tk trace --backend bpf -e "$SAME_SET" -o "$BATS_TEST_TMPDIR/bpf" -- "$PROGS/bpf_same" "$BATS_TEST_TMPDIR/w"
	[ "$status" -eq 0 ]
	run tk trace --backend ptrace -e "$SAME_SET" -o "$BATS_TEST_TMPDIR/ptrace" -- "$PROGS/bpf_same" "$BATS_TEST_TMPDIR/w"
	[ "$status" -eq 0 ]
	diff -u "$BATS_TEST_TMPDIR/ptrace" "$BATS_TEST_TMPDIR/bpf"
	# and it is a real trace, not two empty files
	grep -qF '"hello\n", 6)' "$BATS_TEST_TMPDIR/bpf"
	grep -q '^connect([0-9]*, {sa_family=AF_UNIX, sun_path="no-such-socket"}, 110) = -1 ENOENT' "$BATS_TEST_TMPDIR/bpf"
	[ "$(tail -1 "$BATS_TEST_TMPDIR/bpf")" = "+++ exited with 0 +++" ]
}

@test "trace-bpf: with -f too (entries captured at entry), both backends print identical text" {
	require_feature ptrace
	mkdir "$BATS_TEST_TMPDIR/w"
	run tk trace --backend bpf -f -e "$SAME_SET" -o "$BATS_TEST_TMPDIR/bpf" -- "$PROGS/bpf_same" "$BATS_TEST_TMPDIR/w"
	[ "$status" -eq 0 ]
	run tk trace --backend ptrace -f -e "$SAME_SET" -o "$BATS_TEST_TMPDIR/ptrace" -- "$PROGS/bpf_same" "$BATS_TEST_TMPDIR/w"
	[ "$status" -eq 0 ]
	sed -E 's/^[0-9]+ +//' "$BATS_TEST_TMPDIR/bpf" > "$BATS_TEST_TMPDIR/bpf.n"
	sed -E 's/^[0-9]+ +//' "$BATS_TEST_TMPDIR/ptrace" > "$BATS_TEST_TMPDIR/ptrace.n"
	diff -u "$BATS_TEST_TMPDIR/ptrace.n" "$BATS_TEST_TMPDIR/bpf.n"
	grep -qF '"hello\n", 6)' "$BATS_TEST_TMPDIR/bpf"
	grep -q 'connect([0-9]*, {sa_family=AF_UNIX, sun_path="no-such-socket"}, 110) = -1 ENOENT' "$BATS_TEST_TMPDIR/bpf"
}

# pids in order of appearance -> P0, P1, ... so two runs' lines compare
norm_pids() {
	awk '{ if (match($0, /^[0-9]+ /)) { p = substr($0, 1, RLENGTH - 1)
		if (!(p in n)) n[p] = "P" k++; $0 = n[p] substr($0, RLENGTH) } print }' "$1"
}

@test "trace-bpf: -f shows a call another task interrupts as <unfinished ...> and <... resumed>, as ptrace" {
	require_feature ptrace
	local be
	# a thread's read(2) is in flight (the subject waits until /proc says so) when the main
	# thread's getppid line comes: on both backends, whatever the timing
	for be in bpf ptrace; do
		run tk trace --backend "$be" -f -e trace=read,getppid -o "$BATS_TEST_TMPDIR/$be.raw" -- \
			"$PROGS/unfinished"
		[ "$status" -eq 0 ]
		grep -v ELF "$BATS_TEST_TMPDIR/$be.raw" > "$BATS_TEST_TMPDIR/$be.f" || true
		norm_pids "$BATS_TEST_TMPDIR/$be.f" | sed 's/^\(.*getppid() *= \)[0-9]*$/\1PPID/' > "$BATS_TEST_TMPDIR/$be"
	done
	cat "$BATS_TEST_TMPDIR/bpf"
	[[ "$(sed -n 1p "$BATS_TEST_TMPDIR/bpf")" =~ ^P0\ +read\([0-9]+,\ \ \<unfinished\ \.\.\.\>$ ]]
	[[ "$(sed -n 2p "$BATS_TEST_TMPDIR/bpf")" =~ ^P1\ +getppid\(\)\ +=\ PPID$ ]]
	[[ "$(sed -n 3p "$BATS_TEST_TMPDIR/bpf")" =~ ^P0\ +\<\.\.\.\ read\ resumed\>\"x\",\ 1\)\ +=\ 1$ ]]
	# the thread's end too, though exit is not selected
	grep -qx 'P0 *+++ exited with 0 +++' "$BATS_TEST_TMPDIR/bpf"
	# ptrace stops both tasks at each call: which line comes first there depends on the
	# order the tracer collects the stops, but the same calls are cut and resumed
	grep -q '<unfinished ...>$' "$BATS_TEST_TMPDIR/ptrace"
	grep -Eq '^P[01] +<\.\.\. read resumed>"x", 1\) += 1$' "$BATS_TEST_TMPDIR/ptrace"
}

@test "trace-bpf: -f reports each child's end though exit_group is not selected, as ptrace" {
	require_feature ptrace
	local be script='(cd /; true); cd /tmp; sh -c "cd /; exit 3"; exit 0'
	for be in bpf ptrace; do
		# on stderr, where strace writes "[pid N]" only while more than one process is traced
		tk trace --backend "$be" -f -e trace=chdir -- sh -c "$script" 2> "$BATS_TEST_TMPDIR/$be.raw"
		grep -v '^tracekit trace: Process' "$BATS_TEST_TMPDIR/$be.raw" | sed -E 's/[0-9]{2,}/N/g' > "$BATS_TEST_TMPDIR/$be"
	done
	cat "$BATS_TEST_TMPDIR/bpf"
	grep -qx '\[pid *N\] +++ exited with 3 +++' "$BATS_TEST_TMPDIR/bpf"
	# once the children are gone the parent's lines lose their "[pid N]"
	[ "$(tail -2 "$BATS_TEST_TMPDIR/bpf" | head -1 | cut -c1-13)" = "--- SIGCHLD {" ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/bpf")" = "+++ exited with 0 +++" ]
	diff -u "$BATS_TEST_TMPDIR/ptrace" "$BATS_TEST_TMPDIR/bpf"
}

@test "trace-bpf: the trace test corpus runs on eBPF by default, and passes on ptrace too" {
	require_feature ptrace
	local f
	# the other trace*.bats files run with the default backend: prove that it is eBPF here
	run tk trace -e trace=none -o /dev/null -- true
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# and replay them on ptrace, so both backends pass the same corpus (not trace-diff: its
	# 100000-call dd under ptrace alone takes half a minute; it runs on eBPF by default)
	for f in "$BATS_TEST_DIRNAME"/trace*.bats; do
		case $f in */trace-bpf*.bats | */trace-diff.bats) continue ;; esac
		TK_TRACE_BACKEND=ptrace bats --tap "$f" > "$BATS_TEST_TMPDIR/tap" 2>&1 ||
			{ grep -v '^ok' "$BATS_TEST_TMPDIR/tap"; echo "with --backend ptrace: ${f##*/} failed"; return 1; }
	done
}

@test "trace-bpf: without --backend, eBPF is used; bpf() denied falls back to ptrace with one notice" {
	require_feature ptrace
	mkdir "$BATS_TEST_TMPDIR/w"
	run tk trace -e "$SAME_SET" -o "$BATS_TEST_TMPDIR/auto" -- "$PROGS/bpf_same" "$BATS_TEST_TMPDIR/w"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run "$PROGS/deny_bpf" "$TRACEKIT" trace -e "$SAME_SET" -o "$BATS_TEST_TMPDIR/denied" -- \
		"$PROGS/bpf_same" "$BATS_TEST_TMPDIR/w"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "tracekit trace: eBPF unavailable ("*"Operation not permitted); using ptrace" ]]
	diff -u "$BATS_TEST_TMPDIR/auto" "$BATS_TEST_TMPDIR/denied"
	# forcing eBPF where it is denied is an error, not a silent switch; the command, forked before
	# the programs load and held until they are attached, never runs
	run "$PROGS/deny_bpf" "$TRACEKIT" trace --backend bpf -- touch "$BATS_TEST_TMPDIR/ran"
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "tracekit trace: loading the BPF programs failed: Operation not permitted" ]]
	[ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "trace-bpf: the command gets back the signal dispositions tracekit ignores for itself" {
	local bare
	bare=$(sh -c 'grep SigIgn /proc/self/status')
	run tk trace --backend bpf -e trace=none -o /dev/null -- sh -c 'grep SigIgn /proc/self/status'
	[ "$status" -eq 0 ]
	[ "$output" = "$bare" ]
}

# The ids of the BPF programs process $1 holds, from its fds' fdinfo.
prog_ids_of() {
	local fd
	for fd in /proc/"$1"/fdinfo/*; do
		awk '/^prog_id:/ {print $2}' "$fd" 2>/dev/null
	done | sort -u
}

@test "trace-bpf: after SIGKILL none of tracekit's BPF programs stays loaded" {
	require_cmd bpftool
	"$TRACEKIT" trace --backend bpf -o /dev/null -- sleep 30 &
	local pid=$! ids="" i id
	for i in $(seq 100); do
		ids=$(prog_ids_of "$pid")
		[ "$(echo "$ids" | grep -c .)" -ge 2 ] && break
		sleep 0.05
	done
	[ -n "$ids" ]
	for id in $ids; do bpftool prog show id "$id" > /dev/null; done
	kill -9 "$pid"
	wait "$pid" 2>/dev/null || true
	pkill -KILL -P "$pid" sleep 2>/dev/null || true
	for id in $ids; do
		for i in $(seq 100); do
			bpftool prog show id "$id" > /dev/null 2>&1 || break
			sleep 0.05
		done
		! bpftool prog show id "$id" > /dev/null 2>&1 || { echo "program $id still loaded"; return 1; }
	done
}

@test "trace-bpf: -c counts in the kernel, the same calls as the ptrace backend" {
	require_feature ptrace
	run tk trace --backend bpf -c -o "$BATS_TEST_TMPDIR/bpf" -- dd if=/dev/zero of=/dev/null bs=1 count=3000
	[ "$status" -eq 0 ]
	run tk trace --backend ptrace -c -o "$BATS_TEST_TMPDIR/ptrace" -- dd if=/dev/zero of=/dev/null bs=1 count=3000
	[ "$status" -eq 0 ]
	calls() { awk -v s="$2" '$NF == s {print $4}' "$1"; }
	[ "$(calls "$BATS_TEST_TMPDIR/bpf" write)" -ge 3000 ]
	# every row's syscall, calls and errors (exit_group, which never returns, in neither, as strace)
	rows() { awk '$NF ~ /^[a-z_0-9]+$/ && $1 ~ /^[0-9.]+$/ { print $NF, $4, (NF == 6 ? $5 : 0) }' "$1" | sort; }
	diff <(rows "$BATS_TEST_TMPDIR/bpf") <(rows "$BATS_TEST_TMPDIR/ptrace")
	! grep -q ' exit_group$' "$BATS_TEST_TMPDIR/bpf"
	grep -q '^100.00 .* total$' "$BATS_TEST_TMPDIR/bpf"
}

@test "trace-bpf: --hist adds a log2 latency histogram per syscall" {
	run tk trace --backend bpf -c --hist -o "$BATS_TEST_TMPDIR/out" -- dd if=/dev/zero of=/dev/null bs=1 count=500
	[ "$status" -eq 0 ]
	grep -q '^read: 50[0-9] calls$' "$BATS_TEST_TMPDIR/out"
	grep -Eq '^ +[0-9]+ -> [0-9]+ +: [0-9]+ +\|\*+ *\|$' "$BATS_TEST_TMPDIR/out"
	run tk trace --backend bpf --hist -- true
	[ "$status" -eq 2 ]
}

@test "trace-bpf: -a traces other processes, each line prefixed comm/pid" {
	# the subject starts from the command, so only after the tracer is attached
	run tk trace -a -e trace=pwrite64 -o "$BATS_TEST_TMPDIR/out" -- sh -c "\"$PROGS/bpf_same\" \"$BATS_TEST_TMPDIR\""
	[ "$status" -eq 0 ]
	grep -Eq '^bpf_same/[0-9]+ pwrite64\([0-9]+, "HE", 2, 0\) += 2$' "$BATS_TEST_TMPDIR/out" ||
		{ grep -v SIGCHLD "$BATS_TEST_TMPDIR/out"; return 1; }
	grep -Eq '^sh/[0-9]+ \+\+\+ exited with 0 \+\+\+$' "$BATS_TEST_TMPDIR/out"
	# --json carries the command name too
	run tk trace -a --json -e trace=pwrite64 -o "$BATS_TEST_TMPDIR/json" -- sh -c "\"$PROGS/bpf_same\" \"$BATS_TEST_TMPDIR\""
	[ "$status" -eq 0 ]
	grep -Eq '^\{"type":"syscall","ts":[0-9.]+,"pid":[0-9]+,"comm":"bpf_same","syscall":"pwrite64",' "$BATS_TEST_TMPDIR/json" ||
		{ grep pwrite64 "$BATS_TEST_TMPDIR/json"; return 1; }
}

@test "trace-bpf: --cgroup sees only the tasks of that cgroup" {
	local root
	root=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
	[ -n "$root" ] || skip "no cgroup v2 hierarchy mounted"
	CG=$root/tracekit-test-$$
	mkdir "$CG" || skip "cannot create a cgroup under $root"
	mkdir "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
	# one subject moves itself into the cgroup, the other stays out; both start after attaching
	run tk trace --cgroup "$CG" -e trace=chdir -o "$BATS_TEST_TMPDIR/trace" -- sh -c "
		sh -c 'echo \$\$ > $CG/cgroup.procs && exec $PROGS/bpf_same $BATS_TEST_TMPDIR/in'
		$PROGS/bpf_same $BATS_TEST_TMPDIR/out"
	[ "$status" -eq 0 ]
	grep -q "^bpf_same/[0-9]* chdir(\"$BATS_TEST_TMPDIR/in\")" "$BATS_TEST_TMPDIR/trace" ||
		{ cat "$BATS_TEST_TMPDIR/trace"; return 1; }
	! grep -q "/out\")" "$BATS_TEST_TMPDIR/trace"
	run tk trace --cgroup /nonexistent -- true
	[ "$status" -eq 1 ]
	[ "$output" = "tracekit trace: cannot open cgroup /nonexistent: No such file or directory" ]
}

@test "trace-bpf: a ring too small for the burst loses events, and says how many" {
	run tk trace --backend bpf --buffer-size 4K -o "$BATS_TEST_TMPDIR/out" -- dd if=/dev/zero of=/dev/null bs=1 count=20000
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" =~ ^tracekit\ trace:\ [1-9][0-9]*\ events\ lost$ ]]
	run tk trace --backend bpf --buffer-size 3M -- true
	[ "$status" -eq 2 ]
	run tk trace --backend ptrace -a -- true
	[ "$status" -eq 2 ]
}

@test "trace-bpf: a long burst of mixed records at the default ring size loses nothing" {
	# ~330k records of two sizes, several times the 4 MiB ring: the reader must be woken (or
	# read at its poll timeout) however the records fall against the wake-up threshold
	run tk trace --backend bpf -o "$BATS_TEST_TMPDIR/out" -- "$PROGS/burst" 100000
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(grep -c '^read([0-9]*, "\\0", 1) *= 1$' "$BATS_TEST_TMPDIR/out")" -eq 100000 ]
	[ "$(grep -c '^getppid() *= [0-9]*$' "$BATS_TEST_TMPDIR/out")" -eq 33334 ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/out")" = "+++ exited with 0 +++" ]
}

@test "trace-bpf: -y names a short-lived command's descriptors and AT_FDCWD, as ptrace and strace do" {
	require_feature ptrace
	local d be fd
	d=$(realpath "$BATS_TEST_TMPDIR")
	mkdir "$d/sub"
	echo hi > "$d/sub/f"
	ln -s sub/f "$d/l"
	cd "$d"
	# cat is gone long before the reader decodes its batch: the paths come from its own calls
	for be in bpf ptrace; do
		tk trace --backend "$be" -y -e trace=openat,close -o "$d/$be" -- cat l > "$d/out"
		sed -n '/"l"/,$p' "$d/$be" | sed -E 's/ +/ /g' > "$d/$be.n"
	done
	fd=$(sed -En 's/^openat\(AT_FDCWD<[^>]*>, "l", O_RDONLY\) = ([0-9]+)<.*/\1/p' "$d/bpf.n")
	[ -n "$fd" ] || { cat "$d/bpf"; return 1; }
	grep -Fqx "openat(AT_FDCWD<$d>, \"l\", O_RDONLY) = $fd<$d/sub/f>" "$d/bpf.n" || { cat "$d/bpf"; return 1; }
	grep -Fqx "close($fd<$d/sub/f>) = 0" "$d/bpf.n" || { cat "$d/bpf"; return 1; }
	grep -Fqx "close(1<$d/out>) = 0" "$d/bpf.n" || { cat "$d/bpf"; return 1; }
	diff -u "$d/ptrace.n" "$d/bpf.n"
	if command -v strace > /dev/null; then
		strace -y -e trace=openat,close -o "$d/strace" -- cat l > "$d/out"
		sed -n '/"l"/,$p' "$d/strace" | sed -E 's/ +/ /g' > "$d/strace.n"
		diff -u "$d/strace.n" "$d/bpf.n"
	fi
}

@test "trace-bpf: -y names the pipes, sockets, eventfds and epolls a short-lived command made, as ptrace" {
	require_feature ptrace
	local be
	mkdir "$BATS_TEST_TMPDIR/w"
	for be in bpf ptrace; do
		tk trace --backend "$be" -y -e "$SAME_SET" -o "$BATS_TEST_TMPDIR/$be" -- "$PROGS/bpf_same" "$BATS_TEST_TMPDIR/w"
		tk trace --backend "$be" -y -e trace=eventfd2,epoll_create1,epoll_ctl,timerfd_create,poll,close \
			-o "$BATS_TEST_TMPDIR/$be.poll" -- "$PROGS/sys_poll" > /dev/null
		# inode numbers differ from run to run; which descriptors share one does not
		sed -E 's/:\[[0-9]+\]/:[N]/g' "$BATS_TEST_TMPDIR/$be" "$BATS_TEST_TMPDIR/$be.poll" > "$BATS_TEST_TMPDIR/$be.n"
	done
	diff -u "$BATS_TEST_TMPDIR/ptrace.n" "$BATS_TEST_TMPDIR/bpf.n"
	# both ends of the pipe: one inode; the socket pair: two
	grep -Eq '^pipe2\(\[[0-9]+<pipe:\[([0-9]+)\]>, [0-9]+<pipe:\[\1\]>\], O_CLOEXEC\) += 0$' "$BATS_TEST_TMPDIR/bpf" ||
		{ cat "$BATS_TEST_TMPDIR/bpf"; return 1; }
	grep -Eq '^socketpair\(AF_UNIX, SOCK_STREAM, 0, \[[0-9]+<socket:\[[0-9]+\]>, [0-9]+<socket:\[[0-9]+\]>\]\) += 0$' \
		"$BATS_TEST_TMPDIR/bpf"
	grep -Eq '^close\([0-9]+<pipe:\[[0-9]+\]>\) += 0$' "$BATS_TEST_TMPDIR/bpf"
	grep -q '^epoll_ctl([0-9]*<anon_inode:\[eventpoll\]>, EPOLL_CTL_ADD, [0-9]*<anon_inode:\[eventfd\]>, ' "$BATS_TEST_TMPDIR/bpf.poll"
	grep -q '^poll(\[{fd=[0-9]*<anon_inode:\[eventfd\]>, events=' "$BATS_TEST_TMPDIR/bpf.poll"
}

@test "trace-bpf: -Z -y still names descriptors that successful calls opened; -c -Z counts every call, as strace" {
	require_feature ptrace
	local be
	# openat(/etc) succeeds (hidden by -Z and -e), read fails; cat has closed the fd and exited by then
	for be in bpf ptrace; do
		tk trace --backend "$be" -Z -y -e trace=read -o "$BATS_TEST_TMPDIR/$be" -- cat /etc || true
		grep -Eq '^read\([0-9]+</etc>, 0x[0-9a-f]+, [0-9]+\) += -1 EISDIR ' "$BATS_TEST_TMPDIR/$be" ||
			{ cat "$BATS_TEST_TMPDIR/$be"; return 1; }
		! grep -q ' = [0-9]' "$BATS_TEST_TMPDIR/$be"
		tk trace --backend "$be" -c -Z -o "$BATS_TEST_TMPDIR/$be.c" -- cat /etc || true
	done
	total() { awk '$NF == "total" {print $4, $5}' "$1"; }
	[ -n "$(total "$BATS_TEST_TMPDIR/bpf.c")" ]
	[ "$(total "$BATS_TEST_TMPDIR/bpf.c")" = "$(total "$BATS_TEST_TMPDIR/ptrace.c")" ]
}

@test "trace-bpf: -y does not name a descriptor the trace saw closed, though it is open again when the line prints" {
	require_feature ptrace
	local be s='exec 7</etc/hostname; exec 7<&-; : <&7; exec 7</etc/passwd; sleep 0.1'
	for be in bpf ptrace; do
		run tk trace --backend "$be" -y -e trace=dup2 -e signal=none -o "$BATS_TEST_TMPDIR/$be" bash -c "$s"
		grep -Eq '^dup2\([0-9]+</etc/passwd>, 7\) ' "$BATS_TEST_TMPDIR/$be"
	done
	# the failed dup2 of the closed 7: no path, where /proc would already say /etc/passwd
	grep -Fq 'dup2(7, 0' "$BATS_TEST_TMPDIR/bpf"
	diff "$BATS_TEST_TMPDIR/ptrace" "$BATS_TEST_TMPDIR/bpf"
}

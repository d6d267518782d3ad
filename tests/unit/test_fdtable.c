/*
 * Unit tests for src/lib/bpf/fdtable: the -y table the eBPF reader replays from finished calls.
 * Paths live under a scratch directory made here (realpath() resolves them), no tracing involved.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/bpf/fdtable.h"

static char dir[PATH_MAX];

/* want: the path; NULL, not known; CLOSED, seen closed (not to be asked of /proc) */
#define CLOSED ((const char *)1)

static void assert_path(struct tk_fdtable *t, int tgid, int fd, const char *want)
{
	char buf[PATH_MAX];
	int n = tk_fdtable_path(t, tgid, fd, buf, sizeof(buf) - 1);

	if (want == CLOSED) {
		assert_int_equal(n, -EBADF);
		return;
	}
	if (!want) {
		assert_int_equal(n, -ENOENT);
		return;
	}
	assert_true(n >= 0);
	buf[n] = 0;
	assert_string_equal(buf, want);
}

/* one successful call of tgid 10, both halves around its (absent) line */
static void call(struct tk_fdtable *t, long nr, uint64_t a0, uint64_t a1, uint64_t a2, int64_t ret,
		 const char *path)
{
	uint64_t args[6] = { a0, a1, a2 };

	tk_fdtable_before_line(t, 10, nr, args, ret, path);
	tk_fdtable_after_line(t, 10, nr, args, ret);
}

static void follows_opens_dups_closes_and_cwd(void **state)
{
	struct tk_fdtable *t = tk_fdtable_new();
	char file[PATH_MAX + 8], sub[PATH_MAX + 8];

	(void)state;
	snprintf(file, sizeof(file), "%s/f", dir);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_non_null(t);
	assert_path(t, 10, 3, NULL);
	call(t, SYS_chdir, 0, 0, 0, 0, dir);
	assert_path(t, 10, TK_FD_CWD, dir);
	/* relative to the working directory, through a symbolic link: the target, as /proc shows */
	call(t, SYS_openat, (uint64_t)TK_FD_CWD, 0, O_RDONLY | O_CLOEXEC, 3, "l");
	assert_path(t, 10, 3, file);
	call(t, SYS_openat, (uint64_t)TK_FD_CWD, 0, O_RDONLY, 4, "sub");
	assert_path(t, 10, 4, sub);
	/* relative to a directory descriptor; a name that does not exist stays as given */
	call(t, SYS_openat, 4, 0, O_RDONLY, 5, "gone");
	{
		char gone[PATH_MAX + 16];

		snprintf(gone, sizeof(gone), "%s/gone", sub);
		assert_path(t, 10, 5, gone);
	}
	call(t, SYS_dup2, 3, 7, 0, 7, NULL);
	assert_path(t, 10, 7, file);
	call(t, SYS_fcntl, 4, F_DUPFD_CLOEXEC, 10, 10, NULL);
	assert_path(t, 10, 10, sub);
	call(t, SYS_fchdir, 4, 0, 0, 0, NULL);
	assert_path(t, 10, TK_FD_CWD, sub);
	/* a failed call changes nothing */
	call(t, SYS_close, 7, 0, 0, -EBADF, NULL);
	assert_path(t, 10, 7, file);
	call(t, SYS_close, 7, 0, 0, 0, NULL);
	assert_path(t, 10, 7, NULL);
	/* the child of a fork starts with a copy; the exec drops close-on-exec ones (3 and 10) */
	call(t, SYS_clone, 0, 0, 0, 11, NULL);
	assert_path(t, 11, 4, sub);
	call(t, SYS_execve, 0, 0, 0, 0, NULL);
	assert_path(t, 10, 3, NULL);
	assert_path(t, 10, 10, NULL);
	assert_path(t, 10, 4, sub);
	assert_path(t, 11, 3, file);	/* the child's own copy */
	/* close_range: forgets, or only marks with CLOSE_RANGE_CLOEXEC (4) */
	call(t, SYS_close_range, 4, 4, 4, 0, NULL);
	assert_path(t, 10, 4, sub);
	call(t, SYS_execve, 0, 0, 0, 0, NULL);
	assert_path(t, 10, 4, NULL);
	call(t, SYS_close_range, 0, ~0u, 0, 0, NULL);
	assert_path(t, 10, 5, NULL);
	tk_fdtable_free(t);
}

/* one successful call of tgid (a seeded one) */
static void call_in(struct tk_fdtable *t, int tgid, long nr, uint64_t a0, uint64_t a1, int64_t ret, const char *path)
{
	uint64_t args[6] = { a0, a1 };

	tk_fdtable_before_line(t, tgid, nr, args, ret, path);
	tk_fdtable_after_line(t, tgid, nr, args, ret);
}

/*
 * A command seeded before its exec: the table holds all it has open, so a descriptor it does not
 * hold is closed (not asked of /proc) until a call the table does not follow may have opened it.
 */
static void knows_what_a_seeded_command_closed(void **state)
{
	struct tk_fdtable *t = tk_fdtable_new();
	int me = (int)getpid();
	char file[PATH_MAX + 8];

	(void)state;
	assert_non_null(t);
	snprintf(file, sizeof(file), "%s/f", dir);
	tk_fdtable_seed(t, me, true);
	assert_path(t, me, 900, CLOSED);	/* never opened */
	call_in(t, me, SYS_openat, (uint64_t)TK_FD_CWD, 0, 900, file);
	assert_path(t, me, 900, file);
	call_in(t, me, SYS_close, 900, 0, 0, NULL);
	assert_path(t, me, 900, CLOSED);
	/* a socket the kernel half did not name: open, left to /proc */
	call_in(t, me, SYS_socket, 1, 1, 900, NULL);
	assert_path(t, me, 900, NULL);
	assert_path(t, me, 901, CLOSED);
	/* its child knows the same */
	call_in(t, me, SYS_clone, 0, 0, 4000000, NULL);
	assert_path(t, 4000000, 900, NULL);
	assert_path(t, 4000000, 901, CLOSED);
	/* a pair whose numbers were not read, descriptors passed over a socket: any may be open */
	tk_fdtable_made(t, 4000000, SYS_pipe2, (uint64_t[6]){ 0 }, -1, 0);
	assert_path(t, 4000000, 901, NULL);
	assert_path(t, me, 901, CLOSED);
	call_in(t, me, SYS_recvmsg, 900, 0, 1, NULL);
	assert_path(t, me, 901, NULL);
	tk_fdtable_free(t);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/test_fdtable.XXXXXX", p[PATH_MAX + 16];
	int fd;

	(void)state;
	if (!mkdtemp(tmpl) || !realpath(tmpl, dir))
		return -1;
	snprintf(p, sizeof(p), "%s/f", dir);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	snprintf(p, sizeof(p), "%s/l", dir);
	if (symlink("f", p))
		return -1;
	snprintf(p, sizeof(p), "%s/sub", dir);
	return mkdir(p, 0700);
}

static int teardown(void **state)
{
	char p[PATH_MAX + 16];

	(void)state;
	snprintf(p, sizeof(p), "%s/l", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/f", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/sub", dir);
	rmdir(p);
	rmdir(dir);
	return 0;
}

static void names_pipes_sockets_and_anon_inodes(void **state)
{
	struct tk_fdtable *t = tk_fdtable_new();
	uint64_t pipe_args[6] = { 0x1000, O_CLOEXEC }, sock_args[6] = { 1, 1, 0, 0x2000 };

	(void)state;
	/* pipe2([3, 4], O_CLOEXEC): the kernel half's inodes name both ends */
	tk_fdtable_before_line(t, 10, SYS_pipe2, pipe_args, 0, NULL);
	tk_fdtable_made(t, 10, SYS_pipe2, pipe_args, 3, 777);
	tk_fdtable_made(t, 10, SYS_pipe2, pipe_args, 4, 777);
	assert_path(t, 10, 3, "pipe:[777]");
	assert_path(t, 10, 4, "pipe:[777]");
	/* socketpair: two inodes; an unknown one (0) is left to /proc */
	tk_fdtable_made(t, 10, SYS_socketpair, sock_args, 5, 900);
	tk_fdtable_made(t, 10, SYS_socketpair, sock_args, 6, 0);
	assert_path(t, 10, 5, "socket:[900]");
	assert_path(t, 10, 6, NULL);
	call(t, SYS_eventfd2, 0, 0, 0, 7, NULL);
	call(t, SYS_epoll_create1, O_CLOEXEC, 0, 0, 8, NULL);
	call(t, SYS_timerfd_create, 1, 0, 0, 9, NULL);
	call(t, SYS_inotify_init1, 0, 0, 0, 11, NULL);
	call(t, SYS_memfd_create, 0x3000, 0, 0, 12, "shm");
	assert_path(t, 10, 7, "anon_inode:[eventfd]");
	assert_path(t, 10, 8, "anon_inode:[eventpoll]");
	assert_path(t, 10, 9, "anon_inode:[timerfd]");
	assert_path(t, 10, 11, "anon_inode:inotify");
	assert_path(t, 10, 12, "/memfd:shm (deleted)");
	/* signalfd on an existing descriptor changes it, makes none */
	call(t, SYS_signalfd4, 7, 0x4000, 8, 7, NULL);
	assert_path(t, 10, 7, "anon_inode:[eventfd]");
	call(t, SYS_signalfd4, (uint64_t)-1, 0x4000, 8, 13, NULL);
	assert_path(t, 10, 13, "anon_inode:[signalfd]");
	/* a failed call makes nothing */
	call(t, SYS_eventfd2, 0, 0, 0, -24, NULL);
	assert_path(t, 10, 14, NULL);
	/* close-on-exec ones go at exec: the pipe (O_CLOEXEC) and the epoll, not the eventfd */
	call(t, SYS_execve, 0, 0, 0, 0, NULL);
	assert_path(t, 10, 3, NULL);
	assert_path(t, 10, 8, NULL);
	assert_path(t, 10, 7, "anon_inode:[eventfd]");
	assert_true(tk_fdtable_changed_by(SYS_pipe2) && tk_fdtable_changed_by(SYS_eventfd2) &&
		    tk_fdtable_changed_by(SYS_accept4) && !tk_fdtable_changed_by(SYS_read));
	tk_fdtable_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(follows_opens_dups_closes_and_cwd),
		cmocka_unit_test(names_pipes_sockets_and_anon_inodes),
		cmocka_unit_test(knows_what_a_seeded_command_closed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

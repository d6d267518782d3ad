// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/bpf/fdtable.h"

#define FD_LIMIT 65536		/* descriptors above it are left to /proc */

struct fd_ent {
	char *path;
	bool cloexec;
	bool unnamed;	/* open, by a call this table does not name (/proc knows) */
};

struct proc_fds {
	int tgid;
	char *cwd;
	struct fd_ent *fd;
	int nfd;		/* slots in fd[] */
	/*
	 * Every open descriptor is in fd[] (the command seeded before its exec, its children): one
	 * that is not was closed, and is not asked of /proc, where by the time its line is printed
	 * another file may have the number.
	 */
	bool complete;
};

struct tk_fdtable {
	struct proc_fds *p;
	size_t n, cap;
};

struct tk_fdtable *tk_fdtable_new(void)
{
	return calloc(1, sizeof(struct tk_fdtable));
}

static void proc_clear(struct proc_fds *p)
{
	int i;

	for (i = 0; i < p->nfd; i++)
		free(p->fd[i].path);
	free(p->fd);
	free(p->cwd);
}

void tk_fdtable_free(struct tk_fdtable *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		proc_clear(&t->p[i]);
	free(t->p);
	free(t);
}

static struct proc_fds *proc_find(const struct tk_fdtable *t, int tgid)
{
	size_t i;

	for (i = t->n; i-- > 0;)
		if (t->p[i].tgid == tgid)
			return &t->p[i];
	return NULL;
}

/* The process's entry, made empty when new; NULL only when out of memory. */
static struct proc_fds *proc_get(struct tk_fdtable *t, int tgid)
{
	struct proc_fds *p = proc_find(t, tgid);

	if (p)
		return p;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct proc_fds *np = realloc(t->p, cap * sizeof(*np));

		if (!np)
			return NULL;
		t->p = np;
		t->cap = cap;
	}
	p = &t->p[t->n++];
	memset(p, 0, sizeof(*p));
	p->tgid = tgid;
	return p;
}

static void fd_set_path(struct proc_fds *p, int fd, char *path, bool cloexec)
{
	if (fd < 0 || fd >= FD_LIMIT) {
		free(path);
		return;
	}
	if (fd >= p->nfd) {
		int n = p->nfd ? p->nfd : 16;
		struct fd_ent *nf;

		while (n <= fd)
			n *= 2;
		nf = realloc(p->fd, (size_t)n * sizeof(*nf));
		if (!nf) {
			free(path);
			return;
		}
		memset(nf + p->nfd, 0, (size_t)(n - p->nfd) * sizeof(*nf));
		p->fd = nf;
		p->nfd = n;
	}
	free(p->fd[fd].path);
	p->fd[fd].path = path;
	p->fd[fd].cloexec = cloexec;
	p->fd[fd].unnamed = !path;
}

static void fd_forget(struct proc_fds *p, int fd)
{
	if (fd >= 0 && fd < p->nfd) {
		free(p->fd[fd].path);
		p->fd[fd].path = NULL;
		p->fd[fd].unnamed = false;
	}
}

/* fd is open, by a call that names it some other way or not at all (-1: any may be) */
static void fd_opened_unnamed(struct proc_fds *p, int fd)
{
	if (fd < 0)
		p->complete = false;
	else if (fd < p->nfd && p->fd[fd].path)
		return;		/* named already (tk_fdtable_made came first) */
	else
		fd_set_path(p, fd, NULL, false);
}

static const char *fd_path_of(const struct proc_fds *p, int fd)
{
	if (fd == TK_FD_CWD)
		return p->cwd;
	return fd >= 0 && fd < p->nfd ? p->fd[fd].path : NULL;
}

int tk_fdtable_path(const struct tk_fdtable *t, int tgid, int fd, char *buf, size_t size)
{
	const struct proc_fds *p = proc_find(t, tgid);
	const char *path = p ? fd_path_of(p, fd) : NULL;
	size_t n;

	if (!path && p && p->complete && fd >= 0 && !(fd < p->nfd && p->fd[fd].unnamed))
		return -EBADF;
	if (!path || !size)
		return -ENOENT;
	n = strlen(path);
	if (n > size)
		n = size;
	memcpy(buf, path, n);
	return (int)n;
}

static char *read_link(const char *link)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(link, buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = 0;
	return strdup(buf);
}

/* O_CLOEXEC in /proc/PID/fdinfo/FD's octal "flags:" line */
static bool fd_is_cloexec(int pid, int fd)
{
	char path[64], line[128];
	unsigned long flags = 0;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", pid, fd);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "flags: %lo", &flags) == 1;
	fclose(f);
	return flags & O_CLOEXEC;
}

void tk_fdtable_seed(struct tk_fdtable *t, int tgid, bool skip_cloexec)
{
	struct proc_fds *p = proc_get(t, tgid);
	char path[64], link[96];
	struct dirent *de;
	DIR *d;

	if (!p)
		return;
	snprintf(path, sizeof(path), "/proc/%d/cwd", tgid);
	free(p->cwd);
	p->cwd = read_link(path);
	snprintf(path, sizeof(path), "/proc/%d/fd", tgid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);

		if (*end || end == de->d_name || fd < 0 || fd >= FD_LIMIT)
			continue;
		if (skip_cloexec && fd_is_cloexec(tgid, (int)fd))
			continue;
		snprintf(link, sizeof(link), "%s/%ld", path, fd);
		fd_set_path(p, (int)fd, read_link(link), false);
	}
	closedir(d);
	/* a command held before its exec runs nothing else: what it has now is all it has */
	p->complete = skip_cloexec;
}

/* An absolute path for `path` relative to dirfd (TK_FD_CWD: the working directory), or NULL. */
static char *resolve(const struct proc_fds *p, int dirfd, const char *path)
{
	char joined[PATH_MAX], real[PATH_MAX];
	const char *base;

	if (!path || !*path)
		return NULL;
	if (path[0] == '/') {
		snprintf(joined, sizeof(joined), "%s", path);
	} else {
		base = fd_path_of(p, dirfd);
		if (!base || base[0] != '/')
			return NULL;
		if (snprintf(joined, sizeof(joined), "%s/%s", strcmp(base, "/") ? base : "", path) >=
		    (int)sizeof(joined))
			return NULL;
	}
	/* as /proc shows it: symbolic links resolved; gone since: the name as it was given */
	return strdup(realpath(joined, real) ? real : joined);
}

static bool succeeded(int64_t ret)
{
	return ret >= 0;
}

/*
 * Calls that make a descriptor with a fixed name (as /proc/PID/fd shows it on Linux 6.x), and where
 * their arguments ask for close-on-exec: args[cloexec_arg] & cloexec_bit (-1: never; -2: always).
 */
static const struct anon_fd {
	long nr;
	const char *name;
	int cloexec_arg;
	uint64_t cloexec_bit;
} anon_fds[] = {
	{ SYS_eventfd, "anon_inode:[eventfd]", -1, 0 },
	{ SYS_eventfd2, "anon_inode:[eventfd]", 1, O_CLOEXEC },		/* EFD_CLOEXEC */
	{ SYS_epoll_create, "anon_inode:[eventpoll]", -1, 0 },
	{ SYS_epoll_create1, "anon_inode:[eventpoll]", 0, O_CLOEXEC },	/* EPOLL_CLOEXEC */
	{ SYS_timerfd_create, "anon_inode:[timerfd]", 1, O_CLOEXEC },	/* TFD_CLOEXEC */
	{ SYS_signalfd, "anon_inode:[signalfd]", -1, 0 },
	{ SYS_signalfd4, "anon_inode:[signalfd]", 3, O_CLOEXEC },	/* SFD_CLOEXEC */
	{ SYS_inotify_init, "anon_inode:inotify", -1, 0 },
	{ SYS_inotify_init1, "anon_inode:inotify", 0, O_CLOEXEC },	/* IN_CLOEXEC */
	{ SYS_fanotify_init, "anon_inode:[fanotify]", 0, 1 },		/* FAN_CLOEXEC */
	{ SYS_userfaultfd, "anon_inode:[userfaultfd]", 0, O_CLOEXEC },
	{ SYS_perf_event_open, "anon_inode:[perf_event]", 4, 8 },	/* PERF_FLAG_FD_CLOEXEC */
	{ SYS_pidfd_open, "anon_inode:[pidfd]", -2, 0 },
	{ SYS_io_uring_setup, "anon_inode:[io_uring]", -2, 0 },
};

static const struct anon_fd *anon_fd_of(long nr)
{
	size_t i;

	for (i = 0; i < sizeof(anon_fds) / sizeof(anon_fds[0]); i++)
		if (anon_fds[i].nr == nr)
			return &anon_fds[i];
	return NULL;
}

bool tk_fdtable_changed_by(long nr)
{
	switch (nr) {
	case SYS_open:
	case SYS_creat:
	case SYS_openat:
	case SYS_openat2:
	case SYS_dup:
	case SYS_dup2:
	case SYS_dup3:
	case SYS_fcntl:
	case SYS_chdir:
	case SYS_fchdir:
	case SYS_execve:
	case SYS_execveat:
	case SYS_clone:
	case SYS_clone3:
	case SYS_fork:
	case SYS_vfork:
	case SYS_close:
	case SYS_close_range:
	case SYS_pipe:
	case SYS_pipe2:
	case SYS_socket:
	case SYS_socketpair:
	case SYS_accept:
	case SYS_accept4:
	case SYS_memfd_create:
		return true;
	default:
		return anon_fd_of(nr) != NULL;
	}
}

/* The clone family, in the parent (ret: the child): the child starts with a copy. */
static void clone_fds(struct tk_fdtable *t, struct proc_fds *p, int tgid, int64_t ret)
{
	struct proc_fds *c;
	int parent = p->tgid, i;

	if (ret <= 0 || (int)ret == tgid || proc_find(t, (int)ret))
		return;
	c = proc_get(t, (int)ret);	/* may move the array: find the parent again */
	p = proc_find(t, parent);
	if (!c || !p)
		return;
	c->cwd = p->cwd ? strdup(p->cwd) : NULL;
	for (i = 0; i < p->nfd; i++)
		if (p->fd[i].path || p->fd[i].unnamed)
			fd_set_path(c, i, p->fd[i].path ? strdup(p->fd[i].path) : NULL, p->fd[i].cloexec);
	c->complete = p->complete;
}

void tk_fdtable_before_line(struct tk_fdtable *t, int tgid, long nr, const uint64_t *args, int64_t ret,
			    const char *path)
{
	struct proc_fds *p;
	const char *src;
	int i;

	if (!succeeded(ret) || !tk_fdtable_changed_by(nr) || nr == SYS_close || nr == SYS_close_range)
		return;
	p = proc_get(t, tgid);
	if (!p)
		return;
	switch (nr) {
	case SYS_open:
		fd_set_path(p, (int)ret, resolve(p, TK_FD_CWD, path), args[1] & O_CLOEXEC);
		break;
	case SYS_creat:
		fd_set_path(p, (int)ret, resolve(p, TK_FD_CWD, path), false);
		break;
	case SYS_openat:
		fd_set_path(p, (int)ret, resolve(p, (int)args[0], path), args[2] & O_CLOEXEC);
		break;
	case SYS_openat2:	/* its flags are in a struct: close-on-exec unknown, kept */
		fd_set_path(p, (int)ret, resolve(p, (int)args[0], path), false);
		break;
	case SYS_dup:
	case SYS_dup2:
	case SYS_dup3:
		src = fd_path_of(p, (int)args[0]);
		if ((int)ret != (int)args[0])
			fd_set_path(p, (int)ret, src ? strdup(src) : NULL,
				    nr == SYS_dup3 && (args[2] & O_CLOEXEC));
		break;
	case SYS_fcntl:
		if (args[1] == F_DUPFD || args[1] == F_DUPFD_CLOEXEC) {
			src = fd_path_of(p, (int)args[0]);
			fd_set_path(p, (int)ret, src ? strdup(src) : NULL, args[1] == F_DUPFD_CLOEXEC);
		} else if (args[1] == F_SETFD && (int)args[0] >= 0 && (int)args[0] < p->nfd) {
			p->fd[(int)args[0]].cloexec = args[2] & FD_CLOEXEC;
		}
		break;
	case SYS_chdir: {
		char *cwd = resolve(p, TK_FD_CWD, path);

		if (cwd) {
			free(p->cwd);
			p->cwd = cwd;
		}
		break;
	}
	case SYS_fchdir:
		src = fd_path_of(p, (int)args[0]);
		if (src) {
			free(p->cwd);
			p->cwd = strdup(src);
		}
		break;
	case SYS_execve:
	case SYS_execveat:
		for (i = 0; i < p->nfd; i++)
			if (p->fd[i].cloexec)
				fd_forget(p, i);
		break;
	case SYS_memfd_create: {	/* memfd_create(name, flags): "/memfd:NAME (deleted)" */
		char *name = NULL;

		if (path && asprintf(&name, "/memfd:%s (deleted)", path) < 0)
			name = NULL;
		fd_set_path(p, (int)ret, name, args[1] & 1);	/* MFD_CLOEXEC */
		break;
	}
	case SYS_pipe:
	case SYS_pipe2:
	case SYS_socket:
	case SYS_socketpair:
	case SYS_accept:
	case SYS_accept4:
		/* named by tk_fdtable_made() (a pair's numbers are in memory: only it knows them) */
		if (nr == SYS_socket || nr == SYS_accept || nr == SYS_accept4)
			fd_opened_unnamed(p, (int)ret);
		break;
	case SYS_clone:
	case SYS_clone3:
	case SYS_fork:
	case SYS_vfork:
		clone_fds(t, p, tgid, ret);
		break;
	default: {
		const struct anon_fd *a = anon_fd_of(nr);

		/* signalfd on a descriptor given (not -1) changes it, makes none */
		if (!a || ((nr == SYS_signalfd || nr == SYS_signalfd4) && (int)args[0] != -1))
			break;
		fd_set_path(p, (int)ret, strdup(a->name),
			    a->cloexec_arg == -2 || (a->cloexec_arg >= 0 && (args[a->cloexec_arg] & a->cloexec_bit)));
		break;
	}
	}
}

void tk_fdtable_made(struct tk_fdtable *t, int tgid, long nr, const uint64_t *args, int fd, uint64_t ino)
{
	struct proc_fds *p;
	char *name = NULL;
	bool cloexec = false;

	if (!(p = proc_get(t, tgid)))
		return;
	if (fd < 0) {
		fd_opened_unnamed(p, -1);
		return;
	}
	/* O_CLOEXEC and SOCK_CLOEXEC are one bit */
	switch (nr) {
	case SYS_pipe2:
		cloexec = args[1] & O_CLOEXEC;
		break;
	case SYS_socket:
	case SYS_socketpair:
		cloexec = args[1] & O_CLOEXEC;
		break;
	case SYS_accept4:
		cloexec = args[3] & O_CLOEXEC;
		break;
	}
	if (ino && asprintf(&name, "%s:[%llu]", nr == SYS_pipe || nr == SYS_pipe2 ? "pipe" : "socket",
			    (unsigned long long)ino) < 0)
		name = NULL;
	fd_set_path(p, fd, name, cloexec);
}

void tk_fdtable_after_line(struct tk_fdtable *t, int tgid, long nr, const uint64_t *args, int64_t ret)
{
	struct proc_fds *p;
	uint64_t fd, last;

	if (!succeeded(ret))
		return;
	switch (nr) {
	case SYS_recvmsg:
	case SYS_recvmmsg:
	case SYS_bpf:
	case SYS_open_by_handle_at:
	case SYS_open_tree:
	case SYS_fsopen:
	case SYS_fsmount:
	case SYS_fspick:
	case SYS_pidfd_getfd:
	case SYS_landlock_create_ruleset:
	case SYS_memfd_secret:
	case SYS_seccomp:
		/* descriptors this table does not follow (SCM_RIGHTS, bpf objects, mounts): any
		 * number may be open again, asked of /proc */
		if ((p = proc_find(t, tgid)))
			fd_opened_unnamed(p, -1);
		return;
	case SYS_close:
	case SYS_close_range:
		break;
	default:
		return;
	}
	p = proc_find(t, tgid);
	if (!p)
		return;
	if (nr == SYS_close) {
		fd_forget(p, (int)args[0]);
		return;
	}
	/* close_range(first, last, flags): CLOSE_RANGE_CLOEXEC (4) only marks them */
	last = args[1] < (uint64_t)p->nfd ? args[1] : (uint64_t)p->nfd - 1;
	for (fd = args[0]; p->nfd && fd <= last; fd++) {
		if (args[2] & 4)
			p->fd[fd].cloexec = true;
		else
			fd_forget(p, (int)fd);
	}
}

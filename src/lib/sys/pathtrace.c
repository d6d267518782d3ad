/* -P PATH: which syscalls touch the traced paths (see pathtrace.h). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "lib/sys/pathtrace.h"

/* A descriptor whose opening (or closing) the trace saw, and whether it is on a traced path. */
struct known_fd {
	int tid, fd;
	bool match;
};

#define KNOWN_MAX 4096 /* descriptors remembered at most (lookups are linear) */

struct tk_pathtrace {
	char **paths;
	size_t npaths;
	struct known_fd *fds;
	size_t nfds, capfds;
};

struct tk_pathtrace *tk_pathtrace_new(void)
{
	return calloc(1, sizeof(struct tk_pathtrace));
}

void tk_pathtrace_free(struct tk_pathtrace *pt)
{
	size_t i;

	if (!pt)
		return;
	for (i = 0; i < pt->npaths; i++)
		free(pt->paths[i]);
	free(pt->paths);
	free(pt->fds);
	free(pt);
}

static int add_one(struct tk_pathtrace *pt, const char *path)
{
	char **grown, *copy;
	size_t i;

	for (i = 0; i < pt->npaths; i++)
		if (!strcmp(pt->paths[i], path))
			return 0;
	copy = strdup(path);
	grown = realloc(pt->paths, (pt->npaths + 1) * sizeof(*grown));
	if (!copy || !grown) {
		free(copy);
		if (grown)
			pt->paths = grown;
		return -ENOMEM;
	}
	pt->paths = grown;
	pt->paths[pt->npaths++] = copy;
	return 0;
}

int tk_pathtrace_add(struct tk_pathtrace *pt, const char *path)
{
	char real[PATH_MAX];
	int r;

	if (!*path)
		return -EINVAL;
	r = add_one(pt, path);
	/* as strace: the path as written, and where it resolves now if that differs (symlinks) */
	if (!r && realpath(path, real) && strcmp(real, path))
		r = add_one(pt, real);
	return r;
}

static bool path_selected(const struct tk_pathtrace *pt, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < pt->npaths; i++)
		if (strlen(pt->paths[i]) == n && !memcmp(pt->paths[i], s, n))
			return true;
	return false;
}

static struct known_fd *known(struct tk_pathtrace *pt, int tid, int fd)
{
	size_t i;

	for (i = 0; i < pt->nfds; i++)
		if (pt->fds[i].tid == tid && pt->fds[i].fd == fd)
			return &pt->fds[i];
	return NULL;
}

static void learn(struct tk_pathtrace *pt, int tid, int fd, bool match)
{
	struct known_fd *k = known(pt, tid, fd), *grown;

	if (fd < 0)
		return;
	if (k) {
		k->match = match;
		return;
	}
	if (pt->nfds == KNOWN_MAX)
		return; /* then only /proc answers for it */
	if (pt->nfds == pt->capfds) {
		size_t nc = pt->capfds ? pt->capfds * 2 : 16;

		grown = realloc(pt->fds, nc * sizeof(*grown));
		if (!grown)
			return; /* then only /proc answers for it */
		pt->fds = grown;
		pt->capfds = nc;
	}
	pt->fds[pt->nfds].tid = tid;
	pt->fds[pt->nfds].fd = fd;
	pt->fds[pt->nfds].match = match;
	pt->nfds++;
}

static void unlearn(struct tk_pathtrace *pt, int tid, int fd)
{
	struct known_fd *k = known(pt, tid, fd);

	if (k)
		*k = pt->fds[--pt->nfds];
}

/*
 * fd refers to a traced path. A descriptor the trace saw being opened is what that open made of
 * it: the eBPF backend decodes after the fact, when /proc may show the number reused for another
 * file, or nothing at all once the process is gone. Others (inherited, opened before -p): what
 * /proc says now, strace's own test.
 */
static bool fd_matches(struct tk_pathtrace *pt, struct tk_mem *mem, int tid, int64_t fd)
{
	struct known_fd *k;
	char buf[PATH_MAX];
	int n = -ENOENT;

	if (fd < 0 || fd > INT_MAX)
		return false;
	k = known(pt, tid, (int)fd);
	if (k)
		return k->match;
	if (mem->ops->fd_path)
		n = mem->ops->fd_path(mem->ctx, tid, (int)fd, buf, sizeof(buf));
	return n > 0 && path_selected(pt, buf, (size_t)n);
}

unsigned tk_pathtrace_match(struct tk_pathtrace *pt, const struct tk_syscall *sc, struct tk_mem *mem)
{
	const struct tk_sysdesc *desc = tk_sysdesc_get(sc->nr);
	char buf[PATH_MAX + 1];
	unsigned m = 0;
	int i;

	if (!desc || !tk_sys_decoded(sc->nr))
		return 0;
	for (i = 0; i < desc->nargs && i < 6; i++) {
		const struct tk_argdesc *a = &desc->args[i];
		bool complete = false;
		ssize_t n;

		switch (a->kind) {
		case TK_ARG_PATH:
			if (!sc->args[i])
				break;
			n = mem->ops->read_str(mem->ctx, sc->tid, sc->args[i], buf, PATH_MAX, &complete);
			if (n > 0 && complete && path_selected(pt, buf, (size_t)n))
				m |= TK_PATH_BY_NAME;
			break;
		case TK_ARG_FD:
		case TK_ARG_DIRFD:
			if (fd_matches(pt, mem, sc->tid, (int)sc->args[i]))
				m |= TK_PATH_BY_FD;
			break;
		}
	}
	return m;
}

void tk_pathtrace_exit(struct tk_pathtrace *pt, const struct tk_syscall *sc, struct tk_mem *mem, unsigned match)
{
	int64_t r = sc->ret;

	if (r < 0 && r >= -4095)
		return;
	switch (sc->nr) {
	case SYS_open:
	case SYS_openat:
	case SYS_openat2:
	case SYS_creat:
		/* what it opened is the path it names (a matching dirfd alone opens something below it) */
		learn(pt, sc->tid, (int)r, match & TK_PATH_BY_NAME);
		break;
	case SYS_dup:
	case SYS_dup2:
	case SYS_dup3:
		learn(pt, sc->tid, (int)r, fd_matches(pt, mem, sc->tid, (int)sc->args[0]));
		break;
	case SYS_fcntl:
		if ((int)sc->args[1] == 0 /* F_DUPFD */ || (int)sc->args[1] == 1030 /* F_DUPFD_CLOEXEC */)
			learn(pt, sc->tid, (int)r, fd_matches(pt, mem, sc->tid, (int)sc->args[0]));
		break;
	case SYS_close:
		unlearn(pt, sc->tid, (int)sc->args[0]);
		break;
	case SYS_execve:
	case SYS_execveat:
		tk_pathtrace_forget(pt, sc->tid);
		break;
	}
}
void tk_pathtrace_forget(struct tk_pathtrace *pt, int tid)
{
	size_t i;

	for (i = 0; i < pt->nfds;)
		if (pt->fds[i].tid == tid)
			pt->fds[i] = pt->fds[--pt->nfds];
		else
			i++;
}

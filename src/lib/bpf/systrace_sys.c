/* The eBPF syscall backend's bridge to the decoder core: see systrace_sys.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/bpf/systrace_sys.h"
#include "lib/bpf/fdtable.h"

#define CAP_PATH_MAX 4096

static unsigned clamp16(unsigned v)
{
	return v > SYSTRACE_CAP_MAX ? SYSTRACE_CAP_MAX : v;
}

/* What the kernel captures for one declared argument; false when it reads no memory. */
static bool plan_arg(long nr, const struct tk_argdesc *a, int i, unsigned strsize, struct systrace_cap *c)
{
	memset(c, 0, sizeof(*c));
	c->arg = i;
	c->len_arg = a->len_arg >= 0 && a->len_arg <= 5 ? a->len_arg : 0;
	/* Syscalls the decoders read through custom code whose memory is not one flat size. */
	switch (nr) {
	case SYS_poll:
	case SYS_ppoll:
		if (i == 0) {	/* struct pollfd[nfds] */
			c->kind = SYSTRACE_CAP_ARGLEN;
			c->len_arg = 1;
			c->mul = 8;
			c->max = clamp16(64 * 8);
			return true;
		}
		break;
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
	case SYS_epoll_pwait2:
		if (i == 1) {	/* struct epoll_event[ret], packed 12 bytes on x86_64 */
			c->kind = SYSTRACE_CAP_RETLEN;
			c->mul = 12;
			c->max = clamp16(64 * 12);
			return true;
		}
		break;
	case SYS_sendmsg:
	case SYS_recvmsg:
		if (i == 1) {
			c->kind = SYSTRACE_CAP_MSGHDR;
			c->max = clamp16(strsize);
			return true;
		}
		break;
	case SYS_sendmmsg:
	case SYS_recvmmsg:
		if (i == 1) {	/* struct mmsghdr[vlen] and each message's iovecs */
			c->kind = SYSTRACE_CAP_MMSGHDR;
			c->len_arg = 2;
			c->max = clamp16(strsize);
			return true;
		}
		break;
	case SYS_getdents64:
		if (i == 1) {
			c->kind = SYSTRACE_CAP_RETLEN;
			c->max = SYSTRACE_CAP_MAX;
			return true;
		}
		break;
	}
	switch (a->kind) {
	case TK_ARG_PATH:
		c->kind = SYSTRACE_CAP_STR;
		c->max = CAP_PATH_MAX + 2;
		return true;
	case TK_ARG_STR:
		/* two bytes more than shown: one to see the string goes on, one for its NUL */
		c->kind = SYSTRACE_CAP_STR;
		c->max = clamp16(strsize + 2);
		return true;
	case TK_ARG_BUF:
		c->kind = a->len_arg == TK_LEN_RET ? SYSTRACE_CAP_RETLEN : SYSTRACE_CAP_ARGLEN;
		c->max = clamp16(strsize > 4096 ? 4096 : strsize);
		return true;
	case TK_ARG_IOV:
		c->kind = SYSTRACE_CAP_IOV;
		c->max = clamp16(strsize);
		return true;
	case TK_ARG_STRARR:
		c->kind = SYSTRACE_CAP_STRV;
		c->max = clamp16(strsize + 2);
		return true;
	case TK_ARG_ENVP:
		c->kind = SYSTRACE_CAP_PTRV;
		return true;
	case TK_ARG_SIGSET:
		c->kind = SYSTRACE_CAP_ARGLEN;
		c->max = 128;
		return true;
	case TK_ARG_SOCKADDR:
		c->kind = a->len_ptr ? SYSTRACE_CAP_PTRLEN : SYSTRACE_CAP_ARGLEN;
		c->max = a->size ? a->size : 128;
		return true;
	case TK_ARG_INTPTR:
		c->kind = SYSTRACE_CAP_FIXED;
		c->max = 4;
		return true;
	case TK_ARG_STRUCT:
	case TK_ARG_CUSTOM:
		if (!a->size)
			return false;
		if (a->kind == TK_ARG_STRUCT && a->aux == TK_ST_CLONE_ARGS) {
			c->kind = SYSTRACE_CAP_ARGLEN;	/* its size is an argument */
			c->max = clamp16(a->size > 256 ? a->size : 256);
			return true;
		}
		if (a->kind == TK_ARG_STRUCT && a->aux == TK_ST_POLLFD) {
			c->kind = SYSTRACE_CAP_ARGLEN;
			c->mul = 8;
			c->max = clamp16(64 * 8);
			return true;
		}
		c->kind = SYSTRACE_CAP_FIXED;
		c->max = clamp16(a->size);
		return true;
	default:
		return false;
	}
}

/*
 * Inputs the call itself overwrites: select's descriptor sets and the timeouts of select, pselect6
 * and ppoll (the time left). Read at exit they would show the results as the arguments; they are
 * read at entry too (an entry record for each call), as ptrace shows them.
 */
static bool overwritten_input(long nr, const struct tk_sysdesc *sd, int i)
{
	if (sd->args[i].peek)	/* the decoder shows "in => out" */
		return true;
	switch (nr) {
	case SYS_select:
	case SYS_pselect6:
		return i >= 1 && i <= 4;
	case SYS_ppoll:
		return i == 2;
	default:
		return false;
	}
}

static void add_cap(struct systrace_sysdesc *d, const struct systrace_cap *c, __u8 when)
{
	if (d->ncaps >= SYSTRACE_MAX_CAPS)
		return;	/* exit-time reads fall back to the entry capture (lookup below) */
	d->caps[d->ncaps] = *c;
	d->caps[d->ncaps++].when = when;
}

void tk_systrace_plan(struct systrace_sysdesc *desc, bool (*selected)(long nr, void *ctx), void *ctx,
		      unsigned strsize, bool split)
{
	long nr;
	int i;

	memset(desc, 0, sizeof(*desc) * SYSTRACE_NR_MAX);
	for (nr = 0; nr < SYSTRACE_NR_MAX; nr++) {
		const struct tk_sysdesc *sd = tk_sysdesc_get(nr);
		struct systrace_sysdesc *d = &desc[nr];
		bool at_entry = nr == SYS_execve || nr == SYS_execveat;

		/*
		 * exit and exit_group never return: their entry record is all there is, and it
		 * is sent even when they are not selected, for the task's "+++ exited with N +++"
		 */
		if (nr == SYS_exit || nr == SYS_exit_group)
			d->flags |= SYSTRACE_SYS_ENTRY | SYSTRACE_SYS_NORETURN;
		if (selected && !selected(nr, ctx))
			continue;
		d->flags |= SYSTRACE_SYS_SELECTED;
		if (nr == SYS_rt_sigreturn) {
			/*
			 * Its exit sees the registers it restored: the frame's mask is read at
			 * entry, where the stack pointer is at the frame (and -i's place is the call)
			 */
			struct systrace_cap c = { .kind = SYSTRACE_CAP_STACK, .max = 8, .mul = TK_SIGFRAME_MASK_OFF };

			d->flags |= SYSTRACE_SYS_ENTRY;
			add_cap(d, &c, SYSTRACE_AT_ENTRY);
			continue;
		}
		/* execve's memory is gone when it returns */
		/* without split, the kernel half's cap_entry() reads entry captures of execve's kinds only */
		if (at_entry || split)
			d->flags |= SYSTRACE_SYS_ENTRY;
		if (!sd || !tk_sys_decoded(nr))
			continue;
		/*
		 * Exit captures first, entry copies (split) with the room left. In split mode inputs
		 * are read at both ends: the kernel half cannot fault pages in, and a string literal's
		 * page may be touched first by the call itself. The entry's copy serves only when
		 * another task's line comes before the exit (and decoders that read an input again
		 * at exit, poll's revents, read the exit's).
		 */
		for (i = 0; i < sd->nargs && i < 6; i++) {
			struct systrace_cap c;

			if (plan_arg(nr, &sd->args[i], i, strsize, &c))
				add_cap(d, &c, at_entry ? SYSTRACE_AT_ENTRY : SYSTRACE_AT_EXIT);
		}
		for (i = 0; !at_entry && i < sd->nargs && i < 6; i++) {
			struct systrace_cap c;

			if ((overwritten_input(nr, sd, i) || (split && sd->args[i].when == TK_AT_ENTRY)) &&
			    plan_arg(nr, &sd->args[i], i, strsize, &c)) {
				add_cap(d, &c, SYSTRACE_AT_ENTRY);
				/* split: every call has its entry record; else only when it captured */
				d->flags |= SYSTRACE_SYS_ENTRY | (split ? 0 : SYSTRACE_SYS_ENTRY_CAPS);
			}
		}
	}
}

void tk_systrace_plan_fdino(struct systrace_sysdesc *desc)
{
	static const struct {
		long nr;
		__u8 arg, n;	/* n 2: the int[2] at args[arg]; 1: the return value */
	} made[] = { { SYS_pipe, 0, 2 },   { SYS_pipe2, 0, 2 },	 { SYS_socketpair, 3, 2 },
		     { SYS_socket, 0, 1 }, { SYS_accept, 0, 1 }, { SYS_accept4, 0, 1 } };
	size_t i;

	for (i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		struct systrace_cap c = { .kind = SYSTRACE_CAP_FDINO, .arg = made[i].arg, .max = made[i].n };

		if (desc[made[i].nr].flags & SYSTRACE_SYS_SELECTED)
			add_cap(&desc[made[i].nr], &c, SYSTRACE_AT_EXIT);
	}
}

/* The capture holding addr in one record: its bytes from addr, how many, its flags. */
static const char *find(const struct systrace_rec *r, size_t size, uint64_t addr, size_t *avail, unsigned *flags)
{
	if (!r)
		return NULL;
	return tk_systrace_mem(r, size, addr, avail, flags);
}

static const char *lookup(const struct tk_systrace_mem *m, uint64_t addr, size_t *avail, unsigned *flags)
{
	const struct systrace_rec *a = m->prefer_exit ? m->exit : m->enter;
	const struct systrace_rec *b = m->prefer_exit ? m->enter : m->exit;
	size_t as = m->prefer_exit ? m->exit_size : m->enter_size;
	size_t bs = m->prefer_exit ? m->enter_size : m->exit_size;
	const char *p = find(a, as, addr, avail, flags);

	return p ? p : find(b, bs, addr, avail, flags);
}

static int mem_read(void *ctx, int tid, uint64_t addr, void *buf, size_t len)
{
	const struct tk_systrace_mem *m = ctx;
	size_t avail;
	unsigned flags;
	const char *p;

	(void)tid;
	if (!len)
		return 0;
	p = lookup(m, addr, &avail, &flags);
	if (!p || avail < len)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

static ssize_t mem_read_str(void *ctx, int tid, uint64_t addr, char *buf, size_t max, bool *complete)
{
	const struct tk_systrace_mem *m = ctx;
	size_t avail, n;
	unsigned flags;
	const char *p, *nul;

	(void)tid;
	*complete = false;
	p = lookup(m, addr, &avail, &flags);
	if (!p)
		return -EFAULT;
	nul = memchr(p, 0, avail);
	n = nul ? (size_t)(nul - p) : avail;
	if (n > max) {
		n = max;
	} else if (nul) {
		*complete = true;
	} else if (n < max) {
		/* the capture ended before max and before a NUL: the rest was not read */
		if (!n)
			return -EFAULT;
	}
	memcpy(buf, p, n);
	buf[n] = 0;
	return (ssize_t)n;
}

/* -y: as the trace left the descriptor (see fdtable.h); what it does not know, live from /proc */
static int mem_fd_path(void *ctx, int tid, int fd, char *buf, size_t size)
{
	const struct tk_systrace_mem *m = ctx;
	int n = m->fds ? tk_fdtable_path(m->fds, m->tgid, fd, buf, size) : -ENOENT;

	return n >= 0 || n == -EBADF ? n : tk_mem_proc_fd_path(ctx, tid, fd, buf, size);
}

const struct tk_mem_ops tk_systrace_mem_ops = {
	.read = mem_read,
	.read_str = mem_read_str,
	.fd_path = mem_fd_path,
};

void tk_systrace_event(struct tk_syscall *sc, const struct systrace_rec *enter, const struct systrace_rec *exit,
		       int64_t realtime_off)
{
	const struct systrace_rec *r = enter ? enter : exit;
	uint64_t t_in;
	int i;

	/*
	 * Every field stored one by one: a memset (a rep stos, twice per syscall) was the largest
	 * single cost left in the reader. A field added to struct tk_syscall must be set here.
	 */
	_Static_assert(sizeof(struct tk_syscall) == 144, "struct tk_syscall changed: set its new fields here");
	sc->tid = (int)r->tid;
	sc->nr = r->nr;
	/* the entry's arguments when there is one: execve replaces the registers the exit reads */
	for (i = 0; i < 6; i++)
		sc->args[i] = r->args[i];
	sc->ret = 0;
	sc->ts_exit = 0;
	sc->mono_exit = 0;
	sc->sp = r->sp;
	sc->ip = r->ip ? r->ip : TK_IP_UNKNOWN;
	sc->stime_enter = 0;
	sc->stime_exit = 0;
	sc->has_stime = false;
	sc->injected = false;
	t_in = enter ? enter->ts : exit->ts_enter;
	if (!t_in && exit)
		t_in = exit->ts;	/* no entry time taken: the exit's stands in */
	sc->mono_enter = t_in;
	sc->ts_enter = t_in + realtime_off;
	if (exit) {
		sc->ret = exit->ret;
		sc->mono_exit = exit->ts;
		sc->ts_exit = exit->ts + realtime_off;
	}
}

void tk_systrace_hist_format(struct strbuf *sb, const char *title, const __u64 *hist, int slots)
{
	int first = -1, last = -1, i, w;
	__u64 max = 0;

	for (i = 0; i < slots; i++)
		if (hist[i]) {
			if (first < 0)
				first = i;
			last = i;
			if (hist[i] > max)
				max = hist[i];
		}
	if (first < 0)
		return;
	sb_addf(sb, "\n%s\n%24s : %-10s distribution\n", title, "nsecs", "count");
	for (i = first; i <= last; i++) {
		uint64_t lo = i ? 1ull << i : 0, hi = (1ull << (i + 1)) - 1;

		w = (int)(hist[i] * 40 / max);
		/* (uint64_t): __u64 is unsigned long long, PRIu64 is for unsigned long */
		sb_addf(sb, "%10" PRIu64 " -> %-10" PRIu64 " : %-10" PRIu64 " |%-40.*s|\n", lo, hi, (uint64_t)hist[i], w,
			"****************************************");
	}
}

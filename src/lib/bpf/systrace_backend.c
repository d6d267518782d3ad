/*
 * `tracekit trace --backend bpf`: the eBPF syscall backend. The kernel half (src/bpf/systrace.bpf.c)
 * filters, captures and counts; this half launches or adopts the tasks, reads the ring buffer,
 * pairs entry and exit records, and hands struct tk_syscall events to the shared printer, whose
 * decoders read memory from the captures (systrace_sys.c). It never formats anything itself.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/bpf/fdtable.h"
#include "lib/bpf/systrace.h"
#include "lib/bpf/systrace_sys.h"
#include "lib/sys/backend.h"

/*
 * An entry record waiting for its exit: execve's, or with -f (split) every call's. Split entries
 * are shown only when another task's record comes first (the "<unfinished ...>" case); else the
 * call is shown whole at its exit, its inputs decoded from the exit's captures, which do not miss
 * pages the call itself faulted in.
 */
struct pending {
	int tid;
	bool shown;		/* its entry half went to the printer */
	uint64_t seq;		/* arrival order */
	bool sigkill;		/* a held exit: a SIGKILL delivery came after it */
	size_t size;
	struct systrace_rec *rec;
};

/* A signal the kernel discarded, shown where the task next returns to user space. */
struct held_signal {
	int tid;
	siginfo_t si;
	uint64_t ts;
};

struct bpfrun {
	struct tk_trace_env *env;
	const struct tk_trace_opts *o;
	struct tk_systrace *st;
	int64_t realtime_off;
	struct pending *pend;
	size_t npend, cappend;
	int *tids;		/* tasks the printer knows */
	size_t ntids, captids;
	bool failed;		/* out of memory while reading: records were dropped */
	bool started;		/* the tasks we were given are known: new ones are followed ones */
	bool split;		/* every syscall has an entry record (-f) */
	size_t nunshown;	/* split entries not yet shown */
	uint64_t seq;
	struct held_signal *held;
	size_t nheld, capheld;
	struct pending *defer;	/* exits with -ERESTART*, held until the task's next record */
	size_t ndefer, capdefer;
	bool exits;		/* tasks' ends come as TASKEXIT records */
	struct held_signal *sent;	/* fatal signals sent, not (yet) delivered */
	size_t nsent, capsent;
	struct tk_fdtable *fds;	/* -y: what descriptors name, replayed from the trace */
};

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void know_task(struct bpfrun *b, int tid)
{
	size_t i;
	int *grown;

	for (i = 0; i < b->ntids; i++)
		if (b->tids[i] == tid)
			return;
	if (b->ntids == b->captids) {
		b->captids = b->captids ? b->captids * 2 : 16;
		grown = realloc(b->tids, b->captids * sizeof(*grown));
		if (!grown) {
			b->failed = true;
			return;
		}
		b->tids = grown;
	}
	b->tids[b->ntids++] = tid;
	tk_printer_task_new(b->env->printer, tid);
	/* -f: a child or thread seen for the first time, as the ptrace backend notes it */
	if (b->started && !b->o->all && !(b->o->quiet & TK_QUIET_ATTACH) && b->env->note) {
		char msg[64];

		snprintf(msg, sizeof(msg), "Process %d attached", tid);
		b->env->note(b->env->note_ctx, msg);
	}
}

/* tid's record in an array of held records (entries, or exits held back), or NULL */
static struct pending *held_find(struct pending *arr, size_t n, int tid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (arr[i].tid == tid)
			return &arr[i];
	return NULL;
}

static struct pending *pending_find(struct bpfrun *b, int tid)
{
	return held_find(b->pend, b->npend, tid);
}

static void pending_drop(struct bpfrun *b, struct pending *p)
{
	if (b->split && !p->shown)
		b->nunshown--;
	free(p->rec);
	*p = b->pend[--b->npend];
}

static int pending_add(struct bpfrun *b, const struct systrace_rec *rec, size_t size)
{
	struct pending *p = pending_find(b, (int)rec->tid), *grown;

	if (p) {	/* an entry that never saw its exit (the task was killed in execve) */
		if (b->split && !p->shown)
			b->nunshown--;
		free(p->rec);
	} else {
		if (b->npend == b->cappend) {
			b->cappend = b->cappend ? b->cappend * 2 : 8;
			grown = realloc(b->pend, b->cappend * sizeof(*grown));
			if (!grown)
				return -ENOMEM;
			b->pend = grown;
		}
		p = &b->pend[b->npend++];
		p->tid = (int)rec->tid;
	}
	p->shown = true;	/* until it holds a record */
	p->rec = malloc(size);
	if (!p->rec) {
		pending_drop(b, p);
		return -ENOMEM;
	}
	memcpy(p->rec, rec, size);
	p->size = size;
	p->seq = b->seq++;
	if (b->split) {
		p->shown = false;
		b->nunshown++;
	}
	return 0;
}

/* ip: where the task returns to user space, the place the signals are shown at */
static void show_held_signals(struct bpfrun *b, int tid, uint64_t ip)
{
	size_t i, j;

	for (i = j = 0; i < b->nheld; i++) {
		if (b->held[i].tid == tid)
			tk_printer_signal(b->env->printer, tid, &b->held[i].si, ip, b->held[i].ts + b->realtime_off,
					  b->held[i].ts);
		else
			b->held[j++] = b->held[i];
	}
	b->nheld = j;
}

/* -y: what the call opened goes in the table before its line shows (its path argument as captured). */
static void fds_before_line(struct tk_fdtable *fds, struct tk_systrace_mem *m, const struct tk_syscall *sc)
{
	char path[PATH_MAX];
	bool complete;
	int arg = -1;

	switch (sc->nr) {
	case SYS_open:
	case SYS_creat:
	case SYS_chdir:
	case SYS_memfd_create:
		arg = 0;
		break;
	case SYS_openat:
	case SYS_openat2:
		arg = 1;
		break;
	}
	if (arg < 0 || tk_systrace_mem_ops.read_str(m, sc->tid, sc->args[arg], path, sizeof(path) - 1, &complete) < 0 ||
	    !complete)
		path[0] = 0;
	tk_fdtable_before_line(fds, m->tgid, sc->nr, sc->args, sc->ret, path[0] ? path : NULL);
	if (m->exit) {
		size_t i, n;
		const struct systrace_fdino *made = tk_systrace_fdino(m->exit, m->exit_size, &n);

		for (i = 0; made && i < n; i++)
			tk_fdtable_made(fds, m->tgid, sc->nr, sc->args, made[i].fd, made[i].ino);
		/* a pair made without its numbers read (no offsets, a fault): any may be open now */
		if (!made && sc->ret == 0 &&
		    (sc->nr == SYS_pipe || sc->nr == SYS_pipe2 || sc->nr == SYS_socketpair))
			tk_fdtable_made(fds, m->tgid, sc->nr, sc->args, -1, 0);
	}
}

/* The entry half of one syscall to the printer: it asks entry-time questions only. */
static void deliver_enter(struct bpfrun *b, const struct systrace_rec *enter, size_t esize,
			  const struct systrace_rec *exit, size_t xsize)
{
	struct tk_systrace_mem mctx = { enter, exit, esize, xsize, false, b->fds, (int)(enter ? enter : exit)->tgid };
	struct tk_mem mem = { &tk_systrace_mem_ops, &mctx };
	struct tk_syscall sc;

	tk_systrace_event(&sc, enter, exit, b->realtime_off);
	know_task(b, sc.tid);
	sc.ret = 0, sc.ts_exit = 0, sc.mono_exit = 0;
	tk_printer_enter(b->env->printer, &sc, &mem);
}

/* Its exit half, after the entry half was delivered (now, or when the entry record came). */
static void deliver_exit(struct bpfrun *b, const struct systrace_rec *enter, size_t esize,
			 const struct systrace_rec *exit, size_t xsize)
{
	struct tk_systrace_mem mctx = { enter, exit, esize, xsize, true, b->fds, (int)exit->tgid };
	struct tk_mem mem = { &tk_systrace_mem_ops, &mctx };
	struct tk_syscall sc;

	tk_systrace_event(&sc, enter, exit, b->realtime_off);
	sc.tid = (int)exit->tid;	/* not the entry's after an execve from a thread */
	sc.ip = exit->ip;		/* a "<... resumed>" line shows where the call returns, as strace */
	if (b->fds)
		fds_before_line(b->fds, &mctx, &sc);
	tk_printer_exit(b->env->printer, &sc, &mem);
	if (b->fds)
		tk_fdtable_after_line(b->fds, mctx.tgid, sc.nr, sc.args, sc.ret);
	if (b->nheld)
		show_held_signals(b, sc.tid, exit->ip ? exit->ip : TK_IP_UNKNOWN);
}

/* Deliver one whole syscall to the printer: entry then exit (exit NULL: it never returns). */
static void deliver(struct bpfrun *b, const struct systrace_rec *enter, size_t esize,
		    const struct systrace_rec *exit, size_t xsize)
{
	deliver_enter(b, enter, esize, exit, xsize);
	if (exit)
		deliver_exit(b, enter, esize, exit, xsize);
}

static bool is_exec(int nr)
{
	return nr == SYS_execve || nr == SYS_execveat;
}

/*
 * A successful execve's exit under a tid no execve entry is pending for: the call came from a
 * non-leader thread, which now has the leader's id. Its entry is pending under the thread's old
 * id, in the same thread group. Returns that old id, or 0.
 */
static int exec_from_thread(struct bpfrun *b, const struct systrace_rec *rec)
{
	size_t i;

	if (!is_exec(rec->nr) || rec->ret != 0)
		return 0;
	for (i = 0; i < b->npend; i++)
		if (b->pend[i].tid != (int)rec->tid && b->pend[i].rec->tgid == rec->tgid &&
		    is_exec(b->pend[i].rec->nr))
			return b->pend[i].tid;
	return 0;
}

/* Split: the entries of tasks other than tid not shown yet, oldest first, before tid's record. */
static void show_entries_but(struct bpfrun *b, int tid)
{
	struct pending *first;
	size_t i;

	for (;;) {
		first = NULL;
		for (i = 0; i < b->npend; i++)
			if (!b->pend[i].shown && b->pend[i].tid != tid && (!first || b->pend[i].seq < first->seq))
				first = &b->pend[i];
		if (!first)
			return;
		first->shown = true;
		b->nunshown--;
		deliver_enter(b, first->rec, first->size, NULL, 0);
	}
}

/* Whether another thread of rec's thread group is in execve (pending), which ends rec's task. */
static bool exec_in_group(const struct bpfrun *b, const struct systrace_rec *rec)
{
	size_t i;

	for (i = 0; i < b->npend; i++)
		if (b->pend[i].tid != (int)rec->tid && b->pend[i].rec->tgid == rec->tgid &&
		    is_exec(b->pend[i].rec->nr))
			return true;
	return false;
}

static bool task_known(const struct bpfrun *b, int tid)
{
	size_t i;

	for (i = 0; i < b->ntids; i++)
		if (b->tids[i] == tid)
			return true;
	return false;
}

/*
 * tid ends with a wait status. Reported here for tasks tracekit did not start (the started
 * command's end comes from waitpid, which also knows about core dumps); the signals held for it
 * go with it, as ptrace never reports a dead task's.
 */
static void task_end(struct bpfrun *b, const struct systrace_rec *rec, int status)
{
	int tid = (int)rec->tid;
	size_t i, j;

	for (i = j = 0; i < b->nheld; i++)
		if (b->held[i].tid != tid)
			b->held[j++] = b->held[i];
	b->nheld = j;
	if (tid != b->env->main_pid && task_known(b, tid))
		tk_printer_task_exit(b->env->printer, tid, status, rec->ts + b->realtime_off, rec->ts);
}

static int handle_record(struct bpfrun *b, const struct systrace_rec *rec, size_t size);

static int defer_add(struct bpfrun *b, const struct systrace_rec *rec, size_t size)
{
	struct pending *d, *grown;

	if (b->ndefer == b->capdefer) {
		b->capdefer = b->capdefer ? b->capdefer * 2 : 8;
		grown = realloc(b->defer, b->capdefer * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		b->defer = grown;
	}
	d = &b->defer[b->ndefer];
	d->rec = malloc(size);
	if (!d->rec)
		return -ENOMEM;
	memcpy(d->rec, rec, size);
	d->size = size;
	d->tid = (int)rec->tid;
	d->sigkill = false;
	b->ndefer++;
	return 0;
}

/*
 * A held exit meets the task's next record. When that is a SIGKILL delivery and then the task's
 * end (a kill -9, or the kernel ending the other threads of a group exit or of a fatal signal),
 * ptrace would never have seen the call return ("<unfinished ...>) = ?"): only its entry half is
 * shown. Otherwise the exit is handled as it came.
 */
static void defer_settle(struct bpfrun *b, struct pending *d, bool killed)
{
	struct systrace_rec *rec = d->rec;
	size_t size = d->size;
	struct pending *p;

	*d = b->defer[--b->ndefer];
	if (!killed) {
		handle_record(b, rec, size);
	} else {
		p = pending_find(b, (int)rec->tid);
		if (p && p->rec->nr == rec->nr) {
			if (!b->split || !p->shown)
				deliver_enter(b, p->rec, p->size, rec, size);
			pending_drop(b, p);
		} else {
			deliver_enter(b, NULL, 0, rec, size);
		}
	}
	free(rec);
}

/* siginfo_t from a SIGNAL record's 48 bytes */
static void rec_siginfo(const struct systrace_rec *rec, siginfo_t *si)
{
	memset(si, 0, sizeof(*si));
	memcpy(si, rec->args, sizeof(rec->args));
}

static int signal_hold(struct held_signal **arr, size_t *n, size_t *cap, const struct systrace_rec *rec)
{
	struct held_signal *grown;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		grown = realloc(*arr, *cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		*arr = grown;
	}
	(*arr)[*n].tid = (int)rec->tid;
	rec_siginfo(rec, &(*arr)[*n].si);
	(*arr)[*n].ts = rec->ts;
	(*n)++;
	return 0;
}

/* The fatal signal sent to tid, sig, whose delivery went unseen (index), or -1. */
static long sent_find(const struct bpfrun *b, int tid, int sig)
{
	size_t i;

	for (i = b->nsent; i-- > 0;)
		if (b->sent[i].tid == tid && b->sent[i].si.si_signo == sig)
			return (long)i;
	return -1;
}

/* Forget the sent signals to tid (all of them, or those of signal sig when sig > 0). */
static void sent_forget(struct bpfrun *b, int tid, int sig)
{
	size_t i, j;

	for (i = j = 0; i < b->nsent; i++)
		if (b->sent[i].tid != tid || (sig > 0 && b->sent[i].si.si_signo != sig))
			b->sent[j++] = b->sent[i];
	b->nsent = j;
}

/*
 * Whether tid's end (wait status) is a fatal signal sent to tid itself: the kernel ended the
 * group at once, where ptrace would have seen tid take the signal (and its call return).
 */
static bool ended_by_sent(const struct bpfrun *b, int tid, int status)
{
	return WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL && sent_find(b, tid, WTERMSIG(status)) >= 0;
}

/*
 * -y: the exit of a call -e trace= does not show, reported only for what it does to descriptors.
 * It goes in the table and nowhere else: it must not end a held entry as another task's line
 * would (no line of its own comes).
 */
static bool shadow_record(struct bpfrun *b, const struct systrace_rec *rec, size_t size)
{
	struct tk_systrace_mem mctx = { NULL, rec, 0, size, true, b->fds, (int)rec->tgid };
	struct tk_syscall sc;

	if (!b->fds || rec->type != SYSTRACE_REC_EXIT || tk_sysfilter_traced(&b->o->filter, rec->nr))
		return false;
	tk_systrace_event(&sc, NULL, rec, b->realtime_off);
	fds_before_line(b->fds, &mctx, &sc);
	tk_fdtable_after_line(b->fds, mctx.tgid, sc.nr, sc.args, sc.ret);
	return true;
}

static int on_record(void *ctx, const struct systrace_rec *rec, size_t size)
{
	struct bpfrun *b = ctx;

	if (shadow_record(b, rec, size))
		return 0;
	struct pending *d = b->ndefer ? held_find(b->defer, b->ndefer, (int)rec->tid) : NULL;

	if (d && rec->type == SYSTRACE_REC_SIGNAL && rec->nr == SIGKILL)
		d->sigkill = true;	/* its end record settles it */
	else if (d)
		defer_settle(b, d, d->sigkill && rec->type == SYSTRACE_REC_TASKEXIT &&
				   !ended_by_sent(b, (int)rec->tid, (int)rec->ret));
	/* only a task whose end is reported can tell an ERESTART exit from a SIGKILL's end */
	if (rec->type == SYSTRACE_REC_EXIT && tk_sys_erestart(rec->ret) && b->exits) {
		if (!defer_add(b, rec, size))
			return 0;
		b->failed = true;
	}
	return handle_record(b, rec, size);
}

/* The end of the trace: exits still held were not followed by a SIGKILL. */
static void defer_flush(struct bpfrun *b)
{
	while (b->ndefer)
		defer_settle(b, &b->defer[0], false);
}

static int handle_record(struct bpfrun *b, const struct systrace_rec *rec, size_t size)
{
	struct pending *p;
	int status, old_tid;

	if (b->o->all) {
		know_task(b, (int)rec->tid);
		tk_printer_task_comm(b->env->printer, (int)rec->tid, rec->comm);
	}
	if (b->nunshown)
		show_entries_but(b, (int)rec->tid);
	if (rec->type == SYSTRACE_REC_SIGNAL) {
		siginfo_t si;

		/*
		 * Never shown as a signal (ptrace does not report it either): it is also how the
		 * kernel ends the other threads of a group exit, and how a fatal signal to an
		 * untraced task ends it; the task's end record says what ended it
		 */
		if (rec->nr == SIGKILL)
			return 0;
		if (rec->ret == SYSTRACE_SIG_GENERATED) {
			if (signal_hold(&b->sent, &b->nsent, &b->capsent, rec))
				b->failed = true;
			return 0;
		}
		if (b->nsent)	/* delivered after all: as sent to this thread or to its process */
			sent_forget(b, (int)rec->tid, rec->nr), sent_forget(b, (int)rec->tgid, rec->nr);
		if (rec->ret == SYSTRACE_SIG_DISCARDED) {
			if ((pid_t)rec->tid == getpid())	/* -a: our own SIGCHLD */
				return 0;
			if (signal_hold(&b->held, &b->nheld, &b->capheld, rec))
				b->failed = true;
			return 0;
		}
		know_task(b, (int)rec->tid);
		rec_siginfo(rec, &si);
		tk_printer_signal(b->env->printer, (int)rec->tid, &si, rec->ip ? rec->ip : TK_IP_UNKNOWN,
				  rec->ts + b->realtime_off, rec->ts);
		return 0;
	}
	if (rec->type == SYSTRACE_REC_TASKEXIT) {
		long i = WIFSIGNALED((int)rec->ret) ? sent_find(b, (int)rec->tid, WTERMSIG((int)rec->ret)) : -1;

		/* ended by a fatal signal sent to it: shown as delivered, as ptrace reports it */
		if (i >= 0)
			tk_printer_signal(b->env->printer, (int)rec->tid, &b->sent[i].si,
					  rec->ip ? rec->ip : TK_IP_UNKNOWN, b->sent[i].ts + b->realtime_off,
					  b->sent[i].ts);
		if (b->nsent)
			sent_forget(b, (int)rec->tid, 0);
		/* the old leader of an execve from another thread: superseded, not ended */
		if (!exec_in_group(b, rec))
			task_end(b, rec, (int)rec->ret);
		return 0;
	}
	if (rec->type == SYSTRACE_REC_ENTER) {
		if (rec->nr == SYS_exit || rec->nr == SYS_exit_group) {
			deliver(b, rec, size, NULL, 0);
			/* without end records: the status it asks for (a group exit's other threads unseen) */
			if (!b->exits) {
				status = (int)(rec->args[0] & 0xff) << 8;
				task_end(b, rec, status);
			}
			return 0;
		}
		if (pending_add(b, rec, size))
			b->failed = true;
		return 0;
	}
	p = pending_find(b, (int)rec->tid);
	if ((!p || p->rec->nr != rec->nr) && (old_tid = exec_from_thread(b, rec))) {
		if (p)		/* the old leader's call in flight: it never returns */
			pending_drop(b, p);
		p = pending_find(b, old_tid);
		tk_printer_task_rename(b->env->printer, old_tid, (int)rec->tid);
		p->tid = (int)rec->tid;
	}
	if (p && p->rec->nr == rec->nr) {
		if (p->shown && b->split)
			deliver_exit(b, p->rec, p->size, rec, size);
		else
			deliver(b, p->rec, p->size, rec, size);
		pending_drop(b, p);
	} else {
		deliver(b, NULL, 0, rec, size);
	}
	return 0;
}

/* Which syscalls the kernel half reports: -e trace=. */
static bool selected(long nr, void *ctx)
{
	const struct tk_trace_opts *o = ctx;

	return tk_sysfilter_traced(&o->filter, nr);
}

/* -y: those and the ones that change what descriptors name (unshown: see shadow_record) */
static bool selected_or_fd(long nr, void *ctx)
{
	return selected(nr, ctx) || tk_fdtable_changed_by(nr);
}

/* The command, forked and held on a pipe until the tracer has put it in the filter. */
struct held_cmd {
	pid_t pid;
	int go;		/* closing it lets the command exec */
	int fail;	/* an exec failure comes back on it; end of file when the exec happened */
};

/*
 * Fork the command before loading the BPF programs: the fork is off the start-to-attached path
 * (its cost overlaps nothing else otherwise), and the child holds no ring-buffer mapping to copy.
 */
static int spawn_held(const struct tk_trace_env *env, const char *path, struct held_cmd *h)
{
	int go[2], fail[2], err;
	char c;
	ssize_t n;

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	if (pipe2(fail, O_CLOEXEC)) {
		err = -errno;
		close(go[0]);
		close(go[1]);
		return err;
	}
	h->pid = fork();
	if (h->pid < 0) {
		err = -errno;
		close(go[0]);
		close(go[1]);
		close(fail[0]);
		close(fail[1]);
		return err;
	}
	if (h->pid == 0) {
		close(go[1]);
		close(fail[0]);
		while ((n = read(go[0], &c, 1)) < 0 && errno == EINTR)
			;
		if (n == 0)	/* the tracer closed without a go: it could not start */
			_exit(127);
		/* what trace.c ignores for itself, the command gets back as the ptrace backend's does;
		 * -u's ids after the go: a failure has the fail pipe to say so */
		err = -tk_launch_prepare_child(env->child_sigdfl, &env->o->runas);
		if (!err) {
			execve(path, env->o->argv, env->o->envp ? env->o->envp : environ);
			err = errno;
		}
		n = write(fail[1], &err, sizeof(err));
		(void)n;
		_exit(127);
	}
	close(go[0]);
	close(fail[1]);
	h->go = go[1];
	h->fail = fail[0];
	return 0;
}

/* The tracer could not start: the held command goes without ever running. */
static void drop_held(struct held_cmd *h)
{
	close(h->go);
	close(h->fail);
	kill(h->pid, SIGKILL);
	waitpid(h->pid, NULL, 0);
}

/*
 * Register the held command in the filter, in state AWAIT_EXEC, and let it exec: not one of its
 * syscalls from execve on is missed.
 */
static int release_held(struct bpfrun *b, const char *path, struct held_cmd *h)
{
	char c = 1;
	int err;
	ssize_t n;

	err = tk_systrace_add_exec(b->st, h->pid);
	if (err) {
		drop_held(h);
		return err;
	}
	b->env->main_pid = h->pid;
	know_task(b, h->pid);
	if (b->fds)	/* held before its exec: what it will still have after it */
		tk_fdtable_seed(b->fds, h->pid, true);
	if (b->o->all) {
		/* its name after exec, for -a's comm/pid prefix even if none of its calls shows */
		const char *base = strrchr(path, '/');

		tk_printer_task_comm(b->env->printer, h->pid, base ? base + 1 : path);
	}
	n = write(h->go, &c, 1);
	close(h->go);
	if (n != 1) {
		err = -errno;
		close(h->fail);
		kill(h->pid, SIGKILL);
		waitpid(h->pid, NULL, 0);
		b->env->main_pid = 0;
		return err;
	}
	n = read(h->fail, &err, sizeof(err));
	close(h->fail);
	if (n == (ssize_t)sizeof(err)) {
		waitpid(h->pid, NULL, 0);
		b->env->main_pid = 0;
		return -err;
	}
	return 0;
}

static bool any_alive(const int *pids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!kill(pids[i], 0) || errno != ESRCH)
			return true;
	return false;
}

/* -c: the kernel's totals into the printer's summary. */
static void collect_counts(struct bpfrun *b)
{
	struct tk_summary *sum = tk_printer_summary(b->env->printer);
	struct systrace_stat s;
	unsigned nr;

	struct strbuf hist = STRBUF_INIT;
	char title[96];

	for (nr = 0; nr < SYSTRACE_NR_MAX && nr <= TK_SYS_NR_MAX; nr++) {
		if (tk_systrace_stat(b->st, nr, &s) || !s.calls)
			continue;
		tk_summary_add_bulk(sum, nr, s.calls, s.errors, s.ns);
		if (b->o->hist) {
			snprintf(title, sizeof(title), "%s: %" PRIu64 " calls", tk_sys_name(nr) ? tk_sys_name(nr) : "?",
				 (uint64_t)s.calls);
			tk_systrace_hist_format(&hist, title, s.hist, SYSTRACE_HIST_SLOTS);
		}
	}
	if (hist.len)
		tk_printer_summary_extra(b->env->printer, sb_str(&hist));
	sb_release(&hist);
}

/*
 * Wait up to 10 ms for records or for the launched command's end (its pidfd), then consume the
 * ring. Without the pidfd the end would be noticed only at the timeout: up to 10 ms more per run.
 */
static int wait_and_read(struct bpfrun *b, int pidfd)
{
	int ring = tk_systrace_fd(b->st);
	struct pollfd pf[2];
	nfds_t n = 0;

	if (ring >= 0)
		pf[n++] = (struct pollfd){ .fd = ring, .events = POLLIN };
	if (pidfd >= 0)
		pf[n++] = (struct pollfd){ .fd = pidfd, .events = POLLIN };
	if (!n)
		return usleep(10000), 0;
	if (poll(pf, n, 10) < 0 && errno != EINTR)
		return -errno;
	return ring >= 0 ? tk_systrace_drain(b->st) : 0;
}

static int bpf_run(struct tk_trace_env *env)
{
	const struct tk_trace_opts *o = env->o;
	static struct systrace_sysdesc desc[SYSTRACE_NR_MAX];
	struct tk_systrace_config cfg = { 0 };
	struct bpfrun b = { 0 };
	struct held_cmd held = { 0 };
	char path[PATH_MAX];
	pid_t child = 0;
	int r, i, status, child_fd = -1;
	uint64_t lost;

	b.env = env;
	b.o = o;
	env->exit_status = -1;
	env->main_pid = 0;
	/*
	 * With -f, lines of several tasks interleave: strace shows a call another task's line
	 * interrupts as "<unfinished ...>" and "<... resumed>", which needs each entry as it happens
	 * (one record more per call; -f only, since one task's lines never interleave). Not for -a
	 * (perf trace's whole lines) nor -ff (one file per process).
	 */
	b.split = o->follow == 1 && o->summary != 1 && !o->all;
	if (o->fmt.fd_paths && !(b.fds = tk_fdtable_new()))
		return -ENOMEM;
	/* -e read=/write= dump whole buffers, not -s bytes: capture as much as a record holds */
	tk_systrace_plan(desc, o->fmt.fd_paths && o->summary != 1 ? selected_or_fd : selected, (void *)o,
			 o->filter.dumps && o->fmt.strsize < SYSTRACE_CAP_MAX ? SYSTRACE_CAP_MAX : o->fmt.strsize,
			 b.split);
	/*
	 * -y's unshown calls: exit records only, whatever split mode does for the shown ones. Every
	 * descriptor change reaches the table, even with -z/-Z (the printer filters the shown lines).
	 */
	for (i = 0; b.fds && i < SYSTRACE_NR_MAX; i++) {
		if (!tk_fdtable_changed_by(i) || !(desc[i].flags & SYSTRACE_SYS_SELECTED))
			continue;
		desc[i].flags |= SYSTRACE_SYS_ANY_STATUS;
		if (!selected(i, (void *)o))
			desc[i].flags &= ~SYSTRACE_SYS_ENTRY;
	}
	if (b.fds && o->summary != 1)
		tk_systrace_plan_fdino(desc);
	cfg.desc = desc;
	cfg.count = o->summary == 1 && !o->npaths; /* -P decides per call in user space */
	cfg.follow = o->follow > 0;
	cfg.want_time = o->ts != TK_TS_NONE || o->relative || o->show_duration || o->json || o->summary;
	cfg.want_ip = o->show_ip;
	/* -v (or -e abbrev= without execve): the environment's strings too, not only their count */
	for (i = 0; i < SYSTRACE_NR_MAX; i++) {
		int k;

		if ((i != SYS_execve && i != SYS_execveat) ||
		    (!o->fmt.verbose && tk_sysset_has(&o->filter.abbrev, i)))
			continue;
		for (k = 0; k < desc[i].ncaps; k++)
			if (desc[i].caps[k].kind == SYSTRACE_CAP_PTRV) {
				desc[i].caps[k].kind = SYSTRACE_CAP_STRV;
				desc[i].caps[k].max = (__u16)(o->fmt.strsize + 2 > 4096 ? 4096 : o->fmt.strsize + 2);
			}
	}
	/* strace -c/-C count every call; -z/-Z choose lines only: no kernel filter then */
	if (o->summary)
		cfg.status = 0;
	else if ((o->filter.status & (TK_STATUS_SUCCESSFUL | TK_STATUS_FAILED)) == TK_STATUS_SUCCESSFUL)
		cfg.status = 1;
	else if ((o->filter.status & (TK_STATUS_SUCCESSFUL | TK_STATUS_FAILED)) == TK_STATUS_FAILED)
		cfg.status = 2;
	cfg.all = o->all;
	cfg.no_signals = !o->filter.signals;
	cfg.cgroup = o->cgroup;
	cfg.comm = o->comm;
	cfg.ring_bytes = o->buffer_size;
	cfg.verbose = o->verbose > 0;
	if (o->argv) {
		r = tk_trace_resolve_cmd(o->argv[0], path, sizeof(path));
		if (!r)
			r = spawn_held(env, path, &held);
		if (r) {
			snprintf(env->err, sizeof(env->err), "cannot run '%s': %s", o->argv[0], strerror(-r));
			return r;
		}
	}
	r = tk_systrace_open(&b.st, &cfg, env->err, sizeof(env->err));
	if (r) {
		if (o->argv)
			drop_held(&held);
		env->not_started = true;
		return r;
	}
	b.realtime_off = (int64_t)(clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC));
	tk_systrace_set_handler(b.st, on_record, &b);
	b.exits = tk_systrace_reports_exits(b.st);
	for (i = 0; i < o->npids; i++) {
		r = tk_systrace_add_process(b.st, o->pids[i], o->follow > 0);
		if (r) {
			snprintf(env->err, sizeof(env->err), "cannot attach to pid %d: %s", o->pids[i], strerror(-r));
			goto out;
		}
		know_task(&b, o->pids[i]);
		if (b.fds)
			tk_fdtable_seed(b.fds, o->pids[i], false);
		if (!(o->quiet & TK_QUIET_ATTACH) && env->note) {
			char msg[64];

			snprintf(msg, sizeof(msg), "Process %d attached", o->pids[i]);
			env->note(env->note_ctx, msg);
		}
	}
	if (o->argv) {
		r = release_held(&b, path, &held);
		if (!r)
			child = held.pid;
		if (r) {
			snprintf(env->err, sizeof(env->err), "cannot run '%s': %s", o->argv[0], strerror(-r));
			goto out;
		}
	}
	/* the reader's mappings after the command runs: off the start-to-attached path */
	r = tk_systrace_read_start(b.st);
	if (r) {
		snprintf(env->err, sizeof(env->err), "cannot map the ring buffer: %s", strerror(-r));
		goto out;
	}
	b.started = true;
	if (child)
		child_fd = (int)syscall(SYS_pidfd_open, child, 0);	/* -1: noticed at the timeout */
	for (;;) {
		if (*env->stop) {
			if (!child)
				break;
			/* a command we started: pass the signal on and keep tracing it to its end */
			kill(child, *env->stop_sig ? *env->stop_sig : SIGTERM);
			*env->stop = 0;
		}
		if (child) {
			r = waitpid(child, &status, WNOHANG);
			if (r == child) {
				env->exit_status = status;
				break;
			}
		} else if (!o->all && !any_alive(o->pids, o->npids)) {
			break;
		}
		r = wait_and_read(&b, child_fd);
		if (r < 0) {
			snprintf(env->err, sizeof(env->err), "reading the ring buffer failed: %s", strerror(-r));
			goto out;
		}
	}
	tk_systrace_drain(b.st);
	defer_flush(&b);
	if (b.nunshown)		/* calls still in flight: the printer knows them as ptrace would */
		show_entries_but(&b, 0);
	if (cfg.count)
		collect_counts(&b);
	if (child)
		tk_printer_task_exit(env->printer, child, env->exit_status, clock_ns(CLOCK_REALTIME),
				     clock_ns(CLOCK_MONOTONIC));
	if (!child && !(o->quiet & TK_QUIET_ATTACH) && env->note)
		for (i = 0; i < o->npids; i++) {
			char msg[64];

			snprintf(msg, sizeof(msg), "Process %d detached", o->pids[i]);
			env->note(env->note_ctx, msg);
		}
	r = 0;
out:
	lost = b.st ? tk_systrace_lost(b.st) : 0;
	if (lost)
		tk_printer_lost(env->printer, lost);
	tk_systrace_close(b.st);
	if (child_fd >= 0)
		close(child_fd);
	for (i = 0; i < (int)b.npend; i++)
		free(b.pend[i].rec);
	free(b.pend);
	for (i = 0; i < (int)b.ndefer; i++)
		free(b.defer[i].rec);
	free(b.defer);
	free(b.tids);
	free(b.held);
	free(b.sent);
	tk_fdtable_free(b.fds);
	return r;
}

const struct tk_trace_backend tk_bpf_backend = { "bpf", bpf_run };

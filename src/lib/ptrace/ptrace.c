/*
 * The ptrace backend of `tracekit trace`: PTRACE_SEIZE, PTRACE_GET_SYSCALL_INFO for entry/exit,
 * a seccomp-bpf prefilter so syscalls nobody asked for never stop the tracee, group-stops kept
 * with PTRACE_LISTEN, signals re-injected unchanged, -f through the fork/vfork/clone events.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/sys/backend.h"


struct ptask {
	int tid;
	uint64_t stime;	     /* system time in the rusage of the last stop, ns */
	bool used;
	bool in_syscall;     /* between an entry (or seccomp) stop and its exit stop */
	bool hide;	     /* the started child before its execve: tracekit's own set-up */
	bool seccomp_entry;  /* entry seen through a seccomp stop: resume with PTRACE_SYSCALL */
	struct tk_syscall sc;
	unsigned *calls;	     /* -e inject=: invocations so far per syscall number */
	const struct tk_inject *inj; /* the in-flight call is being injected */
};

struct ptracer {
	struct tk_trace_env *env;
	const struct tk_trace_opts *o;
	struct ptask *tasks;
	size_t ntasks, cap;
	int live;
	bool seccomp;
	bool have_rusage;
	unsigned long options;
};

static void now(uint64_t *real, uint64_t *mono)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	*real = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	*mono = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- memory reader over live tracee memory ---- */
static int pt_read(void *ctx, int tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
	ssize_t n;
	size_t off;

	(void)ctx;
	if (!len)
		return 0;
	n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n < 0 && errno != ENOSYS && errno != EPERM)
		return -EFAULT;
	/* fall back to word reads (process_vm_readv refused, or a partial read across a mapping) */
	for (off = 0; off < len; off += sizeof(long)) {
		long w;
		size_t k = len - off < sizeof(long) ? len - off : sizeof(long);

		errno = 0;
		w = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)(addr + off), NULL);
		if (errno)
			return -EFAULT;
		memcpy((char *)buf + off, &w, k);
	}
	return 0;
}

static ssize_t pt_read_str(void *ctx, int tid, uint64_t addr, char *buf, size_t max, bool *complete)
{
	size_t got = 0;

	*complete = false;
	while (got <= max) {
		/* read up to the page end so an unmapped next page cannot fail the whole read */
		size_t page_left = 4096 - ((addr + got) & 4095), want = max + 1 - got;
		char *nul;

		if (want > page_left)
			want = page_left;
		if (pt_read(ctx, tid, addr + got, buf + got, want))
			break;
		nul = memchr(buf + got, 0, want);
		if (nul) {
			*complete = true;
			return nul - buf;
		}
		got += want;
	}
	if (!got)
		return -EFAULT;
	if (got > max)
		got = max;
	buf[got] = 0;
	return (ssize_t)got;
}

static const struct tk_mem_ops pt_mem_ops = { pt_read, pt_read_str, tk_mem_proc_fd_path };

/* ---- tasks ---- */
static struct ptask *task_find(struct ptracer *t, int tid)
{
	size_t i;

	for (i = 0; i < t->ntasks; i++)
		if (t->tasks[i].used && t->tasks[i].tid == tid)
			return &t->tasks[i];
	return NULL;
}

static struct ptask *task_add(struct ptracer *t, int tid)
{
	struct ptask *k = task_find(t, tid);
	size_t i;

	if (k)
		return k;
	for (i = 0; i < t->ntasks; i++)
		if (!t->tasks[i].used)
			break;
	if (i == t->ntasks) {
		if (t->ntasks == t->cap) {
			size_t nc = t->cap ? t->cap * 2 : 16;
			struct ptask *n = realloc(t->tasks, nc * sizeof(*n));

			if (!n)
				return NULL;
			t->tasks = n;
			t->cap = nc;
		}
		t->ntasks++;
	}
	k = &t->tasks[i];
	memset(k, 0, sizeof(*k));
	k->tid = tid;
	k->used = true;
	t->live++;
	tk_printer_task_new(t->env->printer, tid);
	return k;
}

static void task_del(struct ptracer *t, struct ptask *k)
{
	free(k->calls);
	k->calls = NULL;
	k->used = false;
	t->live--;
}

/* ---- the seccomp prefilter ---- */
/* Syscalls the tracee must stop at: the traced ones, the injected ones, execve (to find the start). */
static bool stops(const struct tk_sysfilter *f, long nr)
{
	return tk_sysfilter_traced(f, nr) || tk_sysfilter_injects(f, nr) || nr == __NR_execve || nr == __NR_execveat;
}

static int install_seccomp(const struct tk_sysfilter *f)
{
	struct sock_filter *prog;
	size_t n = 0, cap = 16 + 2 * (TK_SYS_NR_MAX + 1);
	long nr, ntraced = 0, nall = 0;
	bool list_traced;
	struct sock_fprog fp;
	int r;

	for (nr = 0; nr <= TK_SYS_NR_MAX; nr++) {
		bool tr = stops(f, nr);

		nall++;
		ntraced += tr;
	}
	list_traced = ntraced * 2 <= nall;
	prog = calloc(cap, sizeof(*prog));
	if (!prog)
		return -ENOMEM;
#define I(code, k, jt, jf) (prog[n++] = (struct sock_filter)BPF_JUMP(code, k, jt, jf))
	I(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0, 0);
	I(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	I(BPF_RET | BPF_K, SECCOMP_RET_TRACE, 0, 0); /* other ABIs: trace everything */
	I(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
	I(BPF_JMP | BPF_JGE | BPF_K, TK_SYS_NR_MAX + 1, 0, 1);
	I(BPF_RET | BPF_K, f->trace_unknown ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW, 0, 0);
	for (nr = 0; nr <= TK_SYS_NR_MAX; nr++) {
		bool tr = stops(f, nr);

		if (tr != list_traced)
			continue;
		I(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1);
		I(BPF_RET | BPF_K, list_traced ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW, 0, 0);
	}
	I(BPF_RET | BPF_K, list_traced ? SECCOMP_RET_ALLOW : SECCOMP_RET_TRACE, 0, 0);
#undef I
	fp.len = (unsigned short)n;
	fp.filter = prog;
	if (getuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	r = (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp);
	return r ? -errno : 0;
}

/* ---- resuming ---- */
static void resume(struct ptracer *t, struct ptask *k, int sig)
{
	int req = PTRACE_SYSCALL;

	if (t->seccomp && !(k->in_syscall && k->seccomp_entry))
		req = PTRACE_CONT;
	if (ptrace(req, k->tid, NULL, (void *)(uintptr_t)sig) && errno == ESRCH)
		return; /* it died meanwhile; its exit status follows */
}

/*
 * -e inject= as strace does it: at entry the syscall number becomes -1, so the kernel runs nothing
 * (it would return -ENOSYS), and at exit the return register gets the error or value asked for.
 */
static void inject_entry(struct ptask *k, const struct tk_sysfilter *f)
{
	long nr = k->sc.nr;

	if (!k->calls)
		k->calls = calloc(TK_SYS_NR_MAX + 1, sizeof(*k->calls));
	if (!k->calls)
		return;
	k->inj = tk_sysfilter_inject(f, nr, ++k->calls[nr]);
	if (k->inj && ptrace(PTRACE_POKEUSER, k->tid, (void *)offsetof(struct user_regs_struct, orig_rax), (void *)-1L))
		k->inj = NULL;
}

static void inject_exit(struct ptask *k)
{
	int64_t v = k->inj->error ? -(int64_t)k->inj->error : k->inj->retval;

	if (!ptrace(PTRACE_POKEUSER, k->tid, (void *)offsetof(struct user_regs_struct, rax), (void *)(intptr_t)v)) {
		k->sc.ret = v;
		k->sc.injected = true;
	}
	k->inj = NULL;
}

static void on_syscall_stop(struct ptracer *t, struct ptask *k)
{
	struct __ptrace_syscall_info info;
	struct tk_mem mem = { &pt_mem_ops, t };
	long n;
	int i;

	memset(&info, 0, sizeof(info));
	n = ptrace(PTRACE_GET_SYSCALL_INFO, k->tid, (void *)sizeof(info), &info);
	if (n <= 0)
		return;
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY || info.op == PTRACE_SYSCALL_INFO_SECCOMP) {
		long nr = info.op == PTRACE_SYSCALL_INFO_ENTRY ? (long)info.entry.nr : (long)info.seccomp.nr;
		const uint64_t *args = info.op == PTRACE_SYSCALL_INFO_ENTRY ? info.entry.args : info.seccomp.args;

		if (k->in_syscall && info.op == PTRACE_SYSCALL_INFO_SECCOMP && k->sc.nr == nr)
			return; /* entry stop already reported this call */
		memset(&k->sc, 0, sizeof(k->sc));
		k->sc.tid = k->tid;
		k->sc.nr = nr;
		k->sc.sp = info.stack_pointer;
		k->sc.ip = info.instruction_pointer;
		for (i = 0; i < 6; i++)
			k->sc.args[i] = args[i];
		now(&k->sc.ts_enter, &k->sc.mono_enter);
		k->sc.stime_enter = k->stime;
		k->in_syscall = true;
		k->seccomp_entry = info.op == PTRACE_SYSCALL_INFO_SECCOMP;
		if (k->hide && (nr == __NR_execve || nr == __NR_execveat))
			k->hide = false;
		k->inj = NULL;
		if (!k->hide && tk_sysfilter_injects(&t->o->filter, nr))
			inject_entry(k, &t->o->filter);
		if (!k->hide)
			tk_printer_enter(t->env->printer, &k->sc, &mem);
	} else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
		if (!k->in_syscall)
			return;
		k->in_syscall = false;
		k->sc.ret = info.exit.rval;
		k->sc.ip = info.instruction_pointer; /* a "<... resumed>" line's (a new program's after execve) */
		now(&k->sc.ts_exit, &k->sc.mono_exit);
		k->sc.stime_exit = k->stime;
		k->sc.has_stime = t->have_rusage;
		if (k->inj)
			inject_exit(k);
		if (!k->hide)
			tk_printer_exit(t->env->printer, &k->sc, &mem);
		k->seccomp_entry = false;
	}
}

static void note(struct ptracer *t, const char *fmt, int pid)
{
	char msg[128];

	if ((t->o->quiet & TK_QUIET_ATTACH) || !t->env->note)
		return;
	snprintf(msg, sizeof(msg), fmt, pid);
	t->env->note(t->env->note_ctx, msg);
}

/* One wait4 result (ru: the tracee's usage at this stop). */
static void handle(struct ptracer *t, int tid, int status, const struct rusage *ru)
{
	struct ptask *k = task_find(t, tid);
	uint64_t real, mono;
	int sig, event;

	if (!k) {
		/* a new child can report before its parent's fork event: adopt it */
		if (!WIFSTOPPED(status))
			return;
		k = task_add(t, tid);
		if (!k)
			return;
	}
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		now(&real, &mono);
		if (tid == t->env->main_pid)
			t->env->exit_status = status;
		if (!k->hide)
			tk_printer_task_exit(t->env->printer, tid, status, real, mono);
		task_del(t, k);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	k->stime = (uint64_t)ru->ru_stime.tv_sec * 1000000000ull + (uint64_t)ru->ru_stime.tv_usec * 1000ull;
	sig = WSTOPSIG(status);
	event = (unsigned)status >> 16;
	if (sig == (SIGTRAP | 0x80)) {
		on_syscall_stop(t, k);
		resume(t, k, 0);
		return;
	}
	switch (event) {
	case 0:
		break;
	case PTRACE_EVENT_SECCOMP:
		on_syscall_stop(t, k);
		/* the exit stop needs PTRACE_SYSCALL even though we run on PTRACE_CONT */
		ptrace(PTRACE_SYSCALL, tid, NULL, NULL);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE: {
		unsigned long child = 0;

		if (!ptrace(PTRACE_GETEVENTMSG, tid, NULL, &child) && child) {
			struct ptask *c = task_add(t, (int)child);

			k = task_find(t, tid); /* task_add may have moved the array */
			if (c)
				note(t, "Process %d attached", (int)child);
		}
		resume(t, k, 0);
		return;
	}
	case PTRACE_EVENT_EXEC: {
		unsigned long former = 0;

		if (!ptrace(PTRACE_GETEVENTMSG, tid, NULL, &former) && (int)former != tid && former) {
			struct ptask *old = task_find(t, (int)former);

			/* a non-leader thread exec'd: it now has the leader's tid and carries the execve */
			if (old) {
				k->sc = old->sc;
				k->sc.tid = tid;
				k->in_syscall = old->in_syscall;
				k->seccomp_entry = old->seccomp_entry;
				tk_printer_task_rename(t->env->printer, (int)former, tid);
				task_del(t, old);
			}
		}
		resume(t, k, 0);
		return;
	}
	case PTRACE_EVENT_STOP:
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			/* group-stop: stay stopped, but keep reporting (PTRACE_LISTEN) */
			ptrace(PTRACE_LISTEN, tid, NULL, NULL);
			return;
		}
		resume(t, k, 0);
		return;
	default:
		resume(t, k, 0);
		return;
	}
	/* signal-delivery-stop: show it, deliver it unchanged */
	{
		siginfo_t si;

		if (ptrace(PTRACE_GETSIGINFO, tid, NULL, &si) == 0) {
			uint64_t ip = TK_IP_UNKNOWN;

			now(&real, &mono);
			if (t->o->show_ip) {
				errno = 0;
				ip = (uint64_t)ptrace(PTRACE_PEEKUSER, tid,
						      (void *)offsetof(struct user_regs_struct, rip), NULL);
				if (errno)
					ip = TK_IP_UNKNOWN;
			}
			if (!k->hide)
				tk_printer_signal(t->env->printer, tid, &si, ip, real, mono);
		}
		resume(t, k, sig);
	}
}

/* ---- detaching (-p on Ctrl-C) ---- */
static void detach_all(struct ptracer *t)
{
	size_t i;

	for (i = 0; i < t->ntasks; i++) {
		struct ptask *k = &t->tasks[i];
		int status, sig = 0;

		if (!k->used)
			continue;
		if (ptrace(PTRACE_INTERRUPT, k->tid, NULL, NULL) && errno == ESRCH) {
			task_del(t, k);
			continue;
		}
		for (;;) {
			pid_t w = waitpid(k->tid, &status, __WALL);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0 || WIFEXITED(status) || WIFSIGNALED(status)) {
				sig = -1;
				break;
			}
			if (!WIFSTOPPED(status))
				continue;
			if ((unsigned)status >> 16 == 0 && WSTOPSIG(status) != (SIGTRAP | 0x80)) {
				/* a pending signal: hand it over with the detach */
				sig = WSTOPSIG(status);
			}
			/*
			 * Any ptrace-stop will do for the detach: a syscall or event stop is not
			 * followed by our interrupt's stop, because the kernel drops a pending
			 * PTRACE_INTERRUPT when the tracee takes another trap (ptrace_stop clears
			 * JOBCTL_TRAP_STOP), so waiting on for it would hang.
			 */
			break;
		}
		if (sig >= 0) {
			ptrace(PTRACE_DETACH, k->tid, NULL, (void *)(uintptr_t)sig);
			tk_printer_task_detach(t->env->printer, k->tid);
			note(t, "Process %d detached", k->tid);
		} else {
			tk_printer_task_detach(t->env->printer, k->tid);
		}
		task_del(t, k);
	}
}

/* ---- starting ---- */
static int attach_pid(struct ptracer *t, int pid)
{
	char dir[64];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	d = opendir(dir);
	if (!d)
		return -ESRCH;
	while ((de = readdir(d))) {
		int tid = atoi(de->d_name);

		if (tid <= 0 || task_find(t, tid))
			continue;
		if (ptrace(PTRACE_SEIZE, tid, NULL, (void *)t->options)) {
			int e = errno;

			if (tid == pid) {
				closedir(d);
				return -e;
			}
			continue;
		}
		ptrace(PTRACE_INTERRUPT, tid, NULL, NULL);
		task_add(t, tid);
		n++;
		note(t, "Process %d attached", tid);
		if (!t->o->follow)
			break; /* without -f only the named thread, as strace */
	}
	closedir(d);
	return n ? 0 : -ESRCH;
}

static int start_child(struct ptracer *t, char *const argv[], const char *path)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int err;

		tk_launch_prepare_child(t->env->child_sigdfl, NULL);
		raise(SIGSTOP);
		if (t->seccomp && install_seccomp(&t->o->filter))
			_exit(126);
		/* -u after the filter: as root it needs no no_new_privs, which would stop setuid
		 * programs from gaining their ids */
		err = tk_launch_prepare_child(0, &t->o->runas);
		if (err) {
			fprintf(stderr, "tracekit trace: cannot run as user %u: %s\n", (unsigned)t->o->runas.uid,
				strerror(-err));
			_exit(127);
		}
		execve(path, argv, t->o->envp ? t->o->envp : environ);
		fprintf(stderr, "tracekit trace: cannot execute '%s': %s\n", path, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, WSTOPPED) < 0 || !WIFSTOPPED(status))
		return -ECHILD;
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)(t->options | PTRACE_O_EXITKILL))) {
		int e = errno;

		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return -e;
	}
	t->env->main_pid = pid;
	{
		struct ptask *k = task_add(t, pid);

		if (k)
			k->hide = true;
	}
	kill(pid, SIGCONT);
	return 0;
}

/* PATH lookup in the parent, so a missing command fails before anything is traced. */
int tk_trace_resolve_cmd(const char *cmd, char *out, size_t size)
{
	const char *path = getenv("PATH");
	int err = ENOENT;

	if (strchr(cmd, '/')) {
		if (access(cmd, X_OK))
			return -errno;
		snprintf(out, size, "%s", cmd);
		return 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t len = end ? (size_t)(end - path) : strlen(path);

		snprintf(out, size, "%.*s/%s", (int)len, len ? path : ".", cmd);
		if (!access(out, X_OK))
			return 0;
		if (errno == EACCES)
			err = EACCES;
		path += len + (end ? 1 : 0);
		if (!end)
			break;
	}
	return -err;
}

static int ptrace_run(struct tk_trace_env *env)
{
	struct ptracer t = { 0 };
	const struct tk_trace_opts *o = env->o;
	char path[PATH_MAX];
	int r, i;

	t.env = env;
	t.o = o;
	env->exit_status = -1;
	env->main_pid = 0;
	t.options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC;
	if (o->follow)
		t.options |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;
	/*
	 * The prefilter needs the filter installed before exec: only for commands we start, and
	 * only with -f. Children inherit the filter, and a child nobody traces gets ENOSYS for every
	 * syscall the filter sends to the tracer, so without -f it would change what the program
	 * does (strace makes --seccomp-bpf depend on -f for the same reason). By default it is on
	 * when it saves stops (a subset is traced).
	 */
	t.seccomp = o->argv && o->follow &&
		    (o->seccomp == 1 || (o->seccomp < 0 && !tk_sysfilter_traces_all(&o->filter)));
	if (t.seccomp)
		t.options |= PTRACE_O_TRACESECCOMP;
	if (o->argv) {
		r = tk_trace_resolve_cmd(o->argv[0], path, sizeof(path));
		if (r) {
			snprintf(env->err, sizeof(env->err), "cannot run '%s': %s", o->argv[0], strerror(-r));
			return r;
		}
		r = start_child(&t, o->argv, path);
		if (r) {
			snprintf(env->err, sizeof(env->err), "cannot trace '%s': %s", o->argv[0], strerror(-r));
			free(t.tasks);
			return r;
		}
	}
	for (i = 0; i < o->npids; i++) {
		r = attach_pid(&t, o->pids[i]);
		if (r) {
			snprintf(env->err, sizeof(env->err), "cannot attach to pid %d: %s", o->pids[i],
				 strerror(-r));
			detach_all(&t);
			free(t.tasks);
			return r;
		}
	}
	t.have_rusage = true;
	while (t.live > 0) {
		struct rusage ru;
		int status;
		pid_t tid;

		if (*env->stop) {
			if (env->main_pid) {
				/* a command we started: pass the signal on and keep tracing it to its end */
				kill(env->main_pid, *env->stop_sig ? *env->stop_sig : SIGTERM);
				*env->stop = 0;
			} else {
				detach_all(&t);
				break;
			}
		}
		/* wait4 for the rusage: strace -c sums the tracee's system time, not wall time */
		tid = wait4(-1, &status, __WALL, &ru);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		handle(&t, tid, status, &ru);
	}
	for (i = 0; i < (int)t.ntasks; i++)
		free(t.tasks[i].calls);
	free(t.tasks);
	return 0;
}

const struct tk_trace_backend tk_ptrace_backend = { "ptrace", ptrace_run };

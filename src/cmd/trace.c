/* tracekit trace: strace-compatible syscall tracing, on eBPF where the kernel allows, else ptrace. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "lib/sys/backend.h"
#include "lib/sys/printer.h"

static const char *const trace_usage[] = {
	"tracekit trace [-ACcfinqrTtvwxyZz] [-e EXPR]... [-P PATH]... [-o FILE] [-s N] [-S SORT] [-X STYLE]\n"
	"                      [-E VAR=VAL]... [-u USER] -- COMMAND [ARG]...",
	"tracekit trace [options] -p PID[,PID]... [-p PID]...",
	"tracekit trace [options] -a [--cgroup PATH] [--comm NAME] [-- COMMAND [ARG]...]",
	NULL,
};

enum { OPT_JSON = 256, OPT_BACKEND, OPT_SECCOMP, OPT_NO_SECCOMP, OPT_CGROUP, OPT_COMM, OPT_BUFSIZE, OPT_HIST };

static const struct tk_opt trace_opts[] = {
	{ 'e', "expr", "EXPR", "trace=SET (names, !neg, %class, /regex); status= signal= read= write= inject= fault=" },
	{ 'P', "trace-path", "PATH", "only syscalls touching PATH (by name or descriptor; repeatable)" },
	{ 'o', "output", "FILE", "write the trace to FILE (with -ff: FILE.PID per process); '|CMD' pipes it to CMD" },
	{ 'A', "output-append-mode", NULL, "append to -o's file(s) instead of truncating them" },
	{ 's', "string-limit", "N", "show at most N bytes of strings and buffers (32)" },
	{ 'p', "attach", "PID", "attach to PID (comma list, repeatable); Ctrl-C detaches" },
	{ 'f', "follow-forks", NULL, "follow fork/vfork/clone; -ff: one output file per process" },
	{ 't', "absolute-timestamps", NULL, "prefix wall time; -tt with microseconds; -ttt epoch" },
	{ 'r', "relative-timestamps", NULL, "prefix the time since the previous syscall" },
	{ 'T', "syscall-times", NULL, "show the time spent in each syscall" },
	{ 'n', "syscall-number", NULL, "prefix each line with the syscall number" },
	{ 'i', "instruction-pointer", NULL, "prefix each line with the user instruction pointer" },
	{ 'c', "summary-only", NULL, "count time, calls and errors per syscall; print a table" },
	{ 'C', "summary", NULL, "like -c, and print the lines too" },
	{ 'S', "summary-sort-by", "SORT", "sort -c by time, calls, errors, name or nothing" },
	{ 'w', "summary-wall-clock", NULL, "-c sums wall time in syscalls (default: system time)" },
	{ 'y', "decode-fds", NULL, "show the path behind each file descriptor; -yy: sockets' addresses, devices' numbers" },
	{ 'z', "successful-only", NULL, "show only syscalls that succeeded" },
	{ 'Z', "failed-only", NULL, "show only syscalls that failed" },
	{ 'q', "quiet", NULL, "no attach/detach notes; -qq: no exit lines either; -qqq: nothing (-e quiet=SET)" },
	{ 'v', "no-abbrev", NULL, "unabbreviated structs, argv and environment" },
	{ 'x', "strings-in-hex", NULL, "non-ASCII strings in \\xNN hex; -xx: all strings" },
	{ 'X', "const-print-style", "STYLE", "constants as raw, abbrev (default) or verbose" },
	{ OPT_JSON, "json", NULL, "JSON Lines: one object per syscall, signal, exit (summary with -c)" },
	{ OPT_BACKEND, "backend", "NAME", "bpf (default where the kernel allows it) or ptrace" },
	{ 'a', "all", NULL, "system-wide: every process, lines prefixed comm/pid (eBPF)" },
	{ OPT_CGROUP, "cgroup", "PATH", "system-wide, only tasks in this cgroup v2 directory (eBPF)" },
	{ OPT_COMM, "comm", "NAME", "system-wide, only tasks whose command name is NAME (eBPF)" },
	{ OPT_BUFSIZE, "buffer-size", "SIZE", "eBPF ring buffer size, e.g. 32M (default 4M)" },
	{ OPT_HIST, "hist", NULL, "with -c: a log2 latency histogram per syscall (eBPF)" },
	{ OPT_SECCOMP, "seccomp-bpf", NULL, "use the seccomp-bpf prefilter (ptrace, with -f only)" },
	{ OPT_NO_SECCOMP, "no-seccomp-bpf", NULL, "never use it (default: with -f when a subset is traced)" },
	{ 'E', "env", "VAR=VAL", "run the command with VAR=VAL in its environment; -E VAR removes VAR" },
	{ 'u', "user", "USER", "run the command as USER (name or UID[:GID]) with its groups (as root)" },
	{ 'h', "help", NULL, "show this help" },
	TK_OPT_END,
};

/*
 * The backends. Without --backend, eBPF is tried first and ptrace takes over when eBPF cannot
 * start here.
 */
static const struct {
	const char *name;
	const struct tk_trace_backend *be;
} backends[] = {
	{ "ptrace", &tk_ptrace_backend },
	{ "bpf", &tk_bpf_backend },
};

struct outputs {
	const char *path; /* -o */
	bool per_process; /* -ff */
	bool append;	  /* -A */
	bool piped;	  /* -o '|CMD' or '!CMD': main is CMD's standard input */
	FILE *main;
	struct {
		int tid;
		FILE *f;
	} *files;
	size_t n, cap;
	bool failed;
};

static FILE *stream_for(void *ctx, int tid)
{
	struct outputs *out = ctx;
	char name[PATH_MAX];
	size_t i;
	FILE *f;

	if (!out->per_process || !tid)
		return out->main;
	for (i = 0; i < out->n; i++)
		if (out->files[i].tid == tid)
			return out->files[i].f;
	snprintf(name, sizeof(name), "%s.%d", out->path, tid);
	f = fopen(name, out->append ? "ae" : "we");
	if (!f) {
		if (!out->failed)
			cmd_err("trace", "cannot write '%s': %s", name, strerror(errno));
		out->failed = true;
		return NULL;
	}
	if (out->n == out->cap) {
		size_t nc = out->cap ? out->cap * 2 : 16;
		void *p = realloc(out->files, nc * sizeof(*out->files));

		if (!p) {
			fclose(f);
			return NULL;
		}
		out->files = p;
		out->cap = nc;
	}
	out->files[out->n].tid = tid;
	out->files[out->n].f = f;
	out->n++;
	return f;
}

static void close_outputs(struct outputs *out)
{
	size_t i;

	for (i = 0; i < out->n; i++)
		if (fclose(out->files[i].f))
			out->failed = true;
	free(out->files);
	if (out->piped) {
		/*
		 * A command that stops reading (|head) is its own choice, as is its exit status
		 * (|grep finding nothing): said, not a failure of the trace, as strace does
		 */
		if (fflush(out->main) || ferror(out->main))
			fprintf(stderr, "tracekit trace: '%s' stopped reading the trace\n", out->path + 1);
		pclose(out->main);	/* waits for it to finish */
	} else if (out->main && out->main != stderr && out->main != stdout && fclose(out->main)) {
		out->failed = true;
	}
	if (out->main == stderr || out->main == stdout)
		fflush(out->main);
}

static void note_stderr(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "tracekit trace: %s\n", msg);
}

static volatile sig_atomic_t stop_flag, stop_signal;

static void on_stop(int sig)
{
	stop_flag = 1;
	stop_signal = sig;
}

static int parse_pids(const char *arg, struct tk_trace_opts *o)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		char *end;
		long pid = strtol(tok, &end, 10);
		int *n;

		if (*end || pid <= 0 || pid > INT_MAX) {
			r = -EINVAL;
			break;
		}
		n = realloc(o->pids, (size_t)(o->npids + 1) * sizeof(*n));
		if (!n) {
			r = -ENOMEM;
			break;
		}
		o->pids = n;
		o->pids[o->npids++] = (int)pid;
	}
	free(copy);
	return r;
}

/* --buffer-size: 4K .. 1G with an optional K/M/G suffix, a power of two (the ring buffer's rule). */
static int parse_size(const char *s, size_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		v <<= 30, end++;
	if (*end || v < 4096 || v > (1ull << 30) || (v & (v - 1)))
		return -EINVAL;
	*out = (size_t)v;
	return 0;
}

/* Exit as the traced command did: its code, or the same signal (without a core of our own). */
static int pass_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status)) {
		struct rlimit nocore = { 0, 0 };
		int sig = WTERMSIG(status);

		setrlimit(RLIMIT_CORE, &nocore);
		fflush(NULL);
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	return TK_EXIT_FAIL;
}

/* -o FILE's stdio buffer: static, as it must outlive every write up to the final fclose */
static char main_buf[64 * 1024];

/*
 * -e quiet=SET: strace's message classes, "!" to negate. path-resolution and personality are
 * accepted and have nothing to silence here (no -P resolution notes, one personality).
 */
static int parse_quiet(const char *val, unsigned *quiet)
{
	static const struct {
		const char *name;
		unsigned bits;
	} classes[] = {
		{ "attach", TK_QUIET_ATTACH },	 { "exit", TK_QUIET_EXIT },	  { "thread-execve", TK_QUIET_EXECVE },
		{ "superseded", TK_QUIET_EXECVE }, { "path-resolution", 0 },	  { "personality", 0 },
		{ "all", TK_QUIET_ATTACH | TK_QUIET_EXIT | TK_QUIET_EXECVE },	  { "none", 0 },
	};
	bool neg = *val == '!';
	unsigned bits = 0;
	const char *p = val + neg;
	size_t i, n;

	while (*p) {
		n = strcspn(p, ",");
		for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
			if (strlen(classes[i].name) == n && !strncmp(p, classes[i].name, n))
				break;
		if (i == sizeof(classes) / sizeof(classes[0]))
			return -1;
		bits |= classes[i].bits;
		p += n + (p[n] == ',');
	}
	if (p == val + neg)
		return -1;
	*quiet = neg ? (TK_QUIET_ATTACH | TK_QUIET_EXIT | TK_QUIET_EXECVE) & ~bits : bits;
	return 0;
}

static void trace_opts_free(struct tk_trace_opts *o)
{
	free(o->pids);
	tk_env_free(o->envp);
}

int cmd_trace(int argc, char **argv)
{
	struct tk_trace_opts o;
	struct tk_getopt g;
	struct outputs out = { 0 };
	const struct tk_trace_backend *be = NULL;
	const char *backend = NULL; /* NULL: eBPF when it loads here, else ptrace with a notice */
	struct tk_trace_env env;
	struct tk_printer *p;
	static const char *paths[64]; /* -P */
	char err[256];
	int c, r, i, zflags = 0, nquiet = 0;
	bool auto_backend;

	memset(&o, 0, sizeof(o));
	o.fmt.strsize = 32;
	o.seccomp = -1;
	tk_sysfilter_init(&o.filter);
	if (tk_getopt_init(&g, "trace", argc, argv, trace_opts))
		return cmd_err("trace", "out of memory");
	while ((c = tk_getopt_next(&g)) != -1) {
		char *end;
		long n;

		switch (c) {
		case 'h':
			tk_usage(stdout, trace_usage, trace_opts);
			tk_getopt_free(&g);
			return TK_EXIT_OK;
		case 'e':
			if (!strncmp(optarg, "quiet=", 6) || !strncmp(optarg, "q=", 2)) {
				if (parse_quiet(strchr(optarg, '=') + 1, &o.quiet)) {
					tk_getopt_free(&g);
					trace_opts_free(&o);
					return cmd_usage_err("trace", "invalid -e %s: want attach, exit, path-resolution, "
								 "personality, thread-execve, all or none", optarg);
				}
				break;
			}
			if (tk_sysfilter_parse(&o.filter, optarg, err, sizeof(err))) {
				tk_getopt_free(&g);
				trace_opts_free(&o);
				return cmd_usage_err("trace", "%s", err);
			}
			break;
		case 'o':
			out.path = optarg;
			break;
		case 'P':
			if (o.npaths == (int)(sizeof(paths) / sizeof(paths[0])) || !*optarg) {
				tk_getopt_free(&g);
				trace_opts_free(&o);
				return cmd_usage_err("trace", *optarg ? "too many -P (at most 64)" : "empty -P path");
			}
			paths[o.npaths++] = optarg;
			o.paths = paths;
			break;
		case 's':
			n = strtol(optarg, &end, 10);
			if (*end || end == optarg || n < 0 || n > 1 << 20) {
				tk_getopt_free(&g);
				trace_opts_free(&o);
				return cmd_usage_err("trace", "invalid -s '%s': want a size from 0 to 1048576", optarg);
			}
			o.fmt.strsize = (unsigned)n;
			break;
		case 'p':
			if (parse_pids(optarg, &o)) {
				tk_getopt_free(&g);
				trace_opts_free(&o);
				return cmd_usage_err("trace", "invalid process id '%s'", optarg);
			}
			break;
		case 'f':
			o.follow = o.follow < 2 ? o.follow + 1 : 2;
			break;
		case 't':
			o.ts = o.ts < TK_TS_EPOCH ? o.ts + 1 : TK_TS_EPOCH;
			break;
		case 'r':
			o.relative = true;
			break;
		case 'T':
			o.show_duration = true;
			break;
		case 'c':
			o.summary = 1;
			break;
		case 'C':
			o.summary = 2;
			break;
		case 'S':
			if (tk_summary_parse_sort(optarg, &o.sortby)) {
				tk_getopt_free(&g);
				trace_opts_free(&o);
				return cmd_usage_err("trace", "invalid sort key '%s': want time, calls, errors, name or nothing",
						     optarg);
			}
			break;
		case 'w':
			o.summary_wall = true;
			break;
		case 'y':
			if (o.fmt.fd_paths < 2)
				o.fmt.fd_paths++;
			break;
		case 'z':
			zflags |= 1;
			break;
		case 'Z':
			zflags |= 2;
			break;
		case 'q':
			nquiet++;
			break;
		case 'v':
			o.fmt.verbose = true;
			break;
		case 'x':
			if (o.fmt.hex < 2)
				o.fmt.hex++;
			break;
		case 'n':
			o.show_nr = true;
			break;
		case 'i':
			o.show_ip = true;
			break;
		case 'A':
			out.append = true;
			break;
		case 'X':
			if (!strcmp(optarg, "raw")) {
				o.fmt.xstyle = TK_XLAT_RAW;
			} else if (!strcmp(optarg, "abbrev")) {
				o.fmt.xstyle = TK_XLAT_ABBREV;
			} else if (!strcmp(optarg, "verbose")) {
				o.fmt.xstyle = TK_XLAT_VERBOSE;
			} else {
				tk_getopt_free(&g);
				trace_opts_free(&o);
				return cmd_usage_err("trace", "invalid -X '%s': want raw, abbrev or verbose", optarg);
			}
			break;
		case OPT_JSON:
			o.json = true;
			break;
		case OPT_BACKEND:
			backend = optarg;
			break;
		case OPT_SECCOMP:
			o.seccomp = 1;
			break;
		case OPT_NO_SECCOMP:
			o.seccomp = 0;
			break;
		case 'a':
			o.all = true;
			break;
		case OPT_CGROUP:
			o.cgroup = optarg;
			break;
		case OPT_COMM:
			o.comm = optarg;
			break;
		case OPT_BUFSIZE:
			if (parse_size(optarg, &o.buffer_size)) {
				tk_getopt_free(&g);
				trace_opts_free(&o);
				return cmd_usage_err("trace", "invalid --buffer-size '%s': want a power of two from 4K to 1G, e.g. 32M",
						     optarg);
			}
			break;
		case OPT_HIST:
			o.hist = true;
			break;
		case 'E':
			r = tk_env_edit(&o.envp, optarg);
			if (r) {
				tk_getopt_free(&g);
				trace_opts_free(&o);
				if (r == -ENOMEM)
					return cmd_err("trace", "out of memory");
				return cmd_usage_err("trace", "invalid -E '%s': want VAR=VAL or VAR", optarg);
			}
			break;
		case 'u':
			r = tk_runas_lookup(optarg, &o.runas);
			if (r) {
				tk_getopt_free(&g);
				trace_opts_free(&o);
				if (r == -ENOENT)
					return cmd_err("trace", "cannot find user '%s'", optarg);
				return cmd_err("trace", "cannot look up user '%s': %s", optarg, strerror(-r));
			}
			break;
		default:
			tk_getopt_free(&g);
			trace_opts_free(&o);
			return TK_EXIT_USAGE;
		}
	}
	if (optind < argc)
		o.argv = argv + optind;
	tk_getopt_free(&g);
	/* strace: -q attach notes, -qq exit lines too, -qqq everything */
	if (nquiet)
		o.quiet |= TK_QUIET_ATTACH | (nquiet > 1 ? TK_QUIET_EXIT : 0) | (nquiet > 2 ? TK_QUIET_EXECVE : 0);
	if (zflags) {
		/* -z and -Z are status=successful and status=failed */
		o.filter.status = (zflags & 1 ? TK_STATUS_SUCCESSFUL : 0) | (zflags & 2 ? TK_STATUS_FAILED : 0);
		o.filter.status_given = true;
	}
	if ((o.cgroup || o.comm) && !o.npids)
		o.all = true; /* a container, every process of a name: system-wide, filtered; a command
			       * given too sets how long (as perf trace -a -- sleep 5) */
	if (!o.argv && !o.npids && !o.all) {
		trace_opts_free(&o);
		return cmd_usage_err("trace", "nothing to trace: give a command after -- or -p PID");
	}
	if ((o.envp || o.runas.set) && !o.argv) {
		trace_opts_free(&o);
		return cmd_usage_err("trace", "-E and -u apply to a command to start, not to -p or -a alone");
	}
	if (o.argv && o.npids) {
		trace_opts_free(&o);
		return cmd_usage_err("trace", "give a command or -p, not both");
	}
	if (o.all && o.npids) {
		trace_opts_free(&o);
		return cmd_usage_err("trace", "give -a or -p, not both");
	}
	if (o.hist && o.summary != 1) {
		trace_opts_free(&o);
		return cmd_usage_err("trace", "--hist goes with -c");
	}
	if (o.all || o.cgroup || o.comm || o.buffer_size || o.hist) {
		/* only the kernel can filter or count this way: no silent fallback */
		if (backend && strcmp(backend, "bpf")) {
			trace_opts_free(&o);
			return cmd_usage_err("trace", "-a, --cgroup, --comm, --buffer-size and --hist need --backend bpf");
		}
		backend = "bpf";
	}
	if (o.filter.ninject) {
		/* eBPF cannot change a return value here: bpf_override_return needs kprobes, which
		 * this kernel lacks, and fmod_ret programs are refused like fentry (doctor says so) */
		if (backend && strcmp(backend, "ptrace")) {
			trace_opts_free(&o);
			return cmd_usage_err("trace", "-e inject= and -e fault= need the ptrace backend (eBPF cannot change syscall returns on this kernel)");
		}
		if (!backend)
			fprintf(stderr, "tracekit trace: eBPF cannot inject syscall faults on this kernel (no kprobes for "
					"bpf_override_return); using ptrace\n");
		backend = "ptrace";
	}
	auto_backend = !backend;
	if (!backend)
		backend = "bpf";
	o.verbose = tk_verbose;
	for (i = 0; i < (int)(sizeof(backends) / sizeof(backends[0])); i++)
		if (!strcmp(backends[i].name, backend))
			break;
	if (i == (int)(sizeof(backends) / sizeof(backends[0]))) {
		trace_opts_free(&o);
		return cmd_usage_err("trace", "unknown backend '%s': want ptrace or bpf", backend);
	}
	be = backends[i].be;
	if (!be) {
		trace_opts_free(&o);
		return cmd_err("trace", "eBPF backend not available in this build");
	}
	for (i = 0; i < o.npids; i++)
		if (kill(o.pids[i], 0) && errno == ESRCH) {
			r = o.pids[i];
			trace_opts_free(&o);
			return cmd_err("trace", "cannot attach to pid %d: No such process", r);
		}

	if (o.follow == 2 && !out.path)
		o.follow = 1; /* strace: -ff without -o is -f */
	if (o.seccomp == 1 && !o.follow)
		fprintf(stderr, "tracekit trace: --seccomp-bpf needs -f (untraced children would get "
				"ENOSYS); not using it\n");
	out.per_process = o.follow == 2;
	if (out.path && (*out.path == '|' || *out.path == '!')) {
		/* strace's -o '|CMD': the trace is piped to a shell command */
		if (out.per_process) {
			trace_opts_free(&o);
			return cmd_usage_err("trace", "-ff writes one file per process: not with -o '%s'", out.path);
		}
		fflush(NULL);
		out.main = popen(out.path + 1, "we"); /* not inherited by the tracee */
		if (!out.main) {
			r = errno;
			trace_opts_free(&o);
			return cmd_err("trace", "cannot run '%s': %s", out.path + 1, strerror(r ? r : ENOMEM));
		}
		out.piped = true;
		setvbuf(out.main, main_buf, _IOFBF, sizeof(main_buf));
		o.output_is_file = true;
	} else if (out.path && !out.per_process) {
		out.main = fopen(out.path, out.append ? "ae" : "we"); /* not inherited by the tracee */
		if (!out.main) {
			r = errno;
			trace_opts_free(&o);
			return cmd_err("trace", "cannot write '%s': %s", out.path, strerror(r));
		}
		/*
		 * stdio's 4 KiB made one write(2) per ~90 lines: 4300 for dd bs=1 count=200000. glibc
		 * ignores the size unless it is given the buffer.
		 */
		setvbuf(out.main, main_buf, _IOFBF, sizeof(main_buf));
		o.output_is_file = true;
	} else if (out.path) {
		/* -ff: prove the prefix is writable before anything runs */
		char probe[PATH_MAX];
		FILE *f;

		snprintf(probe, sizeof(probe), "%s.%d", out.path, getpid());
		f = fopen(probe, "w");
		if (!f) {
			r = errno;
			trace_opts_free(&o);
			return cmd_err("trace", "cannot write '%s': %s", probe, strerror(r));
		}
		fclose(f);
		unlink(probe);
		out.main = stderr;
		o.output_is_file = true;
	} else {
		out.main = stderr;
	}

	p = tk_printer_new(&o, stream_for, &out);
	if (!p) {
		close_outputs(&out);
		trace_opts_free(&o);
		return cmd_err("trace", "out of memory");
	}
	memset(&env, 0, sizeof(env));
	env.o = &o;
	env.printer = p;
	env.stop = &stop_flag;
	env.stop_sig = &stop_signal;
	env.note = note_stderr;
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_stop;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		static const int ignored[] = { SIGINT, SIGQUIT, SIGPIPE };
		size_t k;

		for (k = 0; k < sizeof(ignored) / sizeof(ignored[0]); k++) {
			struct sigaction old;
			int s = ignored[k];

			/* the command gets back what we had, not our SIG_IGN */
			if (!sigaction(s, NULL, &old) && old.sa_handler != SIG_IGN)
				env.child_sigdfl |= 1ULL << (s - 1);
			if (s == SIGPIPE || o.argv)
				signal(s, SIG_IGN); /* Ctrl-C reaches the command too; its fate decides ours */
			else
				sigaction(s, &sa, NULL);
		}
	}
	r = be->run(&env);
	if (r && env.not_started && auto_backend) {
		/* eBPF refused here (no privilege, a sandbox, an old kernel): say so once, use ptrace */
		fprintf(stderr, "tracekit trace: eBPF unavailable (%s); using ptrace\n", env.err);
		env.err[0] = 0;
		env.not_started = false;
		be = &tk_ptrace_backend;
		r = be->run(&env);
	}
	tk_printer_finish(p);
	if (tk_printer_lost_count(p))
		fprintf(stderr, "tracekit trace: %llu events lost\n", (unsigned long long)tk_printer_lost_count(p));
	tk_printer_free(p);
	close_outputs(&out);
	trace_opts_free(&o);
	if (r)
		return cmd_err("trace", "%s", env.err);
	if (out.failed)
		return cmd_err("trace", "writing the trace failed");
	if (env.exit_status >= 0)
		return pass_status(env.exit_status);
	return TK_EXIT_OK;
}

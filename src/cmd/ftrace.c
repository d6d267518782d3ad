/*
 * tracekit ftrace: tracepoints through tracefs, trace-cmd style, in a private instance.
 *   stream    live decoded events (like trace_pipe, from tracekit's own instance)
 *   record    raw per-CPU pages to a file, formats and per-CPU stats included
 *   report    decode a recorded file: text, JSON Lines, Chrome trace-event JSON (Perfetto)
 *   funccount kernel function call counts (function tracer)
 *   reset     remove every instance and probe tracekit created
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/ftrace.h"
#include "lib/perf/workload.h"
#include "lib/tracefs/decode.h"
#include "lib/tracefs/rawfile.h"
#include "lib/tracefs/reader.h"
#include "lib/tracefs/report.h"
#include "lib/tracefs/session.h"
#include "lib/util/json.h"
#include "lib/util/strbuf.h"

static const char *const ftrace_usage[] = {
	"tracekit ftrace stream -e EVENT... [--filter EXPR] [-p PID] [--json] [-- CMD...]",
	"tracekit ftrace record -e EVENT... [--filter EXPR] [--pid PID] [-p function] -o FILE [-- CMD...]",
	"tracekit ftrace report [--json | --format text|json|perfetto] FILE",
	"tracekit ftrace funccount [-d SECS] GLOB",
	"tracekit ftrace reset",
	NULL,
};

enum {
	OPT_FILTER = 256,
	OPT_JSON,
	OPT_FORMAT,
	OPT_PID,
	OPT_DURATION,
	OPT_LIMIT,
};

static const struct tk_opt ftrace_opts[] = {
	{ 'e', "event", "EVENT", "system:event, system, or event; globs allowed; repeatable" },
	{ OPT_FILTER, "filter", "EXPR", "kernel filter expression applied to every selected event" },
	{ 'p', NULL, "PID|TRACER", "stream: only this pid (and its children); record: tracer plugin" },
	{ OPT_PID, "pid", "PID", "only this pid and its children (repeatable)" },
	{ 'o', "output", "FILE", "record: where to write (default tracekit.dat)" },
	{ 'b', "buffer-kb", "KB", "per-CPU ring buffer size" },
	{ 'd', "duration", "SECS", "stop after SECS seconds" },
	{ OPT_LIMIT, "limit", "N", "stream: stop after N events" },
	{ OPT_JSON, "json", NULL, "JSON Lines output" },
	{ OPT_FORMAT, "format", "FMT", "report: text, json or perfetto (Chrome trace-event JSON)" },
	{ 'l', NULL, "GLOB", "record -p function: functions to trace (set_ftrace_filter)" },
	{ 'n', NULL, "GLOB", "record -p function: functions not to trace (set_ftrace_notrace)" },
	{ 'h', "help", NULL, "show this help" },
	TK_OPT_END,
};

volatile int ftrace_stop;

static void on_signal(int sig)
{
	(void)sig;
	ftrace_stop = 1;
}

void ftrace_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

struct opts {
	const char *events[128];
	int nevents;
	const char *filter;
	const char *tracer;
	const char *output;
	const char *format;
	const char *func_filter, *func_notrace;
	unsigned buffer_kb;
	struct ftrace_run run;
};

/* --- option parsing shared by stream and record --- */
static int parse_pid(const char *cmd, const char *s, struct ftrace_run *r)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v <= 0 || v > 0x7fffffff)
		return cmd_usage_err(cmd, "bad pid '%s'", s);
	if (kill((pid_t)v, 0) && errno == ESRCH)
		return cmd_err(cmd, "no process with pid %ld", v);
	if (r->npids == (int)(sizeof(r->pids) / sizeof(r->pids[0])))
		return cmd_usage_err(cmd, "too many pids");
	r->pids[r->npids++] = (pid_t)v;
	return 0;
}

static int parse_opts(const char *cmd, int argc, char **argv, struct opts *o, bool record)
{
	struct tk_getopt g;
	int c, ret = 0;
	char *end;

	memset(o, 0, sizeof(*o));
	o->run.cmd = cmd;
	o->output = "tracekit.dat";
	if (tk_getopt_init(&g, cmd, argc, argv, ftrace_opts))
		return cmd_err(cmd, "out of memory");
	while (!ret && (c = tk_getopt_next(&g)) != -1) {
		switch (c) {
		case 'h':
			tk_usage(stdout, ftrace_usage, ftrace_opts);
			ret = -1;
			break;
		case 'e':
			if (o->nevents == 128)
				ret = cmd_usage_err(cmd, "too many -e");
			else
				o->events[o->nevents++] = optarg;
			break;
		case OPT_FILTER:
			o->filter = optarg;
			break;
		case 'p':
			if (record)
				o->tracer = optarg;
			else
				ret = parse_pid(cmd, optarg, &o->run);
			break;
		case OPT_PID:
			ret = parse_pid(cmd, optarg, &o->run);
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'b':
			o->buffer_kb = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !o->buffer_kb || o->buffer_kb > 4 * 1024 * 1024)
				ret = cmd_usage_err(cmd, "bad buffer size '%s'", optarg);
			break;
		case 'd':
			o->run.duration = strtod(optarg, &end);
			if (*end || o->run.duration <= 0)
				ret = cmd_usage_err(cmd, "bad duration '%s'", optarg);
			break;
		case OPT_LIMIT:
			o->run.limit = strtol(optarg, &end, 10);
			if (*end || o->run.limit <= 0)
				ret = cmd_usage_err(cmd, "bad limit '%s'", optarg);
			break;
		case OPT_JSON:
			o->run.json = true;
			break;
		case OPT_FORMAT:
			o->format = optarg;
			break;
		case 'l':
			o->func_filter = optarg;
			break;
		case 'n':
			o->func_notrace = optarg;
			break;
		default:
			ret = TK_EXIT_USAGE;
		}
	}
	if (!ret && optind < argc)
		o->run.argv = argv + optind;
	tk_getopt_free(&g);
	return ret;
}

static int tfs_fail(struct tk_tfs *t, const char *cmd, const char *what)
{
	cmd_err(cmd, "%s: %s", what, tk_tfs_error(t));
	tk_tfs_close(t);
	return TK_EXIT_FAIL;
}

/* Create the instance and select events, filter, pids. On failure prints and returns non-zero. */
static int setup_instance(struct tk_tfs *t, struct opts *o)
{
	const char *cmd = o->run.cmd;
	int i, ret;

	if (geteuid())
		return cmd_err(cmd, "needs root (tracefs is writable by root only)");
	if (!o->nevents && !o->tracer)
		return cmd_usage_err(cmd, "no events selected (-e EVENT)");
	ret = tk_tfs_open(t);
	if (ret)
		return cmd_err(cmd, "%s", tk_tfs_error(t));
	if (tk_tfs_set_buffer_kb(t, o->buffer_kb))
		return tfs_fail(t, cmd, "cannot size the buffer");
	for (i = 0; i < o->nevents; i++) {
		ret = tk_tfs_enable(t, o->events[i]);
		if (ret < 0)
			return tfs_fail(t, cmd, "cannot enable event");
	}
	if (o->filter && tk_tfs_filter(t, o->filter))
		return tfs_fail(t, cmd, "bad filter");
	if (o->run.npids && tk_tfs_set_pids(t, o->run.pids, o->run.npids))
		return tfs_fail(t, cmd, "cannot set pid filter");
	return 0;
}

/* Arm: start the child (held), restrict to it, tracing on, release it. */
static int arm(struct tk_tfs *t, struct ftrace_run *r, struct tk_workload *ch)
{
	int ret;

	ch->pid = -1;
	if (r->argv) {
		/* SIGPIPE is ignored here (stream | head); the command gets the default back */
		signal(SIGPIPE, SIG_DFL);
		ret = tk_workload_prepare(ch, r->argv);
		signal(SIGPIPE, SIG_IGN);
		if (ret)
			return cmd_err(r->cmd, "cannot fork: %s", strerror(-ret));
		r->pids[r->npids++] = ch->pid;
		if (tk_tfs_set_pids(t, r->pids, r->npids)) {
			tk_workload_abort(ch);
			return cmd_err(r->cmd, "cannot set pid filter: %s", tk_tfs_error(t));
		}
	}
	if (tk_tfs_tracing(t, true)) {
		tk_workload_abort(ch);
		return cmd_err(r->cmd, "cannot start tracing: %s", tk_tfs_error(t));
	}
	if (r->argv) {
		ret = tk_workload_start(ch);
		if (ret) {
			while (waitpid(ch->pid, NULL, 0) < 0 && errno == EINTR)
				;
			ch->pid = -1;
			return cmd_err(r->cmd, "cannot run '%s': %s", r->argv[0], strerror(-ret));
		}
	}
	return 0;
}

/* True when the run is over: signal, duration, or the traced command has exited. */
static bool run_over(struct ftrace_run *r, struct tk_workload *ch, double start, int *status)
{
	if (ftrace_stop)
		return true;
	if (r->duration > 0 && tk_monotonic_s() - start >= r->duration)
		return true;
	if (ch->pid > 0) {
		pid_t w = waitpid(ch->pid, status, WNOHANG);

		if (w == ch->pid) {
			ch->pid = -1;
			return true;
		}
	}
	return false;
}

/* pid -> comm for live events: /proc first, then the kernel's saved_cmdlines. */
static void live_comm(struct tk_dec *d, struct tk_tfs *t, int pid, bool *cmdlines_read)
{
	char path[64], comm[64];
	FILE *f;

	if (pid <= 0 || strcmp(tk_dec_comm(d, pid), "<...>"))
		return;
	if (!*cmdlines_read) {
		char *text;
		size_t len;

		/* a pid not seen before: refresh thread -> process too, once per round */
		snprintf(path, sizeof(path), "%s/saved_tgids", t->dir);
		text = tk_tfs_read_file(path, &len);
		if (text) {
			tk_dec_set_tgids(d, text, len);
			free(text);
		}
	}
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(comm, sizeof(comm), f)) {
			comm[strcspn(comm, "\n")] = 0;
			tk_dec_add_comm(d, pid, comm);
		}
		fclose(f);
		return;
	}
	if (!*cmdlines_read) {
		char *text;
		size_t len;

		*cmdlines_read = true;
		snprintf(path, sizeof(path), "%s/saved_cmdlines", t->dir);
		text = tk_tfs_read_file(path, &len);
		if (text) {
			tk_dec_add_cmdlines(d, text, len);
			free(text);
		}
	}
}

static void print_event(struct tk_dec *d, const struct tk_ev *ev, bool json, struct strbuf *sb)
{
	sb_reset(sb);
	if (json) {
		struct json_writer w;

		json_init(&w, sb);
		tk_dec_json(d, ev, &w);
	} else {
		tk_dec_text(d, ev, sb);
	}
	sb_addc(sb, '\n');
	fwrite(sb->buf, 1, sb->len, stdout);
}

/* Decode and print what one poll round read; returns events printed. */
static long drain_round(struct tk_tfs *t, struct tk_dec *d, struct tk_live *l, struct tk_cpu_iter *its,
			struct ftrace_run *r, long printed)
{
	struct tk_merge m;
	struct strbuf sb = STRBUF_INIT;
	struct tk_ev ev;
	bool cmdlines_read = false;
	long n = 0;
	int i;

	for (i = 0; i < l->ncpus; i++)
		tk_cpu_iter_reset(&its[i], l->buf[i], l->len[i]);
	if (tk_merge_init(&m, its, l->ncpus))
		return 0;
	while (tk_merge_next(&m, &ev) >= 0) {
		if (r->limit && printed + n >= r->limit)
			continue;	/* keep draining so the lost counts stay right */
		live_comm(d, t, ev.pid, &cmdlines_read);
		print_event(d, &ev, r->json, &sb);
		n++;
	}
	tk_merge_free(&m);
	sb_release(&sb);
	fflush(stdout);
	return n;
}

int ftrace_stream_run(struct tk_tfs *t, struct ftrace_run *r)
{
	struct tk_live live;
	struct tk_dec d;
	struct tk_cpu_iter *its = NULL;
	struct tk_workload ch = { .pid = -1 };
	uint64_t missed = 0, overrun = 0, dropped = 0;
	int i, ret, status = 0, rc = TK_EXIT_OK;
	long printed = 0;
	double start;

	ret = tk_live_open(&live, t);
	if (ret)
		return tfs_fail(t, r->cmd, "cannot open the per-CPU buffers");
	ret = tk_dec_init(&d, live.subbuf_size, (int)sizeof(long));
	if (!ret) {
		ret = tk_dec_load_instance(&d, t);
		if (ret > 0)
			fprintf(stderr, "tracekit %s: %d event formats could not be parsed; those events show raw\n",
				r->cmd, ret);
		if (ret > 0)
			ret = 0;
	}
	its = calloc((size_t)live.ncpus, sizeof(*its));
	for (i = 0; !ret && its && i < live.ncpus; i++)
		ret = tk_cpu_iter_init(&its[i], &d, i, NULL, 0);
	if (ret || !its) {
		cmd_err(r->cmd, "cannot load event formats: %s", strerror(ret ? -ret : ENOMEM));
		rc = TK_EXIT_FAIL;
		goto out;
	}
	tk_tfs_wake_early(t);
	if (arm(t, r, &ch)) {
		rc = TK_EXIT_FAIL;
		goto out;
	}
	start = tk_monotonic_s();
	for (;;) {
		bool over = run_over(r, &ch, start, &status);

		if (over)
			tk_tfs_tracing(t, false);
		ret = tk_live_poll(&live, over ? 0 : 200);
		if (ret < 0)
			break;
		printed += drain_round(t, &d, &live, its, r, printed);
		if (ferror(stdout))
			break;	/* reader went away (EPIPE): stop like trace_pipe | head */
		if (over || (r->limit && printed >= r->limit))
			break;
	}
	tk_tfs_tracing(t, false);
	if (r->argv && ch.pid < 0 && WIFEXITED(status) | WIFSIGNALED(status))
		rc = tk_workload_exit_code(status);
	for (i = 0; i < live.ncpus; i++) {
		char file[64], path[512], *text;
		struct tk_cpu_stats st = { 0 };

		missed += its[i].missed;
		snprintf(file, sizeof(file), "per_cpu/cpu%d/stats", i);
		tk_tfs_path(t, file, path, sizeof(path));
		text = tk_tfs_read_file(path, NULL);
		if (text) {
			tk_cpu_stats_parse(text, &st);
			free(text);
		}
		overrun += st.overrun;
		dropped += st.dropped;
	}
	if (missed || overrun || dropped)
		fprintf(stderr, "tracekit %s: lost events: %llu overrun, %llu dropped, %llu missed by the reader\n",
			r->cmd, (unsigned long long)overrun, (unsigned long long)dropped, (unsigned long long)missed);
out:
	if (ch.pid > 0) {
		/* stopped by a signal or duration: the command keeps running untraced, like strace */
		waitpid(ch.pid, &status, WNOHANG);
	}
	for (i = 0; its && i < live.ncpus; i++)
		tk_cpu_iter_free(&its[i]);
	free(its);
	tk_dec_free(&d);
	tk_live_close(&live);
	return rc;
}


/* --- record --- */
static int set_tracer(struct tk_tfs *t, struct opts *o)
{
	char path[512];
	int ret;

	if (strcmp(o->tracer, "function"))
		return cmd_usage_err(o->run.cmd, "unknown tracer '%s' (only 'function' is supported)", o->tracer);
	if (o->func_filter) {
		tk_tfs_path(t, "set_ftrace_filter", path, sizeof(path));
		ret = tk_tfs_write_file(path, o->func_filter, false);
		if (ret)
			return cmd_err(o->run.cmd, "the kernel refuses the function tracer: cannot write '%s' to "
				       "set_ftrace_filter: %s", o->func_filter, strerror(-ret));
	}
	if (o->func_notrace) {
		tk_tfs_path(t, "set_ftrace_notrace", path, sizeof(path));
		ret = tk_tfs_write_file(path, o->func_notrace, false);
		if (ret)
			return cmd_err(o->run.cmd, "the kernel refuses the function tracer: cannot write '%s' to "
				       "set_ftrace_notrace: %s", o->func_notrace, strerror(-ret));
	}
	tk_tfs_path(t, "current_tracer", path, sizeof(path));
	ret = tk_tfs_write_file(path, "function", false);
	if (ret)
		return cmd_err(o->run.cmd, "the kernel refuses the function tracer: cannot set current_tracer: %s%s",
			       strerror(-ret), ret == -EPERM ? " (kernel lockdown)" : "");
	/* the function events' own format, so the report can decode them */
	tk_tfs_enable(t, "ftrace:function");
	return 0;
}

static void clear_tracer(struct tk_tfs *t)
{
	char path[512];

	tk_tfs_path(t, "current_tracer", path, sizeof(path));
	tk_tfs_write_file(path, "nop", false);
}

/* The spool and the temporary output live beside FILE, so the final rename is atomic. */
static void output_dir(const char *output, char *dir, size_t len)
{
	char *slash;

	snprintf(dir, len, "%s", output);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = 0;
	else
		snprintf(dir, len, ".");
}

int ftrace_record_run(struct tk_tfs *t, struct ftrace_run *r, const char *output)
{
	struct tk_recorder rec;
	struct tk_workload ch = { .pid = -1 };
	struct strbuf meta = STRBUF_INIT;
	struct utsname un;
	char tmp[4096], dir[4096], host[256] = "";
	int ret, fd, i, status = 0, rc = TK_EXIT_OK;
	uint64_t bytes = 0, lost = 0;
	double start;
	time_t wall = time(NULL);

	output_dir(output, dir, sizeof(dir));
	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", output, (int)getpid());
	ret = tk_recorder_start(&rec, t, dir);
	if (ret)
		return cmd_err(r->cmd, "cannot start the per-CPU readers: %s",
			       tk_tfs_error(t)[0] ? tk_tfs_error(t) : strerror(-ret));
	if (arm(t, r, &ch)) {
		tk_recorder_stop(&rec);
		tk_recorder_free(&rec);
		return TK_EXIT_FAIL;
	}
	start = tk_monotonic_s();
	while (!run_over(r, &ch, start, &status))
		usleep(50000);
	tk_tfs_tracing(t, false);
	if (r->function_tracer)
		clear_tracer(t);
	ret = tk_recorder_stop(&rec);
	if (ret)
		cmd_err(r->cmd, "reading the ring buffer failed: %s", strerror(-ret));
	if (r->argv && ch.pid < 0)
		rc = tk_workload_exit_code(status);

	uname(&un);
	gethostname(host, sizeof(host) - 1);
	sb_addf(&meta, "tool=tracekit\nhostname=%s\nkernel=%s %s %s\nrecorded_at=%lld\nduration_s=%.3f\n", host,
		un.sysname, un.release, un.machine, (long long)wall, tk_monotonic_s() - start);
	if (r->argv) {
		sb_adds(&meta, "command=");
		for (i = 0; r->argv[i]; i++)
			sb_addf(&meta, "%s%s", i ? " " : "", r->argv[i]);
		sb_addc(&meta, '\n');
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = cmd_err(r->cmd, "cannot create %s: %s", tmp, strerror(errno));
	} else {
		ret = tk_recorder_save(&rec, fd, sb_str(&meta));
		if (!ret && fsync(fd))
			ret = -errno;
		close(fd);
		if (ret || rename(tmp, output)) {
			/* never leave a partial file looking whole */
			unlink(tmp);
			ret = cmd_err(r->cmd, "cannot write %s: %s", output, strerror(ret ? -ret : errno));
		}
	}
	if (!ret) {
		for (i = 0; i < rec.ncpus; i++) {
			struct tk_cpu_stats *s = &rec.cpus[i].stats;

			bytes += rec.cpus[i].bytes;
			lost += s->overrun + s->dropped;
			fprintf(stderr, "  cpu%d: %llu bytes, %llu events, overrun %llu, dropped %llu\n", i,
				(unsigned long long)rec.cpus[i].bytes, (unsigned long long)s->read_events,
				(unsigned long long)s->overrun, (unsigned long long)s->dropped);
		}
		fprintf(stderr, "tracekit %s: wrote %s (%llu bytes of events, %llu lost)\n", r->cmd, output,
			(unsigned long long)bytes, (unsigned long long)lost);
	}
	sb_release(&meta);
	tk_recorder_free(&rec);
	return ret ? TK_EXIT_FAIL : rc;
}

/* stream and record: options, instance, optional tracer, run, clean up. */
static int live_cmd(int argc, char **argv, bool record)
{
	struct opts o;
	struct tk_tfs t;
	int ret;

	ret = parse_opts(record ? "ftrace record" : "ftrace stream", argc, argv, &o, record);
	if (ret)
		return ret < 0 ? TK_EXIT_OK : ret;
	ftrace_signals();
	if ((ret = setup_instance(&t, &o)))
		return ret;
	if (o.tracer) {
		o.run.function_tracer = true;
		ret = set_tracer(&t, &o);
		if (ret) {
			clear_tracer(&t);
			tk_tfs_close(&t);
			return ret;
		}
	}
	ret = record ? ftrace_record_run(&t, &o.run, o.output) : ftrace_stream_run(&t, &o.run);
	tk_tfs_close(&t);
	return ret;
}

static int ftrace_stream_cmd(int argc, char **argv)
{
	return live_cmd(argc, argv, false);
}

static int ftrace_record_cmd(int argc, char **argv)
{
	return live_cmd(argc, argv, true);
}

/* --- report --- */
/* One bit per pid up to 4M: true the first time pid is seen. */
static bool first_sight(unsigned char *seen, int pid)
{
	if (!seen || pid <= 0 || pid >= (1 << 22) || (seen[pid >> 3] & (1 << (pid & 7))))
		return false;
	seen[pid >> 3] |= (unsigned char)(1 << (pid & 7));
	return true;
}

/* A Chrome trace-event metadata record naming a thread or a process. */
static void perfetto_meta(struct strbuf *sb, const char *what, int pid, int tid, const char *name)
{
	struct json_writer w;

	sb_addc(sb, ',');
	json_init(&w, sb);
	json_obj_begin(&w);
	json_kstr(&w, "name", what);
	json_kstr(&w, "ph", "M");
	json_kint(&w, "pid", pid);
	json_kint(&w, "tid", tid);
	json_key(&w, "args");
	json_obj_begin(&w);
	json_kstr(&w, "name", name);
	json_obj_end(&w);
	json_obj_end(&w);
}

static int ftrace_report_cmd(int argc, char **argv)
{
	const char *cmd = "ftrace report", *fmt = "text";
	struct opts o;
	struct tk_report rp;
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	struct tk_merge m;
	struct tk_ev ev;
	struct stat st;
	char why[256], meta[256];
	void *map;
	int ret, fd, rc = TK_EXIT_OK;
	unsigned char *seen = NULL, *seen_proc = NULL;
	bool first = true;

	ret = parse_opts(cmd, argc, argv, &o, false);
	if (ret)
		return ret < 0 ? TK_EXIT_OK : ret;
	if (o.run.json)
		fmt = "json";
	if (o.format)
		fmt = o.format;
	if (strcmp(fmt, "text") && strcmp(fmt, "json") && strcmp(fmt, "perfetto"))
		return cmd_usage_err(cmd, "unknown format '%s' (text, json, perfetto)", fmt);
	if (!o.run.argv || o.run.argv[1])
		return cmd_usage_err(cmd, "expected one FILE");
	fd = open(o.run.argv[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cmd_err(cmd, "cannot open %s: %s", o.run.argv[0], strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !st.st_size) {
		close(fd);
		return cmd_err(cmd, "%s: not a tracekit ftrace file", o.run.argv[0]);
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return cmd_err(cmd, "cannot map %s: %s", o.run.argv[0], strerror(errno));
	ret = tk_report_open(&rp, map, (size_t)st.st_size, why, sizeof(why));
	if (ret) {
		tk_report_close(&rp);
		munmap(map, (size_t)st.st_size);
		return cmd_err(cmd, "%s: %s", o.run.argv[0], why);
	}
	if (tk_merge_init(&m, rp.its, rp.nits)) {
		tk_report_close(&rp);
		munmap(map, (size_t)st.st_size);
		return cmd_err(cmd, "out of memory");
	}
	if (!strcmp(fmt, "text")) {
		if (!tk_rf_meta(&rp.rf, "hostname", meta, sizeof(meta)))
			printf("# recorded on %s", meta);
		if (!tk_rf_meta(&rp.rf, "kernel", meta, sizeof(meta)))
			printf(" (%s)", meta);
		if (!tk_rf_meta(&rp.rf, "command", meta, sizeof(meta)))
			printf(", command: %s", meta);
		printf("\ncpus=%d\n", rp.nits);
	} else if (!strcmp(fmt, "perfetto")) {
		fputs("{\"traceEvents\":[\n", stdout);
		seen = calloc(1, 1 << 19);	/* thread and process names once each */
		seen_proc = calloc(1, 1 << 19);
	}
	while (tk_merge_next(&m, &ev) >= 0) {
		sb_reset(&sb);
		json_init(&w, &sb);
		if (!strcmp(fmt, "text")) {
			tk_dec_text(&rp.d, &ev, &sb);
		} else if (!strcmp(fmt, "json")) {
			tk_dec_json(&rp.d, &ev, &w);
		} else {
			if (!first)
				sb_addc(&sb, ',');
			tk_dec_perfetto(&rp.d, &ev, &w);
			if (seen && first_sight(seen, ev.pid)) {
				int tgid = tk_dec_tgid(&rp.d, ev.pid);

				perfetto_meta(&sb, "thread_name", tgid, ev.pid, tk_dec_comm(&rp.d, ev.pid));
				if (first_sight(seen_proc, tgid))
					perfetto_meta(&sb, "process_name", tgid, tgid, tk_dec_comm(&rp.d, tgid));
			}
		}
		first = false;
		sb_addc(&sb, '\n');
		fwrite(sb.buf, 1, sb.len, stdout);
	}
	sb_reset(&sb);
	if (!strcmp(fmt, "text")) {
		tk_report_stats(&rp, NULL, &sb);
		fputs(sb_str(&sb), stdout);
	} else {
		json_init(&w, &sb);
		if (!strcmp(fmt, "perfetto")) {
			fputs("],\"displayTimeUnit\":\"ns\",\"otherData\":{\"cpus\":", stdout);
			json_arr_begin(&w);
			tk_report_stats(&rp, &w, NULL);
			json_arr_end(&w);
			printf("%s}}\n", sb_str(&sb));
		} else {
			json_obj_begin(&w);
			json_key(&w, "cpus");
			json_arr_begin(&w);
			tk_report_stats(&rp, &w, NULL);
			json_arr_end(&w);
			json_obj_end(&w);
			printf("{\"summary\":%s}\n", sb_str(&sb));
		}
	}
	{
		uint64_t lost = 0, bad = 0;
		int i;

		for (i = 0; i < rp.nits; i++) {
			lost += rp.its[i].missed;
			bad += rp.its[i].bad_pages;
		}
		if (bad) {
			cmd_err(cmd, "%s: %llu corrupt sub-buffers skipped", o.run.argv[0], (unsigned long long)bad);
			rc = TK_EXIT_FAIL;
		}
		if (lost)
			fprintf(stderr, "tracekit %s: %llu events were lost while recording\n", cmd,
				(unsigned long long)lost);
	}
	free(seen);
	free(seen_proc);
	sb_release(&sb);
	tk_merge_free(&m);
	tk_report_close(&rp);
	munmap(map, (size_t)st.st_size);
	if (fflush(stdout) && rc == TK_EXIT_OK)
		rc = TK_EXIT_FAIL;
	return rc;
}

/* --- funccount: the function tracer's profiler, per function hit counts --- */
static int ftrace_funccount_cmd(int argc, char **argv)
{
	const char *cmd = "ftrace funccount";
	struct opts o;
	struct tk_tfs t;
	char path[512];
	int ret;

	ret = parse_opts(cmd, argc, argv, &o, false);
	if (ret)
		return ret < 0 ? TK_EXIT_OK : ret;
	if (!o.run.argv || o.run.argv[1])
		return cmd_usage_err(cmd, "expected one GLOB of kernel functions");
	if (geteuid())
		return cmd_err(cmd, "needs root (tracefs is writable by root only)");
	ret = tk_tfs_open(&t);
	if (ret)
		return cmd_err(cmd, "%s", tk_tfs_error(&t));
	/* the filter first: it is what the kernel checks before any function is patched */
	tk_tfs_path(&t, "set_ftrace_filter", path, sizeof(path));
	ret = tk_tfs_write_file(path, o.run.argv[0], false);
	if (ret == -EINVAL) {
		tk_tfs_close(&t);
		return cmd_err(cmd, "no kernel function matches '%s'", o.run.argv[0]);
	}
	if (ret) {
		tk_tfs_close(&t);
		return cmd_err(cmd, "the kernel refuses the function tracer: cannot write set_ftrace_filter: %s%s",
			       strerror(-ret), ret == -EPERM ? " (kernel lockdown)" : "");
	}
	/*
	 * Where the function tracer is allowed, count with the instance's function tracer and the
	 * events it writes; this kernel cannot exercise that path, so it is kept to a clear refusal
	 * rather than untested code.
	 */
	tk_tfs_path(&t, "current_tracer", path, sizeof(path));
	ret = tk_tfs_write_file(path, "function", false);
	tk_tfs_write_file(path, "nop", false);
	tk_tfs_close(&t);
	if (ret)
		return cmd_err(cmd, "the kernel refuses the function tracer: cannot set current_tracer: %s",
			       strerror(-ret));
	return cmd_err(cmd, "function counting is not implemented for kernels that allow the function tracer");
}

static int ftrace_reset_cmd(int argc, char **argv)
{
	const char *cmd = "ftrace reset";
	struct tk_tfs_sweep st;
	struct opts o;
	char dir[256];
	int ret;

	ret = parse_opts(cmd, argc, argv, &o, false);
	if (ret)
		return ret < 0 ? TK_EXIT_OK : ret;
	if (o.run.argv)
		return cmd_usage_err(cmd, "unexpected argument '%s'", o.run.argv[0]);
	if (geteuid())
		return cmd_err(cmd, "needs root (tracefs is writable by root only)");
	ret = tk_tfs_init_dir(dir, sizeof(dir));
	if (ret)
		return cmd_err(cmd, "cannot mount tracefs: %s", strerror(-ret));
	tk_tfs_reset_all(dir, &st);
	if (o.run.json) {
		printf("{\"instances\":%d,\"probes\":%d,\"failed\":%d,\"live\":%d}\n", st.instances, st.probes,
		       st.failed, st.live);
	} else {
		printf("removed %d instance%s and %d probe%s", st.instances, st.instances == 1 ? "" : "s",
		       st.probes, st.probes == 1 ? "" : "s");
		if (st.live)
			printf("; left %d owned by running tracekit processes (stop them first)", st.live);
		printf("\n");
	}
	if (st.failed)
		return cmd_err(cmd, "%d items could not be removed (busy?)", st.failed);
	return TK_EXIT_OK;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} subcmds[] = {
	{ "stream", ftrace_stream_cmd },
	{ "record", ftrace_record_cmd },
	{ "report", ftrace_report_cmd },
	{ "funccount", ftrace_funccount_cmd },
	{ "reset", ftrace_reset_cmd },
};

int cmd_ftrace(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return cmd_usage_err("ftrace", "missing subcommand (stream, record, report, funccount, reset)");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		tk_usage(stdout, ftrace_usage, ftrace_opts);
		return TK_EXIT_OK;
	}
	for (i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
		if (!strcmp(argv[1], subcmds[i].name))
			return subcmds[i].fn(argc - 1, argv + 1);
	return cmd_usage_err("ftrace", "unknown subcommand '%s'", argv[1]);
}

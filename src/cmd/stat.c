/* tracekit stat: count events for a command, some threads, or the whole system (like perf stat). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "lib/perf/counter.h"
#include "lib/perf/event.h"
#include "lib/perf/workload.h"
#include "lib/util/json.h"
#include "lib/util/strbuf.h"

static const char *const stat_usage[] = {
	"tracekit stat [-e EVENT[,EVENT...]] [-I MS] [-x SEP] [--json] [-o FILE] -- COMMAND [ARG...]",
	"tracekit stat [options] -p PID[,PID...] [--duration SEC]",
	"tracekit stat [options] -a [--duration SEC] [-- COMMAND [ARG...]]",
	NULL,
};

enum { OPT_JSON = 256, OPT_DURATION };
static const struct tk_opt stat_opts[] = {
	{ 'e', "event", "EVENT", "event(s) to count, comma-separated, repeatable (see 'tracekit list')" },
	{ 'p', "pid", "PID", "count these existing processes (all their threads)" },
	{ 'a', "all-cpus", NULL, "count on every CPU, system-wide" },
	{ 'I', "interval-print", "MS", "print the counts every MS milliseconds" },
	{ 'x', "field-separator", "SEP", "CSV output with this separator" },
	{ 'o', "output", "FILE", "write the counts to FILE instead of stderr" },
	{ OPT_DURATION, "duration", "SEC", "stop after SEC seconds (with -p or -a)" },
	{ OPT_JSON, "json", NULL, "print JSON (one object per interval with -I)" },
	{ 'h', "help", NULL, "show this help" },
	TK_OPT_END,
};

#define MAX_COUNTERS 64

struct stat_ctx {
	struct tk_counter c[MAX_COUNTERS];
	uint64_t prev[MAX_COUNTERS];
	int n;
	const char *sep;
	bool json;
	FILE *out;
	char target[256];
};

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig)
{
	stop_signal = sig;
}

static bool is_clock(const struct tk_counter *c)
{
	return c->attr.type == PERF_TYPE_SOFTWARE &&
	       (c->attr.config == PERF_COUNT_SW_TASK_CLOCK || c->attr.config == PERF_COUNT_SW_CPU_CLOCK);
}

static int add_events(struct stat_ctx *s, const char *list)
{
	char *dup = strdup(list), *save = NULL, *tok;
	int r = 0;

	if (!dup)
		return cmd_err("stat", "out of memory");
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char err[256];
		struct tk_counter *c;

		if (s->n == MAX_COUNTERS) {
			r = cmd_usage_err("stat", "too many events (at most %d)", MAX_COUNTERS);
			break;
		}
		c = &s->c[s->n];
		memset(c, 0, sizeof(*c));
		if (tk_perf_event_parse(tok, &c->attr, err, sizeof(err))) {
			r = cmd_usage_err("stat", "%s", err);
			break;
		}
		snprintf(c->name, sizeof(c->name), "%s", tok);
		s->n++;
	}
	free(dup);
	return r;
}

static void default_events(struct stat_ctx *s)
{
	static const char *const sw = "task-clock,context-switches,cpu-migrations,page-faults";
	struct perf_event_attr a;
	char err[128];
	int fd;

	add_events(s, sw);
	/* hardware events only where there is a PMU: otherwise the table is four lines of <not supported> */
	if (tk_perf_event_parse("cycles", &a, err, sizeof(err)))
		return;
	a.disabled = 1;
	a.exclude_kernel = 1;
	fd = tk_perf_open(&a, 0, -1, -1);
	if (fd >= 0) {
		close(fd);
		add_events(s, "cycles,instructions,branches,branch-misses");
	}
}

/* One row: the value (or why there is none), the unit, the name. */
static void print_row(struct stat_ctx *s, int i, double t, bool interval, struct strbuf *sb)
{
	struct tk_counter *c = &s->c[i];
	bool ok = !c->open_err;
	uint64_t v = interval ? c->value - s->prev[i] : c->value;
	double pct = c->enabled ? 100.0 * (double)c->running / (double)c->enabled : 100.0;
	const char *why = tk_counter_unsupported(c) ? "<not supported>" : "<not counted>";
	char val[64];

	if (s->sep) {
		if (interval)
			sb_addf(sb, "%.9f%s", t, s->sep);
		if (!ok)
			sb_addf(sb, "%s%s%s%s", why, s->sep, s->sep, c->name);
		else if (is_clock(c))
			sb_addf(sb, "%.2f%smsec%s%s", (double)v / 1e6, s->sep, s->sep, c->name);
		else
			sb_addf(sb, "%llu%s%s%s", (unsigned long long)v, s->sep, s->sep, c->name);
		sb_addf(sb, "%s%llu%s%.2f\n", s->sep, (unsigned long long)c->running, s->sep, ok ? pct : 0.0);
		return;
	}
	if (interval)
		sb_addf(sb, "%16.9f ", t);
	if (!ok)
		snprintf(val, sizeof(val), "%s", why);
	else if (is_clock(c))
		snprintf(val, sizeof(val), "%.2f msec", (double)v / 1e6);
	else
		snprintf(val, sizeof(val), "%llu", (unsigned long long)v);
	sb_addf(sb, "%20s      %s", val, c->name);
	if (ok && pct < 99.995)
		sb_addf(sb, "%*s(%.2f%%)", (int)(strlen(c->name) < 30 ? 32 - strlen(c->name) : 2), "", pct);
	sb_addc(sb, '\n');
}

static void json_counters(struct stat_ctx *s, struct json_writer *w, bool interval)
{
	int i;

	json_key(w, "counters");
	json_arr_begin(w);
	for (i = 0; i < s->n; i++) {
		struct tk_counter *c = &s->c[i];
		uint64_t v = interval ? c->value - s->prev[i] : c->value;

		json_obj_begin(w);
		json_kstr(w, "event", c->name);
		json_kbool(w, "supported", !tk_counter_unsupported(c));
		json_kbool(w, "counted", !c->open_err);
		if (!c->open_err) {
			json_kuint(w, "value", v);
			json_kstr(w, "unit", is_clock(c) ? "ns" : "");
			json_kuint(w, "time_enabled_ns", c->enabled);
			json_kuint(w, "time_running_ns", c->running);
		}
		json_obj_end(w);
	}
	json_arr_end(w);
}

static int read_all(struct stat_ctx *s)
{
	int i, r;

	for (i = 0; i < s->n; i++) {
		if (s->c[i].open_err)
			continue;
		r = tk_counter_read(&s->c[i]);
		if (r)
			return cmd_err("stat", "cannot read counter %s: %s", s->c[i].name, strerror(-r));
	}
	return 0;
}

static void print_interval(struct stat_ctx *s, double t)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	if (s->json) {
		struct json_writer w;
		json_init(&w, &sb);
		json_obj_begin(&w);
		json_kdouble(&w, "interval_s", t);
		json_counters(s, &w, true);
		json_obj_end(&w);
		sb_addc(&sb, '\n');
	} else {
		for (i = 0; i < s->n; i++)
			print_row(s, i, t, true, &sb);
	}
	fputs(sb_str(&sb), s->out);
	fflush(s->out);
	sb_release(&sb);
	for (i = 0; i < s->n; i++)
		s->prev[i] = s->c[i].value;
}

static void print_final(struct stat_ctx *s, double elapsed, int status, bool have_status)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	if (s->json) {
		struct json_writer w;
		json_init(&w, &sb);
		json_obj_begin(&w);
		json_kstr(&w, "target", s->target);
		json_counters(s, &w, false);
		json_kdouble(&w, "elapsed_s", elapsed);
		if (have_status)
			json_kint(&w, "exit_status", status);
		json_obj_end(&w);
		sb_addc(&sb, '\n');
	} else if (s->sep) {
		for (i = 0; i < s->n; i++)
			print_row(s, i, 0, false, &sb);
	} else {
		sb_addf(&sb, "\n Performance counter stats for %s:\n\n", s->target);
		for (i = 0; i < s->n; i++)
			print_row(s, i, 0, false, &sb);
		sb_addf(&sb, "\n %16.9f seconds time elapsed\n\n", elapsed);
	}
	fputs(sb_str(&sb), s->out);
	fflush(s->out);
	sb_release(&sb);
}

/*
 * Sleep until the deadline, the child's exit or a stop signal. Returns 1 when the child exited
 * (status filled), 0 otherwise. SIGCHLD is blocked and waited for with sigtimedwait, so the end of
 * a short command is seen at once rather than at the next tick.
 */
static int wait_until(double deadline, pid_t child, int *status)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		double left = deadline - tk_monotonic_s();
		struct timespec ts;

		if (child > 0 && waitpid(child, status, WNOHANG) == child)
			return 1;
		if (stop_signal || left <= 0)
			return 0;
		if (left > 3600)
			left = 3600;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		sigtimedwait(&set, NULL, &ts);
	}
}

int cmd_stat(int argc, char **argv)
{
	struct stat_ctx s = { .out = stderr };
	struct tk_getopt g;
	struct tk_workload wl = { .pid = 0, .go_fd = -1, .err_fd = -1 };
	struct tk_count_target t = { 0 };
	pid_t *tids = NULL;
	int ntids = 0, cpus[1024], ncpus = 0, c, i, r, status = 0, ret = TK_EXIT_OK;
	long interval_ms = 0;
	double duration = 0, start, next, deadline;
	const char *pid_arg = NULL, *out_path = NULL;
	bool all = false, have_status = false;
	sigset_t chld, old;

	if (tk_getopt_init(&g, "stat", argc, argv, stat_opts))
		return cmd_err("stat", "out of memory");
	while ((c = tk_getopt_next(&g)) != -1) {
		switch (c) {
		case 'e':
			if (add_events(&s, optarg)) {
				tk_getopt_free(&g);
				return TK_EXIT_USAGE;
			}
			break;
		case 'p':
			pid_arg = optarg;
			break;
		case 'a':
			all = true;
			break;
		case 'I': {
			char *end;
			interval_ms = strtol(optarg, &end, 10);
			if (*end || interval_ms < 10) {
				tk_getopt_free(&g);
				return cmd_usage_err("stat", "bad interval '%s' (milliseconds, at least 10)", optarg);
			}
			break;
		}
		case 'x':
			s.sep = optarg;
			break;
		case 'o':
			out_path = optarg;
			break;
		case OPT_DURATION: {
			char *end;
			duration = strtod(optarg, &end);
			if (*end || duration <= 0) {
				tk_getopt_free(&g);
				return cmd_usage_err("stat", "bad duration '%s' (seconds)", optarg);
			}
			break;
		}
		case OPT_JSON:
			s.json = true;
			break;
		case 'h':
			tk_usage(stdout, stat_usage, stat_opts);
			tk_getopt_free(&g);
			return TK_EXIT_OK;
		default:
			tk_getopt_free(&g);
			return TK_EXIT_USAGE;
		}
	}
	tk_getopt_free(&g);
	argc -= optind;
	argv += optind;
	if (!argc && !pid_arg && !all)
		return cmd_usage_err("stat", "nothing to count: give a command, -p PID or -a");
	if (argc && pid_arg)
		return cmd_usage_err("stat", "-p and a command exclude each other");
	if (all && pid_arg)
		return cmd_usage_err("stat", "-p and -a exclude each other");
	if (!s.n)
		default_events(&s);

	if (all) {
		ncpus = tk_perf_online_cpus(cpus, 1024);
		if (ncpus <= 0)
			return cmd_err("stat", "cannot list online cpus: %s", strerror(ncpus ? -ncpus : ENOENT));
		t.cpus = cpus;
		t.ncpus = ncpus;
		t.system_wide = true;
		snprintf(s.target, sizeof(s.target), "'system wide'");
	}
	if (pid_arg) {
		long bad = 0;
		pid_t *procs = NULL;
		int nprocs = 0;

		r = tk_pid_list(pid_arg, &procs, &nprocs, &tids, &ntids, &bad);
		free(procs);
		if (r == -EINVAL)
			return cmd_usage_err("stat", "bad pid list '%s'", pid_arg);
		if (r) {
			free(tids);
			return cmd_err("stat", "cannot attach to pid %ld: %s", bad, strerror(-r));
		}
		t.tids = tids;
		t.ntids = ntids;
		snprintf(s.target, sizeof(s.target), "process id '%s'", pid_arg);
	}
	/* SIGCHLD is waited for, not handled */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	if (argc) {
		struct strbuf cmdline = STRBUF_INIT;

		for (i = 0; i < argc; i++)
			sb_addf(&cmdline, "%s%s", i ? " " : "", argv[i]);
		if (!all)
			snprintf(s.target, sizeof(s.target), "'%s'", sb_str(&cmdline));
		sb_release(&cmdline);
		r = tk_workload_prepare(&wl, argv);
		if (r) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			return cmd_err("stat", "cannot start '%s': %s", argv[0], strerror(-r));
		}
		if (!all) {
			t.tids = &wl.pid;
			t.ntids = 1;
			t.on_exec = true;
		}
	}
	for (i = 0; i < s.n; i++) {
		r = tk_counter_open(&s.c[i], &t);
		if (r || (s.c[i].open_err && !tk_counter_unsupported(&s.c[i]))) {
			int e = r ? -r : -s.c[i].open_err;
			ret = cmd_err("stat", "cannot open counter %s: %s", s.c[i].name, strerror(e));
			goto out;
		}
	}
	if (out_path) {
		s.out = fopen(out_path, "w");
		if (!s.out) {
			ret = cmd_err("stat", "cannot write %s: %s", out_path, strerror(errno));
			s.out = stderr;
			goto out;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!t.on_exec)
		for (i = 0; i < s.n; i++)
			tk_counter_enable(&s.c[i]);
	start = tk_monotonic_s();
	if (argc) {
		r = tk_workload_start(&wl);
		if (r) {
			waitpid(wl.pid, NULL, 0);
			wl.pid = 0;
			ret = cmd_err("stat", "cannot run '%s': %s", argv[0], strerror(-r));
			goto out;
		}
	}
	deadline = duration > 0 ? start + duration : 1e300;
	next = interval_ms ? start + (double)interval_ms / 1000.0 : deadline;
	for (;;) {
		int done = wait_until(next < deadline ? next : deadline, wl.pid, &status);

		if (done) {
			have_status = true;
			wl.pid = 0;
		}
		if (read_all(&s)) {
			ret = TK_EXIT_FAIL;
			goto out;
		}
		if (interval_ms && !done && tk_monotonic_s() >= next - 1e-4) {
			print_interval(&s, next - start);
			next += (double)interval_ms / 1000.0;
		}
		if (done || stop_signal || tk_monotonic_s() >= deadline)
			break;
	}
	if (interval_ms) {
		/* the tail of the last interval, if anything was counted in it */
		bool any = false;
		for (i = 0; i < s.n; i++)
			any |= !s.c[i].open_err && s.c[i].value != s.prev[i];
		if (any)
			print_interval(&s, tk_monotonic_s() - start);
	} else {
		print_final(&s, tk_monotonic_s() - start, tk_workload_exit_code(status), have_status);
	}
	if (wl.pid > 0) {
		/* -a/--duration ended before the command did: stop it as perf does */
		kill(wl.pid, SIGTERM);
		waitpid(wl.pid, &status, 0);
		have_status = true;
		wl.pid = 0;
	}
	if (have_status)
		ret = tk_workload_exit_code(status);
out:
	if (wl.pid > 0)
		tk_workload_abort(&wl);
	for (i = 0; i < s.n; i++)
		tk_counter_close(&s.c[i]);
	if (s.out && s.out != stderr)
		fclose(s.out);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(tids);
	return ret;
}

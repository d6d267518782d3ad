/* tracekit record: sample a command, processes or the system into a perf.data file (like perf record). */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "lib/perf/counter.h"
#include "lib/perf/event.h"
#include "lib/perf/perfdata.h"
#include "lib/perf/synth.h"
#include "lib/perf/tracedata.h"
#include "lib/tracefs/mount.h"
#include "lib/perf/workload.h"
#include "lib/sym/elf.h"
#include "lib/sym/kernel.h"
#include "lib/util/json.h"
#include "lib/util/strbuf.h"

static const char *const record_usage[] = {
	"tracekit record [-F HZ | -c PERIOD] [-e EVENT] [-g] [-o FILE] -- COMMAND [ARG...]",
	"tracekit record [options] -p PID[,PID...] [--duration SEC]",
	"tracekit record [options] -a [--duration SEC] [-- COMMAND [ARG...]]",
	NULL,
};

enum { OPT_JSON = 256, OPT_DURATION };
static const struct tk_opt record_opts[] = {
	{ 'e', "event", "EVENT", "event(s) to sample, comma-separated (default cpu-clock; see 'tracekit list')" },
	{ 'F', "freq", "HZ", "samples per second per CPU (default 99)" },
	{ 'c', "count", "PERIOD", "sample every PERIOD events instead of at a frequency" },
	{ 'g', "call-graph", NULL, "record frame-pointer call chains, user and kernel" },
	{ 'p', "pid", "PID", "sample these existing processes (all their threads)" },
	{ 'a', "all-cpus", NULL, "sample every CPU, system-wide" },
	{ 'o', "output", "FILE", "write to FILE (default perf.data)" },
	{ 'm', "mmap-pages", "N", "ring buffer data pages per CPU, a power of two (default 128)" },
	{ OPT_DURATION, "duration", "SEC", "stop after SEC seconds" },
	{ 'q', "quiet", NULL, "do not print the summary line" },
	{ OPT_JSON, "json", NULL, "print the summary as one JSON object on stdout" },
	{ 'h', "help", NULL, "show this help" },
	TK_OPT_END,
};

#define MAX_EVENTS 16
#define MAX_CPUS 1024

struct rec {
	struct pd_attr attrs[MAX_EVENTS];
	char names[MAX_EVENTS][128];
	int nev;
	int cpus[MAX_CPUS];
	int ncpus;
	int *fds;
	int nfds, fds_cap;
	struct tk_perf_ring *rings; /* one per CPU */
	int nrings;
	struct pd_writer w;
	uint64_t samples, lost, lost_samples, bytes;
	int write_err;
};

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (sig != SIGCHLD)
		stop_signal = sig;
	if (write(sig_pipe[1], &c, 1) < 0) {
		/* the pipe is full: a wake-up is already pending */
	}
	errno = saved;
}

static int add_fd(struct rec *r, int fd)
{
	if (r->nfds == r->fds_cap) {
		int cap = r->fds_cap ? r->fds_cap * 2 : 64, *n = realloc(r->fds, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		r->fds = n;
		r->fds_cap = cap;
	}
	r->fds[r->nfds++] = fd;
	return 0;
}

static int add_id(struct pd_attr *a, int fd)
{
	uint64_t id, *n;

	if (ioctl(fd, PERF_EVENT_IOC_ID, &id))
		return -errno;
	n = realloc(a->ids, (a->nids + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	a->ids = n;
	a->ids[a->nids++] = id;
	return 0;
}

static bool have_buildid(struct rec *r, const char *path)
{
	size_t i;

	for (i = 0; i < r->w.nbids; i++)
		if (!strcmp(r->w.bids[i].path, path))
			return true;
	return false;
}

static void note_file(void *arg, const char *path)
{
	struct rec *r = arg;
	struct tk_elf *e;
	uint8_t id[20];
	int n;

	if (have_buildid(r, path) || tk_elf_open(path, &e))
		return;
	n = tk_elf_build_id(e, id, sizeof(id));
	if (n > 0)
		pd_writer_add_buildid(&r->w, path, id, (size_t)n, false);
	tk_elf_close(e);
}

static int emit(void *arg, const void *rec, size_t len)
{
	struct rec *r = arg;

	r->bytes += len;
	return pd_write(&r->w, rec, len);
}

static int on_record(void *arg, const struct perf_event_header *h, int cpu)
{
	struct rec *r = arg;
	const uint8_t *p = (const uint8_t *)h;

	(void)cpu;
	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		r->samples++;
		break;
	case PERF_RECORD_LOST:
		if (h->size >= 24) {
			uint64_t n;
			memcpy(&n, p + 16, 8);
			r->lost += n;
		}
		break;
	case PERF_RECORD_LOST_SAMPLES:
		if (h->size >= 16) {
			uint64_t n;
			memcpy(&n, p + 8, 8);
			r->lost_samples += n;
		}
		break;
	case PERF_RECORD_MMAP2:
		/* the kernel put the build-id in the record (attr.build_id): no need to open the file */
		if ((h->misc & PD_MISC_MMAP_BUILD_ID) && h->size > 72 && p[72] == '/') {
			const char *name = (const char *)p + 72;
			if (memchr(name, 0, h->size - 72) && !have_buildid(r, name))
				pd_writer_add_buildid(&r->w, name, p + 44, p[40] > 20 ? 20 : p[40], false);
		}
		break;
	}
	return emit(r, h, h->size);
}

static int drain_all(struct rec *r)
{
	int i, n;

	for (i = 0; i < r->nrings; i++) {
		n = tk_perf_ring_drain(&r->rings[i], on_record, r);
		if (n < 0)
			return n;
	}
	return 0;
}

static int parse_events(struct rec *r, const char *list)
{
	char *dup = strdup(list), *save = NULL, *tok;
	int ret = 0;

	if (!dup)
		return cmd_err("record", "out of memory");
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char err[256];

		if (r->nev == MAX_EVENTS) {
			ret = cmd_usage_err("record", "too many events (at most %d)", MAX_EVENTS);
			break;
		}
		if (tk_perf_event_parse(tok, &r->attrs[r->nev].attr, err, sizeof(err))) {
			ret = cmd_usage_err("record", "%s", err);
			break;
		}
		snprintf(r->names[r->nev], sizeof(r->names[0]), "%s", tok);
		r->attrs[r->nev].name = r->names[r->nev];
		r->nev++;
	}
	free(dup);
	return ret;
}

struct target {
	pid_t *tids; /* NULL for -a */
	int ntids;
	bool on_exec;
};

/* Open every event on every CPU (x every thread), one ring per CPU, the rest redirected into it. */
static int open_events(struct rec *r, const struct target *t, size_t pages, char *err, size_t errlen)
{
	int c, e, k, ret;

	r->rings = calloc(r->ncpus, sizeof(*r->rings));
	if (!r->rings)
		return -ENOMEM;
	for (c = 0; c < r->ncpus; c++) {
		int leader = -1;

		for (e = 0; e < r->nev; e++) {
			struct perf_event_attr *a = &r->attrs[e].attr;
			int nt = t->tids ? t->ntids : 1;

			for (k = 0; k < nt; k++) {
				pid_t pid = t->tids ? t->tids[k] : -1;
				int fd = tk_perf_open(a, pid, r->cpus[c], -1);

				if (fd == -ESRCH && t->tids && !t->on_exec)
					continue; /* a thread that exited meanwhile */
				if (fd < 0) {
					if (fd == -ENOENT || fd == -EOPNOTSUPP || fd == -ENODEV)
						snprintf(err, errlen, "event %s is not supported on this machine",
							 r->names[e]);
					else
						snprintf(err, errlen, "cannot open event %s on cpu %d: %s", r->names[e],
							 r->cpus[c], strerror(-fd));
					return fd;
				}
				ret = add_fd(r, fd);
				if (!ret)
					ret = add_id(&r->attrs[e], fd);
				if (ret) {
					snprintf(err, errlen, "cannot set up event %s: %s", r->names[e], strerror(-ret));
					return ret;
				}
				if (leader < 0) {
					ret = tk_perf_ring_open(&r->rings[r->nrings], fd, r->cpus[c], pages);
					if (ret) {
						snprintf(err, errlen, "cannot map the ring buffer of cpu %d: %s",
							 r->cpus[c], strerror(-ret));
						return ret;
					}
					r->nrings++;
					leader = fd;
				} else if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, leader)) {
					ret = -errno;
					snprintf(err, errlen, "cannot share the ring of cpu %d: %s", r->cpus[c],
						 strerror(errno));
					return ret;
				}
			}
		}
	}
	return 0;
}

static void set_ioctl_all(struct rec *r, unsigned long req)
{
	int i;

	for (i = 0; i < r->nfds; i++)
		ioctl(r->fds[i], req, 0);
}

static void cleanup(struct rec *r)
{
	int i;

	for (i = 0; i < r->nrings; i++)
		tk_perf_ring_close(&r->rings[i]);
	free(r->rings);
	for (i = 0; i < r->nfds; i++)
		close(r->fds[i]);
	free(r->fds);
	for (i = 0; i < r->nev; i++)
		free(r->attrs[i].ids);
	pd_writer_free(&r->w);
}

/* FILE.tmp.PID left by a recorder that was killed (SIGKILL leaves no chance to clean up). */
static void sweep_stale(const char *out)
{
	char pattern[4096];
	glob_t gl;
	size_t i;

	snprintf(pattern, sizeof(pattern), "%s.tmp.*", out);
	if (glob(pattern, GLOB_NOSORT, NULL, &gl))
		return;
	for (i = 0; i < gl.gl_pathc; i++) {
		const char *pid = strrchr(gl.gl_pathv[i], '.') + 1;
		char *end;
		long p = strtol(pid, &end, 10);

		if (!*end && p > 0 && kill((pid_t)p, 0) && errno == ESRCH)
			unlink(gl.gl_pathv[i]);
	}
	globfree(&gl);
}

static bool pids_alive(const pid_t *pids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!kill(pids[i], 0) || errno != ESRCH)
			return true;
	return false;
}

int cmd_record(int argc, char **argv)
{
	static struct rec r;
	struct tk_getopt g;
	struct tk_workload wl = { .pid = 0, .go_fd = -1, .err_fd = -1 };
	struct target t = { 0 };
	const char *out = "perf.data", *pid_arg = NULL;
	char tmp[4096] = "", err[512] = "";
	long freq = 99, period = 0, pages = 128;
	double duration = 0, deadline, start;
	bool callchain = false, all = false, quiet = false, json = false, have_status = false;
	pid_t *pids = NULL;
	int npids = 0, c, i, ret = TK_EXIT_OK, status = 0, rc;
	struct sigaction sa;
	struct utsname uts;
	struct strbuf cmdline = STRBUF_INIT, tracing = STRBUF_INIT;
	FILE *fp = NULL;

	memset(&r, 0, sizeof(r));
	if (tk_getopt_init(&g, "record", argc, argv, record_opts))
		return cmd_err("record", "out of memory");
	while ((c = tk_getopt_next(&g)) != -1) {
		char *end = NULL;

		switch (c) {
		case 'e':
			if (parse_events(&r, optarg))
				goto usage;
			break;
		case 'F':
			freq = strtol(optarg, &end, 10);
			if (*end || freq <= 0 || freq > 100000) {
				cmd_usage_err("record", "bad frequency '%s' (1..100000 Hz)", optarg);
				goto usage;
			}
			break;
		case 'c':
			period = strtol(optarg, &end, 10);
			if (*end || period <= 0) {
				cmd_usage_err("record", "bad period '%s'", optarg);
				goto usage;
			}
			break;
		case 'g':
			callchain = true;
			break;
		case 'p':
			pid_arg = optarg;
			break;
		case 'a':
			all = true;
			break;
		case 'o':
			out = optarg;
			break;
		case 'm':
			pages = strtol(optarg, &end, 10);
			if (*end || pages < 1 || (pages & (pages - 1)) || pages > 65536) {
				cmd_usage_err("record", "bad ring size '%s' (a power of two, in pages)", optarg);
				goto usage;
			}
			break;
		case OPT_DURATION:
			duration = strtod(optarg, &end);
			if (*end || duration <= 0) {
				cmd_usage_err("record", "bad duration '%s' (seconds)", optarg);
				goto usage;
			}
			break;
		case 'q':
			quiet = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case 'h':
			tk_usage(stdout, record_usage, record_opts);
			tk_getopt_free(&g);
			cleanup(&r);
			return TK_EXIT_OK;
		default:
			goto usage;
		}
	}
	tk_getopt_free(&g);
	argc -= optind;
	argv += optind;
	if (!argc && !pid_arg && !all) {
		cmd_usage_err("record", "nothing to sample: give a command, -p PID or -a");
		goto usage_nofree;
	}
	if (pid_arg && (argc || all)) {
		cmd_usage_err("record", "-p excludes -a and a command");
		goto usage_nofree;
	}
	if (!r.nev && parse_events(&r, "cpu-clock"))
		goto usage_nofree;

	r.ncpus = tk_perf_online_cpus(r.cpus, MAX_CPUS);
	if (r.ncpus <= 0) {
		cleanup(&r);
		return cmd_err("record", "cannot list online cpus: %s", strerror(r.ncpus ? -r.ncpus : ENOENT));
	}
	for (i = 0; i < r.nev; i++) {
		struct perf_event_attr *a = &r.attrs[i].attr;

		a->size = sizeof(*a);
		a->disabled = 1;
		a->sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
				 PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD | (callchain ? PERF_SAMPLE_CALLCHAIN : 0);
		if (a->type == PERF_TYPE_TRACEPOINT)
			a->sample_type |= PERF_SAMPLE_RAW; /* the fields, decoded with the formats in TRACING_DATA */
		if (period || a->type == PERF_TYPE_TRACEPOINT) {
			a->sample_period = period ? (uint64_t)period : 1;
		} else {
			a->freq = 1;
			a->sample_freq = (uint64_t)freq;
		}
		a->sample_id_all = 1;
		a->inherit = !all;
		a->enable_on_exec = argc && !all;
		a->watermark = 1;
		a->wakeup_watermark = (uint32_t)(pages * sysconf(_SC_PAGESIZE) / 4);
		if (i == 0) {
			/* side-band records once, on the first event */
			a->mmap = 1;
			a->mmap2 = 1;
			a->comm = 1;
			a->comm_exec = 1;
			a->task = 1;
			a->build_id = 1;
		}
	}

	if (pid_arg) {
		long bad = 0;

		rc = tk_pid_list(pid_arg, &pids, &npids, &t.tids, &t.ntids, &bad);
		if (rc == -EINVAL) {
			cmd_usage_err("record", "bad pid list '%s'", pid_arg);
			goto usage_nofree;
		}
		if (rc) {
			ret = cmd_err("record", "cannot attach to pid %ld: %s", bad, strerror(-rc));
			goto out;
		}
	}

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK)) {
		ret = cmd_err("record", "pipe: %s", strerror(errno));
		goto out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (argc) {
		rc = tk_workload_prepare(&wl, argv);
		if (rc) {
			ret = cmd_err("record", "cannot start '%s': %s", argv[0], strerror(-rc));
			goto out;
		}
		if (!all) {
			t.tids = malloc(sizeof(pid_t));
			if (!t.tids) {
				ret = cmd_err("record", "out of memory");
				goto out;
			}
			t.tids[0] = wl.pid;
			t.ntids = 1;
			t.on_exec = true;
		}
		for (i = 0; i < argc; i++)
			sb_addf(&cmdline, "%s%s", i ? " " : "", argv[i]);
	}
	rc = open_events(&r, &t, (size_t)pages, err, sizeof(err));
	if (rc) {
		ret = cmd_err("record", "%s", err);
		goto out;
	}

	/* write to a temporary name: a file named FILE is always a complete recording */
	sweep_stale(out);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", out, (int)getpid());
	fp = fopen(tmp, "w+b");
	if (!fp) {
		ret = cmd_err("record", "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	rc = pd_writer_begin(&r.w, fp, r.attrs, (size_t)r.nev);
	if (!uname(&uts)) {
		r.w.hostname = uts.nodename;
		r.w.osrelease = uts.release;
	}
	r.w.cmdline = cmdline.len ? cmdline.buf : NULL;
	{
		const char *tps[MAX_EVENTS];
		size_t ntp = 0;
		char dir[512];

		for (i = 0; i < r.nev; i++)
			if (r.attrs[i].attr.type == PERF_TYPE_TRACEPOINT)
				tps[ntp++] = r.names[i];
		/* the event was parsed, so tracefs is mounted */
		if (ntp && !tk_tracefs_find(dir, sizeof(dir))) {
			rc = tk_tracing_data(dir, tps, ntp, &tracing);
			if (rc) {
				ret = cmd_err("record", "cannot read the tracepoint formats: %s", strerror(-rc));
				goto out;
			}
			r.w.tracing_data = tracing.buf;
			r.w.tracing_len = tracing.len;
		}
	}
	{
		struct tk_synth s = { .sample_type = r.attrs[0].attr.sample_type, .id = r.attrs[0].ids[0],
				      .emit = emit, .arg = &r, .on_file = note_file };
		struct tk_kallsyms ks;
		uint8_t kid[20];
		int kn;

		/* the kernel's map and build-id, as perf records them */
		if (!tk_kallsyms_load(&ks)) {
			if (ks.text)
				rc = rc ? rc : tk_synth_kernel(&s, ks.text);
			tk_kallsyms_free(&ks);
		}
		kn = tk_kernel_build_id(kid, sizeof(kid));
		if (kn > 0)
			pd_writer_add_buildid(&r.w, "[kernel.kallsyms]", kid, (size_t)kn, true);
		if (all)
			rc = rc ? rc : tk_synth_all(&s);
		for (i = 0; i < npids && !rc; i++)
			rc = tk_synth_process(&s, pids[i]);
		if (rc) {
			ret = cmd_err("record", "cannot write %s: %s", tmp, strerror(-rc));
			goto out;
		}
	}

	start = tk_monotonic_s();
	if (!argc || all)
		set_ioctl_all(&r, PERF_EVENT_IOC_ENABLE);
	if (argc) {
		rc = tk_workload_start(&wl);
		if (rc) {
			waitpid(wl.pid, NULL, 0);
			wl.pid = 0;
			ret = cmd_err("record", "cannot run '%s': %s", argv[0], strerror(-rc));
			goto out;
		}
	}
	deadline = duration > 0 ? start + duration : 0;
	for (;;) {
		struct pollfd pfd[MAX_CPUS + 1];
		int timeout = 500;
		char buf[64];

		if (wl.pid > 0 && waitpid(wl.pid, &status, WNOHANG) == wl.pid) {
			have_status = true;
			wl.pid = 0;
			break;
		}
		if (stop_signal || (npids && !pids_alive(pids, npids)))
			break;
		if (deadline) {
			double left = deadline - tk_monotonic_s();
			if (left <= 0)
				break;
			if (left * 1000 < timeout)
				timeout = (int)(left * 1000) + 1;
		}
		for (i = 0; i < r.nrings; i++) {
			pfd[i].fd = r.rings[i].fd;
			pfd[i].events = POLLIN;
		}
		pfd[r.nrings].fd = sig_pipe[0];
		pfd[r.nrings].events = POLLIN;
		poll(pfd, (nfds_t)r.nrings + 1, timeout);
		while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
			;
		rc = drain_all(&r);
		if (rc) {
			ret = cmd_err("record", "cannot write %s: %s", tmp, strerror(-rc));
			goto out;
		}
	}
	set_ioctl_all(&r, PERF_EVENT_IOC_DISABLE);
	rc = drain_all(&r);
	if (!rc)
		rc = pd_writer_finish(&r.w);
	if (rc) {
		ret = cmd_err("record", "cannot write %s: %s", tmp, strerror(-rc));
		goto out;
	}
	if (fclose(fp)) {
		fp = NULL;
		ret = cmd_err("record", "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	fp = NULL;
	if (rename(tmp, out)) {
		ret = cmd_err("record", "cannot rename %s to %s: %s", tmp, out, strerror(errno));
		goto out;
	}
	tmp[0] = 0;
	if (json) {
		struct strbuf sb = STRBUF_INIT;
		struct json_writer w;

		json_init(&w, &sb);
		json_obj_begin(&w);
		json_kstr(&w, "output", out);
		json_kuint(&w, "samples", r.samples);
		json_kuint(&w, "lost", r.lost + r.lost_samples);
		json_kuint(&w, "bytes", r.bytes);
		json_kdouble(&w, "seconds", tk_monotonic_s() - start);
		json_obj_end(&w);
		printf("%s\n", sb_str(&sb));
		sb_release(&sb);
	} else if (!quiet) {
		fprintf(stderr, "[ tracekit record: %llu samples, %.3f MB written to %s ]\n",
			(unsigned long long)r.samples, (double)r.bytes / 1e6, out);
	}
	if (r.lost || r.lost_samples)
		fprintf(stderr, "tracekit record: lost %llu samples (ring buffer full: try -m with more pages or a lower -F)\n",
			(unsigned long long)(r.lost + r.lost_samples));
	if (wl.pid > 0) {
		/* --duration or Ctrl-C ended the recording before the command: stop it, as perf does */
		kill(wl.pid, SIGTERM);
		waitpid(wl.pid, &status, 0);
		wl.pid = 0;
		have_status = true;
	}
	if (have_status)
		ret = tk_workload_exit_code(status);
out:
	if (fp)
		fclose(fp);
	if (tmp[0])
		unlink(tmp);
	if (wl.pid > 0)
		tk_workload_abort(&wl);
	cleanup(&r);
	free(t.tids);
	free(pids);
	sb_release(&cmdline);
	sb_release(&tracing);
	signal(SIGCHLD, SIG_DFL);
	if (sig_pipe[0] >= 0) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
		sig_pipe[0] = sig_pipe[1] = -1;
	}
	return ret;
usage:
	tk_getopt_free(&g);
usage_nofree:
	cleanup(&r);
	free(t.tids);
	free(pids);
	return TK_EXIT_USAGE;
}

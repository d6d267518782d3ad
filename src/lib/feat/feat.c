#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <bpf/libbpf.h>
#include <bpf/bpf.h>

#include "lib/feat/feat.h"
#include "lib/perf/event.h"
#include "lib/tracefs/mount.h"
#include "doctor.skel.h"
#include "doctor_btf.skel.h"

static const struct {
	const char *key, *label;
} names[TK_FEAT_MAX] = {
	[TK_FEAT_KERNEL] = { "kernel", "kernel" },
	[TK_FEAT_ROOT] = { "root", "root" },
	[TK_FEAT_CAP_BPF] = { "cap_bpf", "CAP_BPF" },
	[TK_FEAT_CAP_PERFMON] = { "cap_perfmon", "CAP_PERFMON" },
	[TK_FEAT_CAP_SYS_PTRACE] = { "cap_sys_ptrace", "CAP_SYS_PTRACE" },
	[TK_FEAT_TRACEFS] = { "tracefs", "tracefs" },
	[TK_FEAT_BTF] = { "btf", "BTF" },
	[TK_FEAT_BPF] = { "bpf", "BPF" },
	[TK_FEAT_RINGBUF] = { "ringbuf", "BPF ring buffer" },
	[TK_FEAT_TP_BTF] = { "tp_btf", "BTF raw tracepoints" },
	[TK_FEAT_FENTRY] = { "fentry", "fentry/fexit" },
	[TK_FEAT_KPROBES] = { "kprobes", "kprobes" },
	[TK_FEAT_UPROBES] = { "uprobes", "uprobes" },
	[TK_FEAT_FTRACE_FUNCTION] = { "function_tracer", "function tracer" },
	[TK_FEAT_FTRACE_GRAPH] = { "function_graph_tracer", "function_graph tracer" },
	[TK_FEAT_PERF_PARANOID] = { "perf_event_paranoid", "perf_event_paranoid" },
	[TK_FEAT_PERF_HW] = { "hardware_pmu", "hardware PMU" },
	[TK_FEAT_PERF_SW] = { "software_clock", "software clock events" },
	[TK_FEAT_PTRACE] = { "ptrace", "ptrace" },
};

static enum tk_state set(struct tk_check *c, enum tk_state st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum tk_state set(struct tk_check *c, enum tk_state st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	c->state = st;
	return st;
}

void tk_feat_init(struct tk_features *f, bool allow_mount)
{
	int i;

	memset(f, 0, sizeof(*f));
	f->allow_mount = allow_mount;
	for (i = 0; i < TK_FEAT_MAX; i++) {
		f->c[i].key = names[i].key;
		f->c[i].label = names[i].label;
	}
}

/* Read a small file into buf; returns bytes read or -errno. */
static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = 0;
	close(fd);
	return (int)n;
}

static int tracefs_path(struct tk_features *f, const char *name, char *out, size_t len)
{
	if (!tk_feat_ok(f, TK_FEAT_TRACEFS))
		return -ENOENT;
	snprintf(out, len, "%s/%s", f->tracefs_dir, name);
	return 0;
}

/* CONFIG_X from /proc/config.gz: 1 = y/m, 0 = not set, -1 = unknown (no config.gz). */
static int kconfig(const char *opt)
{
	char line[512];
	size_t ol = strlen(opt);
	gzFile gz = gzopen("/proc/config.gz", "rb");
	int ret = 0;

	if (!gz)
		return -1;
	while (gzgets(gz, line, sizeof(line))) {
		if (!strncmp(line, opt, ol) && line[ol] == '=') {
			ret = line[ol + 1] == 'y' || line[ol + 1] == 'm';
			break;
		}
	}
	gzclose(gz);
	return ret;
}

static bool has_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return false;
	return d[cap / 32].effective & (1u << (cap % 32));
}

static enum tk_state probe_cap(struct tk_check *c, int cap)
{
	if (has_cap(cap))
		return set(c, TK_OK, "in the effective set");
	return set(c, TK_NO, "not in the effective set");
}

static enum tk_state probe_bpf(struct tk_features *f, struct tk_check *c)
{
	struct doctor_bpf *skel;
	int err, i;
	__u64 hits;

	(void)f;
	libbpf_set_print(NULL);
	skel = doctor_bpf__open();
	if (!skel)
		return set(c, TK_NO, "cannot open BPF object: %s", strerror(errno));
	skel->rodata->target_tgid = getpid();
	err = doctor_bpf__load(skel);
	if (err) {
		doctor_bpf__destroy(skel);
		return set(c, TK_NO, "loading a tracepoint program failed: %s", strerror(-err));
	}
	err = doctor_bpf__attach(skel);
	if (err) {
		doctor_bpf__destroy(skel);
		return set(c, TK_NO, "attaching to syscalls:sys_enter_getppid failed: %s", strerror(-err));
	}
	for (i = 0; i < 3; i++)
		syscall(SYS_getppid);
	hits = skel->bss->hits;
	doctor_bpf__destroy(skel);
	if (hits != 3)
		return set(c, TK_NO, "tracepoint program attached but saw %llu of 3 calls",
			   (unsigned long long)hits);
	return set(c, TK_OK, "loaded and attached a tracepoint program; it saw 3 of 3 getppid calls");
}

/*
 * Load and attach one program of doctor_btf.bpf.c (tp_btf or fentry), then prove it fires on three
 * getppid() calls.
 */
static enum tk_state probe_btf_prog(struct tk_check *c, bool fentry)
{
	struct doctor_btf_bpf *skel;
	const char *what = fentry ? "fentry/__do_sys_getppid" : "tp_btf/sys_enter";
	__u64 hits;
	int err, i;

	libbpf_set_print(NULL);
	skel = doctor_btf_bpf__open();
	if (!skel)
		return set(c, TK_NO, "cannot open BPF object: %s", strerror(errno));
	bpf_program__set_autoload(skel->progs.doctor_fentry, fentry);
	bpf_program__set_autoload(skel->progs.doctor_tp_btf, !fentry);
	skel->rodata->target_tgid = getpid();
	err = doctor_btf_bpf__load(skel);
	if (!err)
		err = doctor_btf_bpf__attach(skel);
	if (err) {
		doctor_btf_bpf__destroy(skel);
		return set(c, TK_NO, "loading %s failed: %s", what, strerror(-err));
	}
	for (i = 0; i < 3; i++)
		syscall(SYS_getppid);
	hits = skel->bss->hits;
	doctor_btf_bpf__destroy(skel);
	if (hits != 3)
		return set(c, TK_NO, "%s attached but saw %llu of 3 calls", what, (unsigned long long)hits);
	return set(c, TK_OK, "%s loaded, attached, saw 3 of 3 calls", what);
}

static enum tk_state probe_ringbuf(struct tk_check *c)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "tk_probe_rb", 0, 0, 4096, NULL);

	if (fd < 0)
		return set(c, TK_NO, "creating a ring buffer map failed: %s", strerror(errno));
	close(fd);
	return set(c, TK_OK, "BPF_MAP_TYPE_RINGBUF map created");
}

static enum tk_state probe_kprobes(struct tk_features *f, struct tk_check *c)
{
	char p[PATH_MAX];
	struct stat st;
	int cfg = kconfig("CONFIG_KPROBES");

	if (cfg == 0)
		return set(c, TK_NO, "CONFIG_KPROBES is not enabled in this kernel");
	if (!tracefs_path(f, "kprobe_events", p, sizeof(p)) && !stat(p, &st))
		return set(c, TK_OK, "%s present", p);
	if (!stat("/sys/bus/event_source/devices/kprobe/type", &st))
		return set(c, TK_OK, "kprobe PMU present");
	return set(c, TK_NO, "no kprobe_events in tracefs and no kprobe PMU%s",
		   cfg < 0 ? " (no /proc/config.gz to say why)" : "");
}

static enum tk_state probe_uprobes(struct tk_features *f, struct tk_check *c)
{
	char p[PATH_MAX];
	struct stat st;
	bool tfs = !tracefs_path(f, "uprobe_events", p, sizeof(p)) && !stat(p, &st);
	bool pmu = !stat("/sys/bus/event_source/devices/uprobe/type", &st);

	if (tfs && pmu)
		return set(c, TK_OK, "uprobe_events in tracefs and the uprobe PMU present");
	if (tfs || pmu)
		return set(c, TK_OK, "%s present", tfs ? "uprobe_events" : "uprobe PMU");
	if (kconfig("CONFIG_UPROBE_EVENTS") == 0)
		return set(c, TK_NO, "CONFIG_UPROBE_EVENTS is not enabled in this kernel");
	return set(c, TK_NO, "no uprobe_events in tracefs and no uprobe PMU");
}

static bool tracer_listed(struct tk_features *f, const char *name)
{
	char p[PATH_MAX], buf[4096], *tok, *save;

	if (tracefs_path(f, "available_tracers", p, sizeof(p)) || read_small(p, buf, sizeof(buf)) < 0)
		return false;
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, name))
			return true;
	return false;
}

static void lockdown_mode(char *out, size_t len)
{
	char buf[256], *l, *r;

	out[0] = 0;
	if (read_small("/sys/kernel/security/lockdown", buf, sizeof(buf)) <= 0)
		return;
	l = strchr(buf, '[');
	r = l ? strchr(l, ']') : NULL;
	if (l && r) {
		*r = 0;
		snprintf(out, len, " (lockdown: %s)", l + 1);
	}
}

static enum tk_state probe_function(struct tk_features *f, struct tk_check *c)
{
	char p[PATH_MAX], buf[64], lk[64];
	int n;

	if (!tk_feat_ok(f, TK_FEAT_TRACEFS))
		return set(c, TK_NO, "tracefs is not available");
	if (!tracer_listed(f, "function"))
		return set(c, TK_NO, "'function' is not in available_tracers (CONFIG_FUNCTION_TRACER off)");
	/* Reading the filter list changes nothing, and it is what lockdown refuses first. */
	tracefs_path(f, "available_filter_functions", p, sizeof(p));
	n = read_small(p, buf, sizeof(buf));
	if (n < 0) {
		lockdown_mode(lk, sizeof(lk));
		return set(c, TK_NO, "listed, but reading available_filter_functions is refused: %s%s",
			   strerror(-n), lk);
	}
	return set(c, TK_OK, "listed in available_tracers; available_filter_functions readable");
}

static enum tk_state probe_graph(struct tk_features *f, struct tk_check *c)
{
	if (!tk_feat_ok(f, TK_FEAT_TRACEFS))
		return set(c, TK_NO, "tracefs is not available");
	if (!tracer_listed(f, "function_graph"))
		return set(c, TK_NO, "'function_graph' is not in available_tracers (not built into this kernel)");
	if (!tk_feat_ok(f, TK_FEAT_FTRACE_FUNCTION))
		return set(c, TK_NO, "listed, but the function tracer underneath is refused");
	return set(c, TK_OK, "listed in available_tracers");
}

static enum tk_state probe_perf(struct tk_check *c, __u32 type, __u64 config, const char *what)
{
	int err = tk_perf_try_open(type, config);

	if (err)
		return set(c, TK_NO, "perf_event_open(%s) failed: %s", what, strerror(-err));
	return set(c, TK_OK, "perf_event_open(%s) works", what);
}

static enum tk_state probe_ptrace(struct tk_check *c)
{
	int pfd[2], status;
	pid_t pid;
	long r;
	char dummy, scope[16] = "";

	if (pipe2(pfd, O_CLOEXEC))
		return set(c, TK_NO, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return set(c, TK_NO, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(pfd[1]);
		/* wait until the parent is done with us */
		while (read(pfd[0], &dummy, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(pfd[0]);
	r = ptrace(PTRACE_SEIZE, pid, 0, 0);
	int err = errno;
	if (r == 0)
		ptrace(PTRACE_DETACH, pid, 0, 0);
	close(pfd[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	read_small("/proc/sys/kernel/yama/ptrace_scope", scope, sizeof(scope));
	scope[strcspn(scope, "\n")] = 0;
	if (r)
		return set(c, TK_NO, "PTRACE_SEIZE of a child failed: %s%s%s", strerror(err),
			   scope[0] ? "; yama ptrace_scope=" : "", scope);
	return set(c, TK_OK, "seized a child process%s%s", scope[0] ? "; yama ptrace_scope=" : "", scope);
}

enum tk_state tk_feat_probe(struct tk_features *f, enum tk_feat_id id)
{
	struct tk_check *c = &f->c[id];
	struct utsname u;
	struct stat st;
	char buf[64];
	int ret;

	if (c->probed)
		return c->state;
	c->probed = true;
	switch (id) {
	case TK_FEAT_KERNEL:
		if (uname(&u))
			return set(c, TK_WARN, "uname: %s", strerror(errno));
		return set(c, TK_OK, "%s %s", u.release, u.machine);
	case TK_FEAT_ROOT:
		if (geteuid() == 0)
			return set(c, TK_OK, "running as uid 0");
		return set(c, TK_NO, "running as uid %u", geteuid());
	case TK_FEAT_CAP_BPF:
		return probe_cap(c, 39 /* CAP_BPF, not in older headers */);
	case TK_FEAT_CAP_PERFMON:
		return probe_cap(c, 38 /* CAP_PERFMON */);
	case TK_FEAT_CAP_SYS_PTRACE:
		return probe_cap(c, CAP_SYS_PTRACE);
	case TK_FEAT_TRACEFS:
		if (f->allow_mount)
			ret = tk_tracefs_ensure(f->tracefs_dir, sizeof(f->tracefs_dir), &f->tracefs_mounted_now);
		else
			ret = tk_tracefs_find(f->tracefs_dir, sizeof(f->tracefs_dir));
		if (ret)
			return set(c, TK_NO, "%s: %s", f->allow_mount ? "cannot mount tracefs" : "not mounted",
				   strerror(-ret));
		if (f->tracefs_mounted_now)
			return set(c, TK_OK, "was not mounted; mounted it at %s", f->tracefs_dir);
		return set(c, TK_OK, "mounted at %s", f->tracefs_dir);
	case TK_FEAT_BTF:
		if (stat("/sys/kernel/btf/vmlinux", &st))
			return set(c, TK_NO, "/sys/kernel/btf/vmlinux: %s (CONFIG_DEBUG_INFO_BTF off?)",
				   strerror(errno));
		return set(c, TK_OK, "/sys/kernel/btf/vmlinux (%lld KiB)", (long long)st.st_size / 1024);
	case TK_FEAT_BPF:
		return probe_bpf(f, c);
	case TK_FEAT_RINGBUF:
		return probe_ringbuf(c);
	case TK_FEAT_TP_BTF:
		if (!tk_feat_ok(f, TK_FEAT_BTF))
			return set(c, TK_NO, "needs BTF");
		return probe_btf_prog(c, false);
	case TK_FEAT_FENTRY:
		if (!tk_feat_ok(f, TK_FEAT_BTF))
			return set(c, TK_NO, "needs BTF");
		return probe_btf_prog(c, true);
	case TK_FEAT_KPROBES:
		return probe_kprobes(f, c);
	case TK_FEAT_UPROBES:
		return probe_uprobes(f, c);
	case TK_FEAT_FTRACE_FUNCTION:
		return probe_function(f, c);
	case TK_FEAT_FTRACE_GRAPH:
		return probe_graph(f, c);
	case TK_FEAT_PERF_PARANOID:
		ret = read_small("/proc/sys/kernel/perf_event_paranoid", buf, sizeof(buf));
		if (ret < 0)
			return set(c, TK_NO, "/proc/sys/kernel/perf_event_paranoid: %s", strerror(-ret));
		ret = atoi(buf);
		if (geteuid() == 0 || has_cap(38))
			return set(c, TK_OK, "%d (no limit for root / CAP_PERFMON)", ret);
		return set(c, ret <= 1 ? TK_OK : TK_WARN, "%d%s", ret,
			   ret > 1 ? ": unprivileged users may only profile their own user space" : "");
	case TK_FEAT_PERF_HW:
		ret = probe_perf(c, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, "cycles");
		if (ret != TK_OK && tk_feat_probe(f, TK_FEAT_PERF_SW) == TK_OK)
			strncat(c->detail, "; software clock used instead",
				sizeof(c->detail) - strlen(c->detail) - 1);
		return c->state;
	case TK_FEAT_PERF_SW:
		return probe_perf(c, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, "cpu-clock");
	case TK_FEAT_PTRACE:
		return probe_ptrace(c);
	case TK_FEAT_MAX:
		break;
	}
	return TK_NO;
}

void tk_feat_probe_all(struct tk_features *f)
{
	int i;

	for (i = 0; i < TK_FEAT_MAX; i++)
		tk_feat_probe(f, i);
}

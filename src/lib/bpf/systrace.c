/* The user half of the eBPF syscall tracer: see systrace.h and src/bpf/systrace.bpf.c. */
#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/bpf/systrace.h"
#include "lib/bpf/btf_field.h"
#include "systrace.skel.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

struct tk_systrace {
	struct systrace_bpf *skel;
	struct ring_buffer *rb;
	int wake_fd;		/* epoll on the ring, edge-triggered: the kernel half's wake-ups only */
	tk_systrace_rec_fn fn;
	void *fn_ctx;
	int ncpus;
	int tasks_fd;
	bool by_tid;		/* tasks in an array indexed by thread id (see systrace.bpf.c) */
	bool exits;		/* TASKEXIT records come (task_struct.exit_code found) */
	bool counting;		/* -c: no records, no reader */
	const struct systrace_stat *stats;	/* -c: the stats map, mapped at the first read */
	size_t stats_len;
};

/* Thread-id array up to this pid_max (16 bytes each: 4 MiB); task storage beyond. */
#define BY_TID_MAX (256 * 1024)

static long pid_max(void)
{
	char buf[32];
	long v = -1;
	int fd = open("/proc/sys/kernel/pid_max", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = 0;
		v = atol(buf);
	}
	close(fd);
	return v;
}

static void seterr(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* Whether entry captures go beyond execve's kinds (split mode, -f): the kernel half's cap_entry. */
static bool entry_needs_all_caps(const struct systrace_sysdesc *desc)
{
	int nr, i;

	for (nr = 0; nr < SYSTRACE_NR_MAX; nr++)
		for (i = 0; i < desc[nr].ncaps && i < SYSTRACE_MAX_CAPS; i++) {
			const struct systrace_cap *c = &desc[nr].caps[i];

			if (c->when == SYSTRACE_AT_ENTRY && c->kind != SYSTRACE_CAP_STR && c->kind != SYSTRACE_CAP_FIXED &&
			    c->kind != SYSTRACE_CAP_STRV && c->kind != SYSTRACE_CAP_PTRV)
				return true;
		}
	return false;
}

static int ring_cb(void *ctx, void *data, size_t size)
{
	struct tk_systrace *t = ctx;

	if (size < sizeof(struct systrace_rec) || !t->fn)
		return 0;
	return t->fn(t->fn_ctx, data, size);
}

/*
 * The biggest maps, made by a second thread while libbpf parses the object and probes the kernel:
 * the ring's pages (4 MiB: ~1.4 ms here), the thread-id array (0.2-0.5 ms) and -c's totals are
 * allocated by the kernel at creation. The object then reuses them (bpf_map__reuse_fd). A map that fails here
 * is made by libbpf as before, which reports the error.
 */
struct premade {
	pthread_t thread;
	__u32 ring_bytes;	/* 0: not made here */
	__u32 tid_entries;
	__u32 stat_entries;
	int ring_fd, tid_fd, stat_fd;
};

static void *premake_maps(void *arg)
{
	struct premade *p = arg;

	if (p->ring_bytes)
		p->ring_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "rb", 0, 0, p->ring_bytes, NULL);
	if (p->tid_entries)
		p->tid_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "task_by_tid", sizeof(__u32),
					   sizeof(struct systrace_task), p->tid_entries, NULL);
	if (p->stat_entries) {
		LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_MMAPABLE);

		p->stat_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "stats", sizeof(__u32),
					    sizeof(struct systrace_stat), p->stat_entries, &o);
	}
	return NULL;
}

static void premade_close(struct premade *p)
{
	if (p->ring_fd >= 0)
		close(p->ring_fd);
	if (p->tid_fd >= 0)
		close(p->tid_fd);
	if (p->stat_fd >= 0)
		close(p->stat_fd);
	p->ring_fd = p->tid_fd = p->stat_fd = -1;
}

/* bpf_map__reuse_fd() keeps a duplicate; a map it refuses is made at load as usual */
static void premade_use(struct premade *p, struct systrace_bpf *s)
{
	if (p->ring_fd >= 0)
		bpf_map__reuse_fd(s->maps.rb, p->ring_fd);
	if (p->tid_fd >= 0)
		bpf_map__reuse_fd(s->maps.task_by_tid, p->tid_fd);
	if (p->stat_fd >= 0)
		bpf_map__reuse_fd(s->maps.stats, p->stat_fd);
	premade_close(p);
}

/* Whether some syscall's plan reads descriptors' inode numbers (-y): the BTF walk needs offsets. */
static bool wants_fdino(const struct systrace_sysdesc *desc)
{
	int nr, i;

	for (nr = 0; desc && nr < SYSTRACE_NR_MAX; nr++)
		for (i = 0; i < desc[nr].ncaps && i < SYSTRACE_MAX_CAPS; i++)
			if (desc[nr].caps[i].kind == SYSTRACE_CAP_FDINO)
				return true;
	return false;
}

int tk_systrace_open(struct tk_systrace **out, const struct tk_systrace_config *cfg, char *err, size_t errlen)
{
	struct premade pre = { .ring_fd = -1, .tid_fd = -1, .stat_fd = -1 };
	struct tk_systrace *t;
	struct systrace_bpf *s;
	int ret, cgfd, zero = 0, pid_off = -ENOENT;
	bool premade, need_code, need_pid, need_ino;
	long pm;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->wake_fd = -1;
	t->ncpus = libbpf_num_possible_cpus();
	if (t->ncpus <= 0) {
		free(t);
		seterr(err, errlen, "cannot count possible CPUs");
		return -EINVAL;
	}
	/* libbpf's own messages (the verifier log) only when asked for: -v */
	if (!cfg->verbose)
		libbpf_set_print(NULL);
	pm = pid_max();
	t->by_tid = pm > 0 && pm <= BY_TID_MAX;
	pre.ring_bytes = cfg->count ? 0 : cfg->ring_bytes ? cfg->ring_bytes : SYSTRACE_RING_DEFAULT;
	pre.tid_entries = t->by_tid ? (__u32)pm : 0;
	pre.stat_entries = cfg->count ? (__u32)t->ncpus * SYSTRACE_NR_MAX : 0;
	premade = !pthread_create(&pre.thread, NULL, premake_maps, &pre);
	s = t->skel = systrace_bpf__open();
	if (!s) {
		ret = -errno;
		seterr(err, errlen, "cannot open the BPF object: %s", strerror(-ret));
		if (premade) {
			pthread_join(pre.thread, NULL);
			premade_close(&pre);
		}
		free(t);
		return ret;
	}
	s->rodata->self_tgid = getpid();
	s->rodata->execve_nr = SYS_execve;
	s->rodata->execveat_nr = SYS_execveat;
	s->rodata->all_tasks = cfg->all;
	s->rodata->want_time = cfg->want_time;
	s->rodata->want_comm = cfg->all || cfg->want_comm;
	s->rodata->want_ip = cfg->want_ip;
	s->rodata->status_filter = cfg->status;
	s->rodata->use_cgroup = cfg->cgroup != NULL;
	if (cfg->comm)
		strncpy((char *)s->rodata->comm_filter, cfg->comm, sizeof(s->rodata->comm_filter) - 1);
	memcpy(s->bss->sysdesc, cfg->desc, sizeof(s->bss->sysdesc));
	/* one entry and one exit program of the three and two (see systrace.bpf.c) */
	if (cfg->count) {
		bpf_program__set_autoload(s->progs.systrace_enter, false);
		bpf_program__set_autoload(s->progs.systrace_enter_all_caps, false);
		bpf_program__set_autoload(s->progs.systrace_exit, false);
	} else {
		bpf_program__set_autoload(s->progs.systrace_count_enter, false);
		bpf_program__set_autoload(s->progs.systrace_count_exit, false);
		bpf_program__set_autoload(entry_needs_all_caps(cfg->desc) ? s->progs.systrace_enter :
					  s->progs.systrace_enter_all_caps, false);
	}
	t->counting = cfg->count;
	s->rodata->by_tid = t->by_tid;
	if (t->by_tid) {
		bpf_map__set_max_entries(s->maps.task_by_tid, (__u32)pm);
		/* the array does their jobs */
		bpf_map__set_max_entries(s->maps.traced_tids, 1);
		bpf_map__set_max_entries(s->maps.newborn, 1);
	}
	/*
	 * From the kernel's BTF, one walk: task_struct.exit_code for tasks' ends with their wait
	 * status, .pid for the raw tracepoints that name a signal's target or a new child by task
	 * pointer.
	 */
	need_code = !cfg->count && !cfg->all;
	need_pid = !(cfg->count || cfg->no_signals) || (cfg->follow && !cfg->all);
	need_ino = wants_fdino(cfg->desc);
	if (need_code || need_pid || need_ino) {
		/* the last SYSTRACE_OFF_FDINO_N in enum systrace_fdino_off's order */
		static const char *const fields[] = { "task_struct.exit_code", "task_struct.pid",
						      "task_struct.files", "files_struct.fdt", "fdtable.max_fds",
						      "fdtable.fd", "file.f_inode", "inode.i_ino" };
		int offs[8], i;

		_Static_assert(sizeof(fields) / sizeof(fields[0]) == 2 + SYSTRACE_OFF_FDINO_N, "fdino offsets");
		tk_btf_file_field_offsets(NULL, fields, offs, need_ino ? 8 : 2);
		if (need_code && offs[0] > 0) {
			s->rodata->task_exit_code_off = offs[0];
			t->exits = true;
		}
		if (need_pid) {
			pid_off = offs[1];
			if (pid_off >= 0)
				s->rodata->task_pid_off = pid_off;
		}
		/* all of the walk or none of it: without it, pipes and sockets are named from /proc */
		for (i = 0; i < SYSTRACE_OFF_FDINO_N; i++)
			need_ino = need_ino && offs[2 + i] >= 0;
		for (i = 0; need_ino && i < SYSTRACE_OFF_FDINO_N; i++)
			s->rodata->fdino_off[i] = offs[2 + i];
	}
	if (!t->by_tid && !t->exits)
		bpf_program__set_autoload(s->progs.systrace_task_exit, false);
	/* only threads (-f) can execve from a non-leader thread; task storage needs no help */
	if (!t->by_tid || !cfg->follow || cfg->all)
		bpf_program__set_autoload(s->progs.systrace_exec, false);
	bpf_map__set_max_entries(s->maps.scratch, t->ncpus);
	if (cfg->ring_bytes) {
		bpf_map__set_max_entries(s->maps.rb, cfg->ring_bytes);
		s->rodata->wakeup_bytes = cfg->ring_bytes / 4 < 256 * 1024 ? cfg->ring_bytes / 4 : 256 * 1024;
	}
	if (cfg->count) {
		/* nothing is streamed: a one-page ring instead of megabytes */
		bpf_map__set_max_entries(s->maps.rb, getpagesize());
		bpf_map__set_max_entries(s->maps.scratch, 1);
		bpf_map__set_max_entries(s->maps.stats, (__u32)t->ncpus * SYSTRACE_NR_MAX);
	}
	/* each program not loaded is also a tracepoint not patched in and out (~1-2 ms here) */
	if (cfg->count || cfg->no_signals) {
		bpf_program__set_autoload(s->progs.systrace_signal, false);
		bpf_program__set_autoload(s->progs.systrace_siggen, false);
	}
	if (cfg->follow && !cfg->all) {
		if (pid_off < 0) {
			ret = pid_off;
			seterr(err, errlen, "-f: cannot find task_struct.pid in the kernel's BTF: %s", strerror(-ret));
			goto fail;
		}
	} else {
		bpf_program__set_autoload(s->progs.systrace_fork, false);
	}
	/* without it, signals the kernel discards go unseen; the rest still works */
	if (pid_off < 0)
		bpf_program__set_autoload(s->progs.systrace_siggen, false);
	if (premade) {
		pthread_join(pre.thread, NULL);
		premade = false;
		premade_use(&pre, s);
	}
	ret = systrace_bpf__load(s);
	if (ret) {
		seterr(err, errlen, "loading the BPF programs failed: %s", strerror(-ret));
		goto fail;
	}
	t->tasks_fd = bpf_map__fd(s->maps.tasks);
	if (cfg->cgroup) {
		cgfd = open(cfg->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cgfd < 0) {
			ret = -errno;
			seterr(err, errlen, "cannot open cgroup %s: %s", cfg->cgroup, strerror(-ret));
			goto fail;
		}
		ret = bpf_map_update_elem(bpf_map__fd(s->maps.cgroup_filter), &zero, &cgfd, BPF_ANY);
		close(cgfd);
		if (ret) {
			ret = -errno;
			seterr(err, errlen, "cgroup %s is not a cgroup v2 directory: %s", cfg->cgroup,
			       strerror(-ret));
			goto fail;
		}
	}
	ret = systrace_bpf__attach(s);
	if (ret) {
		seterr(err, errlen, "attaching to the raw_syscalls tracepoints failed: %s", strerror(-ret));
		goto fail;
	}
	*out = t;
	return 0;
fail:
	if (premade)
		pthread_join(pre.thread, NULL);
	premade_close(&pre);
	tk_systrace_close(t);
	return ret < 0 ? ret : -EINVAL;
}

/*
 * The reader's side of the ring, made once the traced command runs (tk_systrace_read_start): its
 * mappings and epoll set are not on the start-to-attached path, and records wait in the ring.
 */
int tk_systrace_read_start(struct tk_systrace *t)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	int fd = bpf_map__fd(t->skel->maps.rb);

	if (t->rb || t->counting)
		return 0;
	t->rb = ring_buffer__new(fd, ring_cb, t, NULL);
	if (!t->rb)
		return -errno;
	/*
	 * libbpf's own epoll set is level-triggered: while any record is unread, the reader
	 * returns at once (~1900 times for dd bs=1's 400k records, ~200 records each), racing
	 * the traced task for the ring's positions. Edge-triggered, it sleeps until the kernel
	 * half wakes it at the fill threshold, or its poll timeout, and then reads the whole
	 * batch (~150 times). (Records that came before are reported by the first wait.)
	 */
	t->wake_fd = epoll_create1(EPOLL_CLOEXEC);
	if (t->wake_fd < 0 || epoll_ctl(t->wake_fd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	return 0;
}

void tk_systrace_close(struct tk_systrace *t)
{
	if (!t)
		return;
	ring_buffer__free(t->rb);
	if (t->stats)
		munmap((void *)t->stats, t->stats_len);
	if (t->wake_fd >= 0)
		close(t->wake_fd);
	systrace_bpf__destroy(t->skel);
	free(t);
}

static int add_task(struct tk_systrace *t, pid_t tid, __u32 state)
{
	struct systrace_task v = { .traced = state, .nr = -1 };
	__u32 key = (__u32)tid;
	int pidfd, ret = 0;

	if (t->by_tid) {
		if (kill(tid, 0) && errno == ESRCH)
			return -ESRCH;
		if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.task_by_tid), &key, &v, BPF_ANY))
			return -errno;
		return 0;
	}
	bpf_map_update_elem(bpf_map__fd(t->skel->maps.traced_tids), &key, &key, BPF_ANY);
	pidfd = (int)syscall(SYS_pidfd_open, tid, 0);
	if (pidfd < 0 && errno == ENOENT)
		pidfd = -1, errno = ESRCH;
	/* a thread that is not its group's leader needs PIDFD_THREAD (Linux 6.9) */
	if (pidfd < 0 && errno == EINVAL)
		pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
	if (pidfd < 0)
		return -errno;
	if (bpf_map_update_elem(t->tasks_fd, &pidfd, &v, BPF_ANY))
		ret = -errno;
	close(pidfd);
	return ret;
}

int tk_systrace_add_task(struct tk_systrace *t, pid_t tid)
{
	return add_task(t, tid, SYSTRACE_TRACED);
}

int tk_systrace_add_exec(struct tk_systrace *t, pid_t pid)
{
	return add_task(t, pid, SYSTRACE_AWAIT_EXEC);
}

static bool seen(const pid_t *v, int n, pid_t x)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

int tk_systrace_add_process(struct tk_systrace *t, pid_t pid, bool threads)
{
	char path[64];
	pid_t *done = NULL, *grown;
	int n = 0, cap = 0, added, ret;
	struct dirent *de;
	DIR *d;

	if (!threads)
		return tk_systrace_add_task(t, pid);
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	/* threads may appear while we walk: walk again until a pass adds none */
	do {
		added = 0;
		d = opendir(path);
		if (!d) {
			free(done);
			return errno == ENOENT ? -ESRCH : -errno;
		}
		while ((de = readdir(d))) {
			pid_t tid = atoi(de->d_name);

			if (tid <= 0 || seen(done, n, tid))
				continue;
			ret = tk_systrace_add_task(t, tid);
			if (ret && ret != -ESRCH) {	/* a thread that just exited is fine */
				closedir(d);
				free(done);
				return ret;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				grown = realloc(done, cap * sizeof(*done));
				if (!grown) {
					closedir(d);
					free(done);
					return -ENOMEM;
				}
				done = grown;
			}
			done[n++] = tid;
			added++;
		}
		closedir(d);
	} while (added);
	free(done);
	return n ? 0 : -ESRCH;
}

int tk_systrace_set_handler(struct tk_systrace *t, tk_systrace_rec_fn fn, void *ctx)
{
	t->fn = fn;
	t->fn_ctx = ctx;
	return 0;
}

int tk_systrace_poll(struct tk_systrace *t, int timeout_ms)
{
	struct epoll_event ev;

	if (!t->rb)
		return 0;
	/*
	 * The ring is read after every wait, woken or timed out: the kernel half wakes the reader
	 * once per threshold crossing, and a crossing missed (records from several CPUs at once)
	 * must cost a poll period, never a full ring.
	 */
	if (epoll_wait(t->wake_fd, &ev, 1, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	return ring_buffer__consume(t->rb);
}

int tk_systrace_drain(struct tk_systrace *t)
{
	struct epoll_event ev;

	if (!t->rb)
		return 0;
	/* take the pending wake-up too, or a poll() on tk_systrace_fd() would return at once */
	epoll_wait(t->wake_fd, &ev, 1, 0);
	return ring_buffer__consume(t->rb);
}

int tk_systrace_fd(struct tk_systrace *t)
{
	return t->rb ? t->wake_fd : -1;
}

int tk_systrace_stat(struct tk_systrace *t, unsigned nr, struct systrace_stat *out)
{
	const struct systrace_stat *v;
	int i, j;

	memset(out, 0, sizeof(*out));
	if (nr >= SYSTRACE_NR_MAX)
		return -EINVAL;
	if (!t->stats) {
		size_t len = (size_t)t->ncpus * SYSTRACE_NR_MAX * sizeof(*v);
		void *p;

		if (bpf_map__max_entries(t->skel->maps.stats) != (__u32)t->ncpus * SYSTRACE_NR_MAX)
			return -ENODATA;	/* not counting */
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, bpf_map__fd(t->skel->maps.stats), 0);
		if (p == MAP_FAILED)
			return -errno;
		t->stats = p;
		t->stats_len = len;
	}
	for (i = 0; i < t->ncpus; i++) {
		v = &t->stats[(size_t)i * SYSTRACE_NR_MAX + nr];
		out->calls += v->calls;
		out->errors += v->errors;
		out->ns += v->ns;
		for (j = 0; j < SYSTRACE_HIST_SLOTS; j++)
			out->hist[j] += v->hist[j];
	}
	return 0;
}

bool tk_systrace_reports_exits(const struct tk_systrace *t)
{
	return t->exits;
}

uint64_t tk_systrace_lost(struct tk_systrace *t)
{
	uint64_t *v, sum = 0;
	__u32 zero = 0;
	int i;

	v = calloc(t->ncpus, sizeof(*v));
	if (!v)
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.lost), &zero, v))
		for (i = 0; i < t->ncpus; i++)
			sum += v[i];
	free(v);
	return sum;
}

int tk_systrace_prog_ids(struct tk_systrace *t, uint32_t *ids, int max)
{
	struct bpf_program *p;
	int n = 0;

	bpf_object__for_each_program(p, t->skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(p);

		if (fd < 0 || n >= max)
			continue;
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			ids[n++] = info.id;
	}
	return n;
}

const struct systrace_capture *tk_systrace_next_cap(const struct systrace_rec *rec, size_t size,
						    const struct systrace_capture *prev)
{
	const char *base = (const char *)rec, *p;
	size_t off;

	if (size > rec->size)
		size = rec->size;
	if (!prev)
		off = sizeof(*rec);
	else
		off = (size_t)((const char *)prev - base) + ((sizeof(*prev) + prev->len + 7) & ~(size_t)7);
	if (off + sizeof(struct systrace_capture) > size)
		return NULL;
	p = base + off;
	if (off + sizeof(struct systrace_capture) + ((const struct systrace_capture *)p)->len > size)
		return NULL;
	return (const struct systrace_capture *)p;
}

const void *tk_systrace_mem(const struct systrace_rec *rec, size_t size, uint64_t addr, size_t *avail,
			    unsigned *flags)
{
	const struct systrace_capture *c = NULL;

	*avail = 0;
	if (flags)
		*flags = 0;
	while ((c = tk_systrace_next_cap(rec, size, c))) {
		if (c->flags & (SYSTRACE_CAPF_FAULT | SYSTRACE_CAPF_FDINO))
			continue;
		if (addr >= c->addr && addr - c->addr < c->len) {
			*avail = c->len - (addr - c->addr);
			if (flags)
				*flags = c->flags;
			return (const char *)(c + 1) + (addr - c->addr);
		}
		/* an empty string capture still answers a read at its address */
		if (addr == c->addr && !c->len && (c->flags & SYSTRACE_CAPF_STR)) {
			if (flags)
				*flags = c->flags;
			return c + 1;
		}
	}
	return NULL;
}

const struct systrace_fdino *tk_systrace_fdino(const struct systrace_rec *rec, size_t size, size_t *n)
{
	const struct systrace_capture *c = NULL;

	*n = 0;
	while ((c = tk_systrace_next_cap(rec, size, c)))
		if (c->flags & SYSTRACE_CAPF_FDINO) {
			*n = c->len / sizeof(struct systrace_fdino);
			return (const struct systrace_fdino *)(c + 1);
		}
	return NULL;
}

/* Event names, perf_event_open, and the mmap ring reader. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/perf/event.h"
#include "lib/tracefs/mount.h"
#include "lib/util/strsim.h"

struct named {
	const char *name;
	uint64_t config;
};

static const struct named sw_events[] = {
	{ "cpu-clock", PERF_COUNT_SW_CPU_CLOCK },
	{ "task-clock", PERF_COUNT_SW_TASK_CLOCK },
	{ "page-faults", PERF_COUNT_SW_PAGE_FAULTS },
	{ "context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-migrations", PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "minor-faults", PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "major-faults", PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "alignment-faults", PERF_COUNT_SW_ALIGNMENT_FAULTS },
	{ "emulation-faults", PERF_COUNT_SW_EMULATION_FAULTS },
	{ "dummy", PERF_COUNT_SW_DUMMY },
	{ "bpf-output", PERF_COUNT_SW_BPF_OUTPUT },
	{ "cgroup-switches", 11 /* PERF_COUNT_SW_CGROUP_SWITCHES, newer than some headers */ },
};

static const struct named sw_aliases[] = {
	{ "faults", PERF_COUNT_SW_PAGE_FAULTS },
	{ "cs", PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "migrations", PERF_COUNT_SW_CPU_MIGRATIONS },
};

static const struct named hw_events[] = {
	{ "cpu-cycles", PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-references", PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses", PERF_COUNT_HW_CACHE_MISSES },
	{ "branch-instructions", PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-misses", PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus-cycles", PERF_COUNT_HW_BUS_CYCLES },
	{ "stalled-cycles-frontend", PERF_COUNT_HW_STALLED_CYCLES_FRONTEND },
	{ "stalled-cycles-backend", PERF_COUNT_HW_STALLED_CYCLES_BACKEND },
	{ "ref-cycles", PERF_COUNT_HW_REF_CPU_CYCLES },
};

static const struct named hw_aliases[] = {
	{ "cycles", PERF_COUNT_HW_CPU_CYCLES },
	{ "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
};

static const char *const cache_ids[] = { "L1-dcache", "L1-icache", "LLC", "dTLB", "iTLB", "branch", "node" };
static const char *const cache_ops[] = { "loads", "stores", "prefetches" };

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *tk_perf_kind_name(enum tk_perf_kind k)
{
	switch (k) {
	case TK_EV_SOFTWARE:
		return "software";
	case TK_EV_HARDWARE:
		return "hardware";
	case TK_EV_CACHE:
		return "cache";
	case TK_EV_TRACEPOINT:
		return "tracepoint";
	}
	return "?";
}

static int find_named(const struct named *t, size_t n, const char *name, uint64_t *config)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].name, name)) {
			*config = t[i].config;
			return 0;
		}
	return -ENOENT;
}

static int parse_cache(const char *name, uint64_t *config)
{
	size_t id, op;
	char buf[96];

	for (id = 0; id < N(cache_ids); id++)
		for (op = 0; op < N(cache_ops); op++) {
			snprintf(buf, sizeof(buf), "%s-%s", cache_ids[id], cache_ops[op]);
			if (!strcmp(name, buf)) {
				*config = id | op << 8 | (uint64_t)PERF_COUNT_HW_CACHE_RESULT_ACCESS << 16;
				return 0;
			}
			/* perf spells the miss variant of "loads" as "load-misses" */
			snprintf(buf, sizeof(buf), "%s-%.*s-misses", cache_ids[id],
				 (int)strlen(cache_ops[op]) - (op == 2 ? 2 : 1), cache_ops[op]);
			if (!strcmp(name, buf)) {
				*config = id | op << 8 | (uint64_t)PERF_COUNT_HW_CACHE_RESULT_MISS << 16;
				return 0;
			}
		}
	return -ENOENT;
}

static int tracepoint_id(const char *sys, const char *ev, uint64_t *id)
{
	char dir[512], path[1024], buf[32];
	FILE *f;
	int r;

	r = tk_tracefs_ensure(dir, sizeof(dir), NULL);
	if (r)
		return r;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", dir, sys, ev);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*id = strtoull(buf, NULL, 10);
	return 0;
}

static void closest_hint(const char *name, char *err, size_t errlen)
{
	const char *cands[N(sw_events) + N(hw_events) + N(sw_aliases) + N(hw_aliases)];
	const char *best;
	size_t n = 0, i;

	for (i = 0; i < N(sw_events); i++)
		cands[n++] = sw_events[i].name;
	for (i = 0; i < N(hw_events); i++)
		cands[n++] = hw_events[i].name;
	for (i = 0; i < N(sw_aliases); i++)
		cands[n++] = sw_aliases[i].name;
	for (i = 0; i < N(hw_aliases); i++)
		cands[n++] = hw_aliases[i].name;
	best = tk_closest(name, cands, n);
	if (best)
		snprintf(err, errlen, "unknown event '%s'; did you mean '%s'?", name, best);
	else
		snprintf(err, errlen, "unknown event '%s' (see 'tracekit list')", name);
}

int tk_perf_event_parse(const char *spec, struct perf_event_attr *attr, char *err, size_t errlen)
{
	char name[256], *colon, *mods = NULL;
	uint64_t config = 0;
	int r;

	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	if (snprintf(name, sizeof(name), "%s", spec) >= (int)sizeof(name) || !*name) {
		snprintf(err, errlen, "bad event name '%s'", spec);
		return -EINVAL;
	}
	colon = strchr(name, ':');
	if (colon && colon[1] && strspn(colon + 1, "ukh") == strlen(colon + 1)) {
		/* cycles:u -- a modifier, not a tracepoint */
		*colon = 0;
		mods = colon + 1;
		colon = NULL;
	}
	if (colon) {
		*colon = 0;
		if (!name[0] || !colon[1] || strchr(colon + 1, ':') || strchr(name, '/') || strchr(colon + 1, '/')) {
			snprintf(err, errlen, "bad tracepoint name '%s' (want subsystem:event)", spec);
			return -EINVAL;
		}
		r = tracepoint_id(name, colon + 1, &config);
		if (r) {
			if (r == -ENOENT)
				snprintf(err, errlen, "unknown tracepoint '%s' (see 'tracekit list %s:*')", spec, name);
			else
				snprintf(err, errlen, "tracepoint '%s': %s", spec, strerror(-r));
			return r;
		}
		attr->type = PERF_TYPE_TRACEPOINT;
		attr->config = config;
		return 0;
	}
	if (!find_named(sw_events, N(sw_events), name, &config) ||
	    !find_named(sw_aliases, N(sw_aliases), name, &config)) {
		attr->type = PERF_TYPE_SOFTWARE;
	} else if (!find_named(hw_events, N(hw_events), name, &config) ||
		   !find_named(hw_aliases, N(hw_aliases), name, &config)) {
		attr->type = PERF_TYPE_HARDWARE;
	} else if (!parse_cache(name, &config)) {
		attr->type = PERF_TYPE_HW_CACHE;
	} else if (name[0] == 'r' && name[1] && strspn(name + 1, "0123456789abcdefABCDEF") == strlen(name + 1)) {
		attr->type = PERF_TYPE_RAW;
		config = strtoull(name + 1, NULL, 16);
	} else {
		closest_hint(name, err, errlen);
		return -ENOENT;
	}
	attr->config = config;
	if (mods && !strchr(mods, 'u') && strchr(mods, 'k'))
		attr->exclude_user = 1;
	if (mods && strchr(mods, 'u') && !strchr(mods, 'k'))
		attr->exclude_kernel = 1;
	if (mods && !strchr(mods, 'h'))
		attr->exclude_hv = 1;
	return 0;
}

static const char *tracepoint_name(uint64_t id, char *buf, size_t len)
{
	char dir[512], path[1024], line[32];
	DIR *d, *sd;
	struct dirent *a, *b;
	bool found = false;

	snprintf(buf, len, "tracepoint:%llu", (unsigned long long)id);
	if (tk_tracefs_find(dir, sizeof(dir)))
		return buf;
	snprintf(path, sizeof(path), "%s/events", dir);
	d = opendir(path);
	if (!d)
		return buf;
	while (!found && (a = readdir(d))) {
		if (a->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/events/%s", dir, a->d_name);
		sd = opendir(path);
		if (!sd)
			continue;
		while (!found && (b = readdir(sd))) {
			FILE *f;
			if (b->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/events/%s/%s/id", dir, a->d_name, b->d_name);
			f = fopen(path, "r");
			if (!f)
				continue;
			if (fgets(line, sizeof(line), f) && strtoull(line, NULL, 10) == id) {
				snprintf(buf, len, "%s:%s", a->d_name, b->d_name);
				found = true;
			}
			fclose(f);
		}
		closedir(sd);
	}
	closedir(d);
	return buf;
}

const char *tk_perf_event_name(const struct perf_event_attr *a, char *buf, size_t len)
{
	size_t i;

	switch (a->type) {
	case PERF_TYPE_SOFTWARE:
		for (i = 0; i < N(sw_events); i++)
			if (sw_events[i].config == a->config)
				return snprintf(buf, len, "%s", sw_events[i].name), buf;
		break;
	case PERF_TYPE_HARDWARE:
		for (i = 0; i < N(hw_events); i++)
			if (hw_events[i].config == a->config)
				return snprintf(buf, len, "%s", i == 0 ? "cycles" : hw_events[i].name), buf;
		break;
	case PERF_TYPE_HW_CACHE: {
		uint64_t id = a->config & 0xff, op = (a->config >> 8) & 0xff, res = (a->config >> 16) & 0xff;
		if (id < N(cache_ids) && op < N(cache_ops) && res <= 1) {
			if (res)
				snprintf(buf, len, "%s-%.*s-misses", cache_ids[id],
					 (int)strlen(cache_ops[op]) - (op == 2 ? 2 : 1), cache_ops[op]);
			else
				snprintf(buf, len, "%s-%s", cache_ids[id], cache_ops[op]);
			return buf;
		}
		break;
	}
	case PERF_TYPE_TRACEPOINT:
		return tracepoint_name(a->config, buf, len);
	case PERF_TYPE_RAW:
		snprintf(buf, len, "r%llx", (unsigned long long)a->config);
		return buf;
	}
	snprintf(buf, len, "%u:%llu", a->type, (unsigned long long)a->config);
	return buf;
}

int tk_perf_open(struct perf_event_attr *a, pid_t pid, int cpu, int group_fd)
{
	long fd = syscall(SYS_perf_event_open, a, pid, cpu, group_fd, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : (int)fd;
}

int tk_perf_online_cpus(int *cpus, int max)
{
	char buf[1024], *p;
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	int n = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	for (p = buf; *p && *p != '\n';) {
		char *e;
		long lo = strtol(p, &e, 10), hi = lo, c;

		if (e == p)
			return -EINVAL;
		if (*e == '-')
			hi = strtol(e + 1, &e, 10);
		for (c = lo; c <= hi && n < max; c++)
			cpus[n++] = (int)c;
		p = *e == ',' ? e + 1 : e;
	}
	return n;
}

int tk_perf_try_open(uint32_t type, uint64_t config)
{
	struct perf_event_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = type;
	a.config = config;
	a.disabled = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	fd = tk_perf_open(&a, 0, -1, -1);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_tracepoints(tk_perf_list_cb cb, void *ctx)
{
	char dir[512], path[1024];
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	DIR *d, *sd;
	struct dirent *a, *b;
	int r = 0;

	if (tk_tracefs_ensure(dir, sizeof(dir), NULL))
		return 0; /* no tracefs: no tracepoints to list, not an error for `list` */
	snprintf(path, sizeof(path), "%s/events", dir);
	d = opendir(path);
	if (!d)
		return 0;
	while ((a = readdir(d))) {
		if (a->d_name[0] == '.' || !strcmp(a->d_name, "ftrace"))
			continue;
		snprintf(path, sizeof(path), "%s/events/%s", dir, a->d_name);
		sd = opendir(path);
		if (!sd)
			continue;
		while ((b = readdir(sd))) {
			char *s;
			if (b->d_name[0] == '.' || !strcmp(b->d_name, "enable") || !strcmp(b->d_name, "filter"))
				continue;
			if (n == cap) {
				char **nn;
				cap = cap ? cap * 2 : 1024;
				nn = realloc(names, cap * sizeof(*nn));
				if (!nn) {
					r = -ENOMEM;
					break;
				}
				names = nn;
			}
			if (asprintf(&s, "%s:%s", a->d_name, b->d_name) < 0) {
				r = -ENOMEM;
				break;
			}
			names[n++] = s;
		}
		closedir(sd);
		if (r)
			break;
	}
	closedir(d);
	if (!r)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		if (!r && cb(ctx, names[i], TK_EV_TRACEPOINT, true))
			r = 1;
		free(names[i]);
	}
	free(names);
	return r < 0 ? r : 0;
}

int tk_perf_list_events(tk_perf_list_cb cb, void *ctx)
{
	char buf[96];
	size_t i, id, op, res;

	for (i = 0; i < N(hw_events); i++)
		if (cb(ctx, hw_events[i].name, TK_EV_HARDWARE, !tk_perf_try_open(PERF_TYPE_HARDWARE, hw_events[i].config)))
			return 0;
	for (i = 0; i < N(sw_events); i++)
		if (cb(ctx, sw_events[i].name, TK_EV_SOFTWARE, !tk_perf_try_open(PERF_TYPE_SOFTWARE, sw_events[i].config)))
			return 0;
	for (id = 0; id < N(cache_ids); id++)
		for (op = 0; op < N(cache_ops); op++)
			for (res = 0; res <= 1; res++) {
				struct perf_event_attr a = { .type = PERF_TYPE_HW_CACHE };
				a.config = id | op << 8 | res << 16;
				tk_perf_event_name(&a, buf, sizeof(buf));
				if (cb(ctx, buf, TK_EV_CACHE, !tk_perf_try_open(a.type, a.config)))
					return 0;
			}
	return list_tracepoints(cb, ctx);
}

int tk_perf_ring_open(struct tk_perf_ring *r, int fd, int cpu, size_t data_pages)
{
	long page = sysconf(_SC_PAGESIZE);

	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->cpu = cpu;
	r->data_size = (uint64_t)data_pages * (uint64_t)page;
	r->mmap_len = (data_pages + 1) * (size_t)page;
	r->base = mmap(NULL, r->mmap_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (r->base == MAP_FAILED) {
		r->base = NULL;
		return -errno;
	}
	r->bounce = malloc(65536);
	if (!r->bounce) {
		munmap(r->base, r->mmap_len);
		r->base = NULL;
		return -ENOMEM;
	}
	return 0;
}

int tk_perf_ring_drain(struct tk_perf_ring *r, tk_perf_record_cb cb, void *ctx)
{
	struct perf_event_mmap_page *meta = r->base;
	uint8_t *data = (uint8_t *)r->base + meta->data_offset;
	uint64_t size = meta->data_size ? meta->data_size : r->data_size;
	uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = meta->data_tail;
	int n = 0, err = 0;

	while (tail < head) {
		uint64_t off = tail % size;
		struct perf_event_header h;
		const struct perf_event_header *rec;

		if (off + sizeof(h) <= size) {
			memcpy(&h, data + off, sizeof(h));
		} else {
			size_t first = size - off;
			memcpy(&h, data + off, first);
			memcpy((uint8_t *)&h + first, data, sizeof(h) - first);
		}
		if (h.size < sizeof(h) || tail + h.size > head) {
			err = -EIO; /* the kernel never writes this: stop rather than loop */
			break;
		}
		if (off + h.size <= size) {
			rec = (const void *)(data + off);
		} else {
			size_t first = size - off;
			memcpy(r->bounce, data + off, first);
			memcpy(r->bounce + first, data, h.size - first);
			rec = (const void *)r->bounce;
		}
		err = cb(ctx, rec, r->cpu);
		tail += h.size;
		n++;
		if (err)
			break;
	}
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	return err ? err : n;
}

void tk_perf_ring_close(struct tk_perf_ring *r)
{
	if (r->base)
		munmap(r->base, r->mmap_len);
	free(r->bounce);
	r->base = NULL;
	r->bounce = NULL;
}

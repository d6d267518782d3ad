/* perf.data -> symbolised samples; see profile.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/perf/profile.h"
#include "lib/sym/sym.h"

#define PERF_CONTEXT_MARK ((uint64_t)-4095)
#define KERNEL_START 0xffff800000000000ULL

struct map {
	uint32_t pid;
	uint64_t start, len, pgoff, time;
	const char *path;
	const uint8_t *bid;
	uint8_t bidlen;
};

struct comm {
	uint32_t tid;
	uint64_t time;
	const char *name;
};

struct fork {
	uint32_t pid, ppid;	/* for threads: tid and parent tid */
};

/* A string-keyed open-addressing table mapping to indexes. */
struct intern {
	char **keys;
	uint32_t *vals;
	size_t cap, n;
};

struct priv {
	struct map *maps;
	size_t nmaps, mcap;
	struct comm *comms;
	size_t ncomms, ccap;
	struct fork *forks;
	size_t nforks, fcap;
	struct fork *tforks;	/* every FORK by thread, for command names before the first COMM */
	size_t ntforks, tfcap;
	struct intern symtab, commtab;
	struct tk_symbolizer *sym;
	size_t scap, fcap2, sycap, cocap;
	size_t last_map;
	char **strings; /* owned strings of syms */
	size_t nstrings, stcap;
};

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* Find key; if absent insert it with value *val (the key is copied). 1 found, 0 inserted, -ENOMEM. */
static int intern_get(struct intern *t, const char *key, uint32_t *val)
{
	size_t i, len = strlen(key);

	if (t->n * 2 >= t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 1024, k;
		char **nk = calloc(ncap, sizeof(*nk));
		uint32_t *nv = calloc(ncap, sizeof(*nv));
		if (!nk || !nv) {
			free(nk);
			free(nv);
			return -ENOMEM;
		}
		for (k = 0; k < t->cap; k++) {
			if (!t->keys[k])
				continue;
			i = hash_bytes(t->keys[k], strlen(t->keys[k])) & (ncap - 1);
			while (nk[i])
				i = (i + 1) & (ncap - 1);
			nk[i] = t->keys[k];
			nv[i] = t->vals[k];
		}
		free(t->keys);
		free(t->vals);
		t->keys = nk;
		t->vals = nv;
		t->cap = ncap;
	}
	i = hash_bytes(key, len) & (t->cap - 1);
	while (t->keys[i]) {
		if (!strcmp(t->keys[i], key)) {
			*val = t->vals[i];
			return 1;
		}
		i = (i + 1) & (t->cap - 1);
	}
	t->keys[i] = strdup(key);
	if (!t->keys[i])
		return -ENOMEM;
	t->vals[i] = *val;
	t->n++;
	return 0;
}

static void intern_free(struct intern *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->keys[i]);
	free(t->keys);
	free(t->vals);
}

static int grow(void **v, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 256;
	void *nv = realloc(*v, ncap * elem);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

static int perr(struct tk_profile *p, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int perr(struct tk_profile *p, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	return r;
}

static int cmp_map(const void *a, const void *b)
{
	const struct map *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->time < y->time ? -1 : x->time > y->time;
}

static int cmp_comm(const void *a, const void *b)
{
	const struct comm *x = a, *y = b;

	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x->time < y->time ? -1 : x->time > y->time;
}

static int cmp_fork(const void *a, const void *b)
{
	const struct fork *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Pass 1: the side-band records. */
static int collect(struct tk_profile *p, struct priv *v)
{
	struct pd_iter it;
	struct pd_event ev;
	int r;

	pd_iter_init(&p->file, &it);
	while ((r = pd_next(&p->file, &it, &ev)) > 0) {
		switch (ev.type) {
		case PERF_RECORD_MMAP:
		case PERF_RECORD_MMAP2: {
			struct map *m;
			if ((ev.misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL)
				break; /* kernel addresses go through kallsyms */
			if (ev.type == PERF_RECORD_MMAP2 && !(ev.mmap.prot & 4 /* PROT_EXEC */))
				break;
			if (grow((void **)&v->maps, &v->mcap, v->nmaps, sizeof(*v->maps)))
				goto nomem;
			m = &v->maps[v->nmaps++];
			m->pid = ev.mmap.pid;
			m->start = ev.mmap.start;
			m->len = ev.mmap.len;
			m->pgoff = ev.mmap.pgoff;
			m->time = ev.time;
			m->path = ev.mmap.filename;
			m->bidlen = ev.mmap.build_id_size;
			/* point at the id inside the file buffer: it lives as long as the profile */
			m->bid = m->bidlen ? ev.raw + 8 + 32 + 4 : NULL;
			if (!m->bidlen) {
				/* perf's files carry build-ids in the BUILD_ID feature, by path */
				size_t b;
				for (b = 0; b < p->file.nbids; b++)
					if (!p->file.bids[b].kernel && !strcmp(p->file.bids[b].path, m->path)) {
						m->bid = p->file.bids[b].id;
						m->bidlen = p->file.bids[b].size;
						break;
					}
			}
			break;
		}
		case PERF_RECORD_COMM: {
			struct comm *c;
			if (grow((void **)&v->comms, &v->ccap, v->ncomms, sizeof(*v->comms)))
				goto nomem;
			c = &v->comms[v->ncomms++];
			c->tid = ev.comm.tid;
			c->time = ev.time;
			c->name = ev.comm.comm;
			break;
		}
		case PERF_RECORD_FORK:
			if (grow((void **)&v->tforks, &v->tfcap, v->ntforks, sizeof(*v->tforks)))
				goto nomem;
			v->tforks[v->ntforks].pid = ev.task.tid;
			v->tforks[v->ntforks].ppid = ev.task.ptid;
			v->ntforks++;
			if (ev.task.pid == ev.task.ppid)
				break; /* a new thread shares its process's maps */
			if (grow((void **)&v->forks, &v->fcap, v->nforks, sizeof(*v->forks)))
				goto nomem;
			v->forks[v->nforks].pid = ev.task.pid;
			v->forks[v->nforks].ppid = ev.task.ppid;
			v->nforks++;
			break;
		case PERF_RECORD_LOST:
			p->lost += ev.lost.lost;
			break;
		case PERF_RECORD_LOST_SAMPLES:
			p->lost += ev.lost_samples.lost;
			break;
		}
	}
	pd_iter_free(&it);
	if (r < 0)
		return perr(p, r, "%s", p->file.err);
	if (v->nmaps)
		qsort(v->maps, v->nmaps, sizeof(*v->maps), cmp_map);
	if (v->ncomms)
		qsort(v->comms, v->ncomms, sizeof(*v->comms), cmp_comm);
	if (v->nforks)
		qsort(v->forks, v->nforks, sizeof(*v->forks), cmp_fork);
	if (v->ntforks)
		qsort(v->tforks, v->ntforks, sizeof(*v->tforks), cmp_fork);
	return 0;
nomem:
	pd_iter_free(&it);
	return perr(p, -ENOMEM, "out of memory");
}

static bool covers(const struct map *m, uint64_t addr)
{
	return addr >= m->start && addr - m->start < m->len;
}

/* The mapping of pid holding addr at time t: the newest one mapped at or before t. */
static const struct map *find_map_pid(struct priv *v, uint32_t pid, uint64_t addr, uint64_t t)
{
	size_t lo = 0, hi = v->nmaps, i;
	const struct map *best = NULL, *earliest = NULL;

	if (v->last_map < v->nmaps) {
		const struct map *m = &v->maps[v->last_map];
		/* fast path: same mapping as the last frame, and no newer mapping could shadow it */
		if (m->pid == pid && covers(m, addr) && m->time <= t &&
		    (v->last_map + 1 == v->nmaps || v->maps[v->last_map + 1].pid != pid ||
		     v->maps[v->last_map + 1].start > addr))
			return m;
	}
	/* last index with (pid, start) <= (pid, addr) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct map *m = &v->maps[mid];
		if (m->pid < pid || (m->pid == pid && m->start <= addr))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i-- > 0 && v->maps[i].pid == pid;) {
		const struct map *m = &v->maps[i];
		if (!covers(m, addr))
			continue;
		if (m->time <= t && (!best || m->time > best->time))
			best = m;
		if (!earliest || m->time < earliest->time)
			earliest = m;
	}
	if (!best)
		best = earliest;
	if (best)
		v->last_map = (size_t)(best - v->maps);
	return best;
}

static uint32_t parent_in(const struct fork *f, size_t n, uint32_t pid)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && f[lo].pid == pid ? f[lo].ppid : 0;
}

static uint32_t parent_of(struct priv *v, uint32_t pid)
{
	return parent_in(v->forks, v->nforks, pid);
}

static const struct map *find_map(struct priv *v, uint32_t pid, uint64_t addr, uint64_t t)
{
	int depth;

	for (depth = 0; depth < 8 && pid; depth++) {
		const struct map *m = find_map_pid(v, pid, addr, t);
		if (m)
			return m;
		pid = parent_of(v, pid);
	}
	return NULL;
}

/* The name tid had at time t; with earliest, the first it ever had if none was set by then. */
static const char *comm_at(struct priv *v, uint32_t tid, uint64_t t, bool earliest)
{
	size_t lo = 0, hi = v->ncomms, i;
	const char *best = NULL;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v->comms[mid].tid < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < v->ncomms && v->comms[i].tid == tid; i++) {
		if (v->comms[i].time <= t || (earliest && !best))
			best = v->comms[i].name;
		if (v->comms[i].time > t)
			break;
	}
	return best;
}

/* A thread without a COMM of its own yet carries the name it inherited at fork, as in the kernel. */
static const char *find_comm(struct priv *v, uint32_t tid, uint64_t t)
{
	uint32_t cur = tid;
	const char *c;
	int depth;

	for (depth = 0; depth < 8 && cur; depth++) {
		c = comm_at(v, cur, t, false);
		if (c)
			return c;
		cur = parent_in(v->tforks, v->ntforks, cur);
	}
	return comm_at(v, tid, t, true);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s && s[1] ? s + 1 : path;
}

static const char *own(struct priv *v, const char *s)
{
	char *d;

	if (grow((void **)&v->strings, &v->stcap, v->nstrings, sizeof(char *)))
		return NULL;
	d = strdup(s);
	if (d)
		v->strings[v->nstrings++] = d;
	return d;
}

static int intern_sym(struct tk_profile *p, struct priv *v, const char *name, const char *dso_path, bool kernel,
		      bool resolved, uint32_t *out)
{
	char key[1024];
	uint32_t idx = (uint32_t)p->nsyms;
	int r;

	snprintf(key, sizeof(key), "%c%s\x1f%s", kernel ? 'k' : 'u', name, dso_path);
	r = intern_get(&v->symtab, key, &idx);
	if (r < 0)
		return r;
	if (r == 0) {
		struct tk_psym *s;
		if (grow((void **)&p->syms, &v->sycap, p->nsyms, sizeof(*p->syms)))
			return -ENOMEM;
		s = &p->syms[p->nsyms++];
		s->name = own(v, name);
		s->dso_path = own(v, dso_path);
		s->dso = s->dso_path ? (kernel && s->dso_path[0] != '[' ? s->dso_path : base_name(s->dso_path)) : NULL;
		s->kernel = kernel;
		s->resolved = resolved;
		if (!s->name || !s->dso_path)
			return -ENOMEM;
	}
	*out = idx;
	return 0;
}

static int resolve_frame(struct tk_profile *p, struct priv *v, uint32_t pid, uint64_t addr, uint64_t t, bool kernel,
			 uint32_t *out)
{
	struct tk_sym_result res;
	char name[64], mod[160];

	if (kernel || addr >= KERNEL_START) {
		const char *module = NULL;
		if (!(p->flags & TK_PROFILE_NO_FILES) && !tk_sym_kernel(v->sym, addr, &res, &module)) {
			if (module)
				snprintf(mod, sizeof(mod), "[%s]", module);
			return intern_sym(p, v, res.name, module ? mod : "[kernel.kallsyms]", true, true, out);
		}
		snprintf(name, sizeof(name), "0x%016llx", (unsigned long long)addr);
		return intern_sym(p, v, name, "[kernel.kallsyms]", true, false, out);
	}
	{
		const struct map *m = find_map(v, pid, addr, t);
		struct tk_sym_map sm;

		if (!m && (p->flags & TK_PROFILE_NO_FILES))
			return intern_sym(p, v, "[unknown]", "[unknown]", false, false, out);
		if (m && (p->flags & TK_PROFILE_NO_FILES)) {
			snprintf(name, sizeof(name), "0x%016llx", (unsigned long long)(addr - m->start + m->pgoff));
			return intern_sym(p, v, name, m->path, false, false, out);
		}
		if (!m) {
			tk_sym_user(v->sym, pid, &(struct tk_sym_map){ .path = "//anon", .len = ~0ULL }, addr, &res);
			if (res.name)
				return intern_sym(p, v, res.name, "[JIT]", false, true, out);
			return intern_sym(p, v, "[unknown]", "[unknown]", false, false, out);
		}
		sm.start = m->start;
		sm.len = m->len;
		sm.pgoff = m->pgoff;
		sm.path = m->path;
		sm.build_id = m->bid;
		sm.build_id_len = m->bidlen;
		if (!tk_sym_user(v->sym, pid, &sm, addr, &res))
			return intern_sym(p, v, res.name, tk_sym_is_anon(m->path) ? "[JIT]" : m->path, false, true,
					  out);
		snprintf(name, sizeof(name), "0x%016llx", (unsigned long long)res.rel);
		return intern_sym(p, v, name, m->path, false, false, out);
	}
}

static int add_frame(struct tk_profile *p, struct priv *v, uint32_t f)
{
	if (grow((void **)&p->frames, &v->fcap2, p->nframes, sizeof(*p->frames)))
		return -ENOMEM;
	p->frames[p->nframes++] = f;
	if (p->syms[f].resolved)
		p->resolved++;
	else
		p->unresolved++;
	return 0;
}

/* Pass 2: the samples. */
static int resolve(struct tk_profile *p, struct priv *v)
{
	struct pd_iter it;
	struct pd_event ev;
	int r;
	size_t i;

	p->nevents = p->file.nattrs;
	p->events = calloc(p->nevents, sizeof(char *));
	if (!p->events)
		return perr(p, -ENOMEM, "out of memory");
	for (i = 0; i < p->nevents; i++) {
		char buf[160];
		p->events[i] = strdup(pd_attr_name(&p->file.attrs[i], buf, sizeof(buf)));
		if (!p->events[i])
			return perr(p, -ENOMEM, "out of memory");
		if (p->file.attrs[i].attr.sample_type & PERF_SAMPLE_CALLCHAIN)
			p->has_callchains = true;
	}
	pd_iter_init(&p->file, &it);
	while ((r = pd_next(&p->file, &it, &ev)) > 0) {
		struct pd_sample *s = &ev.sample;
		struct tk_psample *ps;
		const char *comm;
		char cbuf[32];
		uint32_t idx, f;
		bool kernel = (ev.misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
		uint64_t k, t = ev.has_time ? ev.time : ~0ULL;

		if (ev.type != PERF_RECORD_SAMPLE)
			continue;
		if (grow((void **)&p->samples, &v->scap, p->nsamples, sizeof(*p->samples))) {
			r = -ENOMEM;
			break;
		}
		ps = &p->samples[p->nsamples];
		memset(ps, 0, sizeof(*ps));
		ps->event = (uint32_t)(s->attr - p->file.attrs);
		ps->pid = s->pid;
		ps->tid = s->tid;
		ps->period = s->period;
		ps->first = (uint32_t)p->nframes;
		comm = find_comm(v, s->tid, t);
		if (!comm)
			comm = find_comm(v, s->pid, t);
		if (!comm) {
			snprintf(cbuf, sizeof(cbuf), ":%u", s->tid);
			comm = cbuf;
		}
		idx = (uint32_t)p->ncomms;
		r = intern_get(&v->commtab, comm, &idx);
		if (r < 0)
			break;
		if (r == 0) {
			if (grow((void **)&p->comms, &v->cocap, p->ncomms, sizeof(char *)) ||
			    !(p->comms[p->ncomms] = strdup(comm))) {
				r = -ENOMEM;
				break;
			}
			p->ncomms++;
		}
		ps->comm = idx;
		r = 0;
		if (s->nr) {
			bool in_kernel = kernel;
			for (k = 0; k < s->nr && !r; k++) {
				uint64_t ip = s->ips[k];
				if (ip >= PERF_CONTEXT_MARK) {
					in_kernel = ip == (uint64_t)PERF_CONTEXT_KERNEL ||
						    ip == (uint64_t)PERF_CONTEXT_GUEST_KERNEL;
					continue;
				}
				r = resolve_frame(p, v, s->pid, ip, t, in_kernel, &f);
				if (!r)
					r = add_frame(p, v, f);
				if (!r)
					ps->nframes++;
			}
		}
		if (!ps->nframes && !r) {
			r = resolve_frame(p, v, s->pid, s->ip, t, kernel, &f);
			if (!r)
				r = add_frame(p, v, f);
			if (!r)
				ps->nframes++;
		}
		if (r)
			break;
		p->nsamples++;
	}
	pd_iter_free(&it);
	if (r < 0)
		return r == -ENOMEM ? perr(p, r, "out of memory") : perr(p, r, "%s", p->file.err);
	return 0;
}

static int load(struct tk_profile *p)
{
	struct priv *v = calloc(1, sizeof(*v));
	int r;

	if (!v)
		return perr(p, -ENOMEM, "out of memory");
	p->priv = v;
	r = tk_sym_new(&v->sym);
	if (r)
		return perr(p, r, "out of memory");
	r = collect(p, v);
	if (!r)
		r = resolve(p, v);
	return r;
}

int tk_profile_load_buf(struct tk_profile *p, uint8_t *buf, size_t len, unsigned flags)
{
	int r;

	memset(p, 0, sizeof(*p));
	p->flags = flags;
	r = pd_open_buf(&p->file, buf, len);
	if (r)
		return perr(p, r, "%s", p->file.err);
	return load(p);
}

int tk_profile_load(struct tk_profile *p, const char *path)
{
	int r;

	memset(p, 0, sizeof(*p));
	r = pd_open_path(&p->file, path);
	if (r)
		return perr(p, r, "%s", p->file.err);
	return load(p);
}

void tk_profile_free(struct tk_profile *p)
{
	struct priv *v = p->priv;
	size_t i;

	if (v) {
		free(v->maps);
		free(v->comms);
		free(v->forks);
		free(v->tforks);
		intern_free(&v->symtab);
		intern_free(&v->commtab);
		tk_sym_free(v->sym);
		for (i = 0; i < v->nstrings; i++)
			free(v->strings[i]);
		free(v->strings);
		free(v);
	}
	for (i = 0; i < p->nevents; i++)
		free(p->events[i]);
	free(p->events);
	for (i = 0; i < p->ncomms; i++)
		free(p->comms[i]);
	free(p->comms);
	free(p->syms);
	free(p->samples);
	free(p->frames);
	pd_close(&p->file);
	memset(p, 0, sizeof(*p));
}

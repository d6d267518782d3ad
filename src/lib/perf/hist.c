/* perf-report style histograms; see hist.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/perf/hist.h"

static const char *const key_names[] = { "comm", "pid", "dso", "sym" };

const char *tk_sort_key_name(enum tk_sort_key k)
{
	return key_names[k];
}

int tk_sort_parse(const char *spec, enum tk_sort_key *keys, int *nkeys, char *bad, size_t badlen)
{
	const char *p = spec;

	*nkeys = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		int k = -1;

		if (n == 3 && !strncmp(p, "sym", 3))
			k = TK_SORT_SYM;
		else if (n == 6 && !strncmp(p, "symbol", 6))
			k = TK_SORT_SYM;
		else if (n == 3 && !strncmp(p, "dso", 3))
			k = TK_SORT_DSO;
		else if (n == 4 && !strncmp(p, "comm", 4))
			k = TK_SORT_COMM;
		else if (n == 3 && !strncmp(p, "pid", 3))
			k = TK_SORT_PID;
		if (k < 0 || *nkeys == TK_SORT_MAX) {
			snprintf(bad, badlen, "%.*s", (int)n, p);
			return -EINVAL;
		}
		keys[(*nkeys)++] = (enum tk_sort_key)k;
		p += n;
		if (*p == ',')
			p++;
	}
	if (!*nkeys) {
		snprintf(bad, badlen, "%s", spec);
		return -EINVAL;
	}
	return 0;
}

/* Row identity: a 64-bit key over the selected columns, in an open-addressing table. */
struct rowmap {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap, n;
};

struct ctx {
	const struct tk_profile *p;
	bool use[TK_SORT_MAX];
	uint32_t *dso_id; /* per sym: an id shared by syms of the same dso */
	uint32_t *sym_id; /* per sym: an id shared by syms with the same name+dso+kernel */
	struct rowmap map;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static int rowmap_get(struct rowmap *m, uint64_t key, uint32_t *val, uint32_t next)
{
	size_t i;

	if (m->n * 2 >= m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 1024, k;
		uint64_t *nk = malloc(ncap * sizeof(*nk));
		uint32_t *nv = malloc(ncap * sizeof(*nv));
		if (!nk || !nv) {
			free(nk);
			free(nv);
			return -ENOMEM;
		}
		memset(nv, 0xff, ncap * sizeof(*nv));
		for (k = 0; k < m->cap; k++) {
			if (m->vals[k] == UINT32_MAX)
				continue;
			i = mix(m->keys[k]) & (ncap - 1);
			while (nv[i] != UINT32_MAX)
				i = (i + 1) & (ncap - 1);
			nk[i] = m->keys[k];
			nv[i] = m->vals[k];
		}
		free(m->keys);
		free(m->vals);
		m->keys = nk;
		m->vals = nv;
		m->cap = ncap;
	}
	i = mix(key) & (m->cap - 1);
	while (m->vals[i] != UINT32_MAX) {
		if (m->keys[i] == key) {
			*val = m->vals[i];
			return 1;
		}
		i = (i + 1) & (m->cap - 1);
	}
	m->keys[i] = key;
	m->vals[i] = next;
	m->n++;
	*val = next;
	return 0;
}

/* ids that make "same dso" and "same symbol" integer comparisons (syms are interned per name+dso) */
static int build_ids(struct ctx *c)
{
	const struct tk_profile *p = c->p;
	size_t i, j;

	c->dso_id = calloc(p->nsyms + 1, sizeof(uint32_t));
	c->sym_id = calloc(p->nsyms + 1, sizeof(uint32_t));
	if (!c->dso_id || !c->sym_id)
		return -ENOMEM;
	for (i = 0; i < p->nsyms; i++) {
		c->sym_id[i] = (uint32_t)i;
		c->dso_id[i] = (uint32_t)i;
		/* dsos: first sym with the same path; a linear scan over distinct dsos is short */
		for (j = 0; j < i; j++)
			if (c->dso_id[j] == j && !strcmp(p->syms[j].dso_path, p->syms[i].dso_path)) {
				c->dso_id[i] = (uint32_t)j;
				break;
			}
	}
	return 0;
}

static uint64_t row_key(struct ctx *c, const struct tk_psample *s, uint32_t sym)
{
	uint64_t k = 0;

	if (c->use[TK_SORT_COMM])
		k = k * 1000003 + s->comm + 1;
	if (c->use[TK_SORT_PID])
		k = k * 1000003 + s->pid + 1;
	if (c->use[TK_SORT_DSO])
		k = k * 1000003 + c->dso_id[sym] + 1;
	if (c->use[TK_SORT_SYM])
		k = k * 1000003 + c->sym_id[sym] + 1;
	/* the multiplier chain can collide in theory; the full tuple is checked below */
	return k;
}

struct sort_ctx {
	const struct tk_hist *h;
	const struct tk_profile *p;
};

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct tk_hist_row *x = a, *y = b;
	const struct sort_ctx *sc = arg;
	const struct tk_hist *sort_hist = sc->h;
	const struct tk_profile *sort_prof = sc->p;
	uint64_t vx = sort_hist->children ? x->children_period : x->self_period;
	uint64_t vy = sort_hist->children ? y->children_period : y->self_period;
	int i;

	if (vx != vy)
		return vx > vy ? -1 : 1;
	if (x->self_period != y->self_period)
		return x->self_period > y->self_period ? -1 : 1;
	for (i = 0; i < sort_hist->nkeys; i++) {
		char b1[512], b2[512];
		int r = strcmp(tk_hist_col(x, sort_prof, sort_hist->keys[i], b1, sizeof(b1)),
			       tk_hist_col(y, sort_prof, sort_hist->keys[i], b2, sizeof(b2)));
		if (r)
			return r;
	}
	return 0;
}

static bool same_row(struct ctx *c, const struct tk_hist_row *r, const struct tk_psample *s, uint32_t sym)
{
	return (!c->use[TK_SORT_COMM] || r->comm == s->comm) && (!c->use[TK_SORT_PID] || r->pid == s->pid) &&
	       (!c->use[TK_SORT_DSO] || c->dso_id[r->sym] == c->dso_id[sym]) &&
	       (!c->use[TK_SORT_SYM] || c->sym_id[r->sym] == c->sym_id[sym]);
}

static int get_row(struct tk_hist *h, struct ctx *c, const struct tk_psample *s, uint32_t sym, size_t *cap,
		   uint32_t *out)
{
	uint64_t key = row_key(c, s, sym);
	uint32_t idx;
	int r;

	for (;;) {
		r = rowmap_get(&c->map, key, &idx, (uint32_t)h->nrows);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		if (same_row(c, &h->rows[idx], s, sym)) {
			*out = idx;
			return 0;
		}
		key = mix(key + 1); /* collision of distinct tuples: probe a derived key */
	}
	if (h->nrows == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct tk_hist_row *nr = realloc(h->rows, ncap * sizeof(*nr));
		if (!nr)
			return -ENOMEM;
		h->rows = nr;
		*cap = ncap;
	}
	memset(&h->rows[h->nrows], 0, sizeof(h->rows[0]));
	h->rows[h->nrows].comm = s->comm;
	h->rows[h->nrows].pid = s->pid;
	h->rows[h->nrows].sym = sym;
	*out = (uint32_t)h->nrows++;
	return 0;
}

int tk_hist_build(struct tk_hist *h, const struct tk_profile *p, int event, const enum tk_sort_key *keys,
		  int nkeys, bool children)
{
	struct ctx c = { .p = p };
	uint32_t *seen = NULL;
	size_t cap = 0, seen_cap = 0, i;
	int k, r = 0;

	memset(h, 0, sizeof(*h));
	memcpy(h->keys, keys, nkeys * sizeof(*keys));
	h->nkeys = nkeys;
	h->children = children;
	for (k = 0; k < nkeys; k++)
		c.use[keys[k]] = true;
	r = build_ids(&c);
	for (i = 0; i < p->nsamples && !r; i++) {
		const struct tk_psample *s = &p->samples[i];
		const uint32_t *fr = tk_psample_frames(p, s);
		uint32_t row, f, j, nseen = 0;

		if (event >= 0 && s->event != (uint32_t)event)
			continue;
		h->total_period += s->period;
		h->total_samples++;
		if (!s->nframes)
			continue;
		r = get_row(h, &c, s, fr[0], &cap, &row);
		if (r)
			break;
		h->rows[row].self_period += s->period;
		h->rows[row].self_samples++;
		if (!children)
			continue;
		if (s->nframes > seen_cap) {
			uint32_t *ns = realloc(seen, s->nframes * sizeof(*ns));
			if (!ns) {
				r = -ENOMEM;
				break;
			}
			seen = ns;
			seen_cap = s->nframes;
		}
		for (f = 0; f < s->nframes && !r; f++) {
			r = get_row(h, &c, s, fr[f], &cap, &row);
			for (j = 0; j < nseen && seen[j] != row; j++)
				;
			if (r || j < nseen)
				continue; /* recursion: count the row once per sample */
			seen[nseen++] = row;
			h->rows[row].children_period += s->period;
			h->rows[row].children_samples++;
		}
	}
	free(seen);
	free(c.dso_id);
	free(c.sym_id);
	free(c.map.keys);
	free(c.map.vals);
	if (r) {
		tk_hist_free(h);
		return r;
	}
	if (h->nrows) {
		struct sort_ctx sc = { h, p };
		qsort_r(h->rows, h->nrows, sizeof(*h->rows), cmp_rows, &sc);
	}
	return 0;
}

void tk_hist_free(struct tk_hist *h)
{
	free(h->rows);
	h->rows = NULL;
	h->nrows = 0;
}

const char *tk_hist_col(const struct tk_hist_row *r, const struct tk_profile *p, enum tk_sort_key k, char *buf,
			size_t len)
{
	const struct tk_psym *s = &p->syms[r->sym];

	switch (k) {
	case TK_SORT_COMM:
		return p->comms[r->comm];
	case TK_SORT_PID:
		snprintf(buf, len, "%u:%s", r->pid, p->comms[r->comm]);
		return buf;
	case TK_SORT_DSO:
		return s->dso;
	case TK_SORT_SYM:
		snprintf(buf, len, "[%c] %s", s->kernel ? 'k' : '.', s->name);
		return buf;
	}
	return "";
}

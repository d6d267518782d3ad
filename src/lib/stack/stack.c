/*
 * The stack aggregate: frames interned by name in one open-addressing table, distinct stacks
 * (sequences of frame ids) in another. Both tables hold only indexes; names and id sequences live
 * in growable arenas, so memory follows the number of distinct frames and stacks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/stack/stack.h"

struct frame {
	size_t off;	/* into names */
	uint32_t len;
	uint32_t flags;
	uint64_t hash;
};

struct stack {
	size_t off;	/* into ids */
	uint32_t depth;
	uint64_t hash;
	uint64_t count[2];
};

struct tk_stacks {
	char *names;
	size_t names_len, names_cap;
	struct frame *frames;
	size_t nframes, frames_cap;
	uint32_t *frame_tab;	/* id + 1, 0 = empty */
	size_t frame_tab_size;	/* power of two */

	uint32_t *ids;
	size_t ids_len, ids_cap;
	struct stack *stacks;
	size_t nstacks, stacks_cap;
	/*
	 * (hash >> 32) << 32 | (index + 1), 0 = empty: the tag settles most wrong candidates without
	 * touching the stack or its ids, each a cache miss in a big profile
	 */
	uint64_t *stack_tab;
	size_t stack_tab_size;

	uint64_t total[2];
	bool keep_order;
	struct tk_stack_run *runs;
	size_t nruns, runs_cap;
};

static inline uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/*
 * A small multiply-rotate hash, two independent lanes of 8-byte words so the multiplies overlap:
 * it hashes every frame line of the input, so its speed is the parser's speed.
 */
uint64_t tk_hash_bytes(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t a = 0x9e3779b97f4a7c15ULL ^ (n * 0xc2b2ae3d27d4eb4fULL), b = 0x7f4a7c159e3779b9ULL, v, w;

	while (n >= 16) {
		memcpy(&v, p, 8);
		memcpy(&w, p + 8, 8);
		a = rotl64(a ^ (v * 0x87c37b91114253d5ULL), 31) * 0x4cf5ad432745937fULL;
		b = rotl64(b ^ (w * 0x4cf5ad432745937fULL), 29) * 0x87c37b91114253d5ULL;
		p += 16;
		n -= 16;
	}
	if (n >= 8) {
		memcpy(&v, p, 8);
		a = rotl64(a ^ (v * 0x87c37b91114253d5ULL), 31) * 0x4cf5ad432745937fULL;
		p += 8;
		n -= 8;
	}
	v = 0;
	if (n && p - (const unsigned char *)data >= 8) {
		/* the tail as one (overlapping) load of the last 8 bytes: no byte loop */
		memcpy(&v, p + n - 8, 8);
		v >>= (8 - n) * 8;
	} else if (n) {
		memcpy(&v, p, n);
	}
	b = rotl64(b ^ (v * 0x4cf5ad432745937fULL), 29) * 0x87c37b91114253d5ULL;
	a ^= rotl64(b, 17);
	a ^= a >> 33;
	a *= 0xff51afd7ed558ccdULL;
	a ^= a >> 33;
	return a;
}

int tk_grow_array(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*arr, n * elem);
	if (!q)
		return -ENOMEM;
	*arr = q;
	*cap = n;
	return 0;
}

struct tk_stacks *tk_stacks_new(void)
{
	struct tk_stacks *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->frame_tab_size = 1024;
	s->stack_tab_size = 1024;
	s->frame_tab = calloc(s->frame_tab_size, sizeof(uint32_t));
	s->stack_tab = calloc(s->stack_tab_size, sizeof(uint64_t));
	if (!s->frame_tab || !s->stack_tab) {
		tk_stacks_free(s);
		return NULL;
	}
	return s;
}

void tk_stacks_free(struct tk_stacks *s)
{
	if (!s)
		return;
	free(s->names);
	free(s->frames);
	free(s->frame_tab);
	free(s->ids);
	free(s->stacks);
	free(s->stack_tab);
	free(s->runs);
	free(s);
}

static int rehash(uint32_t **tab, size_t *size, size_t nitems, const void *items, size_t stride,
		  size_t hash_off)
{
	size_t nsize = *size * 2, i, mask = nsize - 1;
	uint32_t *nt = calloc(nsize, sizeof(uint32_t));

	if (!nt)
		return -ENOMEM;
	for (i = 0; i < nitems; i++) {
		uint64_t h;
		size_t j;

		memcpy(&h, (const char *)items + i * stride + hash_off, sizeof(h));
		for (j = h & mask; nt[j]; j = (j + 1) & mask)
			;
		nt[j] = (uint32_t)i + 1;
	}
	free(*tab);
	*tab = nt;
	*size = nsize;
	return 0;
}

int64_t tk_stacks_intern(struct tk_stacks *s, const char *name, size_t len, unsigned flags)
{
	uint64_t h = tk_hash_bytes(name, len);
	size_t mask = s->frame_tab_size - 1, j;
	struct frame *f;

	for (j = h & mask; s->frame_tab[j]; j = (j + 1) & mask) {
		f = &s->frames[s->frame_tab[j] - 1];
		if (f->hash == h && f->len == len && !memcmp(s->names + f->off, name, len)) {
			f->flags |= flags;
			return s->frame_tab[j] - 1;
		}
	}
	if (len > UINT32_MAX || s->nframes >= UINT32_MAX - 1)
		return -ENOMEM;
	if (tk_grow_array((void **)&s->frames, &s->frames_cap, s->nframes + 1, sizeof(*s->frames)) ||
	    tk_grow_array((void **)&s->names, &s->names_cap, s->names_len + len + 1, 1))
		return -ENOMEM;
	f = &s->frames[s->nframes];
	f->off = s->names_len;
	f->len = (uint32_t)len;
	f->flags = flags;
	f->hash = h;
	memcpy(s->names + s->names_len, name, len);
	s->names[s->names_len + len] = 0;
	s->names_len += len + 1;
	s->frame_tab[j] = (uint32_t)++s->nframes;
	if (s->nframes * 2 > s->frame_tab_size &&
	    rehash(&s->frame_tab, &s->frame_tab_size, s->nframes, s->frames, sizeof(*s->frames),
		   offsetof(struct frame, hash)))
		return -ENOMEM;
	return (int64_t)s->nframes - 1;
}

const char *tk_stacks_frame_name(const struct tk_stacks *s, uint32_t id)
{
	return s->names + s->frames[id].off;
}

size_t tk_stacks_frame_len(const struct tk_stacks *s, uint32_t id)
{
	return s->frames[id].len;
}

unsigned tk_stacks_frame_flags(const struct tk_stacks *s, uint32_t id)
{
	return s->frames[id].flags;
}

size_t tk_stacks_nframes(const struct tk_stacks *s)
{
	return s->nframes;
}

static int note_order(struct tk_stacks *s, uint32_t idx, uint64_t count)
{
	if (s->nruns && s->runs[s->nruns - 1].stack == idx) {
		s->runs[s->nruns - 1].count += count;
		return 0;
	}
	if (tk_grow_array((void **)&s->runs, &s->runs_cap, s->nruns + 1, sizeof(*s->runs)))
		return -ENOMEM;
	s->runs[s->nruns].stack = idx;
	s->runs[s->nruns].count = count;
	s->nruns++;
	return 0;
}

static int stack_tab_grow(struct tk_stacks *s)
{
	size_t nsize = s->stack_tab_size * 2, i, mask = nsize - 1;
	uint64_t *nt = calloc(nsize, sizeof(*nt));

	if (!nt)
		return -ENOMEM;
	for (i = 0; i < s->nstacks; i++) {
		uint64_t h = s->stacks[i].hash;
		size_t j;

		for (j = h & mask; nt[j]; j = (j + 1) & mask)
			;
		nt[j] = (h >> 32 << 32) | ((uint64_t)i + 1);
	}
	free(s->stack_tab);
	s->stack_tab = nt;
	s->stack_tab_size = nsize;
	return 0;
}

static inline bool same_ids(const uint32_t *a, const uint32_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* The index of the stack ids[0..depth), added (with zero counts) when new; -ENOMEM. */
static int64_t stack_index(struct tk_stacks *s, const uint32_t *ids, size_t depth)
{
	uint64_t h = tk_hash_bytes(ids, depth * sizeof(*ids)), e;
	size_t mask = s->stack_tab_size - 1, j;
	struct stack *st;

	for (j = h & mask; (e = s->stack_tab[j]); j = (j + 1) & mask) {
		if ((e >> 32) != (h >> 32))
			continue;
		st = &s->stacks[(uint32_t)e - 1];
		if (st->depth == depth && (!depth || same_ids(s->ids + st->off, ids, depth)))
			return (uint32_t)e - 1;
	}
	if (depth > UINT32_MAX || s->nstacks >= UINT32_MAX - 1)
		return -ENOMEM;
	if (tk_grow_array((void **)&s->stacks, &s->stacks_cap, s->nstacks + 1, sizeof(*s->stacks)) ||
	    tk_grow_array((void **)&s->ids, &s->ids_cap, s->ids_len + depth, sizeof(*s->ids)))
		return -ENOMEM;
	st = &s->stacks[s->nstacks];
	st->off = s->ids_len;
	st->depth = (uint32_t)depth;
	st->hash = h;
	st->count[0] = st->count[1] = 0;
	if (depth)
		memcpy(s->ids + s->ids_len, ids, depth * sizeof(*ids));
	s->ids_len += depth;
	s->stack_tab[j] = (h >> 32 << 32) | ((uint64_t)s->nstacks + 1);
	s->nstacks++;
	if (s->nstacks * 2 > s->stack_tab_size && stack_tab_grow(s))
		return -ENOMEM;
	return (int64_t)s->nstacks - 1;
}

int tk_stacks_add_ids_slot(struct tk_stacks *s, int slot, const uint32_t *ids, size_t depth,
			   uint64_t count)
{
	int64_t i;

	if (slot < 0 || slot > 1)
		return -EINVAL;
	i = stack_index(s, ids, depth);
	if (i < 0)
		return (int)i;
	s->stacks[i].count[slot] += count;
	s->total[slot] += count;
	return s->keep_order ? note_order(s, (uint32_t)i, count) : 0;
}

int tk_stacks_merge(struct tk_stacks *dst, const struct tk_stacks *src)
{
	uint32_t *map = malloc((src->nframes ? src->nframes : 1) * sizeof(*map)), *ids = NULL;
	size_t ids_cap = 0, i, d;
	int err = 0;

	if (!map)
		return -ENOMEM;
	/* in id order, so frames new to dst get ids in the order a single pass would have seen them */
	for (i = 0; i < src->nframes; i++) {
		const struct frame *f = &src->frames[i];
		int64_t id = tk_stacks_intern(dst, src->names + f->off, f->len, f->flags);

		if (id < 0) {
			err = (int)id;
			goto out;
		}
		map[i] = (uint32_t)id;
	}
	for (i = 0; i < src->nstacks; i++) {
		const struct stack *st = &src->stacks[i];
		int64_t k;
		int slot;

		if (tk_grow_array((void **)&ids, &ids_cap, st->depth + 1, sizeof(*ids))) {
			err = -ENOMEM;
			goto out;
		}
		for (d = 0; d < st->depth; d++)
			ids[d] = map[src->ids[st->off + d]];
		k = stack_index(dst, ids, st->depth);
		if (k < 0) {
			err = (int)k;
			goto out;
		}
		for (slot = 0; slot < 2; slot++) {
			dst->stacks[k].count[slot] += st->count[slot];
			dst->total[slot] += st->count[slot];
		}
	}
out:
	free(map);
	free(ids);
	return err;
}

bool tk_stacks_keeps_order(const struct tk_stacks *s)
{
	return s->keep_order;
}

int tk_stacks_add_ids(struct tk_stacks *s, const uint32_t *ids, size_t depth, uint64_t count)
{
	return tk_stacks_add_ids_slot(s, 0, ids, depth, count);
}

int tk_stacks_add(struct tk_stacks *s, const char *const *frames, const unsigned *flags, size_t depth,
		  uint64_t count)
{
	uint32_t small[128], *ids = small;
	size_t i;
	int err = 0;

	if (depth > 128 && !(ids = malloc(depth * sizeof(*ids))))
		return -ENOMEM;
	for (i = 0; i < depth; i++) {
		int64_t id = tk_stacks_intern(s, frames[i], strlen(frames[i]), flags ? flags[i] : 0);

		if (id < 0) {
			err = (int)id;
			goto out;
		}
		ids[i] = (uint32_t)id;
	}
	err = tk_stacks_add_ids(s, ids, depth, count);
out:
	if (ids != small)
		free(ids);
	return err;
}

size_t tk_stacks_count(const struct tk_stacks *s)
{
	return s->nstacks;
}

uint64_t tk_stacks_total(const struct tk_stacks *s, int slot)
{
	return slot == 1 ? s->total[1] : s->total[0];
}

void tk_stacks_get(const struct tk_stacks *s, size_t i, struct tk_stack *out)
{
	const struct stack *st = &s->stacks[i];

	out->frames = st->depth ? s->ids + st->off : NULL;
	out->depth = st->depth;
	out->count[0] = st->count[0];
	out->count[1] = st->count[1];
}

int tk_stacks_frame_cmp(const struct tk_stacks *s, uint32_t a, uint32_t b)
{
	const struct frame *fa = &s->frames[a], *fb = &s->frames[b];
	size_t m = fa->len < fb->len ? fa->len : fb->len;
	int r;

	if (a == b)
		return 0;
	r = memcmp(s->names + fa->off, s->names + fb->off, m);
	if (r)
		return r;
	return fa->len < fb->len ? -1 : fa->len > fb->len;
}

/*
 * Compare the folded texts "f1;f2;...;fn" of two stacks without building them: where one name is
 * a prefix of the other, the shorter text continues with ';' (or ends) and that byte decides.
 */
static int cmp_folded(const void *pa, const void *pb, void *ctx)
{
	const struct tk_stacks *s = ctx;
	const struct stack *a = &s->stacks[*(const size_t *)pa], *b = &s->stacks[*(const size_t *)pb];
	const uint32_t *ia = a->depth ? s->ids + a->off : NULL, *ib = b->depth ? s->ids + b->off : NULL;
	uint32_t i, n = a->depth < b->depth ? a->depth : b->depth;

	for (i = 0; i < n; i++) {
		const struct frame *fa = &s->frames[ia[i]], *fb = &s->frames[ib[i]];
		const unsigned char *na = (const unsigned char *)s->names + fa->off;
		const unsigned char *nb = (const unsigned char *)s->names + fb->off;
		size_t m = fa->len < fb->len ? fa->len : fb->len;
		int ca, cb, r;

		if (ia[i] == ib[i])
			continue;
		r = memcmp(na, nb, m);
		if (r)
			return r;
		/* one name is a proper prefix of the other: the byte after it decides */
		ca = fa->len > m ? na[m] : (i + 1 < a->depth ? ';' : -1);
		cb = fb->len > m ? nb[m] : (i + 1 < b->depth ? ';' : -1);
		return ca < cb ? -1 : 1;
	}
	return a->depth < b->depth ? -1 : a->depth > b->depth;
}

size_t *tk_stacks_sorted(const struct tk_stacks *s)
{
	size_t *idx = malloc((s->nstacks ? s->nstacks : 1) * sizeof(*idx)), i;

	if (!idx)
		return NULL;
	for (i = 0; i < s->nstacks; i++)
		idx[i] = i;
	qsort_r(idx, s->nstacks, sizeof(*idx), cmp_folded, (void *)s);
	return idx;
}

void tk_stacks_keep_order(struct tk_stacks *s, bool on)
{
	s->keep_order = on;
}

const struct tk_stack_run *tk_stacks_order(const struct tk_stacks *s, size_t *n)
{
	*n = s->nruns;
	return s->runs;
}

void tk_stacks_scale_slot0(struct tk_stacks *s, uint64_t num, uint64_t den)
{
	size_t i;

	if (!den)
		return;
	s->total[0] = 0;
	for (i = 0; i < s->nstacks; i++) {
		unsigned __int128 v = (unsigned __int128)s->stacks[i].count[0] * num + den / 2;

		s->stacks[i].count[0] = (uint64_t)(v / den);
		s->total[0] += s->stacks[i].count[0];
	}
}

/*
 * Merging stacks into the frame tree the SVG writer lays out.
 *
 * A flame graph (siblings sorted by name) is built from the stacks sorted by their frames' names:
 * in that order the tree comes out depth first with every parent's children already sorted, each
 * stack sharing a prefix with the one before, so a node is made once and never looked up. Flame
 * charts (siblings in arrival order) and --reverse look each (parent, frame) up in a hash table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/out/tree.h"

static uint64_t key_hash(uint32_t parent, uint32_t frame)
{
	uint64_t h = ((uint64_t)parent << 32 | frame) * 0x9e3779b97f4a7c15ULL;

	return h ^ (h >> 29);
}

static int reserve(struct tk_tree *t, size_t need)
{
	size_t c = t->cap ? t->cap : 1024;
	void *q;

	if (need <= t->cap)
		return 0;
	while (c < need)
		c *= 2;
	if (c > UINT32_MAX - 1)
		return -ENOMEM;
	q = realloc(t->n, c * sizeof(*t->n));
	if (!q)
		return -ENOMEM;
	t->n = q;
	if (t->parent) {
		if (!(q = realloc(t->parent, c * sizeof(*t->parent))))
			return -ENOMEM;
		t->parent = q;
		if (!(q = realloc(t->last, c * sizeof(*t->last))))
			return -ENOMEM;
		t->last = q;
	}
	t->cap = c;
	return 0;
}

/* A node without children; the caller links it in. */
static uint32_t add_node(struct tk_tree *t, uint32_t frame, uint32_t depth)
{
	struct tk_tree_node *n = &t->n[t->len];

	n->frame = frame;
	n->child = n->next = TK_TREE_NONE;
	n->depth = depth;
	n->v[0] = n->v[1] = 0;
	return (uint32_t)t->len++;
}

/* Lookup mode: a new last child of parent. */
static int new_child(struct tk_tree *t, uint32_t parent, uint32_t frame)
{
	uint32_t i;
	int err = reserve(t, t->len + 1);

	if (err)
		return err;
	i = add_node(t, frame, t->n[parent].depth + 1);
	t->parent[i] = parent;
	t->last[i] = TK_TREE_NONE;
	if (t->last[parent] == TK_TREE_NONE)
		t->n[parent].child = i;
	else
		t->n[t->last[parent]].next = i;
	t->last[parent] = i;
	return 0;
}

static int tab_grow(struct tk_tree *t)
{
	size_t size = t->tab_size ? t->tab_size * 2 : 4096, i;
	uint32_t *nt = calloc(size, sizeof(*nt));

	if (!nt)
		return -ENOMEM;
	for (i = 1; i < t->len; i++) {
		size_t j = key_hash(t->parent[i], t->n[i].frame) & (size - 1);

		while (nt[j])
			j = (j + 1) & (size - 1);
		nt[j] = (uint32_t)i + 1;
	}
	free(t->tab);
	t->tab = nt;
	t->tab_size = size;
	return 0;
}

/* The child of parent for frame, made when missing. */
static int64_t child_of(struct tk_tree *t, uint32_t parent, uint32_t frame, bool flamechart)
{
	size_t j;
	int err;

	if (flamechart) {
		uint32_t last = t->last[parent];

		if (last != TK_TREE_NONE && t->n[last].frame == frame)
			return last;
		err = new_child(t, parent, frame);
		return err ? err : (int64_t)t->len - 1;
	}
	if ((t->len + 1) * 2 > t->tab_size && (err = tab_grow(t)))
		return err;
	for (j = key_hash(parent, frame) & (t->tab_size - 1); t->tab[j]; j = (j + 1) & (t->tab_size - 1)) {
		uint32_t i = t->tab[j] - 1;

		if (t->parent[i] == parent && t->n[i].frame == frame)
			return i;
	}
	err = new_child(t, parent, frame);
	if (err)
		return err;
	t->tab[j] = (uint32_t)t->len;
	return (int64_t)t->len - 1;
}

static int add_stack(struct tk_tree *t, const struct tk_stack *st, bool reverse, bool flamechart,
		     uint64_t c0, uint64_t c1)
{
	uint32_t cur = 0, i;

	t->n[0].v[0] += c0;
	t->n[0].v[1] += c1;
	for (i = 0; i < st->depth; i++) {
		uint32_t f = st->frames[reverse ? st->depth - 1 - i : i];
		int64_t c = child_of(t, cur, f, flamechart);

		if (c < 0)
			return (int)c;
		cur = (uint32_t)c;
		t->n[cur].v[0] += c0;
		t->n[cur].v[1] += c1;
	}
	return 0;
}

struct sort_ctx {
	const struct tk_stacks *s;
	const uint32_t *rank;
	const struct tk_tree_node *nodes;
};

static int cmp_frame(const void *a, const void *b, void *ctx)
{
	const struct sort_ctx *c = ctx;

	return tk_stacks_frame_cmp(c->s, *(const uint32_t *)a, *(const uint32_t *)b);
}

/* Stacks by their frames' name ranks, frame by frame; a stack before those it is a prefix of. */
static int cmp_ranked(const void *pa, const void *pb, void *ctx)
{
	const struct sort_ctx *c = ctx;
	struct tk_stack a, b;
	uint32_t i, n;

	tk_stacks_get(c->s, *(const uint32_t *)pa, &a);
	tk_stacks_get(c->s, *(const uint32_t *)pb, &b);
	n = a.depth < b.depth ? a.depth : b.depth;
	for (i = 0; i < n; i++)
		if (a.frames[i] != b.frames[i])
			return c->rank[a.frames[i]] < c->rank[b.frames[i]] ? -1 : 1;
	return a.depth < b.depth ? -1 : a.depth > b.depth;
}

static int cmp_child(const void *a, const void *b, void *ctx)
{
	const struct sort_ctx *c = ctx;
	const struct tk_tree_node *n = c->nodes;

	return tk_stacks_frame_cmp(c->s, n[*(const uint32_t *)a].frame, n[*(const uint32_t *)b].frame);
}

/* Lookup mode without flame chart order: every parent's children sorted by name. */
static int sort_children(struct tk_tree *t, const struct tk_stacks *s)
{
	struct sort_ctx ctx = { s, NULL, t->n };
	uint32_t *kids = NULL;
	size_t cap = 0, i;

	for (i = 0; i < t->len; i++) {
		size_t n = 0, k;
		uint32_t c;

		for (c = t->n[i].child; c != TK_TREE_NONE; c = t->n[c].next) {
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 64;
				uint32_t *q = realloc(kids, nc * sizeof(*q));

				if (!q) {
					free(kids);
					return -ENOMEM;
				}
				kids = q;
				cap = nc;
			}
			kids[n++] = c;
		}
		if (n < 2)
			continue;
		qsort_r(kids, n, sizeof(*kids), cmp_child, &ctx);
		t->n[i].child = kids[0];
		for (k = 0; k + 1 < n; k++)
			t->n[kids[k]].next = kids[k + 1];
		t->n[kids[n - 1]].next = TK_TREE_NONE;
	}
	free(kids);
	return 0;
}

static int build_sorted(struct tk_tree *t, const struct tk_stacks *s)
{
	size_t nf = tk_stacks_nframes(s), ns = tk_stacks_count(s), nodes = 1, i;
	uint32_t *rank = malloc((nf ? nf : 1) * sizeof(*rank)), *byname = malloc((nf ? nf : 1) * sizeof(*byname));
	uint32_t *order = malloc((ns ? ns : 1) * sizeof(*order)), *path = NULL, maxdepth = 0;
	struct sort_ctx ctx = { s, rank, NULL };
	struct tk_stack prev = { 0 }, st;
	int err = -ENOMEM;

	if (!rank || !byname || !order)
		goto out;
	/* names compared once per pair of frames here, then stacks compare integer ranks */
	for (i = 0; i < nf; i++)
		byname[i] = (uint32_t)i;
	qsort_r(byname, nf, sizeof(*byname), cmp_frame, &ctx);
	for (i = 0; i < nf; i++)
		rank[byname[i]] = (uint32_t)i;
	for (i = 0; i < ns; i++) {
		tk_stacks_get(s, i, &st);
		order[i] = (uint32_t)i;
		nodes += st.depth;
		if (st.depth > maxdepth)
			maxdepth = st.depth;
	}
	qsort_r(order, ns, sizeof(*order), cmp_ranked, &ctx);
	/* at most one node per frame of every stack: reserved once, only what is made gets touched */
	if ((err = reserve(t, nodes)))
		goto out;
	path = malloc(((size_t)maxdepth + 1) * sizeof(*path));
	if (!path) {
		err = -ENOMEM;
		goto out;
	}
	add_node(t, TK_TREE_NONE, 0);
	path[0] = 0;
	for (i = 0; i < ns; i++) {
		uint32_t d = 0, k;
		uint64_t c0, c1;

		tk_stacks_get(s, order[i], &st);
		c0 = st.count[0];
		c1 = st.count[1];
		while (d < st.depth && d < prev.depth && st.frames[d] == prev.frames[d])
			d++;
		for (k = 0; k <= d; k++) {
			t->n[path[k]].v[0] += c0;
			t->n[path[k]].v[1] += c1;
		}
		for (k = d; k < st.depth; k++) {
			/* the parent's last child so far is the previous stack's node at this depth, if any */
			uint32_t last = k == d && prev.depth > d ? path[k + 1] : TK_TREE_NONE;
			uint32_t c = add_node(t, st.frames[k], k + 1);

			if (last == TK_TREE_NONE)
				t->n[path[k]].child = c;
			else
				t->n[last].next = c;
			t->n[c].v[0] = c0;
			t->n[c].v[1] = c1;
			path[k + 1] = c;
		}
		prev = st;
	}
	err = 0;
out:
	free(rank);
	free(byname);
	free(order);
	free(path);
	return err;
}

int tk_tree_build(struct tk_tree *t, const struct tk_stacks *s, bool reverse, bool flamechart)
{
	const struct tk_stack_run *runs;
	struct tk_stack st;
	size_t nruns, i;
	int err;

	memset(t, 0, sizeof(*t));
	if (!reverse && !flamechart)
		return build_sorted(t, s);
	t->parent = malloc(sizeof(*t->parent));
	t->last = malloc(sizeof(*t->last));
	if (!t->parent || !t->last || (err = reserve(t, 1024)))
		return -ENOMEM;
	add_node(t, TK_TREE_NONE, 0);
	t->parent[0] = t->last[0] = TK_TREE_NONE;
	runs = tk_stacks_order(s, &nruns);
	if (flamechart && nruns) {
		for (i = 0; i < nruns; i++) {
			tk_stacks_get(s, runs[i].stack, &st);
			if ((err = add_stack(t, &st, reverse, true, runs[i].count, 0)))
				return err;
		}
		return 0;
	}
	for (i = 0; i < tk_stacks_count(s); i++) {
		tk_stacks_get(s, i, &st);
		if ((err = add_stack(t, &st, reverse, flamechart, st.count[0], st.count[1])))
			return err;
	}
	return flamechart ? 0 : sort_children(t, s);
}

void tk_tree_release(struct tk_tree *t)
{
	free(t->n);
	free(t->parent);
	free(t->last);
	free(t->tab);
	memset(t, 0, sizeof(*t));
}

/*
 * Merging stacks into the frame tree the SVG writer lays out (see tree.h for the node layout).
 *
 * A flame graph (siblings sorted by name) is built from the stacks sorted by their frames' names:
 * in that order each stack shares a prefix with the one before and adds nodes only past it, every
 * parent's children come one after the other and already sorted, so nodes are placed straight into
 * their level's run without any lookup. Flame charts (siblings in arrival order) and --reverse
 * look each (parent, frame) up in a hash table of linked nodes, then lay them out level by level.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/out/tree.h"

struct sort_ctx {
	const struct tk_stacks *s;
	const uint32_t *rank;
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

static void set_node(struct tk_tree_node *n, uint32_t frame, uint32_t depth, uint64_t c0, uint64_t c1)
{
	n->frame = frame;
	n->first = n->nkids = 0;
	n->depth = depth;
	n->v[0] = c0;
	n->v[1] = c1;
}

static int build_sorted(struct tk_tree *t, const struct tk_stacks *s)
{
	size_t nf = tk_stacks_nframes(s), ns = tk_stacks_count(s), i, nodes;
	uint32_t *rank = malloc((nf ? nf : 1) * sizeof(*rank)), *byname = malloc((nf ? nf : 1) * sizeof(*byname));
	uint32_t *order = malloc((ns ? ns : 1) * sizeof(*order)), *lcp = malloc((ns ? ns : 1) * sizeof(*lcp));
	uint32_t *path = NULL, maxdepth = 0, d;
	size_t *fill = NULL;
	struct sort_ctx ctx = { s, rank };
	struct tk_stack prev = { 0 }, st;
	int err = -ENOMEM;

	if (!rank || !byname || !order || !lcp)
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
		if (st.depth > maxdepth)
			maxdepth = st.depth;
	}
	qsort_r(order, ns, sizeof(*order), cmp_ranked, &ctx);
	path = malloc(((size_t)maxdepth + 1) * sizeof(*path));
	fill = calloc((size_t)maxdepth + 2, sizeof(*fill));
	if (!path || !fill)
		goto out;
	/* first pass: how many nodes each level gets (a stack adds levels lcp+1 .. depth) */
	fill[0] = 1;
	for (i = 0; i < ns; i++) {
		tk_stacks_get(s, order[i], &st);
		d = 0;
		while (d < st.depth && d < prev.depth && st.frames[d] == prev.frames[d])
			d++;
		lcp[i] = d;
		for (; d < st.depth; d++)
			fill[d + 1]++;
		prev = st;
	}
	/* levels one after the other: fill[k] becomes where level k's next node goes */
	for (nodes = 0, d = 0; d <= maxdepth; d++) {
		size_t n = fill[d];

		fill[d] = nodes;
		nodes += n;
	}
	if (nodes > UINT32_MAX - 1 || !(t->n = malloc(nodes * sizeof(*t->n))))
		goto out;
	t->cap = t->len = nodes;
	set_node(&t->n[0], TK_TREE_NONE, 0, 0, 0);
	fill[0] = 1;
	path[0] = 0;
	for (i = 0; i < ns; i++) {
		uint64_t c0, c1;
		uint32_t k;

		tk_stacks_get(s, order[i], &st);
		c0 = st.count[0];
		c1 = st.count[1];
		for (k = 0; k <= lcp[i]; k++) {
			t->n[path[k]].v[0] += c0;
			t->n[path[k]].v[1] += c1;
		}
		for (k = lcp[i]; k < st.depth; k++) {
			uint32_t c = (uint32_t)fill[k + 1]++;
			struct tk_tree_node *p = &t->n[path[k]];

			set_node(&t->n[c], st.frames[k], k + 1, c0, c1);
			if (!p->nkids)
				p->first = c;
			p->nkids++;
			path[k + 1] = c;
		}
	}
	err = 0;
out:
	free(rank);
	free(byname);
	free(order);
	free(lcp);
	free(path);
	free(fill);
	return err;
}

/* Lookup mode: nodes linked to their parent, first child and next sibling while they are made. */
struct lnode {
	uint32_t frame, parent, child, last, next, depth;
	uint64_t v[2];
};

struct lookup {
	struct lnode *n;
	size_t len, cap;
	uint32_t *tab;		/* (parent, frame) -> node + 1 */
	size_t tab_size;
};

static uint64_t key_hash(uint32_t parent, uint32_t frame)
{
	uint64_t h = ((uint64_t)parent << 32 | frame) * 0x9e3779b97f4a7c15ULL;

	return h ^ (h >> 29);
}

/* A new last child of parent (TK_TREE_NONE: the root). */
static int new_child(struct lookup *l, uint32_t parent, uint32_t frame)
{
	struct lnode *n;

	if (l->len == l->cap) {
		size_t c = l->cap ? l->cap * 2 : 1024;
		struct lnode *q = c < UINT32_MAX - 1 ? realloc(l->n, c * sizeof(*q)) : NULL;

		if (!q)
			return -ENOMEM;
		l->n = q;
		l->cap = c;
	}
	n = &l->n[l->len];
	memset(n, 0, sizeof(*n));
	n->frame = frame;
	n->parent = parent;
	n->child = n->last = n->next = TK_TREE_NONE;
	if (parent != TK_TREE_NONE) {
		struct lnode *p = &l->n[parent];

		n->depth = p->depth + 1;
		if (p->last == TK_TREE_NONE)
			p->child = (uint32_t)l->len;
		else
			l->n[p->last].next = (uint32_t)l->len;
		p->last = (uint32_t)l->len;
	}
	l->len++;
	return 0;
}

static int tab_grow(struct lookup *l)
{
	size_t size = l->tab_size ? l->tab_size * 2 : 4096, i;
	uint32_t *nt = calloc(size, sizeof(*nt));

	if (!nt)
		return -ENOMEM;
	for (i = 1; i < l->len; i++) {
		size_t j = key_hash(l->n[i].parent, l->n[i].frame) & (size - 1);

		while (nt[j])
			j = (j + 1) & (size - 1);
		nt[j] = (uint32_t)i + 1;
	}
	free(l->tab);
	l->tab = nt;
	l->tab_size = size;
	return 0;
}

/* The child of parent for frame, made when missing. */
static int64_t child_of(struct lookup *l, uint32_t parent, uint32_t frame, bool flamechart)
{
	size_t j;
	int err;

	if (flamechart) {
		uint32_t last = l->n[parent].last;

		if (last != TK_TREE_NONE && l->n[last].frame == frame)
			return last;
		err = new_child(l, parent, frame);
		return err ? err : (int64_t)l->len - 1;
	}
	if ((l->len + 1) * 2 > l->tab_size && (err = tab_grow(l)))
		return err;
	for (j = key_hash(parent, frame) & (l->tab_size - 1); l->tab[j]; j = (j + 1) & (l->tab_size - 1)) {
		const struct lnode *n = &l->n[l->tab[j] - 1];

		if (n->parent == parent && n->frame == frame)
			return l->tab[j] - 1;
	}
	err = new_child(l, parent, frame);
	if (err)
		return err;
	l->tab[j] = (uint32_t)l->len;
	return (int64_t)l->len - 1;
}

static int add_stack(struct lookup *l, const struct tk_stack *st, bool reverse, bool flamechart,
		     uint64_t c0, uint64_t c1)
{
	uint32_t cur = 0, i;

	l->n[0].v[0] += c0;
	l->n[0].v[1] += c1;
	for (i = 0; i < st->depth; i++) {
		uint32_t f = st->frames[reverse ? st->depth - 1 - i : i];
		int64_t c = child_of(l, cur, f, flamechart);

		if (c < 0)
			return (int)c;
		cur = (uint32_t)c;
		l->n[cur].v[0] += c0;
		l->n[cur].v[1] += c1;
	}
	return 0;
}

struct child_ctx {
	const struct tk_stacks *s;
	const struct lnode *n;
};

static int cmp_child(const void *a, const void *b, void *ctx)
{
	const struct child_ctx *c = ctx;

	return tk_stacks_frame_cmp(c->s, c->n[*(const uint32_t *)a].frame, c->n[*(const uint32_t *)b].frame);
}

/* Every parent's children sorted by name (a flame graph), relinked in that order. */
static int sort_children(struct lookup *l, const struct tk_stacks *s)
{
	struct child_ctx ctx = { s, l->n };
	uint32_t *kids = NULL;
	size_t cap = 0, i;

	for (i = 0; i < l->len; i++) {
		size_t n = 0, k;
		uint32_t c;

		for (c = l->n[i].child; c != TK_TREE_NONE; c = l->n[c].next) {
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
		l->n[i].child = kids[0];
		for (k = 0; k + 1 < n; k++)
			l->n[kids[k]].next = kids[k + 1];
		l->n[kids[n - 1]].next = TK_TREE_NONE;
	}
	free(kids);
	return 0;
}

/* Breadth first, so each node's children are consecutive in t. */
static int lay_out(struct tk_tree *t, const struct lookup *l)
{
	uint32_t *bfs = malloc(l->len * sizeof(*bfs)), *pos = malloc(l->len * sizeof(*pos));
	size_t head, tail = 1;

	t->n = malloc(l->len * sizeof(*t->n));
	if (!bfs || !pos || !t->n) {
		free(bfs);
		free(pos);
		return -ENOMEM;
	}
	t->len = t->cap = l->len;
	bfs[0] = 0;
	for (head = 0; head < tail; head++) {
		uint32_t c;

		pos[bfs[head]] = (uint32_t)head;
		for (c = l->n[bfs[head]].child; c != TK_TREE_NONE; c = l->n[c].next)
			bfs[tail++] = c;
	}
	for (head = 0; head < l->len; head++) {
		const struct lnode *o = &l->n[bfs[head]];
		struct tk_tree_node *n = &t->n[head];
		uint32_t c;

		set_node(n, o->frame, o->depth, o->v[0], o->v[1]);
		if (o->child != TK_TREE_NONE)
			n->first = pos[o->child];
		for (c = o->child; c != TK_TREE_NONE; c = l->n[c].next)
			n->nkids++;
	}
	free(bfs);
	free(pos);
	return 0;
}

static int build_lookup(struct tk_tree *t, const struct tk_stacks *s, bool reverse, bool flamechart)
{
	struct lookup l = { 0 };
	const struct tk_stack_run *runs;
	struct tk_stack st;
	size_t nruns, i;
	int err;

	runs = tk_stacks_order(s, &nruns);
	if ((err = new_child(&l, TK_TREE_NONE, TK_TREE_NONE)))
		goto out;
	if (flamechart && nruns) {
		for (i = 0; i < nruns && !err; i++) {
			tk_stacks_get(s, runs[i].stack, &st);
			err = add_stack(&l, &st, reverse, true, runs[i].count, 0);
		}
	} else {
		for (i = 0; i < tk_stacks_count(s) && !err; i++) {
			tk_stacks_get(s, i, &st);
			err = add_stack(&l, &st, reverse, flamechart, st.count[0], st.count[1]);
		}
		if (!err && !flamechart)
			err = sort_children(&l, s);
	}
	if (!err)
		err = lay_out(t, &l);
out:
	free(l.n);
	free(l.tab);
	return err;
}

int tk_tree_build(struct tk_tree *t, const struct tk_stacks *s, bool reverse, bool flamechart)
{
	memset(t, 0, sizeof(*t));
	if (!reverse && !flamechart)
		return build_sorted(t, s);
	return build_lookup(t, s, reverse, flamechart);
}

void tk_tree_release(struct tk_tree *t)
{
	free(t->n);
	memset(t, 0, sizeof(*t));
}

/* Merging stacks into the frame tree the SVG writer lays out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/out/tree.h"

static uint64_t key_hash(uint32_t parent, uint32_t frame)
{
	uint64_t h = ((uint64_t)parent << 32 | frame) * 0x9e3779b97f4a7c15ULL;

	return h ^ (h >> 29);
}

static int new_node(struct tk_tree *t, uint32_t parent, uint32_t frame)
{
	struct tk_tree_node *n;

	if (t->len == t->cap) {
		size_t c = t->cap ? t->cap * 2 : 1024;
		struct tk_tree_node *q = realloc(t->n, c * sizeof(*q));

		if (!q || c > UINT32_MAX - 1)
			return -ENOMEM;
		t->n = q;
		t->cap = c;
	}
	n = &t->n[t->len];
	memset(n, 0, sizeof(*n));
	n->frame = frame;
	n->parent = parent;
	n->child = n->last = n->next = TK_TREE_NONE;
	if (parent != TK_TREE_NONE) {
		struct tk_tree_node *p = &t->n[parent];

		n->depth = p->depth + 1;
		if (p->last == TK_TREE_NONE)
			p->child = (uint32_t)t->len;
		else
			t->n[p->last].next = (uint32_t)t->len;
		p->last = (uint32_t)t->len;
	}
	t->len++;
	return 0;
}

static int tab_grow(struct tk_tree *t)
{
	size_t size = t->tab_size ? t->tab_size * 2 : 4096, i;
	uint32_t *nt = calloc(size, sizeof(*nt));

	if (!nt)
		return -ENOMEM;
	for (i = 1; i < t->len; i++) {
		size_t j = key_hash(t->n[i].parent, t->n[i].frame) & (size - 1);

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
		uint32_t last = t->n[parent].last;

		if (last != TK_TREE_NONE && t->n[last].frame == frame)
			return last;
		err = new_node(t, parent, frame);
		return err ? err : (int64_t)t->len - 1;
	}
	if ((t->len + 1) * 2 > t->tab_size && (err = tab_grow(t)))
		return err;
	for (j = key_hash(parent, frame) & (t->tab_size - 1); t->tab[j]; j = (j + 1) & (t->tab_size - 1)) {
		const struct tk_tree_node *n = &t->n[t->tab[j] - 1];

		if (n->parent == parent && n->frame == frame)
			return t->tab[j] - 1;
	}
	err = new_node(t, parent, frame);
	if (err)
		return err;
	t->tab[j] = (uint32_t)t->len;
	return (int64_t)t->len - 1;
}

/*
 * The previous stack's path: consecutive stacks (sorted folded input above all) share long
 * prefixes, whose nodes are taken from here instead of being looked up level by level.
 */
struct path {
	const uint32_t *frames;
	uint32_t depth;
	uint32_t *nodes;
	size_t cap;
};

static int add_stack(struct tk_tree *t, const struct tk_stack *st, bool reverse, bool flamechart,
		     uint64_t c0, uint64_t c1, struct path *pp)
{
	uint32_t cur = 0, i = 0;

	t->n[0].v[0] += c0;
	t->n[0].v[1] += c1;
	if (pp && !reverse) {
		if (pp->cap < st->depth) {
			size_t c = pp->cap ? pp->cap : 64;
			uint32_t *q;

			while (c < st->depth)
				c *= 2;
			q = realloc(pp->nodes, c * sizeof(*q));
			if (!q)
				return -ENOMEM;
			pp->nodes = q;
			pp->cap = c;
		}
		while (i < st->depth && i < pp->depth && st->frames[i] == pp->frames[i]) {
			cur = pp->nodes[i++];
			t->n[cur].v[0] += c0;
			t->n[cur].v[1] += c1;
		}
	}
	for (; i < st->depth; i++) {
		uint32_t f = st->frames[reverse ? st->depth - 1 - i : i];
		int64_t c = child_of(t, cur, f, flamechart);

		if (c < 0)
			return (int)c;
		cur = (uint32_t)c;
		t->n[cur].v[0] += c0;
		t->n[cur].v[1] += c1;
		if (pp && !reverse)
			pp->nodes[i] = cur;
	}
	if (pp) {
		pp->frames = st->frames;
		pp->depth = reverse ? 0 : st->depth;
	}
	return 0;
}

struct sort_ctx {
	const struct tk_stacks *s;
	const struct tk_tree *t;
};

static int cmp_child(const void *a, const void *b, void *ctx)
{
	const struct sort_ctx *c = ctx;

	return tk_stacks_frame_cmp(c->s, c->t->n[*(const uint32_t *)a].frame, c->t->n[*(const uint32_t *)b].frame);
}

static int sort_children(struct tk_tree *t, const struct tk_stacks *s)
{
	struct sort_ctx ctx = { s, t };
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
		t->n[i].last = kids[n - 1];
	}
	free(kids);
	return 0;
}

int tk_tree_build(struct tk_tree *t, const struct tk_stacks *s, bool reverse, bool flamechart)
{
	const struct tk_stack_run *runs;
	struct path path = { 0 };
	struct tk_stack st;
	size_t nruns, i;
	int err;

	memset(t, 0, sizeof(*t));
	if ((err = new_node(t, TK_TREE_NONE, TK_TREE_NONE)))
		return err;
	runs = tk_stacks_order(s, &nruns);
	if (flamechart && nruns) {
		for (i = 0; i < nruns; i++) {
			tk_stacks_get(s, runs[i].stack, &st);
			if ((err = add_stack(t, &st, reverse, true, runs[i].count, 0, NULL)))
				return err;
		}
		return 0;
	}
	for (i = 0; i < tk_stacks_count(s); i++) {
		tk_stacks_get(s, i, &st);
		err = add_stack(t, &st, reverse, flamechart, st.count[0], st.count[1], flamechart ? NULL : &path);
		if (err) {
			free(path.nodes);
			return err;
		}
	}
	free(path.nodes);
	return flamechart ? 0 : sort_children(t, s);
}

void tk_tree_release(struct tk_tree *t)
{
	free(t->n);
	free(t->tab);
	memset(t, 0, sizeof(*t));
}

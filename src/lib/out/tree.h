/*
 * The frame tree a flame graph is drawn from: every distinct stack merged from the root, siblings
 * with the same frame merged (or, for a flame chart, only adjacent ones in arrival order).
 *
 * Nodes are stored level by level with each node's children next to each other (n[first] ..
 * n[first + nkids - 1], in drawing order): the layout walks every child of each frame it draws, and
 * in a depth-first layout those siblings lie a subtree apart, a cache miss each.
 */
#ifndef TK_LIB_OUT_TREE_H
#define TK_LIB_OUT_TREE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/stack/stack.h"

#define TK_TREE_NONE UINT32_MAX

struct tk_tree_node {
	uint32_t frame;		/* TK_TREE_NONE for the root */
	uint32_t first, nkids;	/* children: n[first] .. n[first + nkids - 1] */
	uint32_t depth;
	uint64_t v[2];		/* counts of slot 0 and slot 1 */
};

struct tk_tree {
	struct tk_tree_node *n;	/* n[0] is the root */
	size_t len, cap;
};

/*
 * Build from s: reverse turns every stack around (leaf becomes root); flamechart follows the
 * arrival order recorded by tk_stacks_keep_order (falls back to first-seen order) and merges only
 * adjacent samples. Otherwise siblings are sorted by name. 0 or -ENOMEM.
 */
int tk_tree_build(struct tk_tree *t, const struct tk_stacks *s, bool reverse, bool flamechart);
void tk_tree_release(struct tk_tree *t);

#endif

/*
 * The frame tree a flame graph is drawn from: every distinct stack merged from the root, siblings
 * with the same frame merged (or, for a flame chart, only adjacent ones in arrival order).
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
	uint32_t child, next;	/* first child, next sibling */
	uint32_t depth;
	uint64_t v[2];		/* counts of slot 0 and slot 1 */
};

struct tk_tree {
	struct tk_tree_node *n;
	size_t len, cap;
	/* only while building by lookup (--reverse, flame charts) */
	uint32_t *parent, *last;
	uint32_t *tab;		/* (parent, frame) -> node + 1 */
	size_t tab_size;
};

/*
 * Build from s: reverse turns every stack around (leaf becomes root); flamechart follows the
 * arrival order recorded by tk_stacks_keep_order (falls back to first-seen order) and merges only
 * adjacent samples. Otherwise siblings are sorted by name. 0 or -ENOMEM.
 */
int tk_tree_build(struct tk_tree *t, const struct tk_stacks *s, bool reverse, bool flamechart);
void tk_tree_release(struct tk_tree *t);

#endif

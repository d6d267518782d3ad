/*
 * Writers for a struct tk_stacks (src/lib/stack/stack.h): folded text, the interactive SVG flame
 * graph, pprof (gzip profile.proto) and speedscope JSON. Every writer takes a caller-supplied FILE *
 * (the command picks the stream) and one options struct; it returns 0 or -errno (-EIO when the
 * stream reports a write error). A differential profile (counts in both slots) renders as a
 * differential flame graph (SVG) or as "stack before after" lines (folded).
 *
 *   struct tk_flame_opts o;
 *   tk_flame_opts_init(&o);           // flamegraph.pl's defaults
 *   o.title = "CPU profile";
 *   tk_write_svg(stacks, f, &o);
 */
#ifndef TK_LIB_OUT_FLAME_H
#define TK_LIB_OUT_FLAME_H
#include <stdbool.h>
#include <stdio.h>

#include "lib/stack/stack.h"

enum tk_palette {
	TK_PAL_HOT = 0, TK_PAL_MEM, TK_PAL_IO, TK_PAL_JAVA, TK_PAL_JS, TK_PAL_PERL, TK_PAL_PYTHON,
	TK_PAL_RUST, TK_PAL_RED, TK_PAL_GREEN, TK_PAL_BLUE, TK_PAL_AQUA, TK_PAL_YELLOW, TK_PAL_PURPLE,
	TK_PAL_ORANGE, TK_PAL_COUNT
};
/* "hot" -> TK_PAL_HOT; -1 when unknown. */
int tk_palette_parse(const char *name);
const char *tk_palette_name(int pal);

struct tk_flame_opts {
	const char *title;	/* "Flame Graph" ("Icicle Graph" when inverted, set by init's caller) */
	const char *subtitle;	/* NULL: none */
	const char *countname;	/* "samples" */
	const char *name;	/* profile name for pprof/speedscope ("tracekit") */
	unsigned width;		/* SVG width in px (1200) */
	unsigned frame_height;	/* px per frame (16) */
	double minwidth;	/* px; narrower frames are merged into one "[N merged]" frame (0.1) */
	bool inverted;		/* icicle graph: root at the top */
	bool reverse;		/* reverse every stack (leaf becomes root) before merging */
	bool flamechart;	/* x axis in arrival order (needs tk_stacks_keep_order), no sorting */
	bool hash;		/* colour by name hash, so the same function keeps its colour */
	bool diff;		/* render slot 0 -> slot 1 as a differential graph */
	bool negate;		/* differential: colour as if before/after were swapped */
	bool annotate;		/* folded: append _[k]/_[i]/_[j] from frame flags */
	int palette;		/* enum tk_palette */
	const char *event;	/* pprof/speedscope sample type name ("samples") */
	const char *unit;	/* pprof sample unit ("count") */
	uint64_t period;	/* pprof period (0: none) */
};

void tk_flame_opts_init(struct tk_flame_opts *o);

/* "f1;f2;...;fn COUNT\n" per stack, sorted bytewise (as stackcollapse-perf.pl prints); with
 * o->diff "... COUNT_BEFORE COUNT_AFTER". Frame names' ';' and '\n' are written as ':'. */
int tk_write_folded(const struct tk_stacks *s, FILE *f, const struct tk_flame_opts *o);

/*
 * The interactive SVG flame graph (icicle with o->inverted, flame chart with o->flamechart,
 * differential with o->diff: width = slot 1, red = grew, blue = shrank). Self-contained: hover
 * details, click to zoom, Reset Zoom, Ctrl-F regex search with "Matched: N%", view kept in the URL.
 */
int tk_write_svg(const struct tk_stacks *s, FILE *f, const struct tk_flame_opts *o);

/* gzip-compressed profile.proto, as `pprof` reads it. Sample type o->event/o->unit
 * ("before"/"after" values with o->diff); o->period sets period_type and period. */
int tk_write_pprof(const struct tk_stacks *s, FILE *f, const struct tk_flame_opts *o);

/* speedscope's JSON file format: one sampled profile (arrival order when kept and o->flamechart). */
int tk_write_speedscope(const struct tk_stacks *s, FILE *f, const struct tk_flame_opts *o);

#endif

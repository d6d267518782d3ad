/*
 * The stack model: an aggregate of call stacks with counts, the one shape every profile source feeds
 * and every writer (src/lib/out/flame.h: folded, SVG, pprof, speedscope) reads.
 *
 *   struct tk_stacks *s = tk_stacks_new();
 *   const char *frames[] = { "main", "parse", "memcpy" };      // root first
 *   unsigned flags[] = { 0, 0, TK_FRAME_KERNEL };                // optional, may be NULL
 *   tk_stacks_add(s, frames, flags, 3, 1);                       // one sample of that stack
 *   ...
 *   tk_write_svg(s, file, &opts);                                // src/lib/out/flame.h
 *   tk_stacks_free(s);
 *
 * Frames are interned by name (the flags of the first sighting win, later ones are OR-ed in), so the
 * model's memory is bounded by the number of distinct frames and distinct stacks, not by the number
 * of samples. A frame name may contain any byte but '\n'; the folded writer replaces ';' by ':'.
 *
 * Each stack carries two counters ("slots"): slot 0 is the profile; a differential profile puts the
 * "before" profile in slot 0 and the "after" one in slot 1 (tk_stacks_add_ids_slot).
 *
 * Optionally (tk_stacks_keep_order) the aggregate also records the order in which stacks arrived,
 * run-length encoded, for flame charts (x axis = time, adjacent identical samples merged).
 *
 * The library never prints; functions return 0 or -errno.
 */
#ifndef TK_LIB_STACK_STACK_H
#define TK_LIB_STACK_STACK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Per-frame annotations, used for colouring and for the optional _[k]/_[i]/_[j] folded suffixes. */
enum tk_frame_flag {
	TK_FRAME_KERNEL = 1u << 0,	/* kernel text */
	TK_FRAME_INLINED = 1u << 1,	/* inlined into its caller */
	TK_FRAME_JIT = 1u << 2,		/* JIT code (/tmp/perf-PID.map) */
	TK_FRAME_UNKNOWN = 1u << 3,	/* unsymbolized */
	TK_FRAME_MERGED = 1u << 4,	/* synthetic: narrow frames merged by the renderer */
};

struct tk_stacks;

/* One distinct stack, as iteration hands it out: frame ids root first. */
struct tk_stack {
	const uint32_t *frames;
	uint32_t depth;
	uint64_t count[2];	/* [0] the profile (or "before"), [1] "after" in a differential profile */
};

struct tk_stacks *tk_stacks_new(void);
void tk_stacks_free(struct tk_stacks *s);

/* Intern a frame name (len bytes, need not be NUL-terminated). Returns its id (>= 0) or -ENOMEM. */
int64_t tk_stacks_intern(struct tk_stacks *s, const char *name, size_t len, unsigned flags);
const char *tk_stacks_frame_name(const struct tk_stacks *s, uint32_t id);
size_t tk_stacks_frame_len(const struct tk_stacks *s, uint32_t id);
unsigned tk_stacks_frame_flags(const struct tk_stacks *s, uint32_t id);
size_t tk_stacks_nframes(const struct tk_stacks *s);

/* Add count samples of a stack given as frame ids, root first, to slot 0 (or slot 0/1). depth may be 0. */
int tk_stacks_add_ids(struct tk_stacks *s, const uint32_t *ids, size_t depth, uint64_t count);
int tk_stacks_add_ids_slot(struct tk_stacks *s, int slot, const uint32_t *ids, size_t depth,
			   uint64_t count);
/* The same with frame names, root first; flags may be NULL. */
int tk_stacks_add(struct tk_stacks *s, const char *const *frames, const unsigned *flags, size_t depth,
		  uint64_t count);

/* Number of distinct stacks, and the total count of a slot. */
size_t tk_stacks_count(const struct tk_stacks *s);
uint64_t tk_stacks_total(const struct tk_stacks *s, int slot);
/* The i-th distinct stack in first-seen order (0 <= i < tk_stacks_count). */
void tk_stacks_get(const struct tk_stacks *s, size_t i, struct tk_stack *out);

/*
 * Indexes 0..count-1 sorted by the folded text of each stack (frame names joined by ';', compared
 * bytewise, as `sort` in C locale and stackcollapse-perf.pl do). Caller frees. NULL on ENOMEM.
 */
size_t *tk_stacks_sorted(const struct tk_stacks *s);
/* Compare two frames' names bytewise (for sorting siblings). */
int tk_stacks_frame_cmp(const struct tk_stacks *s, uint32_t a, uint32_t b);

/* Record arrival order from now on (flame charts). Costs memory per run of differing samples. */
void tk_stacks_keep_order(struct tk_stacks *s, bool on);
bool tk_stacks_keeps_order(const struct tk_stacks *s);

/*
 * Add everything in src to dst: its frames (flags OR-ed) in id order, then its stacks in first-seen
 * order with both slots' counts, so dst ends as if src's samples had been added to it one by one
 * (arrival order aside). 0 or -ENOMEM.
 */
int tk_stacks_merge(struct tk_stacks *dst, const struct tk_stacks *src);
/* The recorded order: n runs of (stack index, count). NULL/0 when not kept. */
struct tk_stack_run {
	uint32_t stack;
	uint64_t count;
};
const struct tk_stack_run *tk_stacks_order(const struct tk_stacks *s, size_t *n);

/* Scale every slot-0 count by num/den (rounded to nearest): differential --normalize. */
void tk_stacks_scale_slot0(struct tk_stacks *s, uint64_t num, uint64_t den);

/* Grow *arr (elements of elem bytes, capacity *cap) to hold need elements, doubling. 0 or -ENOMEM. */
int tk_grow_array(void **arr, size_t *cap, size_t need, size_t elem);

/* The 64-bit hash the aggregate uses, for parsers' own caches. */
uint64_t tk_hash_bytes(const void *data, size_t n);

/* Counters a parser fills in; the command reports them. */
struct tk_parse_stats {
	uint64_t lines;		/* lines read */
	uint64_t samples;	/* samples (perf script blocks, folded lines) added */
	uint64_t malformed;	/* lines that could not be parsed: counted, skipped */
	uint64_t filtered;	/* samples dropped by the event filter */
	uint64_t first_bad_line;	/* line number of the first malformed line (1-based), 0 if none */
	char event[64];		/* perf script: the event kept (the first seen unless filtered) */
	char other_event[64];	/* perf script: an event that was filtered out, if any */
};

#endif

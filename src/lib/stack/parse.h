/*
 * Streaming parsers that fill a struct tk_stacks (stack.h): `perf script` text and folded stacks.
 * Both take one line at a time (no '\n'), keep only the current sample, and count what they cannot
 * parse in struct tk_parse_stats instead of failing: the command reports "skipped N malformed lines".
 * tk_*_read() drive them over a struct tk_input (plain or gzip file, input.h).
 */
#ifndef TK_LIB_STACK_PARSE_H
#define TK_LIB_STACK_PARSE_H
#include <stdbool.h>
#include <stdint.h>

#include "lib/stack/input.h"
#include "lib/stack/stack.h"

/*
 * perf script text -> stacks, with the frame names and counts of stackcollapse-perf.pl's algorithm:
 * a sample is a header line ("comm [pid/]tid [cpu] time: [period] event:") then one line per frame
 * leaf first ("addr func+off (dso)"), ended by a blank line; the process name becomes the root frame;
 * only the first event seen is kept unless `event` names one; the period, when printed, is the
 * count; "+0x.." offsets are stripped, "a->b" inline chains split (the inlined parts get "_[i]"),
 * "[unknown]" becomes "[dso basename]"; names are tidied (';' -> ':', argument lists and quotes
 * dropped, Java's leading 'L' removed for comm "java"). One deliberate difference: a last sample not
 * followed by a blank line is kept (the Perl script drops it).
 */
struct tk_perfscript_opts {
	bool pid;		/* root frame "comm-PID" */
	bool tid;		/* root frame "comm-PID/TID" */
	bool annotate_kernel;	/* append _[k] to kernel frames */
	bool annotate_jit;	/* append _[j] to frames from /tmp/perf-PID.map */
	bool addrs;		/* "[dso <addr>]" for unsymbolized frames */
	const char *event;	/* keep only this event; NULL: the first event seen */
	int slot;		/* the aggregate's count slot the samples go to (1: "after" of a diff) */
	/*
	 * tk_perfscript_read parses a plain file at least this big (0: 2 MB; UINT64_MAX: never) in two
	 * threads, each on one half, with the same result as one pass.
	 */
	uint64_t split_min;
};

struct tk_perfscript;
struct tk_perfscript *tk_perfscript_new(struct tk_stacks *dst, const struct tk_perfscript_opts *o,
					struct tk_parse_stats *st);
/* Feed one line. 0, or -ENOMEM. Unparseable lines are counted in stats, not errors. */
int tk_perfscript_line(struct tk_perfscript *p, const char *line, size_t len);
/* End of input: adds a last sample that had no closing blank line. */
int tk_perfscript_finish(struct tk_perfscript *p);
void tk_perfscript_free(struct tk_perfscript *p);
int tk_perfscript_read(struct tk_stacks *dst, struct tk_input *in, const struct tk_perfscript_opts *o,
		       struct tk_parse_stats *st);

/*
 * Folded stacks: "f1;f2;...;fn COUNT" (root first), or "... COUNT1 COUNT2" as difffolded.pl writes
 * (then COUNT1 goes to slot 0 and COUNT2 to slot 1 and *two_columns is set). A fractional count is
 * rounded. Frame names ending in _[k] / _[i] / _[j] get the matching TK_FRAME_* flag.
 */
struct tk_folded {
	struct tk_stacks *dst;
	int slot;		/* where single-count lines go */
	bool two_columns;	/* a line had two counts (a differential profile) */
	struct tk_parse_stats *st;
	uint32_t *ids;
	size_t ids_cap;
	/* the previous line: sorted folded input repeats long prefixes, whose frames are reused */
	char *prev;
	size_t prev_len, prev_cap, prev_depth;
	size_t *ends;		/* where each frame of the previous line ends */
	size_t ends_cap;
};
void tk_folded_init(struct tk_folded *p, struct tk_stacks *dst, int slot, struct tk_parse_stats *st);
int tk_folded_line(struct tk_folded *p, const char *line, size_t len);
void tk_folded_release(struct tk_folded *p);
int tk_folded_read(struct tk_stacks *dst, int slot, struct tk_input *in, struct tk_parse_stats *st,
		   bool *two_columns);

/* Does this first content look like folded stacks (else perf script text)? */
bool tk_looks_folded(const char *data, size_t len);

#endif

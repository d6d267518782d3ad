/*
 * perf.data input for `tracekit flame` / `tracekit collapse`: the hook the perf.data reader
 * (tracekit record/report, src/lib/perf/) supplies. It fills a struct tk_stacks straight from a
 * perf.data file, root first, frames symbolized and flagged (TK_FRAME_KERNEL, TK_FRAME_INLINED, ...),
 * without going through perf script text.
 *
 * src/lib/stack/perfdata.c implements it on src/lib/perf/profile.h (reader + symbolizer).
 */
#ifndef TK_LIB_STACK_PERFDATA_H
#define TK_LIB_STACK_PERFDATA_H
#include <stdbool.h>
#include <stddef.h>

#include "lib/stack/stack.h"

/* The first 8 bytes of a perf.data file. */
#define TK_PERFDATA_MAGIC "PERFILE2"

struct tk_perfdata_opts {
	bool pid, tid;		/* root frame "comm-PID" / "comm-PID/TID" as perf script input gives */
	const char *event;	/* keep only samples of this event; NULL: the first event */
	int slot;		/* tk_stacks_from_perfdata: the count slot (1: "after" of a diff) */
	char *err;		/* optional: the reader's one-line reason (naming the file offset) */
	size_t errlen;
};

static inline bool tk_is_perfdata(const char *head, size_t len)
{
	return len >= 8 && !__builtin_memcmp(head, TK_PERFDATA_MAGIC, 8);
}

/* Read path into dst. 0 or -errno; -EOPNOTSUPP when this build has no perf.data reader. */
int tk_stacks_from_perfdata(struct tk_stacks *dst, const char *path, const struct tk_perfdata_opts *o,
			    struct tk_parse_stats *st);
/* The same from an already loaded profile, into one slot (differential graphs put two in 0 and 1). */
struct tk_profile;
int tk_profile_to_stacks(struct tk_stacks *dst, const struct tk_profile *p, int slot,
			 const struct tk_perfdata_opts *o, struct tk_parse_stats *st);

#endif

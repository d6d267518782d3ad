/*
 * A perf.data file (tracekit's or perf's) turned into symbolised samples: every sample becomes
 * (event, comm, pid, tid, period, frames leaf-first), each frame an interned (symbol, dso) pair.
 * report, diff and the flame-graph writers all start from this.
 *
 * Side-band records are applied by time, as perf does: a sample is resolved against the mappings
 * and command name its process had at the sample's time, a forked child against its parent's
 * mappings until it maps its own, so stacks resolve even after the process is gone.
 */
#ifndef TK_PERF_PROFILE_H
#define TK_PERF_PROFILE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/perf/perfdata.h"

struct tk_psym {
	const char *name;	/* symbol, or "0x..." (address in its binary) when unresolved */
	const char *dso;	/* short name: "libc.so.6", "[kernel.kallsyms]", "[unknown]" */
	const char *dso_path;	/* as recorded */
	bool kernel;
	bool resolved;
};

struct tk_psample {
	uint32_t event;		/* index into events */
	uint32_t comm;		/* index into comms */
	uint32_t pid, tid;
	uint64_t period;
	uint32_t nframes;
	uint32_t first;		/* frames[first .. first+nframes), leaf first */
};

struct tk_profile {
	struct pd_file file;
	char **events;
	size_t nevents;
	struct tk_psym *syms;
	size_t nsyms;
	char **comms;
	size_t ncomms;
	struct tk_psample *samples;
	size_t nsamples;
	uint32_t *frames;
	size_t nframes;
	uint64_t lost;			/* from PERF_RECORD_LOST and LOST_SAMPLES */
	uint64_t resolved, unresolved;	/* frames */
	bool has_callchains;
	unsigned flags;
	void *priv;
	char err[256];
};

/* Load and symbolise path. On error -errno with p->err naming the problem (and the file offset). */
int tk_profile_load(struct tk_profile *p, const char *path);
/*
 * The same on an in-memory image (buf is taken over). TK_PROFILE_NO_FILES resolves nothing from
 * the file system or /proc (every user frame stays an address, kernel frames too): for the fuzz
 * harness and unit tests, which must not depend on this machine's files.
 */
#define TK_PROFILE_NO_FILES 1u
int tk_profile_load_buf(struct tk_profile *p, uint8_t *buf, size_t len, unsigned flags);
void tk_profile_free(struct tk_profile *p);

static inline const uint32_t *tk_psample_frames(const struct tk_profile *p, const struct tk_psample *s)
{
	return p->frames + s->first;
}

#endif

/*
 * Side-band records for what existed before recording started (perf's "synthesized" events): the
 * COMM and executable MMAP2 of running processes from /proc, and the kernel's own map. Without them
 * samples of `-p PID` / `-a` targets could not be symbolised.
 */
#ifndef TK_PERF_SYNTH_H
#define TK_PERF_SYNTH_H
#include <stdint.h>
#include <sys/types.h>

struct tk_synth {
	uint64_t sample_type;	/* of the first event: decides the sample_id trailer */
	uint64_t id;		/* its first sample id */
	/* Receives each record; nonzero stops. */
	int (*emit)(void *arg, const void *rec, size_t len);
	void *arg;
	/* Called for each file-backed executable mapping, e.g. to note its build-id (may be NULL). */
	void (*on_file)(void *arg, const char *path);
};

/* COMM for every thread of pid and MMAP2 for its executable mappings. -errno (ESRCH: gone). */
int tk_synth_process(const struct tk_synth *s, pid_t pid);
/* Every process in /proc (for -a). */
int tk_synth_all(const struct tk_synth *s);
/* PERF_RECORD_MMAP for [kernel.kallsyms]_text at text_addr, as perf writes it. */
int tk_synth_kernel(const struct tk_synth *s, uint64_t text_addr);

#endif

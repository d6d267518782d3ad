/*
 * The user half of the eBPF syscall tracer (src/bpf/systrace.bpf.c): configure, load and attach the
 * raw syscall tracepoints, register tasks in the in-kernel filter, read records from the ring buffer,
 * read the in-kernel -c totals and the loss counters.
 */
#ifndef TK_LIB_BPF_SYSTRACE_H
#define TK_LIB_BPF_SYSTRACE_H
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bpf/systrace.h"

struct tk_systrace;

struct tk_systrace_config {
	bool all;		/* -a: every task on the system but tracekit's own */
	bool count;		/* -c: in-kernel totals, no records */
	bool follow;		/* -f: children and threads of traced tasks */
	bool want_time;		/* take timestamps (-T, -t, -r, --json); records carry 0 otherwise */
	bool want_ip;		/* -i: user instruction pointers in signal and task-end records too */
	bool want_comm;		/* fill in records' comm (always with all) */
	bool no_signals;	/* no signal is shown (-e signal=none): no signal programs */
	int status;		/* 0 every call, 1 successful only (-z), 2 failed only (-Z) */
	const char *comm;	/* only tasks with this comm, or NULL */
	const char *cgroup;	/* only tasks under this cgroup v2 directory, or NULL */
	bool verbose;		/* let libbpf print its messages (the verifier log) on stderr */
	size_t ring_bytes;	/* ring buffer size (power of two, >= page size); 0: default 4 MiB */
	/* per syscall number: selected, captures; SYSTRACE_NR_MAX entries */
	const struct systrace_sysdesc *desc;
};

/*
 * Load and attach. On failure returns -errno and writes a one-line reason (with the libbpf
 * message when verbose) into err. t is allocated on success.
 */
int tk_systrace_open(struct tk_systrace **t, const struct tk_systrace_config *cfg, char *err, size_t errlen);
void tk_systrace_close(struct tk_systrace *t);

/* Trace one task (a thread id): from its next syscall entry on. */
int tk_systrace_add_task(struct tk_systrace *t, pid_t tid);
/* Whether traced tasks' ends come as SYSTRACE_REC_TASKEXIT records with their wait status. */
bool tk_systrace_reports_exits(const struct tk_systrace *t);
/*
 * Trace a command we started and hold before its exec: from its execve on, so strace's first line
 * comes first and nothing of the launcher's own code after fork shows.
 */
int tk_systrace_add_exec(struct tk_systrace *t, pid_t pid);
/* Trace a process: its thread pid only, or (threads) every thread it has now. */
int tk_systrace_add_process(struct tk_systrace *t, pid_t pid, bool threads);

/* Map the ring and set up its wake-ups: call once the traced tasks are in (no-op for -c). */
int tk_systrace_read_start(struct tk_systrace *t);
/* Called per record; a non-zero return stops the poll and is passed back. */
typedef int (*tk_systrace_rec_fn)(void *ctx, const struct systrace_rec *rec, size_t size);
int tk_systrace_set_handler(struct tk_systrace *t, tk_systrace_rec_fn fn, void *ctx);
/* Wait up to timeout_ms for records and consume them. Returns records consumed or -errno. */
int tk_systrace_poll(struct tk_systrace *t, int timeout_ms);
/* Consume whatever is in the ring now. */
int tk_systrace_drain(struct tk_systrace *t);
/*
 * For callers with their own loop: an fd that polls readable when the kernel half wakes the reader
 * (at its fill threshold, not on every record); call tk_systrace_drain() after each wait.
 */
int tk_systrace_fd(struct tk_systrace *t);

/* -c totals for one syscall, summed over CPUs. */
int tk_systrace_stat(struct tk_systrace *t, unsigned nr, struct systrace_stat *out);
/* Records dropped in the kernel (ring full, or a preempted scratch), summed over CPUs. */
uint64_t tk_systrace_lost(struct tk_systrace *t);
/* The BPF program ids this tracer loaded (for tests and diagnostics); returns how many. */
int tk_systrace_prog_ids(struct tk_systrace *t, uint32_t *ids, int max);

/*
 * Captured user memory of one record: find the capture holding [addr, addr+len). Returns a pointer
 * to the bytes, or NULL (and *avail = 0) when the memory was not captured. *avail is how many bytes
 * from addr are captured; *flags the capture's SYSTRACE_CAPF_* flags.
 */
const void *tk_systrace_mem(const struct systrace_rec *rec, size_t size, uint64_t addr, size_t *avail,
			    unsigned *flags);
/* -y: the descriptors a pipe/socket call made and their inode numbers (n of them), or NULL. */
const struct systrace_fdino *tk_systrace_fdino(const struct systrace_rec *rec, size_t size, size_t *n);
/* Iterate a record's captures: first with prev NULL; NULL at the end or on a malformed record. */
const struct systrace_capture *tk_systrace_next_cap(const struct systrace_rec *rec, size_t size,
						    const struct systrace_capture *prev);

#endif

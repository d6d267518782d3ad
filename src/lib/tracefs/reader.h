/*
 * Reading tracekit's instance per CPU with libtracefs' tracefs_cpu.
 *
 * tk_recorder: one thread per CPU splices full sub-buffers from per_cpu/cpuN/trace_pipe_raw into
 * a spool file, with no parsing on the way (trace-cmd's design: the kernel pages go to disk as
 * they are). At stop the partial last pages are flushed and tk_recorder_save() writes the
 * tracekit file: formats, cmdlines, per-CPU stats and the spooled pages.
 *
 * tk_live: non-blocking reads of whatever each CPU has (partial pages too), for streaming.
 */
#ifndef TK_TRACEFS_READER_H
#define TK_TRACEFS_READER_H
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/tracefs/session.h"

struct tracefs_cpu;

struct tk_cpu_stats {
	uint64_t entries, overrun, commit_overrun, dropped, read_events, bytes;
};

struct tk_rec_cpu {
	int cpu;
	int raw_fd;
	int spool_fd;
	struct tracefs_cpu *tcpu;
	pthread_t thread;
	bool started;
	uint64_t bytes;
	int err;		/* -errno of a failed splice */
	struct tk_cpu_stats stats;
	char *stats_text;
	volatile int *stop;
};

struct tk_recorder {
	struct tk_tfs *t;
	int ncpus;
	struct tk_rec_cpu *cpus;
	int subbuf_size;
	volatile int stop;
};

/* Number of CPUs the instance has per_cpu directories for. */
int tk_tfs_ncpus(struct tk_tfs *t);
/* Parse a per_cpu/cpuN/stats text. */
void tk_cpu_stats_parse(const char *text, struct tk_cpu_stats *st);

/* Open the per-CPU readers and spool files (anonymous, in spool_dir) and start the threads. */
int tk_recorder_start(struct tk_recorder *r, struct tk_tfs *t, const char *spool_dir);
/* Stop the threads, flush what is left in the ring buffers, collect per-CPU stats. */
int tk_recorder_stop(struct tk_recorder *r);
/*
 * Write the whole file to out_fd: META (meta_text plus sub-buffer and long size), header_page,
 * every enabled event's format, saved_cmdlines, per-CPU stats and data.
 */
int tk_recorder_save(struct tk_recorder *r, int out_fd, const char *meta_text);
void tk_recorder_free(struct tk_recorder *r);

struct tk_live {
	int ncpus;
	int subbuf_size;
	int *fds;
	struct tracefs_cpu **tcpu;
	uint8_t **buf;		/* pages read in this round, per CPU */
	size_t *len, *cap;
};

int tk_live_open(struct tk_live *l, struct tk_tfs *t);
/* Wait up to timeout_ms for data, then read every available page. Returns bytes read or -errno. */
int tk_live_poll(struct tk_live *l, int timeout_ms);
void tk_live_close(struct tk_live *l);



struct tk_dec;
/*
 * Give a decoder the header_page and the formats of every event enabled in the instance.
 * Returns how many formats could not be parsed (their events decode as unknown), or -errno.
 */
int tk_dec_load_instance(struct tk_dec *d, struct tk_tfs *t);
#endif

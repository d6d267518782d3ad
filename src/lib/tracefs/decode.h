/*
 * Decoding ring-buffer sub-buffers into events with libtraceevent (formats, print fmt, fields)
 * and its kbuffer (sub-buffer layout). Used live by `ftrace stream` and offline by `ftrace report`.
 *
 * Input may come from a file made elsewhere, so everything is checked before libtraceevent sees
 * it: commit sizes against the sub-buffer size, event lengths against the page, field offsets in
 * formats against the largest possible record. A record is handed to libtraceevent in a padded
 * scratch copy, so no read it makes can leave our memory.
 */
#ifndef TK_TRACEFS_DECODE_H
#define TK_TRACEFS_DECODE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/json.h"
#include "lib/util/strbuf.h"

struct tep_handle;
struct tep_event;
struct kbuffer;

struct tk_dec {
	struct tep_handle *tep;
	int subbuf_size;
	int long_size;
	uint8_t *scratch;	/* one record, zero-padded to the largest data_loc reach */
	size_t scratch_used;
	struct tk_tgid *tgids;	/* pid -> thread group, sorted by pid */
	size_t ntgids;
};

struct tk_tgid {
	int pid, tgid;
};

/* One decoded event; data is valid during the callback / until the iterator moves. */
struct tk_ev {
	uint64_t ts;
	int cpu;
	const void *data;
	unsigned size;
	struct tep_event *event;	/* NULL when the id has no known format */
	int pid;
};

int tk_dec_init(struct tk_dec *d, int subbuf_size, int long_size);
void tk_dec_free(struct tk_dec *d);
int tk_dec_header_page(struct tk_dec *d, const char *text, size_t len);
/* Parse one events/<sys>/<event>/format. -EINVAL when malformed or out of bounds. */
int tk_dec_add_format(struct tk_dec *d, const char *sys, const char *text, size_t len);
/* saved_cmdlines text ("pid comm" lines) for pid -> comm. */
void tk_dec_add_cmdlines(struct tk_dec *d, const char *text, size_t len);
void tk_dec_add_comm(struct tk_dec *d, int pid, const char *comm);
const char *tk_dec_comm(struct tk_dec *d, int pid);
/* saved_tgids text ("pid tgid" lines): replaces the pid -> process map. */
void tk_dec_set_tgids(struct tk_dec *d, const char *text, size_t len);
/* The process (thread group) of a thread; pid itself when unknown. */
int tk_dec_tgid(struct tk_dec *d, int pid);

/* Walks one CPU's concatenated sub-buffers in time order. */
struct tk_cpu_iter {
	struct tk_dec *d;
	int cpu;
	const uint8_t *buf;
	size_t len, off;
	struct kbuffer *kb;
	uint8_t *page;		/* padded copy of the current sub-buffer */
	void *rec;
	unsigned long long ts;
	uint64_t missed;	/* events the kernel reported lost between sub-buffers */
	uint64_t bad_pages;	/* sub-buffers rejected as corrupt */
	uint64_t events;
};

int tk_cpu_iter_init(struct tk_cpu_iter *it, struct tk_dec *d, int cpu, const void *buf, size_t len);
/* Advance: true with ev filled, false at the end. */
bool tk_cpu_iter_next(struct tk_cpu_iter *it, struct tk_ev *ev);
void tk_cpu_iter_free(struct tk_cpu_iter *it);
/* Point the iterator at new data (live streaming reuses one iterator per CPU). */
void tk_cpu_iter_reset(struct tk_cpu_iter *it, const void *buf, size_t len);

/*
 * Merge several CPUs by timestamp: returns the index of the iterator holding the earliest
 * pending event (filled in *ev) or -1 when all are done. pend[] must be zero-initialised.
 */
struct tk_merge {
	struct tk_cpu_iter *its;
	struct tk_ev *pend;
	bool *has;
	int n;
	bool started;
};
int tk_merge_init(struct tk_merge *m, struct tk_cpu_iter *its, int n);
int tk_merge_next(struct tk_merge *m, struct tk_ev *ev);
void tk_merge_free(struct tk_merge *m);

/* "system:name" of an event ("unknown:<id>" when its format is missing). */
void tk_dec_event_name(struct tk_dec *d, const struct tk_ev *ev, char *buf, size_t len);
/* trace-cmd report style line (no newline): comm-pid [cpu] secs.usecs: name: info */
void tk_dec_text(struct tk_dec *d, const struct tk_ev *ev, struct strbuf *sb);
/* Just the decoded print fmt output of the event. */
void tk_dec_info(struct tk_dec *d, const struct tk_ev *ev, struct strbuf *sb);
/* The event's own fields as one JSON object's members (caller opened the object). */
void tk_dec_json_fields(struct tk_dec *d, const struct tk_ev *ev, struct json_writer *w);
/* One JSON Lines object: ts_ns, cpu, pid, tgid, comm, event, fields. */
void tk_dec_json(struct tk_dec *d, const struct tk_ev *ev, struct json_writer *w);
/*
 * One Chrome trace-event object (sys_enter_X/sys_exit_X become B/E slices, the rest instants);
 * pid is the process, tid the thread.
 */
void tk_dec_perfetto(struct tk_dec *d, const struct tk_ev *ev, struct json_writer *w);

#endif

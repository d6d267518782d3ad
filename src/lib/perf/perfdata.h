/*
 * perf.data (format v2, "PERFILE2") reader and writer, file mode only (not pipe mode).
 *
 * Layout: a 104-byte header naming three sections (attrs, data, event types) and a 256-bit feature
 * bitmap; the data section is a stream of perf_event_header records as the kernel writes them into
 * the mmap ring, plus perf's own user records (types >= 64); right after the data section sits one
 * {offset, size} pair per set feature bit, in bit order. We write: the attrs with their sample ids,
 * the data, and the BUILD_ID and EVENT_DESC features, which is what `perf report`/`perf script` need.
 *
 * Hand-written because no Debian library reads or writes perf.data (perf's own code is not a
 * library). The reader validates every length against the buffer and reports the first problem as
 * one line naming its file offset; it never trusts a size field.
 */
#ifndef TK_PERF_PERFDATA_H
#define TK_PERF_PERFDATA_H
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PD_MAGIC 0x32454c4946524550ULL /* "PERFILE2" */
#define PD_HEADER_SIZE 104

/* Feature bits (perf's util/header.h numbering; stable on-disk ABI). */
enum {
	PD_FEAT_TRACING_DATA = 1,
	PD_FEAT_BUILD_ID = 2,
	PD_FEAT_HOSTNAME = 3,
	PD_FEAT_OSRELEASE = 4,
	PD_FEAT_VERSION = 5,
	PD_FEAT_ARCH = 6,
	PD_FEAT_NRCPUS = 7,
	PD_FEAT_CMDLINE = 11,
	PD_FEAT_EVENT_DESC = 12,
	PD_FEAT_MAX = 256,
};

/* perf's user record types in the data section. */
enum {
	PD_REC_HEADER_ATTR = 64,
	PD_REC_FINISHED_ROUND = 68,
	PD_REC_COMPRESSED = 81,
};

#define PD_MISC_MMAP_BUILD_ID (1 << 14)
#define PD_MISC_BUILD_ID_SIZE (1 << 15)

struct pd_attr {
	struct perf_event_attr attr;
	uint64_t *ids;
	size_t nids;
	char *name; /* from EVENT_DESC, or NULL */
};

struct pd_buildid {
	uint8_t id[20];
	uint8_t size;
	bool kernel;
	int32_t pid;
	char *path;
};

struct pd_file {
	uint8_t *buf; /* the whole file (owned) */
	size_t size;
	struct pd_attr *attrs;
	size_t nattrs;
	uint64_t data_off, data_size;
	uint64_t features[4];
	struct pd_buildid *bids;
	size_t nbids;
	char *hostname, *osrelease, *cmdline;
	/* sample_id layout shared by all attrs (perf requires this too) */
	int id_pos;	/* index (in u64s) of the id in a sample, -1 if none */
	int id_rpos;	/* index from the end of a non-sample record's sample_id, -1 if none */
	char err[200];
};

/* A decoded record. Pointers point into the file buffer or into the iterator's scratch space. */
struct pd_sample {
	const struct pd_attr *attr;
	uint64_t id, ip, time, addr, period;
	uint32_t pid, tid, cpu;
	uint64_t nr;		/* callchain length (0 without PERF_SAMPLE_CALLCHAIN) */
	const uint64_t *ips;	/* callchain, including PERF_CONTEXT_* markers */
	uint32_t raw_size;
	const uint8_t *raw;
};

struct pd_event {
	uint32_t type;
	uint16_t misc;
	uint16_t size;
	uint64_t offset;	/* of the record in the file */
	uint64_t time;		/* from the sample or the sample_id trailer; 0 if absent */
	bool has_time;
	const uint8_t *raw;	/* the whole record, `size` bytes */
	union {
		struct pd_sample sample;
		struct {	/* MMAP and MMAP2 */
			uint32_t pid, tid;
			uint64_t start, len, pgoff;
			uint32_t prot, flags;
			uint8_t build_id[20];
			uint8_t build_id_size;
			const char *filename;
		} mmap;
		struct {
			uint32_t pid, tid;
			const char *comm;
			bool exec;
		} comm;
		struct {	/* FORK and EXIT */
			uint32_t pid, ppid, tid, ptid;
			uint64_t time;
		} task;
		struct {
			uint64_t id, lost;
		} lost;
		struct {
			uint64_t lost;
		} lost_samples;
	};
};

struct pd_iter {
	uint64_t pos, end;
	uint64_t *scratch; /* aligned copy of a callchain */
	size_t scratch_cap;
};

/*
 * Take ownership of buf (malloc'd, size bytes) and validate header, attrs, ids and features.
 * On error: -EINVAL (or -ENOMEM) with f->err set; pd_close() is still required.
 */
int pd_open_buf(struct pd_file *f, uint8_t *buf, size_t size);
/* Read a file and pd_open_buf() it; f->err names the problem on failure. */
int pd_open_path(struct pd_file *f, const char *path);
void pd_close(struct pd_file *f);

void pd_iter_init(struct pd_file *f, struct pd_iter *it);
/* Next record: 1 with ev filled, 0 at the end, -EINVAL with f->err naming the offset. */
int pd_next(struct pd_file *f, struct pd_iter *it, struct pd_event *ev);
void pd_iter_free(struct pd_iter *it);

/* The attr of a sample id (the only attr when there is one), or NULL. */
const struct pd_attr *pd_attr_for_id(const struct pd_file *f, uint64_t id);
/* A printable event name for an attr ("cpu-clock", "sched:sched_switch", ...), into buf. */
const char *pd_attr_name(const struct pd_attr *a, char *buf, size_t len);

/* --- writer --- */

struct pd_writer {
	FILE *fp;
	uint64_t attrs_off, data_off, data_size;
	const struct pd_attr *attrs;
	size_t nattrs;
	struct pd_buildid *bids;
	size_t nbids, bids_cap;
	char *hostname, *osrelease, *cmdline; /* optional */
	const void *tracing_data;	/* optional TRACING_DATA feature (tracedata.h) */
	size_t tracing_len;
	int err;
};

/* Write the header placeholder, ids and attrs; records follow with pd_write(). */
int pd_writer_begin(struct pd_writer *w, FILE *fp, const struct pd_attr *attrs, size_t nattrs);
int pd_write(struct pd_writer *w, const void *rec, size_t len);
/* Remember a build-id for the BUILD_ID feature (duplicates by path are ignored). */
int pd_writer_add_buildid(struct pd_writer *w, const char *path, const uint8_t *id, size_t idlen,
			  bool kernel);
/* Write the features and the final header. Does not close fp. */
int pd_writer_finish(struct pd_writer *w);
void pd_writer_free(struct pd_writer *w);

#endif

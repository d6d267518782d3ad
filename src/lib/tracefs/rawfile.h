/*
 * The file `tracekit ftrace record` writes: raw ring-buffer sub-buffers exactly as the kernel
 * spliced them, plus everything needed to decode them elsewhere (event formats, header_page,
 * pid -> comm table, sub-buffer size, long size) and the per-CPU stats (overrun, dropped).
 *
 *   "TKFTRACE" | u32 version | u32 0
 *   then sections: u32 type | u32 cpu | u64 length | payload[length]   (all little-endian)
 *
 * A reader skips section types it does not know, so new sections do not break old readers.
 * trace-cmd's trace.dat would also do, but writing it means reimplementing trace-cmd's writer;
 * this container is 30 lines and holds the same kernel-native pages.
 */
#ifndef TK_TRACEFS_RAWFILE_H
#define TK_TRACEFS_RAWFILE_H
#include <stddef.h>
#include <stdint.h>

#define TK_RF_MAGIC "TKFTRACE"
#define TK_RF_VERSION 1

enum tk_rf_type {
	TK_RF_META = 1,		/* "key=value\n" lines */
	TK_RF_HEADER_PAGE = 2,	/* events/header_page text */
	TK_RF_FORMAT = 3,	/* "system\0" + events/system/event/format text */
	TK_RF_CMDLINES = 4,	/* saved_cmdlines text: "pid comm\n" */
	TK_RF_CPU_DATA = 5,	/* raw sub-buffers of one CPU, in order */
	TK_RF_CPU_STATS = 6,	/* per_cpu/cpuN/stats text at the end of the recording */
	TK_RF_TGIDS = 7,	/* saved_tgids text: "pid tgid\n" */
};

struct tk_rf_section {
	uint32_t type;
	uint32_t cpu;
	const uint8_t *data;
	uint64_t len;
};

struct tk_rf {
	uint32_t version;
	struct tk_rf_section *secs;
	size_t nsecs;
};

/* Parse a whole file image. -EINVAL: not a tracekit file; -EPROTO: truncated or corrupt. */
int tk_rf_parse(const void *buf, size_t len, struct tk_rf *rf);
void tk_rf_free(struct tk_rf *rf);
/* The value of key in the META section, copied into buf; -ENOENT when absent. */
int tk_rf_meta(const struct tk_rf *rf, const char *key, char *buf, size_t len);

/* Writing (fd is a regular file): the file header, then sections. -errno. */
int tk_rf_write_header(int fd);
int tk_rf_write_section(int fd, uint32_t type, uint32_t cpu, const void *data, uint64_t len);
/* A section header whose payload the caller writes next (e.g. copied from a CPU's spool file). */
int tk_rf_write_section_header(int fd, uint32_t type, uint32_t cpu, uint64_t len);

#endif

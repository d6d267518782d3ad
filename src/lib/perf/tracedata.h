/*
 * The TRACING_DATA feature of perf.data: the tracefs format files perf (libtraceevent) needs to name
 * and decode tracepoint samples. Without it `perf report`/`perf script` refuse a recording of
 * tracepoints ("broken or missing trace data"). Layout (perf's trace-event-info.c, version 0.6):
 * magic "\x17\x08\x44tracing", "0.6\0", endianness, sizeof(long), page size, header_page and
 * header_event, no ftrace formats, the formats of the recorded events by subsystem, then kallsyms,
 * printk formats and saved cmdlines (written empty: perf resolves symbols itself).
 */
#ifndef TK_PERF_TRACEDATA_H
#define TK_PERF_TRACEDATA_H
#include <stddef.h>

#include "lib/util/strbuf.h"

/* Build the blob for the tracepoints named "sys:event" in names[0..n) into out. 0 or -errno. */
int tk_tracing_data(const char *tracefs_dir, const char *const *names, size_t n, struct strbuf *out);

#endif

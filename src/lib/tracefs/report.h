/*
 * Opening a recorded `ftrace record` file for decoding: container parsed, formats and cmdlines
 * loaded into a decoder, one iterator per CPU section. Shared by `ftrace report` and its fuzzer.
 */
#ifndef TK_TRACEFS_REPORT_H
#define TK_TRACEFS_REPORT_H
#include <stddef.h>

#include "lib/tracefs/decode.h"
#include "lib/tracefs/rawfile.h"
#include "lib/util/json.h"
#include "lib/util/strbuf.h"

struct tk_report {
	struct tk_dec d;
	struct tk_rf rf;
	struct tk_cpu_iter *its;
	int nits;
};

/* buf must outlive the report. On failure why says what is wrong; call tk_report_close anyway. */
int tk_report_open(struct tk_report *rp, const void *buf, size_t len, char *why, size_t wlen);
void tk_report_close(struct tk_report *rp);
/*
 * Per-CPU stats saved in the file plus what decoding found (missed, corrupt pages, events, so
 * call it after iterating): JSON objects into w, or "# cpuN: ..." lines into sb when w is NULL.
 */
void tk_report_stats(struct tk_report *rp, struct json_writer *w, struct strbuf *sb);

#endif

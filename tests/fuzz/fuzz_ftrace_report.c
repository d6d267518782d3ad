/*
 * Fuzz the `ftrace record` file reader: container sections, header_page and event formats
 * (libtraceevent), sub-buffer layout (kbuffer), record decoding into text, JSON and Chrome
 * trace-event output, per-CPU stats.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tracefs/report.h"

/*
 * libtraceevent 1.7 leaks a few bytes of a half-parsed print fmt when a format is malformed; that
 * is its bug, not a memory error of ours, and should not stop the fuzzer from finding real ones.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libtraceevent.so";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_report rp;
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	struct tk_merge m;
	struct tk_ev ev;
	char why[256];
	int n = 0;

	if (tk_report_open(&rp, data, size, why, sizeof(why)) == 0 && tk_merge_init(&m, rp.its, rp.nits) == 0) {
		while (n++ < 20000 && tk_merge_next(&m, &ev) >= 0) {
			sb_reset(&sb);
			tk_dec_text(&rp.d, &ev, &sb);
			json_init(&w, &sb);
			tk_dec_json(&rp.d, &ev, &w);
			json_init(&w, &sb);
			tk_dec_perfetto(&rp.d, &ev, &w);
		}
		tk_merge_free(&m);
		sb_reset(&sb);
		tk_report_stats(&rp, NULL, &sb);
	}
	tk_report_close(&rp);
	sb_release(&sb);
	return 0;
}

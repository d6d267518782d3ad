/*
 * libFuzzer harness for the perf.data reader: header, attrs, features, every record, then the
 * profile built from it (side-band by time, callchains), its histogram and the stack model.
 * TK_PROFILE_NO_FILES keeps the harness off this machine's files: input names arbitrary paths.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/perf/hist.h"
#include "lib/perf/profile.h"
#include "lib/stack/perfdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_profile p;
	uint8_t *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (!tk_profile_load_buf(&p, buf, size, TK_PROFILE_NO_FILES)) {
		enum tk_sort_key keys[] = { TK_SORT_COMM, TK_SORT_DSO, TK_SORT_SYM };
		struct tk_stacks *s = tk_stacks_new();
		struct tk_hist h;

		if (!tk_hist_build(&h, &p, -1, keys, 3, true))
			tk_hist_free(&h);
		if (s)
			tk_profile_to_stacks(s, &p, 0, NULL, NULL);
		tk_stacks_free(s);
	}
	tk_profile_free(&p);
	return 0;
}

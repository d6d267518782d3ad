/* libFuzzer harness: perf script text -> stacks -> folded text and pprof, never a crash or a leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/out/flame.h"
#include "lib/stack/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the first byte picks the options, so every path of the parser gets explored */
	struct tk_perfscript_opts o = { 0 };
	struct tk_parse_stats st = { 0 };
	struct tk_flame_opts fo;
	struct tk_stacks *s;
	struct tk_input *in;
	FILE *null;

	if (size) {
		o.pid = data[0] & 1;
		o.tid = data[0] & 2;
		o.annotate_kernel = data[0] & 4;
		o.annotate_jit = data[0] & 8;
		o.addrs = data[0] & 16;
		data++;
		size--;
	}
	s = tk_stacks_new();
	if (!s || tk_input_mem(&in, data, size)) {
		tk_stacks_free(s);
		return 0;
	}
	tk_perfscript_read(s, in, &o, &st);
	tk_input_close(in);
	null = fopen("/dev/null", "w");
	if (null) {
		tk_flame_opts_init(&fo);
		tk_write_folded(s, null, &fo);
		tk_write_pprof(s, null, &fo);	/* inlined frames become multi-line locations */
		fclose(null);
	}
	tk_stacks_free(s);
	return 0;
}

/* libFuzzer harness: folded stacks -> stacks -> folded text (plain and differential). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/out/flame.h"
#include "lib/stack/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_parse_stats st = { 0 };
	struct tk_flame_opts fo;
	struct tk_stacks *s = tk_stacks_new();
	struct tk_input *in;
	bool two = false;
	FILE *null;

	if (!s || tk_input_mem(&in, data, size)) {
		tk_stacks_free(s);
		return 0;
	}
	tk_folded_read(s, 0, in, &st, &two);
	tk_input_close(in);
	null = fopen("/dev/null", "w");
	if (null) {
		tk_flame_opts_init(&fo);
		fo.diff = two;
		tk_write_folded(s, null, &fo);
		fclose(null);
	}
	tk_stacks_free(s);
	return 0;
}

/* libFuzzer harness: member offsets from a raw BTF blob (src/lib/bpf/btf_field.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bpf/btf_field.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly the input's size, so any read past it is caught */
	uint8_t *blob = malloc(size ? size : 1);

	if (!blob)
		return 0;
	memcpy(blob, data, size);
	tk_btf_member_offset(blob, size, "task_struct", "pid");
	tk_btf_member_offset(blob, size, "task_struct", "inner_b");
	tk_btf_member_offset(blob, size, "after", "pid");
	free(blob);
	return 0;
}

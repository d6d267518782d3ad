/* libFuzzer harness: walk an eBPF syscall record's captures and look memory up in it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bpf/systrace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct systrace_capture *c = NULL;
	struct systrace_rec *rec;
	size_t avail;
	unsigned flags, n = 0;
	uint64_t sum = 0;

	/* the ring buffer hands records over 8-byte aligned, at least a header long */
	if (size < sizeof(*rec))
		return 0;
	rec = malloc(size);
	if (!rec)
		return 0;
	memcpy(rec, data, size);
	while ((c = tk_systrace_next_cap(rec, size, c)) && n++ < 1000) {
		const unsigned char *p = tk_systrace_mem(rec, size, c->addr + c->len / 2, &avail, &flags);
		size_t i;

		for (i = 0; p && i < avail; i++)
			sum += p[i];
	}
	free(rec);
	return (int)(sum & 0);
}

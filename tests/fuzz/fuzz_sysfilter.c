/* libFuzzer harness: strace -e expressions (trace=, signal=, status=, read=, write=, inject=, fault=), one per
 * input line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sys/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_sysfilter f;
	char *text = malloc(size + 1), *line, *save = NULL;
	char err[256];
	long nr;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	tk_sysfilter_init(&f);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		tk_sysfilter_parse(&f, line, err, sizeof(err));
	for (nr = -1; nr <= TK_SYS_NR_MAX + 1; nr++)
		(void)tk_sysfilter_traced(&f, nr);
	(void)tk_sysfilter_traces_all(&f);
	for (nr = -1; nr <= TK_SYS_NR_MAX + 1; nr++) {
		unsigned n;

		if (tk_sysfilter_injects(&f, nr))
			for (n = 1; n < 8; n++)
				(void)tk_sysfilter_inject(&f, nr, n);
	}
	for (nr = -1; nr <= TK_FDSET_MAX + 1; nr++)
		(void)(tk_fdset_has(&f.dump_read, nr) + tk_fdset_has(&f.dump_write, nr));
	free(text);
	return 0;
}

/* Fuzz the probe spec parser (u:BINARY:SYMBOL[+off], ur:, k:, kr:) and fetch-argument joining. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tracefs/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_probe p;
	char err[256], *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	if (tk_probe_parse(s, &p, err, sizeof(err)) == 0) {
		char *arg = strchr(s, ' ');

		while (arg && tk_probe_add_arg(&p, arg + 1) == 0)
			arg = strchr(arg + 1, ' ');
	}
	free(s);
	return 0;
}

/* Number formatting for the writers' hot loops, where printf's machinery costs more than the rest. */
#ifndef TK_LIB_OUT_SBFMT_H
#define TK_LIB_OUT_SBFMT_H
#include <stdint.h>

#include "lib/util/strbuf.h"

#include <string.h>

/* v in decimal at o (at most 20 bytes, no NUL); returns the end. */
static inline char *put_u64(char *o, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	memcpy(o, tmp + i, sizeof(tmp) - i);
	return o + sizeof(tmp) - i;
}

static inline void sb_add_u64(struct strbuf *sb, uint64_t v)
{
	char tmp[24];

	sb_add(sb, tmp, (size_t)(put_u64(tmp, v) - tmp));
}

#endif

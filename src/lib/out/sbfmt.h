/* Number formatting for the writers' hot loops, where printf's machinery costs more than the rest. */
#ifndef TK_LIB_OUT_SBFMT_H
#define TK_LIB_OUT_SBFMT_H
#include <stdint.h>

#include "lib/util/strbuf.h"

static inline void sb_add_u64(struct strbuf *sb, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_add(sb, tmp + i, sizeof(tmp) - i);
}

#endif

/* Value <-> name tables for syscall arguments (generated from the UAPI headers, see sys_tables.spec). */
#ifndef TK_SYS_XLAT_H
#define TK_SYS_XLAT_H
#include <stdbool.h>
#include <stdint.h>

#include "lib/util/strbuf.h"

struct tk_xlat_entry {
	int64_t val;
	const char *name;
};

enum { TK_XLAT_VAL, TK_XLAT_FLAGS };

struct tk_xlat {
	const struct tk_xlat_entry *e;
	unsigned n;
	unsigned kind; /* TK_XLAT_VAL: one value; TK_XLAT_FLAGS: a bit set */
};

/* How constants print, strace's -X: abbrev (names), raw (numbers), verbose (number and names). */
enum tk_xlat_style { TK_XLAT_ABBREV, TK_XLAT_RAW, TK_XLAT_VERBOSE };

/* The name of val in x, NULL when it has none. */
const char *tk_xlat_name(const struct tk_xlat *x, int64_t val);
/* The value named name; -ENOENT when x has no such name. */
int tk_xlat_value(const struct tk_xlat *x, const char *name, int64_t *val);
/*
 * Append val as a set of flags (A|B|0x40), "0" when empty; or as one named value, falling back to
 * the number in hexadecimal (decimal when dflt_dec), as strace does.
 */
void tk_xlat_flags(struct strbuf *sb, const struct tk_xlat *x, uint64_t val, enum tk_xlat_style st);
void tk_xlat_val(struct strbuf *sb, const struct tk_xlat *x, int64_t val, enum tk_xlat_style st,
		 bool dflt_dec);

#include "sys_tables.h"
#endif

/* Printing values and flag sets through the generated tables. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#define TK_SYS_TABLES_DEFINE
#include "lib/sys/xlat.h"

const char *tk_xlat_name(const struct tk_xlat *x, int64_t val)
{
	unsigned i;

	for (i = 0; i < x->n; i++)
		if (x->e[i].val == val)
			return x->e[i].name;
	return NULL;
}

int tk_xlat_value(const struct tk_xlat *x, const char *name, int64_t *val)
{
	unsigned i;

	for (i = 0; i < x->n; i++)
		if (!strcmp(x->e[i].name, name)) {
			*val = x->e[i].val;
			return 0;
		}
	return -ENOENT;
}

static void flag_names(struct strbuf *sb, const struct tk_xlat *x, uint64_t val)
{
	uint64_t left = val;
	bool any = false;
	unsigned i;

	for (i = 0; i < x->n && left; i++) {
		uint64_t v = (uint64_t)x->e[i].val;

		if (!v || (left & v) != v)
			continue;
		sb_addf(sb, "%s%s", any ? "|" : "", x->e[i].name);
		left &= ~v;
		any = true;
	}
	if (left || !any)
		sb_addf(sb, any ? "|%#" PRIx64 : "%#" PRIx64, left);
}

void tk_xlat_flags(struct strbuf *sb, const struct tk_xlat *x, uint64_t val, enum tk_xlat_style st)
{
	if (!val && st != TK_XLAT_RAW && tk_xlat_name(x, 0)) {
		sb_adds(sb, tk_xlat_name(x, 0)); /* PROT_NONE */
		return;
	}
	if (st == TK_XLAT_RAW || !val) {
		sb_addf(sb, "%#" PRIx64, val);
		return;
	}
	if (st == TK_XLAT_VERBOSE) {
		sb_addf(sb, "%#" PRIx64 " /* ", val);
		flag_names(sb, x, val);
		sb_adds(sb, " */");
		return;
	}
	flag_names(sb, x, val);
}

void tk_xlat_val(struct strbuf *sb, const struct tk_xlat *x, int64_t val, enum tk_xlat_style st,
		 bool dflt_dec)
{
	const char *n = tk_xlat_name(x, val);

	if (st == TK_XLAT_RAW || !n) {
		if (dflt_dec)
			sb_addf(sb, "%" PRId64, val);
		else
			sb_addf(sb, "%#" PRIx64, (uint64_t)val);
		return;
	}
	if (st == TK_XLAT_VERBOSE) {
		sb_addf(sb, dflt_dec ? "%" PRId64 " /* %s */" : "%#" PRIx64 " /* %s */", val, n);
		return;
	}
	sb_adds(sb, n);
}

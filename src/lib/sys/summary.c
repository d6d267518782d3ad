/* strace -c: the table with the same columns, widths and ordering rules as strace's. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sys/summary.h"
#include "lib/sys/sysdesc.h"
#include "lib/util/json.h"

void tk_summary_add(struct tk_summary *s, long nr, uint64_t ns, int failed)
{
	if (nr < 0 || nr > TK_SYS_NR_MAX)
		return;
	s->rows[nr].calls++;
	s->rows[nr].errors += failed ? 1 : 0;
	s->rows[nr].ns += ns;
}

void tk_summary_add_bulk(struct tk_summary *s, long nr, uint64_t calls, uint64_t errors, uint64_t ns)
{
	if (nr < 0 || nr > TK_SYS_NR_MAX)
		return;
	s->rows[nr].calls += calls;
	s->rows[nr].errors += errors;
	s->rows[nr].ns += ns;
}

int tk_summary_parse_sort(const char *name, enum tk_summary_sort *out)
{
	static const struct {
		const char *name;
		enum tk_summary_sort v;
	} m[] = { { "time", TK_SORT_TIME },     { "time_total", TK_SORT_TIME }, { "total_time", TK_SORT_TIME },
		  { "calls", TK_SORT_CALLS },   { "count", TK_SORT_CALLS },     { "errors", TK_SORT_ERRORS },
		  { "error", TK_SORT_ERRORS },  { "name", TK_SORT_NAME },       { "syscall", TK_SORT_NAME },
		  { "syscall_name", TK_SORT_NAME }, { "nothing", TK_SORT_NOTHING }, { "none", TK_SORT_NOTHING } };
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(name, m[i].name)) {
			*out = m[i].v;
			return 0;
		}
	return -EINVAL;
}

struct sort_ctx {
	const struct tk_summary *s;
	enum tk_summary_sort sort;
};

static _Thread_local struct sort_ctx sctx;

static const char *name_of(long nr, char *buf, size_t size)
{
	const char *n = tk_sys_name(nr);

	if (n)
		return n;
	snprintf(buf, size, "syscall_%#lx", (unsigned long)nr);
	return buf;
}

static int cmp_rows(const void *pa, const void *pb)
{
	long a = *(const long *)pa, b = *(const long *)pb;
	const struct tk_summary_row *ra = &sctx.s->rows[a], *rb = &sctx.s->rows[b];
	char ba[32], bb[32];

	/* strace: descending by the key, ties by name ascending */
	switch (sctx.sort) {
	case TK_SORT_TIME:
		if (ra->ns != rb->ns)
			return ra->ns > rb->ns ? -1 : 1;
		break;
	case TK_SORT_CALLS:
		if (ra->calls != rb->calls)
			return ra->calls > rb->calls ? -1 : 1;
		break;
	case TK_SORT_ERRORS:
		if (ra->errors != rb->errors)
			return ra->errors > rb->errors ? -1 : 1;
		break;
	case TK_SORT_NOTHING:
		return a < b ? -1 : a > b;
	case TK_SORT_NAME:
		break;
	}
	return strcmp(name_of(a, ba, sizeof(ba)), name_of(b, bb, sizeof(bb)));
}

static size_t sorted_rows(const struct tk_summary *s, enum tk_summary_sort sort, long *idx)
{
	size_t n = 0;
	long nr;

	for (nr = 0; nr <= TK_SYS_NR_MAX; nr++)
		if (s->rows[nr].calls)
			idx[n++] = nr;
	sctx.s = s;
	sctx.sort = sort;
	qsort(idx, n, sizeof(*idx), cmp_rows);
	return n;
}

void tk_summary_format(const struct tk_summary *s, enum tk_summary_sort sort, struct strbuf *sb)
{
	static const char dashes[] = "------ ----------- ----------- --------- --------- ----------------\n";
	long idx[TK_SYS_NR_MAX + 1];
	uint64_t tcalls = 0, terr = 0, tns = 0;
	size_t n = sorted_rows(s, sort, idx), i;
	char buf[32];

	for (i = 0; i < n; i++) {
		tcalls += s->rows[idx[i]].calls;
		terr += s->rows[idx[i]].errors;
		tns += s->rows[idx[i]].ns;
	}
	sb_addf(sb, "%6.6s %11.11s %11.11s %9.9s %9.9s %s\n", "% time", "seconds", "usecs/call", "calls",
		"errors", "syscall");
	sb_adds(sb, dashes);
	for (i = 0; i < n; i++) {
		const struct tk_summary_row *r = &s->rows[idx[i]];
		double pct = tns ? 100.0 * (double)r->ns / (double)tns : 0.0;

		sb_addf(sb, "%6.2f %4" PRIu64 ".%06" PRIu64 " %11" PRIu64 " %9" PRIu64, pct,
			r->ns / 1000000000, r->ns / 1000 % 1000000, r->ns / 1000 / r->calls, r->calls);
		if (r->errors)
			sb_addf(sb, " %9" PRIu64, r->errors);
		else
			sb_addf(sb, " %9s", "");
		sb_addf(sb, " %s\n", name_of(idx[i], buf, sizeof(buf)));
	}
	sb_adds(sb, dashes);
	sb_addf(sb, "%6.2f %4" PRIu64 ".%06" PRIu64 " %11" PRIu64 " %9" PRIu64, n ? 100.0 : 0.0,
		tns / 1000000000, tns / 1000 % 1000000, tcalls ? tns / 1000 / tcalls : 0, tcalls);
	if (terr)
		sb_addf(sb, " %9" PRIu64, terr);
	else
		sb_addf(sb, " %9s", "");
	sb_adds(sb, " total\n");
}

void tk_summary_json(const struct tk_summary *s, enum tk_summary_sort sort, struct strbuf *sb)
{
	long idx[TK_SYS_NR_MAX + 1];
	uint64_t tcalls = 0, terr = 0, tns = 0;
	size_t n = sorted_rows(s, sort, idx), i;
	struct json_writer w;
	char buf[32];

	for (i = 0; i < n; i++) {
		tcalls += s->rows[idx[i]].calls;
		terr += s->rows[idx[i]].errors;
		tns += s->rows[idx[i]].ns;
	}
	json_init(&w, sb);
	json_obj_begin(&w);
	json_kstr(&w, "type", "summary");
	json_key(&w, "syscalls");
	json_arr_begin(&w);
	for (i = 0; i < n; i++) {
		const struct tk_summary_row *r = &s->rows[idx[i]];

		json_obj_begin(&w);
		json_kstr(&w, "syscall", name_of(idx[i], buf, sizeof(buf)));
		json_kuint(&w, "calls", r->calls);
		json_kuint(&w, "errors", r->errors);
		json_kdouble(&w, "seconds", (double)r->ns / 1e9);
		json_kuint(&w, "usecs_per_call", r->ns / 1000 / r->calls);
		json_kdouble(&w, "percent", tns ? 100.0 * (double)r->ns / (double)tns : 0.0);
		json_obj_end(&w);
	}
	json_arr_end(&w);
	json_kuint(&w, "calls", tcalls);
	json_kuint(&w, "errors", terr);
	json_kdouble(&w, "seconds", (double)tns / 1e9);
	json_obj_end(&w);
	sb_addc(sb, '\n');
}

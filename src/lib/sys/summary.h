/*
 * The -c summary model: calls, errors and time per syscall, and strace's table. Backends fill it
 * their own way (the printer from paired ptrace stops; the eBPF backend from kernel maps through
 * tk_summary_add_bulk), and the same formatter prints it.
 */
#ifndef TK_SYS_SUMMARY_H
#define TK_SYS_SUMMARY_H
#include <stdint.h>
#include <stdio.h>

#include "lib/util/strbuf.h"
#include "sys_tables.h"

struct tk_summary_row {
	uint64_t calls;
	uint64_t errors;
	uint64_t ns; /* total time inside the syscall */
};

struct tk_summary {
	struct tk_summary_row rows[TK_SYS_NR_MAX + 1];
};

enum tk_summary_sort { TK_SORT_TIME, TK_SORT_CALLS, TK_SORT_ERRORS, TK_SORT_NAME, TK_SORT_NOTHING };

void tk_summary_add(struct tk_summary *s, long nr, uint64_t ns, int failed);
void tk_summary_add_bulk(struct tk_summary *s, long nr, uint64_t calls, uint64_t errors, uint64_t ns);
/* strace's -S names: time, calls, errors, name, nothing (also "syscall", "count"); -EINVAL */
int tk_summary_parse_sort(const char *name, enum tk_summary_sort *out);
/* The strace -c table into sb. */
void tk_summary_format(const struct tk_summary *s, enum tk_summary_sort sort, struct strbuf *sb);
/* One JSON object {"summary":[{syscall, calls, errors, seconds, usecs_per_call, percent}], ...} */
void tk_summary_json(const struct tk_summary *s, enum tk_summary_sort sort, struct strbuf *sb);

#endif

/* strace's -e expressions: trace=, status=, signal= (the selection both backends apply). */
#ifndef TK_SYS_FILTER_H
#define TK_SYS_FILTER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys_tables.h"

enum {
	TK_STATUS_SUCCESSFUL = 1 << 0,
	TK_STATUS_FAILED = 1 << 1,
	TK_STATUS_UNFINISHED = 1 << 2,
	TK_STATUS_UNAVAILABLE = 1 << 3,
	TK_STATUS_DETACHED = 1 << 4,
	TK_STATUS_ALL = 0x1f,
};

struct tk_sysfilter {
	uint8_t trace[(TK_SYS_NR_MAX + 1 + 7) / 8]; /* bit per syscall number */
	bool trace_unknown;	 /* numbers beyond the table (traced only by "all") */
	bool trace_given;	 /* a trace= clause was seen */
	uint64_t signals;	 /* bit (sig - 1) per signal shown */
	bool signals_given;
	unsigned status;	 /* TK_STATUS_* shown */
	bool status_given;
};

/* Everything traced, every signal and status shown. */
void tk_sysfilter_init(struct tk_sysfilter *f);
/*
 * Apply one -e argument: "trace=open,close", "!open", "%file", "/^f.*", "?maybe", "all", "none",
 * "status=failed", "signal=!SIGCHLD". Names are checked: an unknown one fails with -EINVAL and a
 * one-line reason in err (naming the word and the closest syscall name). Nothing is applied then.
 */
int tk_sysfilter_parse(struct tk_sysfilter *f, const char *expr, char *err, size_t errsz);
bool tk_sysfilter_traced(const struct tk_sysfilter *f, long nr);
/* true when every syscall is traced (no prefilter can save anything) */
bool tk_sysfilter_traces_all(const struct tk_sysfilter *f);
bool tk_sysfilter_signal(const struct tk_sysfilter *f, int sig);

#endif

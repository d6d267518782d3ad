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

/* -e read=SET / -e write=SET: descriptors whose data is dumped in hex (strace's set syntax). */
#define TK_FDSET_MAX 1024
struct tk_fdset {
	uint8_t bits[TK_FDSET_MAX / 8]; /* fds below TK_FDSET_MAX */
	bool others;			/* fds from TK_FDSET_MAX on ("all", "!3") */
};

/*
 * -e inject=SET:error=E|retval=N[:when=W], -e fault=SET[:error=E][:when=W]: make the selected
 * syscalls fail (or return N) without running them, on the invocations `when` picks, counted per
 * thread and syscall from 1: first[..last][+[step]] as strace's.
 */
struct tk_inject {
	uint8_t set[(TK_SYS_NR_MAX + 1 + 7) / 8];
	int error;	    /* errno to return, 0 with retval */
	int64_t retval;	    /* with error 0 */
	unsigned first;	    /* first invocation injected (1-based) */
	unsigned last;	    /* last one, 0 when unbounded */
	unsigned step;	    /* then every step-th; 0: only the first */
};
#define TK_INJECT_MAX 16

/* -e raw= / abbrev= / verbose=: a set of syscalls, as trace= spells it (several clauses add up) */
struct tk_sysset {
	uint8_t bits[(TK_SYS_NR_MAX + 1 + 7) / 8];
	bool unknown;	/* numbers beyond the table */
	bool given;	/* a clause was seen: the default is replaced */
};

struct tk_sysfilter {
	uint8_t trace[(TK_SYS_NR_MAX + 1 + 7) / 8]; /* bit per syscall number */
	bool trace_unknown;	 /* numbers beyond the table (traced only by "all") */
	bool trace_given;	 /* a trace= clause was seen */
	uint64_t signals;	 /* bit (sig - 1) per signal shown */
	bool signals_given;
	unsigned status;	 /* TK_STATUS_* shown */
	bool status_given;
	struct tk_fdset dump_read, dump_write; /* -e read= / -e write= */
	bool dumps;			       /* either is non-empty */
	struct tk_inject inject[TK_INJECT_MAX];
	int ninject;
	struct tk_sysset raw;	  /* arguments and result undecoded, in hex (none by default) */
	struct tk_sysset abbrev;  /* structs, arrays and argv abbreviated (all by default; -v: none) */
};

/* Everything traced, every signal and status shown. */
void tk_sysfilter_init(struct tk_sysfilter *f);
/*
 * Apply one -e argument: "trace=open,close", "!open", "%file", "/^f.*", "?maybe", "all", "none",
 * "status=failed", "signal=!SIGCHLD", "read=3,5", "write=all", "inject=openat:error=ENOENT:when=2+",
 * "fault=read", "raw=ioctl", "abbrev=none". Names are checked: an unknown one fails with -EINVAL and a
 * one-line reason in err (naming the word and the closest syscall name). Nothing is applied then.
 */
int tk_sysfilter_parse(struct tk_sysfilter *f, const char *expr, char *err, size_t errsz);
bool tk_sysfilter_traced(const struct tk_sysfilter *f, long nr);
/* true when every syscall is traced (no prefilter can save anything) */
bool tk_sysfilter_traces_all(const struct tk_sysfilter *f);
bool tk_sysfilter_signal(const struct tk_sysfilter *f, int sig);
bool tk_sysset_has(const struct tk_sysset *s, long nr);
bool tk_fdset_has(const struct tk_fdset *s, int64_t fd);
/* The inject rule that syscall nr's n-th invocation (from 1, per thread) triggers, or NULL. */
const struct tk_inject *tk_sysfilter_inject(const struct tk_sysfilter *f, long nr, unsigned n);
/* true when some inject rule covers nr (its invocations must be counted) */
bool tk_sysfilter_injects(const struct tk_sysfilter *f, long nr);

struct strbuf;
struct tk_syscall;
struct tk_mem;
/* -e read=/write=: append the hex dump lines of a returned syscall's data to out (dump.c). */
void tk_sys_dump(struct strbuf *out, const struct tk_sysfilter *f, const struct tk_syscall *sc, struct tk_mem *mem);

#endif

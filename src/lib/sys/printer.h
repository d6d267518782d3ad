/*
 * The backend-neutral sink of `tracekit trace`: backends (ptrace, eBPF) deliver syscall entry/exit,
 * signal and exit events; the printer turns them into strace lines (with <unfinished ...> and
 * <... resumed> when tasks interleave), JSON Lines, or the -c summary. Backends never format.
 */
#ifndef TK_SYS_PRINTER_H
#define TK_SYS_PRINTER_H
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/sys/filter.h"
#include "lib/sys/launch.h"
#include "lib/sys/summary.h"
#include "lib/sys/sysdesc.h"

enum tk_ts_mode { TK_TS_NONE, TK_TS_SEC, TK_TS_USEC, TK_TS_EPOCH }; /* -t, -tt, -ttt */

/* Everything `tracekit trace` was asked for, parsed once, independent of the backend. */
/* What -q, -qq, -qqq and -e quiet= leave out (strace's message classes). */
enum {
	TK_QUIET_ATTACH = 1,	/* "Process N attached" / "detached" notes */
	TK_QUIET_EXIT = 2,	/* "+++ exited with N +++", "+++ killed by SIG +++" */
	TK_QUIET_EXECVE = 4,	/* "+++ superseded by execve in pid N +++" (strace's thread-execve) */
};

struct tk_trace_opts {
	struct tk_fmt_opts fmt;	     /* -s -y -v -X */
	struct tk_sysfilter filter;  /* -e trace= status= signal= */
	int follow;		     /* -f: 1; -ff: 2 (one output file per process) */
	enum tk_ts_mode ts;	     /* -t -tt -ttt */
	bool relative;		     /* -r */
	bool show_duration;	     /* -T */
	bool show_nr;		     /* -n: "[ NR] " before each line (the task's last syscall for others) */
	bool show_ip;		     /* -i: "[00007f...] " before each line, the user instruction pointer */
	int summary;		     /* -c: 1 (table only); -C: 2 (lines and table) */
	enum tk_summary_sort sortby; /* -S */
	bool summary_wall;	     /* -w: -c sums wall time between entry and exit, not system time */
	unsigned quiet;		     /* TK_QUIET_*: -q, -qq, -qqq, -e quiet= */
	bool json;		     /* --json */
	int seccomp;		     /* -1 auto (on when it saves stops), 0 off, 1 on */
	bool output_is_file;	     /* -o: lines carry "PID " instead of "[pid PID] " */
	const char **paths;	     /* -P: only syscalls touching these paths */
	int npaths;
	int *pids;		     /* -p */
	int npids;
	char **argv; /* the command, NULL-terminated; NULL with -p */
	char **envp; /* its environment after -E; NULL: ours */
	struct tk_runas runas; /* -u */
	/* eBPF backend only */
	bool all;	    /* -a: every task on the system; lines start with comm/pid */
	const char *cgroup; /* --cgroup PATH: only tasks in this cgroup v2 subtree */
	const char *comm;   /* --comm NAME */
	size_t buffer_size; /* --buffer-size: ring buffer bytes, 0 for the default */
	bool hist;	    /* --hist: log2 latency histograms after the -c table */
	int verbose;	    /* tracekit -v: the kernel's diagnostics (verifier log) */
};

/* Where the lines of thread tid go (the command owns the files: -o, -ff's PREFIX.PID, stderr). */
typedef FILE *tk_trace_stream_fn(void *ctx, int tid);

struct tk_printer;

struct tk_printer *tk_printer_new(const struct tk_trace_opts *o, tk_trace_stream_fn *stream, void *ctx);
void tk_printer_free(struct tk_printer *p);

/* A traced task appeared (started, attached, or followed at fork): it counts for "[pid N]". */
void tk_printer_task_new(struct tk_printer *p, int tid);
/* Syscall entry: sc->nr, args, ts_enter, mono_enter set. Memory read now is entry-time memory. */
void tk_printer_enter(struct tk_printer *p, const struct tk_syscall *sc, struct tk_mem *mem);
/* Syscall exit: the same call with ret, ts_exit, mono_exit. */
void tk_printer_exit(struct tk_printer *p, const struct tk_syscall *sc, struct tk_mem *mem);
/* tid's command name, for -a's "comm/pid" prefix. */
void tk_printer_task_comm(struct tk_printer *p, int tid, const char *comm);
/* Text written after the -c table (the eBPF backend's --hist histograms). */
void tk_printer_summary_extra(struct tk_printer *p, const char *text);
/* A signal delivered to tid (siginfo_t), which is at ip in user space (TK_IP_UNKNOWN: not known). */
void tk_printer_signal(struct tk_printer *p, int tid, const siginfo_t *si, uint64_t ip, uint64_t ts,
		       uint64_t mono);
/* tid ended: wait status as from waitpid. Prints "= ?" for a syscall it never returned from. */
void tk_printer_task_exit(struct tk_printer *p, int tid, int wstatus, uint64_t ts, uint64_t mono);
/* tid replaced old_tid by execve in a multithreaded process (the in-flight execve moves over). */
void tk_printer_task_rename(struct tk_printer *p, int old_tid, int tid);
/* tid detached (Ctrl-C on -p): an open line ends in " <detached ...>". */
void tk_printer_task_detach(struct tk_printer *p, int tid);
/* Flush open lines and write the -c table (or its JSON) to stream(ctx, 0). */
void tk_printer_finish(struct tk_printer *p);
/* The summary the printer accumulates (-c); a backend counting in the kernel adds to it. */
struct tk_summary *tk_printer_summary(struct tk_printer *p);
/* Counted events (for the report line): syscalls printed, lost events a backend reports. */
void tk_printer_lost(struct tk_printer *p, uint64_t n);
uint64_t tk_printer_lost_count(const struct tk_printer *p);

#endif

/*
 * The eBPF syscall backend's bridge to the shared decoder core (lib/sys/sysdesc.h): turn the
 * decoders' argument declarations into the kernel's capture table, answer the decoders' memory
 * reads from the bytes captured in the kernel, and turn ring-buffer records into struct tk_syscall.
 */
#ifndef TK_LIB_BPF_SYSTRACE_SYS_H
#define TK_LIB_BPF_SYSTRACE_SYS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/bpf/systrace.h"
#include "lib/sys/sysdesc.h"

/*
 * Fill desc[SYSTRACE_NR_MAX]: syscall nr is selected when selected is NULL or selected(nr, ctx) is
 * true; what to capture comes from tk_sysdesc_get(nr), strings and buffers bounded by strsize (-s).
 * split: every syscall also gets an entry record with its inputs captured at entry (and again at
 * exit), so that the printer can see entry and exit apart, as from ptrace (-f: "<unfinished ...>" /
 * "<... resumed>").
 * Otherwise inputs still in memory are read at exit and only execve, exit and exit_group have one.
 */
void tk_systrace_plan(struct systrace_sysdesc *desc, bool (*selected)(long nr, void *ctx), void *ctx,
		      unsigned strsize, bool split);
/*
 * -y: pipe, pipe2, socketpair, socket, accept and accept4 (when selected) also report the inode
 * numbers of the descriptors they made (SYSTRACE_CAP_FDINO), which name them as /proc does.
 */
void tk_systrace_plan_fdino(struct systrace_sysdesc *desc);

/*
 * A decoder memory reader over one syscall's records: its entry record (or NULL) and its exit
 * record (or NULL). Reads are answered from the captures only; -EFAULT for memory not captured.
 */
struct tk_fdtable;
struct tk_systrace_mem {
	const struct systrace_rec *enter, *exit;
	size_t enter_size, exit_size;
	bool prefer_exit;	/* decoding the exit half: exit captures first */
	const struct tk_fdtable *fds;	/* -y: descriptors as the trace left them (NULL: /proc only) */
	int tgid;
};
extern const struct tk_mem_ops tk_systrace_mem_ops;

/*
 * The event of a record pair (enter or exit may be NULL, not both). realtime_off converts the
 * kernel's CLOCK_MONOTONIC stamps to CLOCK_REALTIME.
 */
void tk_systrace_event(struct tk_syscall *sc, const struct systrace_rec *enter, const struct systrace_rec *exit,
		       int64_t realtime_off);

/*
 * A log2 histogram (hist[i] counts values in [2^i, 2^(i+1)), hist[0] also 0) as text, the way BCC's
 * tools print them: one line per bucket from the first to the last non-empty one, with a bar.
 */
void tk_systrace_hist_format(struct strbuf *sb, const char *title, const __u64 *hist, int slots);

#endif

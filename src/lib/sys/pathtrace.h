/*
 * strace's -P PATH: only syscalls that touch a traced path are shown: a path argument equal to it
 * (as the tracee wrote it, or where it resolves when tracekit starts), or a descriptor argument
 * open on it. Backend-neutral: the printer asks at entry, through the decoders' declarations
 * (every TK_ARG_PATH, TK_ARG_FD and TK_ARG_DIRFD argument) and the memory reader.
 */
#ifndef TK_SYS_PATHTRACE_H
#define TK_SYS_PATHTRACE_H
#include <stdbool.h>

#include "lib/sys/sysdesc.h"

struct tk_pathtrace;

struct tk_pathtrace *tk_pathtrace_new(void);
void tk_pathtrace_free(struct tk_pathtrace *pt);
/* Trace path (and its resolved form when that differs): 0, or -errno. */
int tk_pathtrace_add(struct tk_pathtrace *pt, const char *path);
/* Does this call (at entry: arguments and entry memory) touch a traced path? 0, or how: */
enum { TK_PATH_BY_NAME = 1, TK_PATH_BY_FD = 2 };
unsigned tk_pathtrace_match(struct tk_pathtrace *pt, const struct tk_syscall *sc, struct tk_mem *mem);
/*
 * Any call returned (traced or not; match: what tk_pathtrace_match said at its entry): the
 * descriptors it opened, duplicated or closed are learnt, so what they are on is known when /proc
 * can no longer say it (the eBPF backend decodes after the fact).
 */
void tk_pathtrace_exit(struct tk_pathtrace *pt, const struct tk_syscall *sc, struct tk_mem *mem, unsigned match);
/* tid's remembered descriptors are void (it exec'd, or ended). */
void tk_pathtrace_forget(struct tk_pathtrace *pt, int tid);

#endif

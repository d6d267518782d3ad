/*
 * What each traced process's descriptors (and its working directory) name, for `trace -y` on eBPF,
 * kept from the trace itself.
 *
 * Why: the ptrace backend reads /proc/PID/fd/N while the tracee is stopped in the call; the eBPF
 * reader decodes a batch of records up to 10 ms later, by when a short-lived descriptor is closed
 * or the process gone (`cat FILE` under -y showed no path at all). So the reader replays what the
 * calls did: open/openat/openat2/creat name their result, dup/dup2/dup3/fcntl(F_DUPFD*) copy,
 * close/close_range forget, chdir/fchdir move the directory, fork copies, a successful execve
 * drops close-on-exec ones; eventfd, epoll, timerfd, signalfd, inotify, fanotify, userfaultfd,
 * perf_event_open, pidfd_open, io_uring_setup and memfd_create name theirs as /proc would; pipes
 * and sockets by the inode numbers the kernel half reads at the call's exit. Relative paths are
 * resolved against the directory or descriptor they name, then realpath() (as /proc shows them:
 * absolute, symbolic links resolved). What the table does not know (descriptors passed over a
 * socket, those of an attached process before it was seeded) falls back to /proc.
 */
#ifndef TK_LIB_BPF_FDTABLE_H
#define TK_LIB_BPF_FDTABLE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TK_FD_CWD (-100)	/* AT_FDCWD: the process's working directory */

struct tk_fdtable;

struct tk_fdtable *tk_fdtable_new(void);
void tk_fdtable_free(struct tk_fdtable *t);
/*
 * Start a process's entry from /proc/PID: its working directory and open descriptors
 * (skip_cloexec: those an exec will close, for a command held before its exec).
 */
void tk_fdtable_seed(struct tk_fdtable *t, int tgid, bool skip_cloexec);
/*
 * The path of fd (or TK_FD_CWD) in tgid: its length, -EBADF when the trace saw it closed (and not
 * opened again), or -ENOENT when the table does not know.
 */
int tk_fdtable_path(const struct tk_fdtable *t, int tgid, int fd, char *buf, size_t size);

/*
 * One finished syscall of tgid (nr, args, ret; path: its path argument as captured, or NULL),
 * in two halves around its line: what it opened, before (its result shows the new path); what
 * it closed, after (its arguments show the old one).
 */
void tk_fdtable_before_line(struct tk_fdtable *t, int tgid, long nr, const uint64_t *args, int64_t ret,
			    const char *path);
void tk_fdtable_after_line(struct tk_fdtable *t, int tgid, long nr, const uint64_t *args, int64_t ret);
/*
 * A pipe's or socket's descriptor fd that call nr (pipe, pipe2, socket, socketpair, accept,
 * accept4; its args) made, with its inode number as the kernel half read it (0: unknown, left to
 * /proc): "pipe:[INO]" or "socket:[INO]", as /proc names them. Call it before the line too. fd -1:
 * the call made descriptors whose numbers are not known.
 */
void tk_fdtable_made(struct tk_fdtable *t, int tgid, long nr, const uint64_t *args, int fd, uint64_t ino);
/* Whether syscall nr changes the table: with -y they are reported even when -e trace= hides them. */
bool tk_fdtable_changed_by(long nr);

#endif

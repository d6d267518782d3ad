/*
 * tracekit's private tracefs instance and its hygiene.
 *
 * Everything tracekit enables lives in instances/tracekit-<pid>, never in the top-level buffer.
 * The instance has options/disable_on_free set and its free_buffer file held open: when the
 * process dies, even by SIGKILL, the kernel closes the file, which stops tracing and frees the
 * buffer. What cannot be tied to a file descriptor (the instance directory itself, uprobes in the
 * group tracekit_<pid>) is swept by the next tracekit run once that pid is gone.
 *
 * Errors are -errno; when the kernel rejected a write, tk_tfs_error() holds the line it logged in
 * tracefs error_log (or a description of what failed).
 */
#ifndef TK_TRACEFS_SESSION_H
#define TK_TRACEFS_SESSION_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TK_TFS_INSTANCE_PREFIX "tracekit-"
#define TK_TFS_GROUP_PREFIX "tracekit_"

struct tracefs_instance;

struct tk_tfs {
	char dir[256];			/* tracefs mount point */
	char name[64];			/* tracekit-<pid> */
	struct tracefs_instance *inst;
	int free_fd;			/* instances/NAME/free_buffer, held open */
	char **enabled;			/* "system/event" of every event enabled here */
	int nenabled;
	char err[512];			/* detail of the last failure */
};

/* What a sweep or reset removed. */
struct tk_tfs_sweep {
	int instances;
	int probes;
	int failed;
	int live;	/* left alone: owned by a running tracekit */
};

/* Mount tracefs when needed and set dir. Does not create anything. */
int tk_tfs_init_dir(char *dir, size_t len);

/*
 * Sweep stale state, then create and arm instances/tracekit-<getpid()> (tracing off, buffer
 * empty). On failure nothing is left behind.
 */
int tk_tfs_open(struct tk_tfs *t);
/* Disable everything in the instance, release free_buffer, remove the instance. Idempotent. */
void tk_tfs_close(struct tk_tfs *t);

/*
 * Enable events matching spec in the instance: "system:event", "system/event", "system" or
 * "system:*" (whole subsystem), or a bare "event"; shell globs allowed in either part.
 * Returns how many events were enabled, or -ENOENT (no such event; tk_tfs_error has a
 * suggestion when a close name exists), or another -errno.
 */
int tk_tfs_enable(struct tk_tfs *t, const char *spec);
/* Apply a filter expression to every enabled event; -EINVAL with the error_log line on rejection. */
int tk_tfs_filter(struct tk_tfs *t, const char *expr);
/* Restrict events to these pids (set_event_pid) and follow their children (options/event-fork). */
int tk_tfs_set_pids(struct tk_tfs *t, const pid_t *pids, int n);
/* Per-CPU buffer size in KiB (0 keeps the kernel default). */
int tk_tfs_set_buffer_kb(struct tk_tfs *t, unsigned kb);
/* tracing_on for the instance. */
int tk_tfs_tracing(struct tk_tfs *t, bool on);
/* Wake readers of trace_pipe_raw as soon as there is data (live streaming) rather than at 50%. */
int tk_tfs_wake_early(struct tk_tfs *t);
/* Sub-buffer (page) size of the instance's ring buffer in bytes. */
int tk_tfs_subbuf_size(struct tk_tfs *t);
/* Path of a file in the instance, e.g. "per_cpu/cpu0/trace_pipe_raw". */
int tk_tfs_path(struct tk_tfs *t, const char *file, char *buf, size_t len);
const char *tk_tfs_error(const struct tk_tfs *t);
/* The i-th enabled event's system name and the path of its format file in the instance. */
void tk_tfs_enabled_format(const struct tk_tfs *t, int i, char *sys, size_t syslen, char *path, size_t len);
/* The text of dynamic_events (or uprobe_events on kernels without it); NULL with errno. */
char *tk_tfs_read_probe_defs(const char *dir, char *path, size_t len);

/* Whether a tracekit-<pid> / tracekit_<pid> owner is still running. */
bool tk_tfs_owner_alive(pid_t pid);
/* Remove instances and probe groups whose owner is gone. */
int tk_tfs_sweep_stale(const char *dir, struct tk_tfs_sweep *st);
/*
 * Remove every tracekit instance and probe group (`ftrace reset`), also those with no pid in the
 * name; what a running tracekit owns is left to it and counted in st->live.
 */
int tk_tfs_reset_all(const char *dir, struct tk_tfs_sweep *st);
/*
 * The last error_log entry of an instance (NULL: top level) whose Command contains match (NULL:
 * any), as "error line (Command: ...)", or "" when there is none.
 */
void tk_tfs_error_log_last(const char *dir, const char *instance, const char *match, char *buf, size_t len);
/* Clear an instance's error_log (so the next failure's line is ours); never the shared top level. */
void tk_tfs_error_log_clear(const char *dir, const char *instance);

/* Write a string to a tracefs file given by path; -errno. */
int tk_tfs_write_file(const char *path, const char *s, bool append);
/* Read a small tracefs file into a malloc'ed string; NULL with errno. */
char *tk_tfs_read_file(const char *path, size_t *len);

#endif

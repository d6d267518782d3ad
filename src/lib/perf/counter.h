/* Counting events (tracekit stat): one logical counter = one fd per CPU or per thread, summed. */
#ifndef TK_PERF_COUNTER_H
#define TK_PERF_COUNTER_H
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct tk_counter {
	struct perf_event_attr attr;
	char name[128];
	int *fds;
	int nfds;
	int open_err;	/* -errno of the first failed open: ENOENT/EOPNOTSUPP = not supported here */
	uint64_t value, enabled, running; /* summed over fds, from the last read */
};

/*
 * What to count: a command or a list of threads (cpu -1, pid each), or every CPU (pid -1).
 * inherit follows children of a command; enable_on_exec starts counting at its exec.
 */
struct tk_count_target {
	const pid_t *tids;
	int ntids;
	const int *cpus;
	int ncpus;
	bool system_wide;
	bool on_exec;
};

/* Open the fds of c for target. A counter the machine lacks is not an error: c->open_err says so. */
int tk_counter_open(struct tk_counter *c, const struct tk_count_target *t);
int tk_counter_enable(struct tk_counter *c);
int tk_counter_disable(struct tk_counter *c);
/* Read and sum every fd. value is scaled up when the counter was multiplexed (running < enabled). */
int tk_counter_read(struct tk_counter *c);
void tk_counter_close(struct tk_counter *c);
/* Did the counter fail to open because this machine does not have the event? */
bool tk_counter_unsupported(const struct tk_counter *c);

/* Thread ids of pid from /proc/PID/task into a malloc'd array; their count or -errno. */
int tk_proc_threads(pid_t pid, pid_t **out);
/*
 * "PID[,PID...]" (-p): the processes into *pids and all their threads into *tids (both malloc'd,
 * appended to). 0; -EINVAL for a malformed list; -ESRCH (or another -errno) with *bad naming the pid.
 */
int tk_pid_list(const char *list, pid_t **pids, int *npids, pid_t **tids, int *ntids, long *bad);

#endif

/*
 * The command a profiler runs (`tracekit stat -- cmd`, `tracekit record -- cmd`): forked first and
 * held before execvp until the counters are attached to it, so not one instruction is missed and
 * enable_on_exec starts counting exactly at the exec.
 */
#ifndef TK_PERF_WORKLOAD_H
#define TK_PERF_WORKLOAD_H
#include <sys/types.h>

struct tk_workload {
	pid_t pid;
	int go_fd;	/* write end: one byte releases the child into execvp */
	int err_fd;	/* read end: the child's errno if execvp failed, EOF on success */
};

/* Fork the child, stopped before exec. 0 or -errno. */
int tk_workload_prepare(struct tk_workload *w, char *const argv[]);
/* Let it exec; 0, or -errno of the failed execvp (the child has then exited with 127). */
int tk_workload_start(struct tk_workload *w);
/* Kill and reap a child that was never started. */
void tk_workload_abort(struct tk_workload *w);
/* A wait status as a shell exit code (128+signal for a signal death). */
int tk_workload_exit_code(int status);
/* CLOCK_MONOTONIC in seconds: durations, intervals and deadlines of a profiling run. */
double tk_monotonic_s(void);

#endif

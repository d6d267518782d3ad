/* Shared by `tracekit ftrace` and `tracekit probe`: run a live session on tracekit's instance. */
#ifndef TK_CMD_FTRACE_H
#define TK_CMD_FTRACE_H
#include <stdbool.h>
#include <sys/types.h>

#include "lib/tracefs/session.h"

struct ftrace_run {
	const char *cmd;	/* command name for messages */
	char **argv;		/* command to run and trace, or NULL */
	pid_t pids[64];
	int npids;
	double duration;	/* seconds; 0 = until Ctrl-C or the command exits */
	bool json;
	long limit;		/* stop after this many events (0 = no limit) */
	bool function_tracer;	/* current_tracer was set: put nop back at the end */
};

/* Signal flag and handlers (SIGINT/SIGTERM/SIGHUP set it; SIGPIPE ignored). */
extern volatile int ftrace_stop;
void ftrace_signals(void);

/*
 * Stream decoded events of the (already configured) instance to stdout until stopped.
 * Returns the exit code: the traced command's status when there is one.
 */
int ftrace_stream_run(struct tk_tfs *t, struct ftrace_run *r);

/* Record the configured instance into output (tracekit file). Returns the exit code. */
int ftrace_record_run(struct tk_tfs *t, struct ftrace_run *r, const char *output);

#endif

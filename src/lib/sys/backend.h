/*
 * The syscall tracing backend interface. `tracekit trace` parses its options into struct
 * tk_trace_opts (printer.h), makes a printer, and hands both to a backend, which delivers events to
 * the printer until the traced processes are gone or *stop is set (then it detaches and returns).
 */
#ifndef TK_SYS_BACKEND_H
#define TK_SYS_BACKEND_H
#include <signal.h>

#include "lib/sys/printer.h"

struct tk_trace_env {
	const struct tk_trace_opts *o;
	struct tk_printer *printer;
	volatile sig_atomic_t *stop; /* set asynchronously: detach (-p) or forward it to the command */
	volatile sig_atomic_t *stop_sig; /* the signal that set *stop */
	/* stderr notes the command prints unless -q: "Process 42 attached" */
	void (*note)(void *ctx, const char *msg);
	void *note_ctx;
	char err[256];	 /* the one-line reason when run() fails */
	int exit_status; /* wait status of the started command; -1 when none was started */
	int main_pid;	 /* the started command's pid, 0 with -p */
	bool not_started; /* run() failed before touching any task: another backend may try */
	/* signals (bit sig - 1) the command set to SIG_IGN for itself that the traced command must get
	 * back as SIG_DFL: an ignored disposition would survive execve */
	uint64_t child_sigdfl;
};

struct tk_trace_backend {
	const char *name;
	/* 0 when tracing ran to the end; -errno with env->err set when it could not start. */
	int (*run)(struct tk_trace_env *env);
};

extern const struct tk_trace_backend tk_ptrace_backend;

/* The program a backend runs for cmd: looked up in PATH as execvp would; 0 or -errno. */
int tk_trace_resolve_cmd(const char *cmd, char *out, size_t size);
extern const struct tk_trace_backend tk_bpf_backend;

#endif

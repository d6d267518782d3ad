/* Command-layer helpers shared by `collapse` and `flame`: load a profile input, write an output file. */
#ifndef TK_CMD_STACKIO_H
#define TK_CMD_STACKIO_H
#include <stdbool.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "lib/stack/parse.h"
#include "lib/stack/perfdata.h"

enum stack_format { STACK_IN_AUTO, STACK_IN_PERF, STACK_IN_FOLDED };

struct stack_load {
	const char *cmd;		/* for messages */
	const char *path;		/* "-": stdin */
	enum stack_format format;
	int slot;			/* folded single-count lines go here */
	struct tk_perfscript_opts ps;
	struct tk_parse_stats st;
	bool two_columns;		/* folded input had "before after" counts */
	bool was_folded;
	unsigned long long bytes;	/* decompressed bytes read */
};

/*
 * tk_getopt_next that also takes operands found between options (`flame in.folded -o out.svg`):
 * up to max go to ops[*nops]; -1 at the end (optind < argc then means too many operands).
 */
int stack_getopt_next(struct tk_getopt *g, const char **ops, int max, int *nops);

/* --threads N: 1 parses in one pass; 2 (the default) splits a big plain perf script file in two. */
#define STACK_THREADS_HELP "perf script input: 1 or 2 parsing threads (default: 2 for a big file on 2+ CPUs)"
int stack_threads_opt(struct tk_perfscript_opts *ps, const char *cmd, const char *arg);

/* Read l->path into dst. Prints the error itself; returns TK_EXIT_OK or TK_EXIT_FAIL. */
int stack_load(struct stack_load *l, struct tk_stacks *dst);
/* "tracekit CMD: skipped N malformed lines (first: line L of PATH)" and the event-filter note. */
void stack_load_report(const struct stack_load *l);

/* An output file written under a temporary name and renamed into place only when complete. */
struct out_file {
	FILE *f;
	const char *path;	/* NULL: stdout */
	char *tmp;
};
int out_open(struct out_file *o, const char *cmd, const char *path);
/* Flush and move into place (err: the writer's result; non-zero discards). Prints; TK_EXIT_*. */
int out_finish(struct out_file *o, const char *cmd, int err);

#endif

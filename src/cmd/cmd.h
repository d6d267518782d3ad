/* The command layer: the only code that prints to stdout or chooses an exit code. */
#ifndef TK_CMD_H
#define TK_CMD_H

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* Exit codes (DESIGN.md): 0 success, 1 runtime failure, 2 usage error. */
enum { TK_EXIT_OK = 0, TK_EXIT_FAIL = 1, TK_EXIT_USAGE = 2 };

#define TK_CMD(name, summary) int cmd_##name(int argc, char **argv);
#include "cmd/commands.def"
#undef TK_CMD

struct tk_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

extern const struct tk_cmd tk_commands[];
extern const unsigned tk_ncommands;

/*
 * One option table drives both getopt_long and the help text, so they cannot drift apart.
 * `id` is the short option character, or a value >= 256 for long-only options.
 */
struct tk_opt {
	int id;
	const char *long_name;	/* NULL for short-only */
	const char *arg;	/* name of the argument in the help, NULL if none */
	const char *help;
};
#define TK_OPT_END { 0, NULL, NULL, NULL }

struct tk_getopt {
	int argc;
	char **argv;
	const struct tk_opt *opts;
	struct option *longopts;
	char shortopts[256];
	const char *cmd;
};

/* Prepare a parser for argv (argv[0] is the command name). */
int tk_getopt_init(struct tk_getopt *g, const char *cmd, int argc, char **argv, const struct tk_opt *opts);
/*
 * Next option: its id, -1 at the end (optind then indexes the first operand), or '?' after printing
 * a one-line error naming the bad option.
 */
int tk_getopt_next(struct tk_getopt *g);
void tk_getopt_free(struct tk_getopt *g);

/* Print "usage:" lines and the option table. usage[] is NULL-terminated. */
void tk_usage(FILE *f, const char *const *usage, const struct tk_opt *opts);

/* `tracekit <cmd>: <message>` on stderr; returns TK_EXIT_FAIL for `return cmd_err(...)`. */
int cmd_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for usage errors, with a hint to -h; returns TK_EXIT_USAGE. */
int cmd_usage_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Verbosity for diagnostics such as the libbpf verifier log (-v). */
extern int tk_verbose;

#endif

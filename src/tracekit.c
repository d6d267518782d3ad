/* tracekit: one binary for the Linux tracing stack. main() dispatches through the command table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/util/strsim.h"

const struct tk_cmd tk_commands[] = {
#define TK_CMD(name, summary) { #name, cmd_##name, summary },
#include "cmd/commands.def"
#undef TK_CMD
};
const unsigned tk_ncommands = sizeof(tk_commands) / sizeof(tk_commands[0]);

static const char *const main_usage[] = {
	"tracekit [-v] [--version] [-h] <command> [<args>]",
	"tracekit help [<command>]",
	NULL,
};

static void print_help(FILE *f)
{
	unsigned i;

	tk_usage(f, main_usage, NULL);
	fprintf(f, "\ncommands:\n");
	for (i = 0; i < tk_ncommands; i++)
		fprintf(f, "    %-12s %s\n", tk_commands[i].name, tk_commands[i].summary);
	fprintf(f, "\n'tracekit help <command>' or 'tracekit <command> -h' describes one command.\n");
}

static const struct tk_cmd *find_cmd(const char *name)
{
	unsigned i;

	for (i = 0; i < tk_ncommands; i++)
		if (!strcmp(tk_commands[i].name, name))
			return &tk_commands[i];
	return NULL;
}

static int unknown_cmd(const char *name)
{
	const char *names[64];
	unsigned i, n = 0;
	const char *best;

	for (i = 0; i < tk_ncommands && n < 64; i++)
		names[n++] = tk_commands[i].name;
	best = tk_closest(name, names, n);
	if (best)
		fprintf(stderr, "tracekit: '%s' is not a tracekit command; did you mean '%s'? (see 'tracekit help')\n",
			name, best);
	else
		fprintf(stderr, "tracekit: '%s' is not a tracekit command (see 'tracekit help')\n", name);
	return TK_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const struct tk_cmd *c;
	int i = 1;

	/* global options come before the command name */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			tk_verbose++;
		} else if (!strcmp(argv[i], "--version")) {
			printf("tracekit %s\n", TK_VERSION);
			return TK_EXIT_OK;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			print_help(stdout);
			return TK_EXIT_OK;
		} else {
			fprintf(stderr, "tracekit: unknown option '%s' (see 'tracekit help')\n", argv[i]);
			return TK_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		print_help(stderr);
		return TK_EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		char *hargv[3];

		if (i + 1 >= argc) {
			print_help(stdout);
			return TK_EXIT_OK;
		}
		c = find_cmd(argv[i + 1]);
		if (!c)
			return unknown_cmd(argv[i + 1]);
		hargv[0] = argv[i + 1];
		hargv[1] = "-h";
		hargv[2] = NULL;
		return c->fn(2, hargv);
	}
	c = find_cmd(argv[i]);
	if (!c)
		return unknown_cmd(argv[i]);
	return c->fn(argc - i, argv + i);
}

/* Shared command-layer helpers: option parsing from one table, usage text, error lines. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

int tk_verbose;

int tk_getopt_init(struct tk_getopt *g, const char *cmd, int argc, char **argv, const struct tk_opt *opts)
{
	size_t n = 0, i, sp = 0;

	memset(g, 0, sizeof(*g));
	g->argc = argc;
	g->argv = argv;
	g->opts = opts;
	g->cmd = cmd;
	while (opts[n].id)
		n++;
	g->longopts = calloc(n + 1, sizeof(*g->longopts));
	if (!g->longopts)
		return -ENOMEM;
	/* '+': stop at the first operand, so `tracekit trace ls -l` passes -l to ls; ':' for our messages */
	g->shortopts[sp++] = '+';
	g->shortopts[sp++] = ':';
	for (i = 0; i < n; i++) {
		const struct tk_opt *o = &opts[i];
		if (o->id < 256 && sp + 3 < sizeof(g->shortopts)) {
			g->shortopts[sp++] = (char)o->id;
			if (o->arg)
				g->shortopts[sp++] = ':';
		}
	}
	g->shortopts[sp] = 0;
	for (i = 0, sp = 0; i < n; i++) {
		if (!opts[i].long_name)
			continue;
		g->longopts[sp].name = opts[i].long_name;
		g->longopts[sp].has_arg = opts[i].arg ? required_argument : no_argument;
		g->longopts[sp].val = opts[i].id;
		sp++;
	}
	optind = 1;
	opterr = 0;
	return 0;
}

int tk_getopt_next(struct tk_getopt *g)
{
	int c = getopt_long(g->argc, g->argv, g->shortopts, g->longopts, NULL);

	if (c == '?') {
		if (optopt && optopt < 256)
			cmd_usage_err(g->cmd, "unknown option '-%c'", optopt);
		else
			cmd_usage_err(g->cmd, "unknown option '%s'", g->argv[optind - 1]);
		return '?';
	}
	if (c == ':') {
		cmd_usage_err(g->cmd, "option '%s' needs an argument", g->argv[optind - 1]);
		return '?';
	}
	return c;
}

void tk_getopt_free(struct tk_getopt *g)
{
	free(g->longopts);
	g->longopts = NULL;
}

void tk_usage(FILE *f, const char *const *usage, const struct tk_opt *opts)
{
	const char *pfx = "usage: ";

	for (; *usage; usage++, pfx = "   or: ")
		fprintf(f, "%s%s\n", pfx, *usage);
	if (!opts || !opts->id)
		return;
	fputc('\n', f);
	for (; opts->id; opts++) {
		char left[64] = "";
		int n = 0;

		if (opts->id < 256)
			n += snprintf(left + n, sizeof(left) - n, "-%c%s", opts->id, opts->long_name ? ", " : "");
		else
			n += snprintf(left + n, sizeof(left) - n, "    ");
		if (opts->long_name)
			n += snprintf(left + n, sizeof(left) - n, "--%s", opts->long_name);
		if (opts->arg && n < (int)sizeof(left))
			snprintf(left + n, sizeof(left) - n, " %s", opts->arg);
		if (strlen(left) > 24)
			fprintf(f, "    %s\n    %-24s  %s\n", left, "", opts->help);
		else
			fprintf(f, "    %-24s  %s\n", left, opts->help);
	}
}

static void vreport(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "tracekit%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cmd_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cmd, fmt, ap);
	va_end(ap);
	return TK_EXIT_FAIL;
}

int cmd_usage_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "tracekit %s: %s (see 'tracekit %s -h')\n", cmd, msg, cmd);
	return TK_EXIT_USAGE;
}

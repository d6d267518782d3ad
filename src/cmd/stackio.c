/* Loading profiles (perf script text, folded stacks, gzip, perf.data) and writing whole files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/stackio.h"

static const char *shown(const char *path)
{
	return strcmp(path, "-") ? path : "standard input";
}

int stack_getopt_next(struct tk_getopt *g, const char **ops, int max, int *nops)
{
	for (;;) {
		int c = tk_getopt_next(g);

		if (c != -1 || optind >= g->argc || *nops == max)
			return c;
		ops[(*nops)++] = g->argv[optind++];
	}
}

int stack_threads_opt(struct tk_perfscript_opts *ps, const char *cmd, const char *arg)
{
	if (!strcmp(arg, "1"))
		ps->split_min = UINT64_MAX;
	else if (!strcmp(arg, "2"))
		ps->split_min = 0;
	else
		return cmd_usage_err(cmd, "--threads takes 1 or 2, not '%s'", arg);
	return TK_EXIT_OK;
}

int stack_load(struct stack_load *l, struct tk_stacks *dst)
{
	struct tk_input *in;
	const char *head;
	size_t hn;
	int err;

	err = tk_input_open(&in, l->path);
	if (err)
		return cmd_err(l->cmd, "cannot read %s: %s", shown(l->path),
			       err == -EBADMSG ? "corrupt gzip data" : strerror(-err));
	hn = tk_input_peek(in, &head);
	if (tk_is_perfdata(head, hn)) {
		char why[256] = "";
		struct tk_perfdata_opts po = { .pid = l->ps.pid, .tid = l->ps.tid, .event = l->ps.event,
					       .slot = l->slot, .err = why, .errlen = sizeof(why) };

		tk_input_close(in);
		if (!strcmp(l->path, "-"))
			return cmd_err(l->cmd, "perf.data input must be a file, not standard input");
		err = tk_stacks_from_perfdata(dst, l->path, &po, &l->st);
		if (err == -EOPNOTSUPP)
			return cmd_err(l->cmd, "perf.data input needs tracekit report support");
		if (err)
			return cmd_err(l->cmd, "cannot read %s: %s", l->path, why[0] ? why : strerror(-err));
		return TK_EXIT_OK;
	}
	l->was_folded = l->format == STACK_IN_FOLDED ||
			(l->format == STACK_IN_AUTO && tk_looks_folded(head, hn));
	if (l->was_folded)
		err = tk_folded_read(dst, l->slot, in, &l->st, &l->two_columns);
	else {
		l->ps.slot = l->slot;
		err = tk_perfscript_read(dst, in, &l->ps, &l->st);
	}
	l->bytes = tk_input_bytes(in);
	tk_input_close(in);
	if (err == -EBADMSG)
		return cmd_err(l->cmd, "cannot read %s: corrupt or truncated gzip data", shown(l->path));
	if (err)
		return cmd_err(l->cmd, "cannot read %s: %s", shown(l->path), strerror(-err));
	return TK_EXIT_OK;
}

void stack_load_report(const struct stack_load *l)
{
	if (l->st.malformed)
		cmd_err(l->cmd, "skipped %llu malformed line%s (first: line %llu of %s)",
			(unsigned long long)l->st.malformed, l->st.malformed == 1 ? "" : "s",
			(unsigned long long)l->st.first_bad_line, shown(l->path));
	if (l->st.filtered && !l->ps.event)
		cmd_err(l->cmd, "kept only event '%s': skipped %llu sample%s of other events such as '%s' "
			"(choose one with --event-filter)", l->st.event, (unsigned long long)l->st.filtered,
			l->st.filtered == 1 ? "" : "s", l->st.other_event);
}

int out_open(struct out_file *o, const char *cmd, const char *path)
{
	memset(o, 0, sizeof(*o));
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		return TK_EXIT_OK;
	}
	o->path = path;
	if (asprintf(&o->tmp, "%s.tmp.%d", path, (int)getpid()) < 0) {
		o->tmp = NULL;
		return cmd_err(cmd, "cannot write %s: %s", path, strerror(ENOMEM));
	}
	o->f = fopen(o->tmp, "w");
	if (!o->f) {
		int e = errno;

		free(o->tmp);
		o->tmp = NULL;
		return cmd_err(cmd, "cannot write %s: %s", path, strerror(e));
	}
	return TK_EXIT_OK;
}

int out_finish(struct out_file *o, const char *cmd, int err)
{
	int rc = TK_EXIT_OK;

	if (!err && fflush(o->f))
		err = -errno;
	if (!err && ferror(o->f))
		err = -EIO;
	if (o->path) {
		if (fclose(o->f) && !err)
			err = -errno;
		if (!err && rename(o->tmp, o->path))
			err = -errno;
		if (err)
			unlink(o->tmp);
		free(o->tmp);
	}
	if (err)
		rc = cmd_err(cmd, "cannot write %s: %s", o->path ? o->path : "standard output", strerror(-err));
	memset(o, 0, sizeof(*o));
	return rc;
}

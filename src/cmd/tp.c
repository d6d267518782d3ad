/* tracekit tp list: the kernel's tracepoints (tplist / perf list tracepoint), with fields under -v. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <traceevent/event-parse.h>

#include "cmd/cmd.h"
#include "lib/tracefs/session.h"
#include "lib/util/json.h"
#include "lib/util/strbuf.h"

static const char *const tp_usage[] = {
	"tracekit tp list [-v] [--json] [GLOB]",
	NULL,
};

enum { OPT_JSON = 256 };

static const struct tk_opt tp_opts[] = {
	{ 'v', "verbose", NULL, "also list each tracepoint's fields and types (from its format)" },
	{ OPT_JSON, "json", NULL, "JSON output" },
	{ 'h', "help", NULL, "show this help" },
	TK_OPT_END,
};

/* GLOB matches "system:event"; without a ':' it may also match the event or the system alone. */
static bool tp_match(const char *glob, const char *line)
{
	const char *colon;

	if (!glob)
		return true;
	if (!fnmatch(glob, line, 0))
		return true;
	if (strchr(glob, ':'))
		return false;
	colon = strchr(line, ':');
	if (!colon)
		return false;
	if (!fnmatch(glob, colon + 1, 0))
		return true;
	return strlen(glob) == (size_t)(colon - line) && !strncmp(glob, line, (size_t)(colon - line));
}

static struct tep_event *parse_format(struct tep_handle *tep, const char *dir, const char *sys, const char *ev)
{
	char path[768], *text;
	size_t len;
	struct tep_event *e = NULL;

	snprintf(path, sizeof(path), "%s/events/%s/%s/format", dir, sys, ev);
	text = tk_tfs_read_file(path, &len);
	if (!text)
		return NULL;
	/* parsed into the handle (freed with it): libtraceevent has no public per-event free */
	if (!tep_parse_event(tep, text, len, sys))
		e = tep_find_event_by_name(tep, sys, ev);
	free(text);
	return e;
}

static void field_text(struct strbuf *sb, struct tep_format_field *f)
{
	sb_addf(sb, "    %-24s %-24s offset:%d size:%d%s\n", f->type ? f->type : "?", f->name, f->offset,
		f->size, (f->flags & TEP_FIELD_IS_SIGNED) ? " signed" : "");
}

static void field_json(struct json_writer *w, struct tep_format_field *f)
{
	json_obj_begin(w);
	json_kstr(w, "name", f->name);
	json_kstr(w, "type", f->type ? f->type : "");
	json_kint(w, "offset", f->offset);
	json_kint(w, "size", f->size);
	json_kbool(w, "signed", (f->flags & TEP_FIELD_IS_SIGNED) != 0);
	json_kbool(w, "string", (f->flags & TEP_FIELD_IS_STRING) != 0);
	json_kbool(w, "dynamic", (f->flags & TEP_FIELD_IS_DYNAMIC) != 0);
	json_obj_end(w);
}

static int tp_list(int argc, char **argv)
{
	const char *cmd = "tp list", *glob = NULL;
	struct tk_getopt g;
	bool verbose = false, json = false;
	char dir[256], path[512], *text, *line, *save = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	struct tep_handle *tep = NULL;
	int c, ret, n = 0;

	if (tk_getopt_init(&g, cmd, argc, argv, tp_opts))
		return cmd_err(cmd, "out of memory");
	while ((c = tk_getopt_next(&g)) != -1) {
		switch (c) {
		case 'h':
			tk_usage(stdout, tp_usage, tp_opts);
			tk_getopt_free(&g);
			return TK_EXIT_OK;
		case 'v':
			verbose = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		default:
			tk_getopt_free(&g);
			return TK_EXIT_USAGE;
		}
	}
	tk_getopt_free(&g);
	if (optind < argc)
		glob = argv[optind++];
	if (optind < argc)
		return cmd_usage_err(cmd, "unexpected argument '%s'", argv[optind]);
	ret = tk_tfs_init_dir(dir, sizeof(dir));
	if (ret)
		return cmd_err(cmd, "cannot mount tracefs: %s", strerror(-ret));
	snprintf(path, sizeof(path), "%s/available_events", dir);
	text = tk_tfs_read_file(path, NULL);
	if (!text)
		return cmd_err(cmd, "cannot read %s: %s", path, strerror(errno));
	if (verbose) {
		tep = tep_alloc();
		if (!tep) {
			free(text);
			return cmd_err(cmd, "out of memory");
		}
	}
	json_init(&w, &sb);
	if (json)
		json_arr_begin(&w);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		struct tep_event *e = NULL;
		struct tep_format_field *f;

		if (!colon || !tp_match(glob, line))
			continue;
		n++;
		if (verbose) {
			*colon = 0;
			e = parse_format(tep, dir, line, colon + 1);
			*colon = ':';
		}
		if (json) {
			json_obj_begin(&w);
			json_kstr(&w, "name", line);
			if (e) {
				json_kint(&w, "id", e->id);
				json_key(&w, "fields");
				json_arr_begin(&w);
				for (f = e->format.fields; f; f = f->next)
					field_json(&w, f);
				json_arr_end(&w);
				json_kstr(&w, "print_fmt", e->print_fmt.format ? e->print_fmt.format : "");
			}
			json_obj_end(&w);
		} else {
			sb_addf(&sb, "%s\n", line);
			for (f = e ? e->format.fields : NULL; f; f = f->next)
				field_text(&sb, f);
		}
		if (sb.len > 65536) {
			fwrite(sb.buf, 1, sb.len, stdout);
			sb_reset(&sb);
		}
	}
	if (json) {
		json_arr_end(&w);
		sb_addc(&sb, '\n');
	}
	fwrite(sb.buf ? sb.buf : "", 1, sb.len, stdout);
	sb_release(&sb);
	free(text);
	if (tep)
		tep_free(tep);
	if (!n && glob)
		return cmd_err(cmd, "no tracepoint matches '%s'", glob);
	return fflush(stdout) ? TK_EXIT_FAIL : TK_EXIT_OK;
}

int cmd_tp(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		tk_usage(stdout, tp_usage, tp_opts);
		return TK_EXIT_OK;
	}
	if (argc < 2)
		return cmd_usage_err("tp", "missing subcommand (list)");
	if (!strcmp(argv[1], "list"))
		return tp_list(argc - 1, argv + 1);
	return cmd_usage_err("tp", "unknown subcommand '%s'", argv[1]);
}

/* tracekit list: the events this machine can count and sample (like perf list). */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lib/perf/event.h"
#include "lib/util/json.h"
#include "lib/util/strbuf.h"

static const char *const list_usage[] = {
	"tracekit list [--json] [--all] [GLOB...]",
	NULL,
};

enum { OPT_JSON = 256, OPT_ALL };
static const struct tk_opt list_opts[] = {
	{ OPT_JSON, "json", NULL, "print a JSON array of {name, kind, supported}" },
	{ OPT_ALL, "all", NULL, "also list events this machine cannot count (no PMU)" },
	{ 'h', "help", NULL, "show this help" },
	TK_OPT_END,
};

struct list_ctx {
	char **globs;
	int nglobs;
	bool all, json;
	struct json_writer w;
	struct strbuf sb;
	int shown;
	enum tk_perf_kind last_kind;
};

static int on_event(void *p, const char *name, enum tk_perf_kind kind, bool supported)
{
	struct list_ctx *l = p;
	int i;
	bool match = !l->nglobs;

	for (i = 0; i < l->nglobs && !match; i++)
		match = !fnmatch(l->globs[i], name, 0);
	if (!match || (!supported && !l->all))
		return 0;
	if (l->json) {
		json_obj_begin(&l->w);
		json_kstr(&l->w, "name", name);
		json_kstr(&l->w, "kind", tk_perf_kind_name(kind));
		json_kbool(&l->w, "supported", supported);
		json_obj_end(&l->w);
	} else {
		char label[64];
		snprintf(label, sizeof(label), "[%s event%s]", kind == TK_EV_TRACEPOINT ? "Tracepoint"
							      : kind == TK_EV_SOFTWARE ? "Software"
							      : kind == TK_EV_HARDWARE ? "Hardware"
										       : "Hardware cache",
			 supported ? "" : ", not supported here");
		sb_addf(&l->sb, "  %-50s %s\n", name, label);
	}
	l->shown++;
	/* tracepoints come last and there are thousands: flush as we go */
	if (l->sb.len > 1 << 16) {
		fputs(sb_str(&l->sb), stdout);
		sb_reset(&l->sb);
	}
	return 0;
}

int cmd_list(int argc, char **argv)
{
	struct list_ctx l = { 0 };
	struct tk_getopt g;
	int c, r;

	if (tk_getopt_init(&g, "list", argc, argv, list_opts))
		return cmd_err("list", "out of memory");
	while ((c = tk_getopt_next(&g)) != -1) {
		switch (c) {
		case OPT_JSON:
			l.json = true;
			break;
		case OPT_ALL:
			l.all = true;
			break;
		case 'h':
			tk_usage(stdout, list_usage, list_opts);
			tk_getopt_free(&g);
			return TK_EXIT_OK;
		default:
			tk_getopt_free(&g);
			return TK_EXIT_USAGE;
		}
	}
	tk_getopt_free(&g);
	l.globs = argv + optind;
	l.nglobs = argc - optind;
	sb_init(&l.sb);
	if (l.json) {
		json_init(&l.w, &l.sb);
		json_arr_begin(&l.w);
	}
	r = tk_perf_list_events(on_event, &l);
	if (l.json) {
		json_arr_end(&l.w);
		sb_addc(&l.sb, '\n');
	}
	fputs(sb_str(&l.sb), stdout);
	sb_release(&l.sb);
	if (r < 0)
		return cmd_err("list", "cannot list events: %s", strerror(-r));
	if (!l.shown && l.nglobs && !l.json)
		return cmd_err("list", "no event matches '%s'", l.globs[0]);
	return TK_EXIT_OK;
}

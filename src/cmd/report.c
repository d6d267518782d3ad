/* tracekit report: top symbols of a perf.data file written by tracekit or perf (like perf report --stdio). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/stackio.h"
#include "lib/out/flame.h"
#include "lib/perf/hist.h"
#include "lib/perf/profile.h"
#include "lib/util/json.h"
#include "lib/util/strbuf.h"

static const char *const report_usage[] = {
	"tracekit report [-i FILE] [--sort KEYS] [--children | --no-children] [-n] [--stdio | --json]",
	"tracekit report [-i FILE] --flame [-o FILE.svg]",
	NULL,
};

enum { OPT_JSON = 256, OPT_STDIO, OPT_CHILDREN, OPT_NO_CHILDREN, OPT_FLAME, OPT_LIMIT };
static const struct tk_opt report_opts[] = {
	{ 'i', "input", "FILE", "perf.data file to read (default perf.data)" },
	{ 's', "sort", "KEYS", "group rows by these keys: comm,pid,dso,sym (default comm,dso,sym)" },
	{ 'g', "call-graph", NULL, "with call chains: show Children and Self (the default when recorded with -g)" },
	{ OPT_CHILDREN, "children", NULL, "same as -g" },
	{ OPT_NO_CHILDREN, "no-children", NULL, "only Self: time in the function itself" },
	{ 'n', "show-nr-samples", NULL, "add a Samples column" },
	{ OPT_LIMIT, "max-rows", "N", "print at most N rows per event" },
	{ OPT_STDIO, "stdio", NULL, "the text table (the default)" },
	{ OPT_JSON, "json", NULL, "print one JSON object" },
	{ OPT_FLAME, "flame", NULL, "write a flame graph (SVG) instead of the table" },
	{ 'o', "output", "FILE", "with --flame: write the SVG to FILE (default stdout)" },
	{ 'h', "help", NULL, "show this help" },
	TK_OPT_END,
};

/* The profile straight into the stack model and the SVG writer: no perf script text in between. */
static int report_flame(const struct tk_profile *p, const char *out, const char *in)
{
	struct tk_stacks *st = tk_stacks_new();
	struct tk_flame_opts o;
	struct out_file of;
	char sub[512];
	int r, ret;

	if (!st)
		return cmd_err("report", "out of memory");
	r = tk_profile_to_stacks(st, p, 0, NULL, NULL);
	if (r) {
		tk_stacks_free(st);
		return cmd_err("report", "%s: %s", in, strerror(-r));
	}
	tk_flame_opts_init(&o);
	snprintf(sub, sizeof(sub), "%s, event %s", in, p->nevents ? p->events[0] : "?");
	o.subtitle = sub;
	ret = out_open(&of, "report", out);
	if (ret == TK_EXIT_OK)
		ret = out_finish(&of, "report", tk_write_svg(st, of.f, &o));
	tk_stacks_free(st);
	return ret;
}

static double pct(uint64_t v, uint64_t total)
{
	return total ? 100.0 * (double)v / (double)total : 0.0;
}

static void print_table(struct strbuf *sb, const struct tk_profile *p, int ev, const struct tk_hist *h, bool nr,
			long max_rows)
{
	static const char *const titles[] = { "Command", "Pid:Command", "Shared Object", "Symbol" };
	int widths[TK_SORT_MAX], k;
	size_t i, n = h->nrows;
	char buf[512];

	if (max_rows > 0 && (size_t)max_rows < n)
		n = (size_t)max_rows;
	sb_addf(sb, "# Samples: %llu  of event '%s'\n", (unsigned long long)h->total_samples, p->events[ev]);
	sb_addf(sb, "# Event count (approx.): %llu\n#\n", (unsigned long long)h->total_period);
	for (k = 0; k < h->nkeys; k++) {
		widths[k] = (int)strlen(titles[h->keys[k]]);
		for (i = 0; i < n; i++) {
			int w = (int)strlen(tk_hist_col(&h->rows[i], p, h->keys[k], buf, sizeof(buf)));
			if (w > widths[k])
				widths[k] = w;
		}
	}
	sb_adds(sb, "#");
	sb_adds(sb, h->children ? " Children      Self" : " Overhead");
	if (nr)
		sb_adds(sb, "  Samples");
	for (k = 0; k < h->nkeys; k++)
		sb_addf(sb, "  %-*s", k + 1 < h->nkeys ? widths[k] : 0, titles[h->keys[k]]);
	sb_adds(sb, "\n#\n");
	for (i = 0; i < n; i++) {
		const struct tk_hist_row *r = &h->rows[i];

		if (h->children)
			sb_addf(sb, "  %7.2f%%  %7.2f%%", pct(r->children_period, h->total_period),
				pct(r->self_period, h->total_period));
		else
			sb_addf(sb, "  %7.2f%%", pct(r->self_period, h->total_period));
		if (nr)
			sb_addf(sb, "  %7llu", (unsigned long long)r->self_samples);
		for (k = 0; k < h->nkeys; k++)
			sb_addf(sb, "  %-*s", k + 1 < h->nkeys ? widths[k] : 0,
				tk_hist_col(r, p, h->keys[k], buf, sizeof(buf)));
		sb_addc(sb, '\n');
	}
	sb_adds(sb, "\n");
}

static void json_hist(struct json_writer *w, const struct tk_profile *p, int ev, const struct tk_hist *h,
		      long max_rows)
{
	size_t i, n = h->nrows;
	char buf[512];

	if (max_rows > 0 && (size_t)max_rows < n)
		n = (size_t)max_rows;
	json_obj_begin(w);
	json_kstr(w, "event", p->events[ev]);
	json_kuint(w, "samples", h->total_samples);
	json_kuint(w, "period", h->total_period);
	json_key(w, "rows");
	json_arr_begin(w);
	for (i = 0; i < n; i++) {
		const struct tk_hist_row *r = &h->rows[i];
		const struct tk_psym *s = &p->syms[r->sym];
		int k;

		json_obj_begin(w);
		for (k = 0; k < h->nkeys; k++) {
			switch (h->keys[k]) {
			case TK_SORT_COMM:
				json_kstr(w, "comm", p->comms[r->comm]);
				break;
			case TK_SORT_PID:
				json_kuint(w, "pid", r->pid);
				json_kstr(w, "comm", p->comms[r->comm]);
				break;
			case TK_SORT_DSO:
				json_kstr(w, "dso", s->dso);
				json_kstr(w, "dso_path", s->dso_path);
				break;
			case TK_SORT_SYM:
				json_kstr(w, "sym", s->name);
				json_kbool(w, "kernel", s->kernel);
				json_kbool(w, "resolved", s->resolved);
				break;
			}
		}
		(void)buf;
		json_kuint(w, "self_samples", r->self_samples);
		json_kuint(w, "self_period", r->self_period);
		json_kdouble(w, "self", pct(r->self_period, h->total_period));
		if (h->children) {
			json_kuint(w, "children_samples", r->children_samples);
			json_kuint(w, "children_period", r->children_period);
			json_kdouble(w, "children", pct(r->children_period, h->total_period));
		}
		json_obj_end(w);
	}
	json_arr_end(w);
	json_obj_end(w);
}

int cmd_report(int argc, char **argv)
{
	struct tk_getopt g;
	struct tk_profile p;
	const char *in = "perf.data", *sort = "comm,dso,sym", *out = NULL;
	enum tk_sort_key keys[TK_SORT_MAX];
	int nkeys, c, r, children = -1, ev, ret = TK_EXIT_OK;
	bool json = false, nr = false, flame = false;
	long max_rows = 0;
	char bad[64];
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;

	if (tk_getopt_init(&g, "report", argc, argv, report_opts))
		return cmd_err("report", "out of memory");
	while ((c = tk_getopt_next(&g)) != -1) {
		switch (c) {
		case 'i':
			in = optarg;
			break;
		case 's':
			sort = optarg;
			break;
		case 'g':
		case OPT_CHILDREN:
			children = 1;
			break;
		case OPT_NO_CHILDREN:
			children = 0;
			break;
		case 'n':
			nr = true;
			break;
		case OPT_LIMIT: {
			char *end;
			max_rows = strtol(optarg, &end, 10);
			if (*end || max_rows <= 0) {
				tk_getopt_free(&g);
				return cmd_usage_err("report", "bad row count '%s'", optarg);
			}
			break;
		}
		case OPT_STDIO:
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_FLAME:
			flame = true;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			tk_usage(stdout, report_usage, report_opts);
			tk_getopt_free(&g);
			return TK_EXIT_OK;
		default:
			tk_getopt_free(&g);
			return TK_EXIT_USAGE;
		}
	}
	tk_getopt_free(&g);
	if (optind < argc)
		return cmd_usage_err("report", "unexpected argument '%s' (the file goes after -i)", argv[optind]);
	if (tk_sort_parse(sort, keys, &nkeys, bad, sizeof(bad)))
		return cmd_usage_err("report", "unknown sort key '%s' (comm, pid, dso, sym)", bad);
	r = tk_profile_load(&p, in);
	if (r) {
		ret = cmd_err("report", "%s: %s", in, p.err);
		tk_profile_free(&p);
		return ret;
	}
	if (flame) {
		ret = report_flame(&p, out, in);
		tk_profile_free(&p);
		return ret;
	}
	if (children < 0)
		children = p.has_callchains;
	if (json) {
		json_init(&w, &sb);
		json_obj_begin(&w);
		json_kstr(&w, "file", in);
		json_kuint(&w, "lost", p.lost);
		json_kuint(&w, "frames_resolved", p.resolved);
		json_kuint(&w, "frames_unresolved", p.unresolved);
		json_key(&w, "events");
		json_arr_begin(&w);
	} else {
		sb_addf(&sb, "# tracekit report of %s\n#\n# Total Lost Samples: %llu\n#\n", in,
			(unsigned long long)p.lost);
	}
	for (ev = 0; ev < (int)p.nevents; ev++) {
		struct tk_hist h;

		r = tk_hist_build(&h, &p, ev, keys, nkeys, children);
		if (r) {
			ret = cmd_err("report", "%s: %s", in, strerror(-r));
			break;
		}
		if (json)
			json_hist(&w, &p, ev, &h, max_rows);
		else if (h.total_samples || p.nevents == 1)
			print_table(&sb, &p, ev, &h, nr, max_rows);
		tk_hist_free(&h);
	}
	if (json) {
		json_arr_end(&w);
		json_obj_end(&w);
		sb_addc(&sb, '\n');
	} else if (p.unresolved) {
		sb_addf(&sb, "# %llu of %llu frames could not be resolved to a symbol\n",
			(unsigned long long)p.unresolved, (unsigned long long)(p.unresolved + p.resolved));
	}
	if (ret == TK_EXIT_OK)
		fputs(sb_str(&sb), stdout);
	sb_release(&sb);
	tk_profile_free(&p);
	return ret;
}

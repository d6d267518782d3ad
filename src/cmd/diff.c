/* tracekit diff: how two perf.data profiles differ, symbol by symbol (like perf diff). */
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

static const char *const diff_usage[] = {
	"tracekit diff [--sort KEYS] [--json] [--all] OLD.data NEW.data",
	"tracekit diff --flame [-o FILE.svg] OLD.data NEW.data",
	NULL,
};

enum { OPT_JSON = 256, OPT_ALL, OPT_FLAME };
static const struct tk_opt diff_opts[] = {
	{ 's', "sort", "KEYS", "compare rows grouped by these keys (default dso,sym; see 'tracekit report -h')" },
	{ OPT_ALL, "all", NULL, "also print rows whose share did not change (rounded to 0.01%)" },
	{ OPT_JSON, "json", NULL, "print one JSON object" },
	{ OPT_FLAME, "flame", NULL, "write a differential flame graph (SVG): red grew, blue shrank" },
	{ 'o', "output", "FILE", "with --flame: write the SVG to FILE (default stdout)" },
	{ 'h', "help", NULL, "show this help" },
	TK_OPT_END,
};

struct drow {
	char *key;	/* the row's columns, joined: the identity across the two files */
	char *cols[TK_SORT_MAX];
	double base, now;	/* percent of each file's total */
	uint64_t base_samples, now_samples;
	bool in_base, in_now;
};

struct dtab {
	struct drow *v;
	size_t n, cap;
};

static struct drow *find_or_add(struct dtab *t, const char *key)
{
	size_t i;

	/* rows number in the hundreds to thousands: a linear scan per row of the second file is fine */
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].key, key))
			return &t->v[i];
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct drow *nv = realloc(t->v, cap * sizeof(*nv));
		if (!nv)
			return NULL;
		t->v = nv;
		t->cap = cap;
	}
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	t->v[t->n].key = strdup(key);
	if (!t->v[t->n].key)
		return NULL;
	return &t->v[t->n++];
}

static int add_profile(struct dtab *t, const struct tk_profile *p, const enum tk_sort_key *keys, int nkeys,
		       bool base)
{
	struct tk_hist h;
	size_t i;
	int r = tk_hist_build(&h, p, 0, keys, nkeys, false), k;

	if (r)
		return r;
	for (i = 0; i < h.nrows; i++) {
		struct strbuf key = STRBUF_INIT;
		char buf[TK_SORT_MAX][512];
		struct drow *d;

		for (k = 0; k < nkeys; k++)
			sb_addf(&key, "%s\x1f", tk_hist_col(&h.rows[i], p, keys[k], buf[k], sizeof(buf[k])));
		d = sb_error(&key) ? NULL : find_or_add(t, sb_str(&key));
		sb_release(&key);
		if (!d) {
			tk_hist_free(&h);
			return -ENOMEM;
		}
		for (k = 0; k < nkeys && !d->in_base && !d->in_now; k++) {
			d->cols[k] = strdup(tk_hist_col(&h.rows[i], p, keys[k], buf[k], sizeof(buf[k])));
			if (!d->cols[k]) {
				tk_hist_free(&h);
				return -ENOMEM;
			}
		}
		if (base) {
			d->in_base = true;
			d->base = h.total_period ? 100.0 * (double)h.rows[i].self_period / (double)h.total_period : 0;
			d->base_samples = h.rows[i].self_samples;
		} else {
			d->in_now = true;
			d->now = h.total_period ? 100.0 * (double)h.rows[i].self_period / (double)h.total_period : 0;
			d->now_samples = h.rows[i].self_samples;
		}
	}
	tk_hist_free(&h);
	return 0;
}

/* OLD in slot 0, NEW in slot 1 of one stack model: the differential flame graph of the flame writers. */
static int diff_flame(const struct tk_profile *old, const struct tk_profile *now, const char *out)
{
	struct tk_stacks *st = tk_stacks_new();
	struct tk_flame_opts o;
	struct out_file of;
	int r, ret;

	if (!st)
		return cmd_err("diff", "out of memory");
	r = tk_profile_to_stacks(st, old, 0, NULL, NULL);
	if (!r)
		r = tk_profile_to_stacks(st, now, 1, NULL, NULL);
	if (r) {
		tk_stacks_free(st);
		return cmd_err("diff", "%s", strerror(-r));
	}
	tk_flame_opts_init(&o);
	o.diff = true;
	o.title = "Differential Flame Graph";
	ret = out_open(&of, "diff", out);
	if (ret == TK_EXIT_OK)
		ret = out_finish(&of, "diff", tk_write_svg(st, of.f, &o));
	tk_stacks_free(st);
	return ret;
}

static int cmp_drow(const void *a, const void *b)
{
	const struct drow *x = a, *y = b;

	if (x->base != y->base)
		return x->base > y->base ? -1 : 1;
	if (x->now != y->now)
		return x->now > y->now ? -1 : 1;
	return strcmp(x->key, y->key);
}

int cmd_diff(int argc, char **argv)
{
	static const char *const titles[] = { "Command", "Pid:Command", "Shared Object", "Symbol" };
	struct tk_getopt g;
	struct tk_profile old, now;
	const char *sort = "dso,sym", *out = NULL;
	enum tk_sort_key keys[TK_SORT_MAX];
	struct dtab t = { 0 };
	struct strbuf sb = STRBUF_INIT;
	int nkeys, c, r, k, ret = TK_EXIT_OK, widths[TK_SORT_MAX];
	bool json = false, all = false, flame = false;
	char bad[64];
	size_t i;

	if (tk_getopt_init(&g, "diff", argc, argv, diff_opts))
		return cmd_err("diff", "out of memory");
	while ((c = tk_getopt_next(&g)) != -1) {
		switch (c) {
		case 's':
			sort = optarg;
			break;
		case OPT_ALL:
			all = true;
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
			tk_usage(stdout, diff_usage, diff_opts);
			tk_getopt_free(&g);
			return TK_EXIT_OK;
		default:
			tk_getopt_free(&g);
			return TK_EXIT_USAGE;
		}
	}
	tk_getopt_free(&g);
	if (argc - optind != 2)
		return cmd_usage_err("diff", "need two files: OLD.data NEW.data");
	if (tk_sort_parse(sort, keys, &nkeys, bad, sizeof(bad)))
		return cmd_usage_err("diff", "unknown sort key '%s' (comm, pid, dso, sym)", bad);
	r = tk_profile_load(&old, argv[optind]);
	if (r) {
		ret = cmd_err("diff", "%s: %s", argv[optind], old.err);
		tk_profile_free(&old);
		return ret;
	}
	r = tk_profile_load(&now, argv[optind + 1]);
	if (r) {
		ret = cmd_err("diff", "%s: %s", argv[optind + 1], now.err);
		tk_profile_free(&now);
		tk_profile_free(&old);
		return ret;
	}
	if (flame) {
		ret = diff_flame(&old, &now, out);
		goto out;
	}
	r = add_profile(&t, &old, keys, nkeys, true);
	if (!r)
		r = add_profile(&t, &now, keys, nkeys, false);
	if (r) {
		ret = cmd_err("diff", "%s", strerror(-r));
		goto out;
	}
	if (t.n)
		qsort(t.v, t.n, sizeof(*t.v), cmp_drow);
	if (json) {
		struct json_writer w;

		json_init(&w, &sb);
		json_obj_begin(&w);
		json_kstr(&w, "old", argv[optind]);
		json_kstr(&w, "new", argv[optind + 1]);
		json_kstr(&w, "event", old.nevents ? old.events[0] : "");
		json_key(&w, "rows");
		json_arr_begin(&w);
		for (i = 0; i < t.n; i++) {
			const struct drow *d = &t.v[i];
			json_obj_begin(&w);
			for (k = 0; k < nkeys; k++)
				json_kstr(&w, tk_sort_key_name(keys[k]), d->cols[k]);
			if (d->in_base)
				json_kdouble(&w, "baseline", d->base);
			else
				json_key(&w, "baseline"), json_null(&w);
			json_kdouble(&w, "new", d->now);
			json_kdouble(&w, "delta", d->now - d->base);
			json_kuint(&w, "baseline_samples", d->base_samples);
			json_kuint(&w, "new_samples", d->now_samples);
			json_obj_end(&w);
		}
		json_arr_end(&w);
		json_obj_end(&w);
		sb_addc(&sb, '\n');
	} else {
		for (k = 0; k < nkeys; k++) {
			widths[k] = (int)strlen(titles[keys[k]]);
			for (i = 0; i < t.n; i++)
				if ((int)strlen(t.v[i].cols[k]) > widths[k])
					widths[k] = (int)strlen(t.v[i].cols[k]);
		}
		sb_addf(&sb, "# Event '%s'\n#\n# Baseline: %s\n# New:      %s\n#\n# Baseline  Delta Abs",
			old.nevents ? old.events[0] : "", argv[optind], argv[optind + 1]);
		for (k = 0; k < nkeys; k++)
			sb_addf(&sb, "  %-*s", k + 1 < nkeys ? widths[k] : 0, titles[keys[k]]);
		sb_adds(&sb, "\n#\n");
		for (i = 0; i < t.n; i++) {
			const struct drow *d = &t.v[i];
			double delta = d->now - d->base;
			char base[16] = "", dl[16] = "";

			if (d->in_base)
				snprintf(base, sizeof(base), "%.2f%%", d->base);
			if (delta >= 0.005 || delta <= -0.005)
				snprintf(dl, sizeof(dl), "%+.2f%%", delta);
			else if (!all)
				continue;
			sb_addf(&sb, "  %8s  %9s", base, dl);
			for (k = 0; k < nkeys; k++)
				sb_addf(&sb, "  %-*s", k + 1 < nkeys ? widths[k] : 0, d->cols[k]);
			sb_addc(&sb, '\n');
		}
	}
	fputs(sb_str(&sb), stdout);
out:
	for (i = 0; i < t.n; i++) {
		free(t.v[i].key);
		for (k = 0; k < TK_SORT_MAX; k++)
			free(t.v[i].cols[k]);
	}
	free(t.v);
	sb_release(&sb);
	tk_profile_free(&old);
	tk_profile_free(&now);
	return ret;
}

/*
 * tracekit flame: folded stacks, perf script text (plain or .gz) or perf.data -> an interactive SVG
 * flame graph, or pprof / speedscope / folded; --diff BEFORE AFTER for a differential graph.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/stackio.h"
#include "lib/out/flame.h"
#include "lib/util/hugeheap.h"
#include "lib/util/json.h"

static const char *const flame_usage[] = {
	"tracekit flame [options] [FILE]           (FILE: folded stacks, perf script text, .gz, perf.data)",
	"tracekit flame --diff [options] BEFORE AFTER",
	NULL,
};

enum {
	OPT_TITLE = 256, OPT_SUBTITLE, OPT_COUNTNAME, OPT_WIDTH, OPT_HEIGHT, OPT_MINWIDTH, OPT_REVERSE,
	OPT_INVERTED, OPT_COLORS, OPT_HASH, OPT_FLAMECHART, OPT_DIFF, OPT_NORMALIZE, OPT_NEGATE, OPT_FORMAT,
	OPT_INPUT, OPT_PID, OPT_TID, OPT_KERNEL, OPT_JIT, OPT_ALL, OPT_ADDRS, OPT_EVENT, OPT_THREADS, OPT_JSON,
};
static const struct tk_opt flame_opts[] = {
	{ 'o', "output", "FILE", "write to FILE (default: standard output)" },
	{ 'f', "format", "FMT", "svg (default), pprof (gzip profile.proto), speedscope (JSON), folded" },
	{ OPT_TITLE, "title", "TEXT", "title (default: Flame Graph)" },
	{ OPT_SUBTITLE, "subtitle", "TEXT", "second title line" },
	{ OPT_COUNTNAME, "countname", "NAME", "what the counts are (default: samples)" },
	{ OPT_WIDTH, "width", "PX", "image width (default: 1200)" },
	{ OPT_HEIGHT, "height", "PX", "frame height (default: 16)" },
	{ OPT_MINWIDTH, "minwidth", "PX|N%", "merge frames narrower than this (default: 0.1 px)" },
	{ OPT_REVERSE, "reverse", NULL, "reverse every stack (leaf becomes root)" },
	{ OPT_INVERTED, "inverted", NULL, "icicle graph: root at the top" },
	{ OPT_COLORS, "colors", "PALETTE", "hot mem io java js perl python rust red green blue aqua yellow purple orange" },
	{ OPT_HASH, "hash", NULL, "colour by function name, stable across graphs" },
	{ OPT_FLAMECHART, "flamechart", NULL, "x axis in sample order (time), not merged by name" },
	{ OPT_DIFF, "diff", NULL, "differential graph of BEFORE -> AFTER: red grew, blue shrank" },
	{ OPT_NORMALIZE, "normalize", NULL, "with --diff: scale BEFORE to AFTER's total first" },
	{ OPT_NEGATE, "negate", NULL, "with --diff: swap the red/blue meaning" },
	{ OPT_INPUT, "input-format", "FMT", "auto (default), perf (perf script text), folded" },
	{ OPT_PID, "pid", NULL, "perf script input: root frame is comm-PID" },
	{ OPT_TID, "tid", NULL, "perf script input: root frame is comm-PID/TID" },
	{ OPT_KERNEL, "kernel", NULL, "perf script input: annotate kernel frames with _[k]" },
	{ OPT_JIT, "jit", NULL, "perf script input: annotate JIT frames with _[j]" },
	{ OPT_ALL, "all", NULL, "perf script input: all annotations" },
	{ OPT_ADDRS, "addrs", NULL, "perf script input: addresses of unknown frames" },
	{ OPT_EVENT, "event-filter", "EVENT", "perf script input: keep samples of EVENT" },
	{ OPT_THREADS, "threads", "N", STACK_THREADS_HELP },
	{ OPT_JSON, "json", NULL, "with -o: print a JSON summary of what was written" },
	{ 'h', "help", NULL, "show this help" },
	TK_OPT_END,
};

enum out_format { FMT_SVG, FMT_PPROF, FMT_SPEEDSCOPE, FMT_FOLDED };
static const char *const format_names[] = { "svg", "pprof", "speedscope", "folded" };

static bool parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = (unsigned)v;
	return true;
}

static void print_summary(const struct tk_stacks *s, const char *output, enum out_format fmt,
			  const struct stack_load *l, int nl)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	int i;

	json_init(&w, &sb);
	json_obj_begin(&w);
	json_kstr(&w, "output", output);
	json_kstr(&w, "format", format_names[fmt]);
	json_kuint(&w, "stacks", tk_stacks_count(s));
	json_kuint(&w, "frames", tk_stacks_nframes(s));
	json_kuint(&w, "total", tk_stacks_total(s, 0));
	if (nl == 2)
		json_kuint(&w, "total_after", tk_stacks_total(s, 1));
	json_key(&w, "inputs");
	json_arr_begin(&w);
	for (i = 0; i < nl; i++) {
		json_obj_begin(&w);
		json_kstr(&w, "path", l[i].path);
		json_kstr(&w, "format", l[i].was_folded ? "folded" : "perf");
		json_kuint(&w, "bytes", l[i].bytes);
		json_kuint(&w, "samples", l[i].st.samples);
		json_kuint(&w, "malformed_lines", l[i].st.malformed);
		json_obj_end(&w);
	}
	json_arr_end(&w);
	json_obj_end(&w);
	if (!sb_error(&sb))
		printf("%s\n", sb.buf);
	sb_release(&sb);
}

int cmd_flame(int argc, char **argv)
{
	struct stack_load l[2];
	struct tk_perfscript_opts ps = { 0 };
	struct tk_flame_opts fo;
	struct tk_getopt g;
	struct tk_stacks *s = NULL;
	struct out_file out;
	enum stack_format infmt = STACK_IN_AUTO;
	enum out_format fmt = FMT_SVG;
	const char *output = NULL, *minwidth = NULL;
	bool json = false, diff = false, normalize = false;
	const char *ops[2];
	int c, rc = TK_EXIT_OK, err, nin, i, nops = 0;

	tk_flame_opts_init(&fo);
	if (tk_getopt_init(&g, "flame", argc, argv, flame_opts))
		return cmd_err("flame", "out of memory");
	while ((c = stack_getopt_next(&g, ops, 2, &nops)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case 'f':
			for (i = 0; i < 4 && strcmp(optarg, format_names[i]); i++)
				;
			if (i == 4)
				rc = cmd_usage_err("flame", "unknown format '%s' (svg, pprof, speedscope, folded)", optarg);
			fmt = (enum out_format)i;
			break;
		case OPT_TITLE: fo.title = optarg; break;
		case OPT_SUBTITLE: fo.subtitle = optarg; break;
		case OPT_COUNTNAME: fo.countname = optarg; break;
		case OPT_WIDTH:
			if (!parse_uint(optarg, 100, 1000000, &fo.width))
				rc = cmd_usage_err("flame", "--width needs pixels between 100 and 1000000, not '%s'", optarg);
			break;
		case OPT_HEIGHT:
			if (!parse_uint(optarg, 2, 1000, &fo.frame_height))
				rc = cmd_usage_err("flame", "--height needs pixels between 2 and 1000, not '%s'", optarg);
			break;
		case OPT_MINWIDTH: minwidth = optarg; break;
		case OPT_REVERSE: fo.reverse = true; break;
		case OPT_INVERTED: fo.inverted = true; break;
		case OPT_COLORS:
			fo.palette = tk_palette_parse(optarg);
			if (fo.palette < 0)
				rc = cmd_usage_err("flame", "unknown palette '%s' (hot mem io java js perl python rust "
							    "red green blue aqua yellow purple orange)", optarg);
			break;
		case OPT_HASH: fo.hash = true; break;
		case OPT_FLAMECHART: fo.flamechart = true; break;
		case OPT_DIFF: diff = true; break;
		case OPT_NORMALIZE: normalize = true; break;
		case OPT_NEGATE: fo.negate = true; break;
		case OPT_INPUT:
			if (!strcmp(optarg, "auto"))
				infmt = STACK_IN_AUTO;
			else if (!strcmp(optarg, "perf"))
				infmt = STACK_IN_PERF;
			else if (!strcmp(optarg, "folded"))
				infmt = STACK_IN_FOLDED;
			else
				rc = cmd_usage_err("flame", "unknown input format '%s' (auto, perf, folded)", optarg);
			break;
		case OPT_PID: ps.pid = true; break;
		case OPT_TID: ps.tid = true; break;
		case OPT_KERNEL: ps.annotate_kernel = true; break;
		case OPT_JIT: ps.annotate_jit = true; break;
		case OPT_ALL: ps.annotate_kernel = ps.annotate_jit = true; break;
		case OPT_ADDRS: ps.addrs = true; break;
		case OPT_EVENT: ps.event = optarg; break;
		case OPT_THREADS: rc = stack_threads_opt(&ps, "flame", optarg); break;
		case OPT_JSON: json = true; break;
		case 'h':
			tk_usage(stdout, flame_usage, flame_opts);
			tk_getopt_free(&g);
			return TK_EXIT_OK;
		default:
			rc = TK_EXIT_USAGE;
			break;
		}
		if (rc)
			break;
	}
	tk_getopt_free(&g);
	if (rc)
		return rc;
	if (optind < argc)
		return cmd_usage_err("flame", "one input file at most (two with --diff)");
	nin = nops;
	if (diff && nin != 2)
		return cmd_usage_err("flame", "--diff needs two inputs, BEFORE and AFTER");
	if (!diff && nin > 1)
		return cmd_usage_err("flame", "one input file at most (two with --diff)");
	if ((normalize || fo.negate) && !diff)
		return cmd_usage_err("flame", "--normalize and --negate go with --diff");
	if (diff && (fo.flamechart || fo.reverse))
		return cmd_usage_err("flame", "--diff cannot be combined with --flamechart or --reverse");
	if (json && (!output || !strcmp(output, "-")))
		return cmd_usage_err("flame", "--json needs -o FILE (the graph goes to standard output otherwise)");
	if (minwidth) {
		char *end;
		double v = strtod(minwidth, &end);

		if (end == minwidth || v < 0 || (*end && strcmp(end, "%")))
			return cmd_usage_err("flame", "--minwidth needs pixels or a percentage, not '%s'", minwidth);
		fo.minwidth = *end ? v / 100.0 * (double)(fo.width - 20) : v;
	}
	if (fo.inverted && !fo.title)
		fo.title = "Icicle Graph";

	tk_heap_hugepages(64u << 20);
	s = tk_stacks_new();
	if (!s)
		return cmd_err("flame", "out of memory");
	tk_stacks_keep_order(s, fo.flamechart);
	for (i = 0; i < (diff ? 2 : 1); i++) {
		l[i] = (struct stack_load){ .cmd = "flame", .path = nin ? ops[i] : "-",
					    .format = infmt, .slot = i, .ps = ps };
		rc = stack_load(&l[i], s);
		if (rc)
			goto out;
		stack_load_report(&l[i]);
		if (!l[i].st.samples && tk_stacks_total(s, i) == 0) {
			rc = cmd_err("flame", "no samples with stacks in %s",
				     strcmp(l[i].path, "-") ? l[i].path : "standard input");
			goto out;
		}
	}
	/* difffolded.pl output ("stack before after") given as one input is a differential profile too */
	fo.diff = diff || l[0].two_columns;
	if (fo.diff && normalize && tk_stacks_total(s, 0))
		tk_stacks_scale_slot0(s, tk_stacks_total(s, 1), tk_stacks_total(s, 0));
	if (!tk_stacks_count(s) || !tk_stacks_total(s, fo.diff ? 1 : 0)) {
		rc = cmd_err("flame", "no samples with stacks in %s", l[0].path);
		goto out;
	}
	rc = out_open(&out, "flame", output);
	if (rc)
		goto out;
	switch (fmt) {
	case FMT_SVG: err = tk_write_svg(s, out.f, &fo); break;
	case FMT_PPROF: err = tk_write_pprof(s, out.f, &fo); break;
	case FMT_SPEEDSCOPE: err = tk_write_speedscope(s, out.f, &fo); break;
	default: err = tk_write_folded(s, out.f, &fo); break;
	}
	rc = out_finish(&out, "flame", err);
	if (!rc && json)
		print_summary(s, output, fmt, l, diff ? 2 : 1);
out:
	tk_stacks_free(s);
	return rc;
}

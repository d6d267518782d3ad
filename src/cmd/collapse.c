/* tracekit collapse: `perf script` text (plain or .gz) -> folded stacks, as stackcollapse-perf.pl. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/stackio.h"
#include "lib/out/flame.h"
#include "lib/util/hugeheap.h"
#include "lib/util/json.h"

static const char *const collapse_usage[] = {
	"tracekit collapse [options] [FILE]",
	"perf script | tracekit collapse > out.folded",
	NULL,
};

enum { OPT_PID = 256, OPT_TID, OPT_KERNEL, OPT_JIT, OPT_ALL, OPT_ADDRS, OPT_EVENT, OPT_THREADS, OPT_JSON };
static const struct tk_opt collapse_opts[] = {
	{ OPT_PID, "pid", NULL, "root frame is comm-PID" },
	{ OPT_TID, "tid", NULL, "root frame is comm-PID/TID" },
	{ OPT_KERNEL, "kernel", NULL, "annotate kernel frames with _[k]" },
	{ OPT_JIT, "jit", NULL, "annotate JIT frames (/tmp/perf-PID.map) with _[j]" },
	{ OPT_ALL, "all", NULL, "all annotations (--kernel --jit)" },
	{ OPT_ADDRS, "addrs", NULL, "show addresses of unknown frames: [dso <addr>]" },
	{ OPT_EVENT, "event-filter", "EVENT", "keep samples of EVENT (default: the first event seen)" },
	{ OPT_THREADS, "threads", "N", STACK_THREADS_HELP },
	{ 'o', "output", "FILE", "write to FILE (default: standard output)" },
	{ OPT_JSON, "json", NULL, "write {samples, stacks:[{frames, count}]} as JSON" },
	{ 'h', "help", NULL, "show this help" },
	TK_OPT_END,
};

static int write_json(const struct tk_stacks *s, const struct stack_load *l, FILE *f)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	size_t *idx = tk_stacks_sorted(s), i, n = tk_stacks_count(s);
	int err;

	if (!idx)
		return -ENOMEM;
	json_init(&w, &sb);
	json_obj_begin(&w);
	json_kuint(&w, "samples", l->st.samples);
	json_kuint(&w, "total", tk_stacks_total(s, 0));
	json_kuint(&w, "malformed_lines", l->st.malformed);
	json_kstr(&w, "event", l->st.event);
	json_key(&w, "stacks");
	json_arr_begin(&w);
	for (i = 0; i < n; i++) {
		struct tk_stack st;
		uint32_t d;

		tk_stacks_get(s, idx[i], &st);
		json_obj_begin(&w);
		json_key(&w, "frames");
		json_arr_begin(&w);
		for (d = 0; d < st.depth; d++)
			json_strn(&w, tk_stacks_frame_name(s, st.frames[d]),
				  tk_stacks_frame_len(s, st.frames[d]));
		json_arr_end(&w);
		json_kuint(&w, "count", st.count[0]);
		json_obj_end(&w);
		/* keep the buffer small: the JSON of a big profile goes out as it is made */
		if (sb.len > (1 << 16)) {
			fwrite(sb.buf, 1, sb.len, f);
			sb.len = 0;
		}
	}
	json_arr_end(&w);
	json_obj_end(&w);
	sb_addc(&sb, '\n');
	err = sb_error(&sb);
	if (!err)
		fwrite(sb.buf, 1, sb.len, f);
	sb_release(&sb);
	free(idx);
	return err;
}

int cmd_collapse(int argc, char **argv)
{
	struct stack_load l = { .cmd = "collapse", .path = "-", .format = STACK_IN_PERF };
	struct tk_flame_opts fo;
	struct tk_getopt g;
	struct tk_stacks *s;
	struct out_file out;
	const char *output = NULL;
	bool json = false;
	const char *ops[2];
	int c, rc, err, nops = 0;

	tk_flame_opts_init(&fo);
	if (tk_getopt_init(&g, "collapse", argc, argv, collapse_opts))
		return cmd_err("collapse", "out of memory");
	while ((c = stack_getopt_next(&g, ops, 2, &nops)) != -1) {
		switch (c) {
		case OPT_PID: l.ps.pid = true; break;
		case OPT_TID: l.ps.tid = true; break;
		case OPT_KERNEL: l.ps.annotate_kernel = true; break;
		case OPT_JIT: l.ps.annotate_jit = true; break;
		case OPT_ALL: l.ps.annotate_kernel = l.ps.annotate_jit = true; break;
		case OPT_ADDRS: l.ps.addrs = true; break;
		case OPT_EVENT: l.ps.event = optarg; break;
		case OPT_THREADS:
			if (stack_threads_opt(&l.ps, "collapse", optarg)) {
				tk_getopt_free(&g);
				return TK_EXIT_USAGE;
			}
			break;
		case 'o': output = optarg; break;
		case OPT_JSON: json = true; break;
		case 'h':
			tk_usage(stdout, collapse_usage, collapse_opts);
			tk_getopt_free(&g);
			return TK_EXIT_OK;
		default:
			tk_getopt_free(&g);
			return TK_EXIT_USAGE;
		}
	}
	if (nops == 2 || optind < argc) {
		tk_getopt_free(&g);
		return cmd_usage_err("collapse", "one input file at most, got '%s' too", nops == 2 ? ops[1] : argv[optind]);
	}
	if (nops)
		l.path = ops[0];
	tk_getopt_free(&g);

	tk_heap_hugepages(64u << 20);
	s = tk_stacks_new();
	if (!s)
		return cmd_err("collapse", "out of memory");
	rc = stack_load(&l, s);
	if (rc)
		goto out;
	stack_load_report(&l);
	if (!tk_stacks_count(s)) {
		rc = cmd_err("collapse", "no samples with stacks in %s", strcmp(l.path, "-") ? l.path : "standard input");
		goto out;
	}
	rc = out_open(&out, "collapse", output);
	if (rc)
		goto out;
	err = json ? write_json(s, &l, out.f) : tk_write_folded(s, out.f, &fo);
	rc = out_finish(&out, "collapse", err);
out:
	tk_stacks_free(s);
	return rc;
}

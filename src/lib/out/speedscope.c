/*
 * speedscope output (https://www.speedscope.app/file-format-schema.json): one "sampled" profile whose
 * samples are frame-index lists root first. With the arrival order kept (flame charts) the samples
 * follow it, so speedscope's time-order view is meaningful; otherwise one sample per distinct stack,
 * weighted by its count.
 */
#include <errno.h>

#include "lib/out/flame.h"
#include "lib/util/json.h"

/* Hand the buffered JSON to the stream now and then, so a big profile never sits in memory twice. */
static void drain(struct strbuf *sb, FILE *f, bool force)
{
	if (sb->len > (1u << 16) || (force && sb->len)) {
		fwrite(sb->buf, 1, sb->len, f);
		sb->len = 0;
	}
}

static void stack_array(struct json_writer *w, const struct tk_stack *st)
{
	uint32_t d;

	json_arr_begin(w);
	for (d = 0; d < st->depth; d++)
		json_uint(w, st->frames[d]);
	json_arr_end(w);
}

int tk_write_speedscope(const struct tk_stacks *s, FILE *f, const struct tk_flame_opts *o)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	const struct tk_stack_run *runs;
	size_t nruns, i, n = tk_stacks_count(s), nframes = tk_stacks_nframes(s);
	struct tk_stack st;
	int slot = o->diff ? 1 : 0, err;

	runs = tk_stacks_order(s, &nruns);
	json_init(&w, &sb);
	json_obj_begin(&w);
	json_kstr(&w, "$schema", "https://www.speedscope.app/file-format-schema.json");
	json_key(&w, "shared");
	json_obj_begin(&w);
	json_key(&w, "frames");
	json_arr_begin(&w);
	for (i = 0; i < nframes; i++) {
		json_obj_begin(&w);
		json_key(&w, "name");
		json_strn(&w, tk_stacks_frame_name(s, (uint32_t)i), tk_stacks_frame_len(s, (uint32_t)i));
		json_obj_end(&w);
		drain(&sb, f, false);
	}
	json_arr_end(&w);
	json_obj_end(&w);
	json_key(&w, "profiles");
	json_arr_begin(&w);
	json_obj_begin(&w);
	json_kstr(&w, "type", "sampled");
	json_kstr(&w, "name", o->title ? o->title : o->name ? o->name : "tracekit");
	json_kstr(&w, "unit", "none");
	json_kuint(&w, "startValue", 0);
	json_kuint(&w, "endValue", tk_stacks_total(s, slot));
	json_key(&w, "samples");
	json_arr_begin(&w);
	if (o->flamechart && nruns && !o->diff) {
		for (i = 0; i < nruns; i++) {
			tk_stacks_get(s, runs[i].stack, &st);
			stack_array(&w, &st);
			drain(&sb, f, false);
		}
	} else {
		for (i = 0; i < n; i++) {
			tk_stacks_get(s, i, &st);
			if (!st.count[slot])
				continue;
			stack_array(&w, &st);
			drain(&sb, f, false);
		}
	}
	json_arr_end(&w);
	json_key(&w, "weights");
	json_arr_begin(&w);
	if (o->flamechart && nruns && !o->diff) {
		for (i = 0; i < nruns; i++)
			json_uint(&w, runs[i].count);
	} else {
		for (i = 0; i < n; i++) {
			tk_stacks_get(s, i, &st);
			if (st.count[slot])
				json_uint(&w, st.count[slot]);
			drain(&sb, f, false);
		}
	}
	json_arr_end(&w);
	json_obj_end(&w);
	json_arr_end(&w);
	json_kstr(&w, "name", o->title ? o->title : o->name ? o->name : "tracekit");
	json_kint(&w, "activeProfileIndex", 0);
	json_kstr(&w, "exporter", "tracekit");
	json_obj_end(&w);
	sb_addc(&sb, '\n');
	err = sb_error(&sb);
	if (!err)
		drain(&sb, f, true);
	sb_release(&sb);
	if (err)
		return err;
	return ferror(f) ? -EIO : 0;
}

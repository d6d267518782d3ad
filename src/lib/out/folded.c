/* Folded-stack writer and the shared option defaults for every flame writer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/out/flame.h"

static const char *const palette_names[TK_PAL_COUNT] = {
	"hot", "mem", "io", "java", "js", "perl", "python", "rust",
	"red", "green", "blue", "aqua", "yellow", "purple", "orange",
};

int tk_palette_parse(const char *name)
{
	int i;

	for (i = 0; i < TK_PAL_COUNT; i++)
		if (!strcmp(name, palette_names[i]))
			return i;
	return -1;
}

const char *tk_palette_name(int pal)
{
	return pal >= 0 && pal < TK_PAL_COUNT ? palette_names[pal] : "hot";
}

void tk_flame_opts_init(struct tk_flame_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->countname = "samples";
	o->name = "tracekit";
	o->width = 1200;
	o->frame_height = 16;
	o->minwidth = 0.1;
	o->palette = TK_PAL_HOT;
	o->event = "samples";
	o->unit = "count";
}

static const char *suffix_for(unsigned flags)
{
	if (flags & TK_FRAME_INLINED)
		return "_[i]";
	if (flags & TK_FRAME_KERNEL)
		return "_[k]";
	if (flags & TK_FRAME_JIT)
		return "_[j]";
	return NULL;
}

static bool has_suffix(const char *n, size_t len)
{
	return len >= 4 && n[len - 4] == '_' && n[len - 3] == '[' && n[len - 1] == ']';
}

static void put_frame(FILE *f, const struct tk_stacks *s, uint32_t id, bool annotate)
{
	const char *n = tk_stacks_frame_name(s, id);
	size_t len = tk_stacks_frame_len(s, id), i, run = 0;

	/* ';' and '\n' would split the frame or the line: write ':' as stackcollapse does */
	for (i = 0; i < len; i++) {
		if (n[i] != ';' && n[i] != '\n')
			continue;
		fwrite(n + run, 1, i - run, f);
		fputc(':', f);
		run = i + 1;
	}
	fwrite(n + run, 1, len - run, f);
	if (annotate && !has_suffix(n, len)) {
		const char *sfx = suffix_for(tk_stacks_frame_flags(s, id));

		if (sfx)
			fputs(sfx, f);
	}
}

int tk_write_folded(const struct tk_stacks *s, FILE *f, const struct tk_flame_opts *o)
{
	size_t *idx = tk_stacks_sorted(s), n = tk_stacks_count(s), i;

	if (!idx)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct tk_stack st;
		uint32_t d;

		tk_stacks_get(s, idx[i], &st);
		if (!o->diff && !st.count[0])
			continue;
		for (d = 0; d < st.depth; d++) {
			if (d)
				fputc(';', f);
			put_frame(f, s, st.frames[d], o->annotate);
		}
		if (o->diff)
			fprintf(f, " %llu %llu\n", (unsigned long long)st.count[0], (unsigned long long)st.count[1]);
		else
			fprintf(f, " %llu\n", (unsigned long long)st.count[0]);
	}
	free(idx);
	return ferror(f) ? -EIO : 0;
}

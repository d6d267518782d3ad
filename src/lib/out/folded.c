/* Folded-stack writer and the shared option defaults for every flame writer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/out/flame.h"
#include "lib/util/strbuf.h"

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

/* Append one frame to the line; ';' and '\n' would split the frame or the line: ':' as stackcollapse. */
static void put_frame(struct strbuf *line, const struct tk_stacks *s, uint32_t id, bool annotate)
{
	const char *n = tk_stacks_frame_name(s, id);
	size_t len = tk_stacks_frame_len(s, id), at = line->len, i;

	sb_add(line, n, len);
	if (memchr(n, ';', len) || memchr(n, '\n', len))
		for (i = at; i < line->len; i++)
			if (line->buf[i] == ';' || line->buf[i] == '\n')
				line->buf[i] = ':';
	if (annotate && !has_suffix(n, len)) {
		const char *sfx = suffix_for(tk_stacks_frame_flags(s, id));

		if (sfx)
			sb_adds(line, sfx);
	}
}

int tk_write_folded(const struct tk_stacks *s, FILE *f, const struct tk_flame_opts *o)
{
	size_t *idx = tk_stacks_sorted(s), n = tk_stacks_count(s), i;

	if (!idx)
		return -ENOMEM;
	struct strbuf line = STRBUF_INIT;
	int err;

	for (i = 0; i < n; i++) {
		struct tk_stack st;
		uint32_t d;

		tk_stacks_get(s, idx[i], &st);
		if (!o->diff && !st.count[0])
			continue;
		for (d = 0; d < st.depth; d++) {
			if (d)
				sb_addc(&line, ';');
			put_frame(&line, s, st.frames[d], o->annotate);
		}
		sb_addc(&line, ' ');
		sb_add_u64(&line, st.count[0]);
		if (o->diff) {
			sb_addc(&line, ' ');
			sb_add_u64(&line, st.count[1]);
		}
		sb_addc(&line, '\n');
		/* whole lines go out in big writes */
		if (line.len >= (1u << 16) || i + 1 == n) {
			fwrite(line.buf, 1, line.len, f);
			sb_reset(&line);
		}
	}
	if (line.len)
		fwrite(line.buf, 1, line.len, f);
	err = sb_error(&line);
	sb_release(&line);
	free(idx);
	if (err)
		return err;
	return ferror(f) ? -EIO : 0;
}

/*
 * pprof output: profile.proto (github.com/google/pprof/proto/profile.proto), gzip-compressed.
 *
 * Encoded by hand: the message is six small types written once, front to back, which needs only
 * varints and length-prefixed fields. A protobuf library would bring a code generator and a
 * generated copy of profile.proto into the build for what is about sixty lines here, and Debian's
 * protobuf-c has no way to write without building the whole message tree in memory first.
 *
 * Layout: string_table[0] = ""; one Function and one Location per distinct frame (id = frame id + 1);
 * each distinct stack is one Sample with its location ids leaf first and one value per sample type
 * (two, "before" and "after", for a differential profile). When frames are marked inlined (perf
 * script's "a->b" chains and "(inlined)" frames, folded "_[i]"), each frame that is not is one
 * Location together with the inlined frames under it, as pprof itself stores inlining: several
 * Lines, the innermost first and the caller last; the functions' names lose the "_[i]".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "lib/out/flame.h"
#include "lib/util/strbuf.h"

static void pb_varint(struct strbuf *b, uint64_t v)
{
	char tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (char)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
		v >>= 7;
	} while (v);
	sb_add(b, tmp, n);
}

static void pb_key(struct strbuf *b, unsigned field, unsigned wire)
{
	pb_varint(b, (uint64_t)field << 3 | wire);
}

static void pb_uint(struct strbuf *b, unsigned field, uint64_t v)
{
	pb_key(b, field, 0);
	pb_varint(b, v);
}

static void pb_bytes(struct strbuf *b, unsigned field, const void *data, size_t len)
{
	pb_key(b, field, 2);
	pb_varint(b, len);
	sb_add(b, data, len);
}

/* An embedded message: built in tmp (reset here), then appended as field. */
static void pb_msg(struct strbuf *b, unsigned field, struct strbuf *tmp)
{
	pb_bytes(b, field, tmp->buf ? tmp->buf : "", tmp->len);
	sb_reset(tmp);
}

static void value_type(struct strbuf *b, struct strbuf *tmp, unsigned field, uint64_t type, uint64_t unit)
{
	pb_uint(tmp, 1, type);
	pb_uint(tmp, 2, unit);
	pb_msg(b, field, tmp);
}

static int gzip_out(FILE *f, const struct strbuf *b)
{
	unsigned char out[65536];
	z_stream zs;
	int zr;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	zs.next_in = (unsigned char *)(b->buf ? b->buf : "");
	zs.avail_in = (uInt)b->len;
	do {
		zs.next_out = out;
		zs.avail_out = sizeof(out);
		zr = deflate(&zs, Z_FINISH);
		fwrite(out, 1, sizeof(out) - zs.avail_out, f);
	} while (zr == Z_OK || (zr == Z_BUF_ERROR && zs.avail_out == 0));
	deflateEnd(&zs);
	if (zr != Z_STREAM_END)
		return -EIO;
	return ferror(f) ? -EIO : 0;
}

/* Locations of a profile with inlined frames: distinct runs of frames (caller, then inlined ones). */
struct inline_locs {
	uint32_t *ids;		/* every run's frames, root side first */
	size_t ids_len, ids_cap;
	size_t *off;		/* run i: ids[off[i] .. off[i + 1]) */
	size_t n, off_cap;
	uint32_t *tab;		/* hash -> run + 1 */
	size_t tab_size;
};

static uint64_t run_hash(const uint32_t *ids, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ ids[i]) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 31);
}

/* The location id (1-based) of the run ids[0..n), added when new; 0 on ENOMEM. */
static uint64_t inline_loc(struct inline_locs *l, const uint32_t *ids, size_t n)
{
	size_t mask, j, i;

	if ((l->n + 1) * 2 > l->tab_size) {
		size_t size = l->tab_size ? l->tab_size * 2 : 1024;
		uint32_t *nt = calloc(size, sizeof(*nt));

		if (!nt)
			return 0;
		for (i = 0; i < l->n; i++) {
			for (j = run_hash(l->ids + l->off[i], l->off[i + 1] - l->off[i]) & (size - 1); nt[j];
			     j = (j + 1) & (size - 1))
				;
			nt[j] = (uint32_t)i + 1;
		}
		free(l->tab);
		l->tab = nt;
		l->tab_size = size;
	}
	mask = l->tab_size - 1;
	for (j = run_hash(ids, n) & mask; l->tab[j]; j = (j + 1) & mask) {
		size_t r = l->tab[j] - 1;

		if (l->off[r + 1] - l->off[r] == n && !memcmp(l->ids + l->off[r], ids, n * sizeof(*ids)))
			return r + 1;
	}
	if (tk_grow_array((void **)&l->ids, &l->ids_cap, l->ids_len + n, sizeof(*l->ids)) ||
	    tk_grow_array((void **)&l->off, &l->off_cap, l->n + 2, sizeof(*l->off)))
		return 0;
	if (!l->n)
		l->off[0] = 0;
	memcpy(l->ids + l->ids_len, ids, n * sizeof(*ids));
	l->ids_len += n;
	l->off[++l->n] = l->ids_len;
	l->tab[j] = (uint32_t)l->n;
	return l->n;
}

/* A stack's location ids, leaf first, into packed: each run of a caller and its inlined frames is one. */
static int pack_inline_stack(struct inline_locs *l, const struct tk_stacks *s, const struct tk_stack *st,
			     struct strbuf *packed, uint64_t **locs, size_t *locs_cap)
{
	size_t n = 0, k;
	uint32_t d = 0;

	while (d < st->depth) {
		uint32_t e = d + 1;
		uint64_t id;

		while (e < st->depth && (tk_stacks_frame_flags(s, st->frames[e]) & TK_FRAME_INLINED))
			e++;
		id = inline_loc(l, st->frames + d, e - d);
		if (!id || tk_grow_array((void **)locs, locs_cap, n + 1, sizeof(**locs)))
			return -ENOMEM;
		(*locs)[n++] = id;
		d = e;
	}
	for (k = n; k-- > 0;)
		pb_varint(packed, (*locs)[k]);
	return 0;
}

int tk_write_pprof(const struct tk_stacks *s, FILE *f, const struct tk_flame_opts *o)
{
	struct strbuf b = STRBUF_INIT, tmp = STRBUF_INIT, packed = STRBUF_INIT;
	size_t nframes = tk_stacks_nframes(s), nstacks = tk_stacks_count(s), i;
	/* fixed strings first: 0 "", then the sample type(s) and unit */
	const char *fixed[] = { "", o->diff ? "before" : (o->event ? o->event : "samples"), o->unit ? o->unit : "count",
				"after", "tracekit" };
	uint64_t first_frame_str = 5, *locs = NULL;
	struct inline_locs il = { 0 };
	size_t locs_cap = 0;
	bool inlined = false;
	int err = 0;

	for (i = 0; i < nframes && !inlined; i++)
		inlined = tk_stacks_frame_flags(s, (uint32_t)i) & TK_FRAME_INLINED;
	value_type(&b, &tmp, 1, 1, 2);
	if (o->diff)
		value_type(&b, &tmp, 1, 3, 2);
	for (i = 0; i < nstacks; i++) {
		struct tk_stack st;
		uint32_t d;

		tk_stacks_get(s, i, &st);
		if (!o->diff && !st.count[0])
			continue;
		if (inlined && (err = pack_inline_stack(&il, s, &st, &packed, &locs, &locs_cap)))
			goto out;
		for (d = st.depth; !inlined && d-- > 0;)
			pb_varint(&packed, (uint64_t)st.frames[d] + 1);
		pb_bytes(&tmp, 1, packed.buf ? packed.buf : "", packed.len);
		sb_reset(&packed);
		pb_varint(&packed, st.count[0]);
		if (o->diff)
			pb_varint(&packed, st.count[1]);
		pb_bytes(&tmp, 2, packed.buf, packed.len);
		sb_reset(&packed);
		pb_msg(&b, 2, &tmp);
	}
	for (i = 0; i < (inlined ? il.n : nframes); i++) {
		struct strbuf line = STRBUF_INIT;
		size_t k, n = inlined ? il.off[i + 1] - il.off[i] : 1;

		pb_uint(&tmp, 1, i + 1);	/* Location.id */
		for (k = n; k-- > 0;) {	/* Lines: the innermost (inlined) function first */
			pb_uint(&line, 1, (inlined ? il.ids[il.off[i] + k] : i) + 1);	/* Line.function_id */
			pb_bytes(&tmp, 4, line.buf, line.len);
			sb_reset(&line);
		}
		sb_release(&line);
		pb_msg(&b, 4, &tmp);
	}
	for (i = 0; i < nframes; i++) {
		pb_uint(&tmp, 1, i + 1);			/* Function.id */
		pb_uint(&tmp, 2, first_frame_str + i);		/* name */
		pb_uint(&tmp, 3, first_frame_str + i);		/* system_name */
		pb_msg(&b, 5, &tmp);
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		pb_bytes(&b, 6, fixed[i], strlen(fixed[i]));
	for (i = 0; i < nframes; i++) {
		const char *name = tk_stacks_frame_name(s, (uint32_t)i);
		size_t len = tk_stacks_frame_len(s, (uint32_t)i);

		/* pprof marks inlined frames itself */
		if (inlined && len > 4 && !memcmp(name + len - 4, "_[i]", 4) &&
		    (tk_stacks_frame_flags(s, (uint32_t)i) & TK_FRAME_INLINED))
			len -= 4;
		pb_bytes(&b, 6, name, len);
	}
	if (o->period) {
		value_type(&b, &tmp, 11, 1, 2);
		pb_uint(&b, 12, o->period);
	}
	pb_uint(&b, 13, 4);	/* comment: "tracekit" */
	err = sb_error(&b) ? sb_error(&b) : sb_error(&tmp) ? sb_error(&tmp) : sb_error(&packed);
	if (!err)
		err = gzip_out(f, &b);
out:
	free(locs);
	free(il.ids);
	free(il.off);
	free(il.tab);
	sb_release(&b);
	sb_release(&tmp);
	sb_release(&packed);
	return err;
}

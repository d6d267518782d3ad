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
 * (two, "before" and "after", for a differential profile).
 */
#include <errno.h>
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

int tk_write_pprof(const struct tk_stacks *s, FILE *f, const struct tk_flame_opts *o)
{
	struct strbuf b = STRBUF_INIT, tmp = STRBUF_INIT, packed = STRBUF_INIT;
	size_t nframes = tk_stacks_nframes(s), nstacks = tk_stacks_count(s), i;
	/* fixed strings first: 0 "", then the sample type(s) and unit */
	const char *fixed[] = { "", o->diff ? "before" : (o->event ? o->event : "samples"), o->unit ? o->unit : "count",
				"after", "tracekit" };
	uint64_t first_frame_str = 5;
	int err;

	value_type(&b, &tmp, 1, 1, 2);
	if (o->diff)
		value_type(&b, &tmp, 1, 3, 2);
	for (i = 0; i < nstacks; i++) {
		struct tk_stack st;
		uint32_t d;

		tk_stacks_get(s, i, &st);
		if (!o->diff && !st.count[0])
			continue;
		for (d = st.depth; d-- > 0;)
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
	for (i = 0; i < nframes; i++) {
		struct strbuf line = STRBUF_INIT;

		pb_uint(&line, 1, i + 1);	/* Line.function_id */
		pb_uint(&tmp, 1, i + 1);	/* Location.id */
		pb_bytes(&tmp, 4, line.buf, line.len);
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
	for (i = 0; i < nframes; i++)
		pb_bytes(&b, 6, tk_stacks_frame_name(s, (uint32_t)i), tk_stacks_frame_len(s, (uint32_t)i));
	if (o->period) {
		value_type(&b, &tmp, 11, 1, 2);
		pb_uint(&b, 12, o->period);
	}
	pb_uint(&b, 13, 4);	/* comment: "tracekit" */
	err = sb_error(&b) ? sb_error(&b) : sb_error(&tmp) ? sb_error(&tmp) : sb_error(&packed);
	if (!err)
		err = gzip_out(f, &b);
	sb_release(&b);
	sb_release(&tmp);
	sb_release(&packed);
	return err;
}

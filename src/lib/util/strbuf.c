#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/strbuf.h"

void sb_init(struct strbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
}

void sb_release(struct strbuf *sb)
{
	free(sb->buf);
	sb_init(sb);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = 0;
}

int sb_grow(struct strbuf *sb, size_t extra)
{
	size_t need, cap;
	char *p;

	if (sb->err)
		return sb->err;
	need = sb->len + extra + 1;
	if (need < sb->len) /* overflow */
		return sb->err = -ENOMEM;
	if (need <= sb->cap)
		return 0;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap = cap * 2 > cap ? cap * 2 : need;
	p = realloc(sb->buf, cap);
	if (!p)
		return sb->err = -ENOMEM;
	sb->buf = p;
	sb->cap = cap;
	return 0;
}

/* v's decimal digits, written backwards ending at end; returns where they start */
static char *udigits(char *end, uint64_t v)
{
	static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
				    "8081828384858687888990919293949596979899";

	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		*--end = pairs[d + 1];
		*--end = pairs[d];
	}
	if (v >= 10) {
		*--end = pairs[v * 2 + 1];
		*--end = pairs[v * 2];
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

char *tk_put_u64(char *o, uint64_t v)
{
	char buf[24], *s = udigits(buf + sizeof(buf), v);
	size_t n = (size_t)(buf + sizeof(buf) - s);

	memcpy(o, s, n);
	return o + n;
}

void sb_add_u64(struct strbuf *sb, uint64_t v)
{
	char buf[24], *s = udigits(buf + sizeof(buf), v);

	sb_add(sb, s, (size_t)(buf + sizeof(buf) - s));
}

void sb_add_i64(struct strbuf *sb, int64_t v)
{
	char buf[24], *s = udigits(buf + sizeof(buf), v < 0 ? -(uint64_t)v : (uint64_t)v);

	if (v < 0)
		*--s = '-';
	sb_add(sb, s, (size_t)(buf + sizeof(buf) - s));
}

void sb_add_hex(struct strbuf *sb, uint64_t v)
{
	char buf[24], *s = buf + sizeof(buf);

	do {
		*--s = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	if (s[0] != '0') {
		*--s = 'x';
		*--s = '0';
	}
	sb_add(sb, s, (size_t)(buf + sizeof(buf) - s));
}

void sb_addpad(struct strbuf *sb, char c, size_t n)
{
	char *p = sb_space(sb, n);

	if (!p)
		return;
	memset(p, c, n);
	sb_setlen(sb, sb->len + n);
}

void sb_add_decw(struct strbuf *sb, int64_t v, int width, char pad)
{
	char buf[24], *s = udigits(buf + sizeof(buf), v < 0 ? -(uint64_t)v : (uint64_t)v);
	size_t n, w = width < 0 ? -(size_t)width : (size_t)width;

	if (v < 0 && (width < 0 || pad != '0'))
		*--s = '-';
	n = (size_t)(buf + sizeof(buf) - s);
	if (width < 0) {
		sb_add(sb, s, n);
		if (n < w)
			sb_addpad(sb, ' ', w - n);
		return;
	}
	if (v < 0 && pad == '0') {	/* "%05d" of -42: "-0042" */
		sb_addc(sb, '-');
		n++;
	}
	if (n < w)
		sb_addpad(sb, pad, w - n);
	sb_add(sb, s, (size_t)(buf + sizeof(buf) - s));
}

void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (sb_grow(sb, 64))
		return;
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= sb->cap - sb->len) {
		if (sb_grow(sb, n))
			return;
		vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	}
	sb->len += n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

const char *sb_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

char *sb_detach(struct strbuf *sb)
{
	char *p = sb->err ? NULL : sb->buf;

	if (!p && !sb->err)
		p = calloc(1, 1);
	if (sb->err)
		free(sb->buf);
	sb_init(sb);
	return p;
}

int sb_error(const struct strbuf *sb)
{
	return sb->err;
}

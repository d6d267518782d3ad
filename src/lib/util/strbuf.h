#ifndef TK_UTIL_STRBUF_H
#define TK_UTIL_STRBUF_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * A growable, always NUL-terminated byte string. Allocation failure is sticky: later appends are
 * ignored and sb_error() reports -ENOMEM once, so callers check at the end, not after every append.
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
	int err;
};

#define STRBUF_INIT { NULL, 0, 0, 0 }

void sb_init(struct strbuf *sb);
void sb_release(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
int sb_grow(struct strbuf *sb, size_t extra);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

/*
 * Where to write up to n bytes in place (then sb_setlen), or NULL after an allocation failure.
 * Inline, as are the appends below: a trace line is dozens of small appends, and a call plus a
 * realloc check for each was a measurable part of `tracekit trace`'s CPU per line.
 */
static inline char *sb_space(struct strbuf *sb, size_t n)
{
	if ((sb->cap - sb->len > n && !sb->err) || !sb_grow(sb, n))
		return sb->buf + sb->len;
	return NULL;
}

/* After writing through sb_space: the new length (NUL-terminated here). */
static inline void sb_setlen(struct strbuf *sb, size_t len)
{
	sb->len = len;
	sb->buf[len] = 0;
}

static inline void sb_add(struct strbuf *sb, const void *data, size_t len)
{
	char *p = sb_space(sb, len);

	if (!p)
		return;
	memcpy(p, data, len);
	sb_setlen(sb, sb->len + len);
}

static inline void sb_addc(struct strbuf *sb, char c)
{
	char *p = sb_space(sb, 1);

	if (!p)
		return;
	*p = c;
	sb_setlen(sb, sb->len + 1);
}

static inline void sb_adds(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

/*
 * Numbers without printf (vsnprintf was the biggest single cost of a trace line). The text is
 * exactly printf's: sb_add_u64 is "%" PRIu64, sb_add_i64 "%" PRId64, sb_add_hex "%#" PRIx64 (0
 * as "0"), sb_add_decw "%*" PRId64 with pad ' ' or "%0*" PRId64 with pad '0' (width < 0: left
 * aligned, "%-*" PRId64, always padded with spaces).
 */
void sb_add_u64(struct strbuf *sb, uint64_t v);
/* v in decimal at o (at most 20 bytes, no NUL); returns the end. For writers filling a buffer. */
char *tk_put_u64(char *o, uint64_t v);
void sb_add_i64(struct strbuf *sb, int64_t v);
void sb_add_hex(struct strbuf *sb, uint64_t v);
void sb_add_decw(struct strbuf *sb, int64_t v, int width, char pad);
/* n copies of c */
void sb_addpad(struct strbuf *sb, char c, size_t n);
/* The string ("" when empty, never NULL). */
const char *sb_str(const struct strbuf *sb);
/* Take ownership of the buffer; the strbuf is reset. NULL on earlier allocation failure. */
char *sb_detach(struct strbuf *sb);
int sb_error(const struct strbuf *sb);

#endif

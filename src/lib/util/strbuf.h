#ifndef TK_UTIL_STRBUF_H
#define TK_UTIL_STRBUF_H
#include <stdarg.h>
#include <stddef.h>

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
void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_addc(struct strbuf *sb, char c);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* The string ("" when empty, never NULL). */
const char *sb_str(const struct strbuf *sb);
/* Take ownership of the buffer; the strbuf is reset. NULL on earlier allocation failure. */
char *sb_detach(struct strbuf *sb);
int sb_error(const struct strbuf *sb);

#endif

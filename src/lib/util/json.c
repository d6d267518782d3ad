#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "lib/util/json.h"

void json_init(struct json_writer *w, struct strbuf *sb)
{
	memset(w, 0, sizeof(*w));
	w->sb = sb;
	w->first[0] = true;
}

/* Emit the comma between values, except right after a key. */
static void sep(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		sb_addc(w->sb, ',');
	w->first[w->depth] = false;
}

static void open(struct json_writer *w, char c)
{
	sep(w);
	sb_addc(w->sb, c);
	if (w->depth < JSON_MAX_DEPTH - 1)
		w->depth++;
	w->first[w->depth] = true;
}

static void close_(struct json_writer *w, char c)
{
	if (w->depth > 0)
		w->depth--;
	sb_addc(w->sb, c);
}

void json_obj_begin(struct json_writer *w) { open(w, '{'); }
void json_obj_end(struct json_writer *w) { close_(w, '}'); }
void json_arr_begin(struct json_writer *w) { open(w, '['); }
void json_arr_end(struct json_writer *w) { close_(w, ']'); }

/* Length of a valid UTF-8 sequence at s (max n bytes), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	if (len > n)
		return 0;
	cp = s[0] & (0x3f >> (len - 1));
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void json_escape(struct strbuf *sb, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	sb_addc(sb, '"');
	while (i < n) {
		unsigned char c = p[i];
		size_t u;

		switch (c) {
		case '"': sb_adds(sb, "\\\""); break;
		case '\\': sb_adds(sb, "\\\\"); break;
		case '\n': sb_adds(sb, "\\n"); break;
		case '\r': sb_adds(sb, "\\r"); break;
		case '\t': sb_adds(sb, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				sb_addf(sb, "\\u%04x", c);
			} else if (c >= 0x80) {
				u = utf8_len(p + i, n - i);
				if (!u) {
					sb_addf(sb, "\\u%04x", c);
				} else {
					sb_add(sb, p + i, u);
					i += u;
					continue;
				}
			} else {
				sb_addc(sb, c);
			}
		}
		i++;
	}
	sb_addc(sb, '"');
}

void json_key(struct json_writer *w, const char *key)
{
	sep(w);
	json_escape(w->sb, key, strlen(key));
	sb_addc(w->sb, ':');
	w->after_key = true;
}

void json_strn(struct json_writer *w, const char *s, size_t n)
{
	sep(w);
	json_escape(w->sb, s, n);
}

void json_str(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	json_strn(w, s, strlen(s));
}

void json_int(struct json_writer *w, int64_t v)
{
	sep(w);
	sb_addf(w->sb, "%" PRId64, v);
}

void json_uint(struct json_writer *w, uint64_t v)
{
	sep(w);
	sb_addf(w->sb, "%" PRIu64, v);
}

void json_double(struct json_writer *w, double v)
{
	sep(w);
	if (!isfinite(v))
		sb_adds(w->sb, "null");
	else
		sb_addf(w->sb, "%.9g", v);
}

void json_bool(struct json_writer *w, bool v)
{
	sep(w);
	sb_adds(w->sb, v ? "true" : "false");
}

void json_null(struct json_writer *w)
{
	sep(w);
	sb_adds(w->sb, "null");
}

void json_raw(struct json_writer *w, const char *frag)
{
	sep(w);
	sb_adds(w->sb, frag);
}

void json_kstr(struct json_writer *w, const char *k, const char *v) { json_key(w, k); json_str(w, v); }
void json_kint(struct json_writer *w, const char *k, int64_t v) { json_key(w, k); json_int(w, v); }
void json_kuint(struct json_writer *w, const char *k, uint64_t v) { json_key(w, k); json_uint(w, v); }
void json_kdouble(struct json_writer *w, const char *k, double v) { json_key(w, k); json_double(w, v); }
void json_kbool(struct json_writer *w, const char *k, bool v) { json_key(w, k); json_bool(w, v); }

#ifndef TK_UTIL_JSON_H
#define TK_UTIL_JSON_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/util/strbuf.h"

/*
 * A streaming JSON writer into a strbuf. It tracks nesting and commas so callers only say what
 * comes next; strings are escaped per RFC 8259 (bytes >= 0x80 that are not valid UTF-8 become
 * \u00XX so the output always parses). The command layer decides where the text goes.
 */
#define JSON_MAX_DEPTH 32
struct json_writer {
	struct strbuf *sb;
	int depth;
	bool first[JSON_MAX_DEPTH];
	bool after_key;
};

void json_init(struct json_writer *w, struct strbuf *sb);
void json_obj_begin(struct json_writer *w);
void json_obj_end(struct json_writer *w);
void json_arr_begin(struct json_writer *w);
void json_arr_end(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
void json_str(struct json_writer *w, const char *s);
void json_strn(struct json_writer *w, const char *s, size_t n);
void json_int(struct json_writer *w, int64_t v);
void json_uint(struct json_writer *w, uint64_t v);
void json_double(struct json_writer *w, double v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);
/* Append an already valid JSON fragment as one value. */
void json_raw(struct json_writer *w, const char *frag);

/* key + value shorthands */
void json_kstr(struct json_writer *w, const char *k, const char *v);
void json_kint(struct json_writer *w, const char *k, int64_t v);
void json_kuint(struct json_writer *w, const char *k, uint64_t v);
void json_kdouble(struct json_writer *w, const char *k, double v);
void json_kbool(struct json_writer *w, const char *k, bool v);

/* Escape s as a JSON string (with quotes) into sb. */
void json_escape(struct strbuf *sb, const char *s, size_t n);

#endif

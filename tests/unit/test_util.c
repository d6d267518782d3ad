/* Unit tests for src/lib/util: strbuf, JSON writer, edit distance. */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/util/json.h"
#include "lib/util/strbuf.h"
#include "lib/util/strsim.h"

static void strbuf_grows_and_formats(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	(void)state;
	assert_string_equal(sb_str(&sb), "");
	for (i = 0; i < 1000; i++)
		sb_addf(&sb, "%d,", i % 10);
	assert_int_equal(sb.len, 2000);
	assert_int_equal(sb_str(&sb)[1999], ',');
	sb_reset(&sb);
	sb_adds(&sb, "ab");
	sb_addc(&sb, 'c');
	assert_string_equal(sb_str(&sb), "abc");
	assert_int_equal(sb_error(&sb), 0);
	sb_release(&sb);
}

/* The hand-written number appends print exactly what printf prints, over edges and a spread of values. */
static void strbuf_numbers_as_printf(void **state)
{
	static const int widths[] = { 0, 1, 2, 5, 6, 20, 25, -1, -5, -6, -25 };
	struct strbuf sb = STRBUF_INIT;
	char want[128];
	uint64_t x = 88172645463325252ull;
	int i, k;

	(void)state;
	for (i = 0; i < 4000; i++) {
		uint64_t v;
		int64_t s;
		int w;

		/* edges first, then xorshift values at every magnitude */
		if (i < 64)
			v = (1ull << i) + (uint64_t)(i % 3) - 1;
		else if (i < 80)
			v = (uint64_t[]){ 0, 1, 9, 10, 99, 100, 999, 1000, UINT64_MAX, INT64_MAX,
					  (uint64_t)INT64_MIN, (uint64_t)-1 - 1, 4294967295u, 4294967296u,
					  (uint64_t)-4095, (uint64_t)-42 }[i - 64];
		else {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			v = x >> (x % 64);
		}
		s = (int64_t)v;
		sb_reset(&sb);
		sb_add_u64(&sb, v);
		snprintf(want, sizeof(want), "%" PRIu64, v);
		assert_string_equal(sb_str(&sb), want);
		sb_reset(&sb);
		sb_add_i64(&sb, s);
		snprintf(want, sizeof(want), "%" PRId64, s);
		assert_string_equal(sb_str(&sb), want);
		sb_reset(&sb);
		sb_add_hex(&sb, v);
		snprintf(want, sizeof(want), "%#" PRIx64, v);
		assert_string_equal(sb_str(&sb), want);
		for (k = 0; k < (int)(sizeof(widths) / sizeof(widths[0])); k++) {
			w = widths[k];
			sb_reset(&sb);
			sb_add_decw(&sb, s, w, ' ');
			snprintf(want, sizeof(want), "%*" PRId64, w, s);
			assert_string_equal(sb_str(&sb), want);
			sb_reset(&sb);
			sb_add_decw(&sb, s % 100000, w, ' ');
			snprintf(want, sizeof(want), "%*" PRId64, w, s % 100000);
			assert_string_equal(sb_str(&sb), want);
			if (w < 0)
				continue;
			sb_reset(&sb);
			sb_add_decw(&sb, s % 1000, w, '0');
			snprintf(want, sizeof(want), "%0*" PRId64, w, s % 1000);
			assert_string_equal(sb_str(&sb), want);
		}
	}
	sb_reset(&sb);
	sb_adds(&sb, "a");
	sb_addpad(&sb, ' ', 3);
	sb_addpad(&sb, '-', 0);
	sb_addc(&sb, 'b');
	assert_string_equal(sb_str(&sb), "a   b");
	assert_int_equal(sb.len, 5);
	sb_release(&sb);
}

static void json_nesting_and_commas(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;

	(void)state;
	json_init(&w, &sb);
	json_obj_begin(&w);
	json_kint(&w, "a", -1);
	json_key(&w, "b");
	json_arr_begin(&w);
	json_uint(&w, 1);
	json_str(&w, "x");
	json_null(&w);
	json_obj_begin(&w);
	json_obj_end(&w);
	json_arr_end(&w);
	json_kbool(&w, "c", true);
	json_kdouble(&w, "d", 0.5);
	json_obj_end(&w);
	assert_string_equal(sb_str(&sb), "{\"a\":-1,\"b\":[1,\"x\",null,{}],\"c\":true,\"d\":0.5}");
	sb_release(&sb);
}

static void json_escapes_controls_and_bad_utf8(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	/* quote, backslash, newline, a control byte, valid UTF-8 (é), an invalid lone byte */
	const char in[] = "q\"b\\n\n\x01\xc3\xa9\xff";

	(void)state;
	json_escape(&sb, in, sizeof(in) - 1);
	assert_string_equal(sb_str(&sb), "\"q\\\"b\\\\n\\n\\u0001\xc3\xa9\\u00ff\"");
	sb_release(&sb);
}

static void edit_distance_and_closest(void **state)
{
	const char *cands[] = { "openat", "close", "read", "write" };

	(void)state;
	assert_int_equal(tk_edit_distance("", "abc"), 3);
	assert_int_equal(tk_edit_distance("kitten", "sitting"), 3);
	assert_int_equal(tk_edit_distance("same", "same"), 0);
	assert_string_equal(tk_closest("opnat", cands, 4), "openat");
	assert_string_equal(tk_closest("wirte", cands, 4), "write");
	assert_null(tk_closest("zzzzzzzzzz", cands, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strbuf_grows_and_formats),
		cmocka_unit_test(strbuf_numbers_as_printf),
		cmocka_unit_test(json_nesting_and_commas),
		cmocka_unit_test(json_escapes_controls_and_bad_utf8),
		cmocka_unit_test(edit_distance_and_closest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/lib/util: strbuf, JSON writer, edit distance. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
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
		cmocka_unit_test(json_nesting_and_commas),
		cmocka_unit_test(json_escapes_controls_and_bad_utf8),
		cmocka_unit_test(edit_distance_and_closest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

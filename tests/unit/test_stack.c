/*
 * Unit tests for src/lib/stack (the aggregate, the perf script and folded parsers) and the folded
 * writer. Expected outputs are worked out by hand from stackcollapse-perf.pl's rules (see the
 * comments at each case), not produced by running it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/out/flame.h"
#include "lib/stack/parse.h"
#include "lib/stack/stack.h"

/* Render s as folded text into a malloc'd string. */
static char *folded_text(struct tk_stacks *s, bool diff)
{
	struct tk_flame_opts o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	tk_flame_opts_init(&o);
	o.diff = diff;
	assert_int_equal(tk_write_folded(s, f, &o), 0);
	fclose(f);
	return buf;
}

static void aggregate_counts_and_interns(void **state)
{
	struct tk_stacks *s = tk_stacks_new();
	const char *a[] = { "main", "run", "work" }, *b[] = { "main", "run" };
	unsigned fl[] = { 0, 0, TK_FRAME_KERNEL };
	struct tk_stack st;

	(void)state;
	assert_int_equal(tk_stacks_add(s, a, fl, 3, 2), 0);
	assert_int_equal(tk_stacks_add(s, b, NULL, 2, 5), 0);
	assert_int_equal(tk_stacks_add(s, a, NULL, 3, 1), 0);
	assert_int_equal(tk_stacks_count(s), 2);
	assert_int_equal(tk_stacks_nframes(s), 3);
	assert_int_equal(tk_stacks_total(s, 0), 8);
	tk_stacks_get(s, 0, &st);
	assert_int_equal(st.depth, 3);
	assert_int_equal(st.count[0], 3);
	assert_string_equal(tk_stacks_frame_name(s, st.frames[2]), "work");
	assert_int_equal(tk_stacks_frame_flags(s, st.frames[2]), TK_FRAME_KERNEL);
	tk_stacks_free(s);
}

static void aggregate_grows_past_its_tables(void **state)
{
	struct tk_stacks *s = tk_stacks_new();
	char name[32];
	const char *fr[2] = { "root", name };
	int i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "f%d", i % 2500);
		assert_int_equal(tk_stacks_add(s, fr, NULL, 2, 1), 0);
	}
	assert_int_equal(tk_stacks_count(s), 2500);
	assert_int_equal(tk_stacks_nframes(s), 2501);
	assert_int_equal(tk_stacks_total(s, 0), 5000);
	tk_stacks_free(s);
}

/*
 * Sorted as the folded text sorts bytewise: "a-x" < "a;b" ('-' 0x2d < ';' 0x3b), "a;b" < "a_b"
 * (';' < '_' 0x5f), and a stack that is a prefix of another comes first.
 */
static void sorted_like_folded_text(void **state)
{
	struct tk_stacks *s = tk_stacks_new();
	const char *s1[] = { "a_b" }, *s2[] = { "a", "b" }, *s3[] = { "a-x" }, *s4[] = { "a" };
	char *out;

	(void)state;
	tk_stacks_add(s, s1, NULL, 1, 1);
	tk_stacks_add(s, s2, NULL, 2, 2);
	tk_stacks_add(s, s3, NULL, 1, 3);
	tk_stacks_add(s, s4, NULL, 1, 4);
	out = folded_text(s, false);
	assert_string_equal(out, "a 4\na-x 3\na;b 2\na_b 1\n");
	free(out);
	tk_stacks_free(s);
}

static struct tk_stacks *parse_perf(const char *text, const struct tk_perfscript_opts *o,
				    struct tk_parse_stats *st)
{
	struct tk_stacks *s = tk_stacks_new();
	struct tk_input *in;

	memset(st, 0, sizeof(*st));
	assert_int_equal(tk_input_mem(&in, text, strlen(text)), 0);
	assert_int_equal(tk_perfscript_read(s, in, o, st), 0);
	tk_input_close(in);
	return s;
}

/*
 * One input with the corners of the reference algorithm (same text as tests/cli/data/perf-edge.txt):
 *  - "my app 100/101": the comm keeps its blank (shortest comm before " digits[/digits] "), spaces
 *    become '_' in the root frame; period 250000 is the count; event "cpu-clock:pppH" is the first
 *  - "+0x11" offsets stripped; "worker(int, char const*)" loses its argument list
 *  - [unknown] in /lib/libc.so.6 -> "[libc.so.6]"; [unknown] in [unknown] -> "[unknown]"
 *  - the "instructions" sample is filtered out (not the first event)
 *  - "app 200" has no TID and no period: count 1
 *  - "leaf->mid->top (/usr/bin/app (deleted))": the dso is the last " (X)" (X = "deleted)"), so the
 *    function is "leaf->mid->top (/usr/bin/app"; split on "->", the inlined parts get _[i], and
 *    "top (/usr/bin/app" is cut at its '(' leaving "top "
 *  - a Go method keeps its parentheses; "(anonymous namespace)" survives, "(int)" does not; quotes go
 *  - one junk line: malformed
 *  - java: ';' -> ':', "(I)V" cut, leading 'L' dropped; the last sample has no blank line after it
 *    and is kept (tracekit's one deliberate difference)
 */
static const char edge_input[] =
	"# comment\n"
	"my app 100/101 [001] 1.000001: 250000 cpu-clock:pppH:\n"
	"\tffffffff81000001 native_safe_halt+0x11 ([kernel.kallsyms])\n"
	"\t    55d5c0001000 worker(int, char const*) (/usr/bin/app)\n"
	"\t    55d5c0002000 main+0x2a (/usr/bin/app)\n"
	"\n"
	"my app 100/102 [001] 1.000002: 250000 cpu-clock:pppH:\n"
	"\t    7f0000000001 [unknown] (/lib/libc.so.6)\n"
	"\t    7f0000000002 [unknown] ([unknown])\n"
	"\t    55d5c0002000 main (/usr/bin/app)\n"
	"\n"
	"other 7 [000] 1.5: 1 instructions:\n"
	"\t    1234 foo (/bin/x)\n"
	"\n"
	"app 200 2.0: cpu-clock:pppH:\n"
	"\t    401000 leaf->mid->top (/usr/bin/app (deleted))\n"
	"\t    401100 net/http.(*Client).Do (/usr/bin/app)\n"
	"\t    401200 ns::(anonymous namespace)::helper(int) (/usr/bin/app)\n"
	"\t    401300 say\"hi' (/usr/bin/app)\n"
	"\n"
	"this line is junk\n"
	"java 300/300 [002] 3.0: 250000 cpu-clock:pppH:\n"
	"\t    7f1 Lorg/foo/Bar;.baz(I)V (/tmp/perf-300.map)\n";

static void perfscript_reference_rules(void **state)
{
	struct tk_perfscript_opts o = { 0 };
	struct tk_parse_stats st;
	struct tk_stacks *s = parse_perf(edge_input, &o, &st);
	char *out = folded_text(s, false);

	(void)state;
	assert_string_equal(out,
			    "app;sayhi;ns::(anonymous namespace)::helper;net/http.(*Client).Do;leaf;mid_[i];top _[i] 1\n"
			    "java;org/foo/Bar:.baz 250000\n"
			    "my_app;main;[unknown];[libc.so.6] 250000\n"
			    "my_app;main;worker;native_safe_halt 250000\n");
	assert_int_equal(st.samples, 4);
	assert_int_equal(st.filtered, 1);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(st.first_bad_line, 21);
	assert_string_equal(st.event, "cpu-clock:pppH");
	assert_string_equal(st.other_event, "instructions");
	free(out);
	tk_stacks_free(s);
}

/* --tid: comm-PID/TID, "?" for the PID when the header has a TID only; java keeps its 'L' because the
 * root is no longer exactly "java". --kernel/--jit/--addrs annotate. */
static void perfscript_options(void **state)
{
	struct tk_perfscript_opts o = { .tid = true, .annotate_kernel = true, .annotate_jit = true, .addrs = true };
	struct tk_parse_stats st;
	struct tk_stacks *s = parse_perf(edge_input, &o, &st);
	char *out = folded_text(s, false);

	(void)state;
	assert_string_equal(out,
			    "app-?/200;sayhi;ns::(anonymous namespace)::helper;net/http.(*Client).Do;leaf;mid_[i];top _[i] 1\n"
			    "java-300/300;Lorg/foo/Bar:.baz_[j] 250000\n"
			    "my_app-100/101;main;worker;native_safe_halt_[k] 250000\n"
			    "my_app-100/102;main;[unknown <7f0000000002>];[libc.so.6 <7f0000000001>] 250000\n");
	free(out);
	tk_stacks_free(s);

	o = (struct tk_perfscript_opts){ .event = "instructions" };
	s = parse_perf(edge_input, &o, &st);
	out = folded_text(s, false);
	assert_string_equal(out, "other;foo 1\n");
	assert_int_equal(st.filtered, 4);
	free(out);
	tk_stacks_free(s);
}

/*
 * Corners of the regular expressions: a one-byte comm cannot match the header (\S.+? needs two
 * bytes); TID "0" counts as no TID; a frame line "ffff (x)" backtracks into the address and yields
 * function "f"; a line "(comm)" frame is skipped; "+0x1+0x2" loses only the last offset.
 */
static void perfscript_regex_corners(void **state)
{
	static const char in[] =
		"ab 0/0 1.0: cycles:\n"
		"\tffff (x)\n"
		"\t12 (swapper) (y)\n"
		"\t13 g+0x1+0x2 (z)\n"
		"\n"
		"a 5 1.0: cycles:\n"
		"\n";
	struct tk_perfscript_opts o = { .pid = true };
	struct tk_parse_stats st;
	struct tk_stacks *s = parse_perf(in, &o, &st);
	char *out = folded_text(s, false);

	(void)state;
	assert_string_equal(out, "ab-?;g+0x1;f 1\n");
	assert_int_equal(st.malformed, 1);	/* "a 5 1.0: cycles:" */
	free(out);
	tk_stacks_free(s);
}

static void folded_parser(void **state)
{
	static const char in[] = "a;b;c 3\n"
				 "a;b 2\n"
				 "# comment\n"
				 "\n"
				 "a;b;c 4\n"
				 "no count here\n"
				 "x;y_[k] 1.6\n"
				 "bad 1x\n";
	struct tk_stacks *s = tk_stacks_new();
	struct tk_parse_stats st = { 0 };
	struct tk_input *in_;
	bool two = true;
	char *out;

	(void)state;
	assert_int_equal(tk_input_mem(&in_, in, strlen(in)), 0);
	assert_int_equal(tk_folded_read(s, 0, in_, &st, &two), 0);
	tk_input_close(in_);
	assert_false(two);
	assert_int_equal(st.samples, 4);
	assert_int_equal(st.malformed, 2);
	assert_int_equal(st.first_bad_line, 6);
	out = folded_text(s, false);
	assert_string_equal(out, "a;b 2\na;b;c 7\nx;y_[k] 2\n");
	free(out);
	{
		struct tk_stack k;

		tk_stacks_get(s, 2, &k);
		assert_int_equal(tk_stacks_frame_flags(s, k.frames[1]), TK_FRAME_KERNEL);
	}
	tk_stacks_free(s);
}

/* Consecutive lines reuse the frames of the previous line's common prefix: every shape of overlap. */
static void folded_prefix_reuse(void **state)
{
	static const char in[] = "a;b 1\na;b;c 2\na;bc 3\na;b 4\na 5\na;b;c;d 6\n;a 7\na;;b 8\n";
	struct tk_stacks *s = tk_stacks_new();
	struct tk_parse_stats st = { 0 };
	struct tk_input *in_;
	char *out;

	(void)state;
	assert_int_equal(tk_input_mem(&in_, in, strlen(in)), 0);
	assert_int_equal(tk_folded_read(s, 0, in_, &st, NULL), 0);
	tk_input_close(in_);
	out = folded_text(s, false);
	assert_string_equal(out, ";a 7\na 5\na;;b 8\na;b 5\na;b;c 2\na;b;c;d 6\na;bc 3\n");
	assert_int_equal(tk_stacks_nframes(s), 6);	/* a b c bc d "" */
	free(out);
	tk_stacks_free(s);
}

static void folded_two_columns(void **state)
{
	static const char in[] = "a;b 3 5\na;c 2 0\n";
	struct tk_stacks *s = tk_stacks_new();
	struct tk_parse_stats st = { 0 };
	struct tk_input *in_;
	bool two = false;
	char *out;

	(void)state;
	assert_int_equal(tk_input_mem(&in_, in, strlen(in)), 0);
	assert_int_equal(tk_folded_read(s, 0, in_, &st, &two), 0);
	tk_input_close(in_);
	assert_true(two);
	assert_int_equal(tk_stacks_total(s, 0), 5);
	assert_int_equal(tk_stacks_total(s, 1), 5);
	out = folded_text(s, true);
	assert_string_equal(out, "a;b 3 5\na;c 2 0\n");
	free(out);
	/* --normalize: before scaled by after/before totals (5/5 here: unchanged), then by 2 */
	tk_stacks_scale_slot0(s, 2, 1);
	assert_int_equal(tk_stacks_total(s, 0), 10);
	tk_stacks_free(s);
}

static void looks_folded(void **state)
{
	(void)state;
	assert_true(tk_looks_folded("# x\n\na;b 12\n", 12));
	assert_false(tk_looks_folded("perf 977/977 [000] 1.0: cycles: \n", 34));
	assert_false(tk_looks_folded("\tffff foo (bar)\n", 16));
}

static void keep_order_runs(void **state)
{
	struct tk_stacks *s = tk_stacks_new();
	const char *a[] = { "m", "a" }, *b[] = { "m", "b" };
	const struct tk_stack_run *r;
	size_t n;

	(void)state;
	tk_stacks_keep_order(s, true);
	tk_stacks_add(s, a, NULL, 2, 1);
	tk_stacks_add(s, a, NULL, 2, 1);
	tk_stacks_add(s, b, NULL, 2, 1);
	tk_stacks_add(s, a, NULL, 2, 3);
	r = tk_stacks_order(s, &n);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].stack, 0);
	assert_int_equal(r[0].count, 2);
	assert_int_equal(r[1].stack, 1);
	assert_int_equal(r[2].count, 3);
	tk_stacks_free(s);
}

/*
 * A dump whose two halves differ: the second alone has new frames (a kernel one among them), a
 * sample of another event (filtered) and malformed lines, so every merged statistic is exercised.
 */
static char *split_fixture_file(void)
{
	char *path = strdup("/tmp/test_stack_split_XXXXXX");
	FILE *f;
	int fd = path ? mkstemp(path) : -1, i;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("# ========\n# captured on: a test\n#\n", f);
	/* bigger than the input's first buffer (256 kB), so the middle is still unread after opening */
	for (i = 0; i < 6000; i++) {
		int late = i >= 3000;

		fprintf(f, "proc %d/%d [000] 1.%06d: %d cpu-clock:\n", 10 + i % 3, 20 + i % 3, i, 1000 + i % 4);
		fprintf(f, "\t    %x leaf_%d+0x%x (/usr/bin/x)\n", 0x1000 + i % 7, late ? i % 11 : i % 5, i % 16);
		if (late && i % 9 == 0)
			fprintf(f, "\tffffffff81000000 do_sys_%d ([kernel.kallsyms])\n", i % 4);
		fputs("\t    2000 main (/usr/bin/x)\n\n", f);
		/* in the last quarter, past the middle: the second half's statistics must carry over */
		if (i >= 4500 && i % 50 == 7)
			fputs("proc 9/9 [001] 2.000000: 5 instructions:\n\t    1 other (/usr/bin/y)\n\n", f);
		if (i >= 4500 && i % 60 == 1)
			fputs("garbage line\n\n", f);
	}
	fclose(f);
	return path;
}

static struct tk_stacks *parse_file(const char *path, uint64_t split_min, struct tk_parse_stats *st)
{
	struct tk_perfscript_opts o = { .pid = true, .annotate_kernel = true, .split_min = split_min };
	struct tk_stacks *s = tk_stacks_new();
	struct tk_input *in;

	memset(st, 0, sizeof(*st));
	assert_int_equal(tk_input_open(&in, path), 0);
	assert_int_equal(tk_perfscript_read(s, in, &o, st), 0);
	tk_input_close(in);
	return s;
}

/* Two threads on two halves give what one pass gives: stacks, frames, their order, statistics. */
static void perfscript_split_equals_one_pass(void **state)
{
	char *path = split_fixture_file();
	struct tk_parse_stats a, b;
	struct tk_stacks *one = parse_file(path, UINT64_MAX, &a), *two = parse_file(path, 1, &b);
	char *ta = folded_text(one, false), *tb = folded_text(two, false);
	size_t i, d;

	(void)state;
	assert_string_equal(ta, tb);
	assert_non_null(strstr(ta, "do_sys_0_[k]"));
	assert_int_equal(tk_stacks_nframes(one), tk_stacks_nframes(two));
	for (i = 0; i < tk_stacks_nframes(one); i++) {
		assert_string_equal(tk_stacks_frame_name(one, (uint32_t)i), tk_stacks_frame_name(two, (uint32_t)i));
		assert_int_equal(tk_stacks_frame_flags(one, (uint32_t)i), tk_stacks_frame_flags(two, (uint32_t)i));
	}
	assert_int_equal(tk_stacks_count(one), tk_stacks_count(two));
	for (i = 0; i < tk_stacks_count(one); i++) {
		struct tk_stack x, y;

		tk_stacks_get(one, i, &x);
		tk_stacks_get(two, i, &y);
		assert_int_equal(x.depth, y.depth);
		assert_int_equal(x.count[0], y.count[0]);
		for (d = 0; d < x.depth; d++)
			assert_int_equal(x.frames[d], y.frames[d]);
	}
	assert_int_equal(tk_stacks_total(one, 0), tk_stacks_total(two, 0));
	assert_int_equal(a.lines, b.lines);
	assert_int_equal(a.samples, 6000);
	assert_int_equal(b.samples, 6000);
	assert_int_equal(a.malformed, 25);
	assert_int_equal(b.malformed, 25);
	assert_int_equal(a.filtered, 30);
	assert_int_equal(b.filtered, 30);
	assert_true(a.first_bad_line > a.lines / 2);
	assert_int_equal(a.first_bad_line, b.first_bad_line);
	assert_string_equal(a.event, "cpu-clock");
	assert_string_equal(b.event, "cpu-clock");
	assert_string_equal(a.other_event, "instructions");
	assert_string_equal(b.other_event, "instructions");
	free(ta);
	free(tb);
	tk_stacks_free(one);
	tk_stacks_free(two);
	unlink(path);
	free(path);
}

/* The split falls on a sample boundary and the halves cover the file exactly once. */
static void input_split_at_blank_line(void **state)
{
	char *path = split_fixture_file();
	struct tk_input *in, *second;
	const char *line;
	size_t len, last_len = 99, n1 = 0, n2 = 0;
	bool first = true;
	FILE *f = fopen(path, "r");
	long size;

	(void)state;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	assert_int_equal(tk_input_open(&in, path), 0);
	assert_int_equal(tk_input_split(in, (uint64_t)size + 1, &second), 0);	/* too small */
	assert_int_equal(tk_input_split(in, 1, &second), 1);
	while (tk_input_line(in, &line, &len) > 0) {
		n1 += len + 1;
		last_len = len;
	}
	assert_int_equal(last_len, 0);
	while (tk_input_line(second, &line, &len) > 0) {
		if (first)
			assert_true(len > 5 && !memcmp(line, "proc ", 5));
		first = false;
		n2 += len + 1;
	}
	assert_true(n1 > (size_t)size / 2);
	assert_int_equal(n1 + n2, (size_t)size);
	tk_input_join(in, second);
	assert_int_equal(tk_input_bytes(in), (uint64_t)size);
	tk_input_close(in);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aggregate_counts_and_interns),
		cmocka_unit_test(aggregate_grows_past_its_tables),
		cmocka_unit_test(sorted_like_folded_text),
		cmocka_unit_test(perfscript_reference_rules),
		cmocka_unit_test(perfscript_options),
		cmocka_unit_test(perfscript_regex_corners),
		cmocka_unit_test(folded_parser),
		cmocka_unit_test(folded_prefix_reuse),
		cmocka_unit_test(folded_two_columns),
		cmocka_unit_test(looks_folded),
		cmocka_unit_test(keep_order_runs),
		cmocka_unit_test(perfscript_split_equals_one_pass),
		cmocka_unit_test(input_split_at_blank_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

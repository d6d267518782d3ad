/*
 * Unit tests for src/lib/tracefs on data (no kernel): the record container (write, parse, meta,
 * truncation), sub-buffer decoding of hand-built ring-buffer pages with a known format into text
 * and JSON, corrupt pages and out-of-bounds formats rejected, and probe spec parsing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/tracefs/decode.h"
#include "lib/tracefs/probe.h"
#include "lib/tracefs/rawfile.h"
#include "lib/tracefs/report.h"

/* The kernel's events/header_page on 64-bit (ABI, stable for years). */
static const char header_page[] =
	"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n"
	"\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n"
	"\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n"
	"\tfield: char data;\toffset:16;\tsize:4080;\tsigned:0;\n";

static const char test_format[] =
	"name: tk_test\n"
	"ID: 77\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:int value;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:__data_loc char[] name;\toffset:12;\tsize:4;\tsigned:0;\n"
	"\n"
	"print fmt: \"value=%d name=%s\", REC->value, __get_str(name)\n";

#define PAGE 4096

/* One event record: 4-byte header (type_len = words, time delta) + payload padded to words. */
static size_t put_event(uint8_t *p, uint32_t delta, int pid, int value, const char *name)
{
	uint8_t payload[64] = { 0 };
	uint16_t id = 77;
	size_t nlen = strlen(name) + 1, len = 16 + nlen, words = (len + 3) / 4;
	uint32_t loc = (uint32_t)(nlen << 16 | 16), hdr = (uint32_t)words | delta << 5;

	memcpy(payload, &id, 2);
	memcpy(payload + 4, &pid, 4);
	memcpy(payload + 8, &value, 4);
	memcpy(payload + 12, &loc, 4);
	memcpy(payload + 16, name, nlen);
	memcpy(p, &hdr, 4);
	memcpy(p + 4, payload, words * 4);
	return 4 + words * 4;
}

/* A sub-buffer starting at ts with events (pid, value, name), each 1000 ns apart. */
static void make_page(uint8_t *page, uint64_t ts, int n, int pid0)
{
	size_t off = 16;
	uint64_t commit;
	char name[16];
	int i;

	memset(page, 0, PAGE);
	memcpy(page, &ts, 8);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		off += put_event(page + off, i ? 1000 : 0, pid0 + i, i * 10, name);
	}
	commit = off - 16;
	memcpy(page + 8, &commit, 8);
}

static void decode_known_events(void **state)
{
	struct tk_dec d;
	struct tk_cpu_iter it;
	struct tk_ev ev;
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	uint8_t page[PAGE];

	(void)state;
	make_page(page, 5000000000ULL, 3, 100);
	assert_int_equal(tk_dec_init(&d, PAGE, 8), 0);
	assert_int_equal(tk_dec_header_page(&d, header_page, strlen(header_page)), 0);
	assert_int_equal(tk_dec_add_format(&d, "tk", test_format, strlen(test_format)), 0);
	tk_dec_add_cmdlines(&d, "100 alpha\n101 beta\n", 19);
	tk_dec_set_tgids(&d, "101 100\n100 100\nbad\n", 20);
	assert_int_equal(tk_cpu_iter_init(&it, &d, 1, page, sizeof(page)), 0);

	assert_true(tk_cpu_iter_next(&it, &ev));
	assert_int_equal(ev.ts, 5000000000ULL);
	assert_int_equal(ev.pid, 100);
	assert_non_null(ev.event);
	tk_dec_text(&d, &ev, &sb);
	assert_string_equal(sb_str(&sb), "           alpha-100     [001]      5.000000: tk_test: value=0 name=n0");

	assert_true(tk_cpu_iter_next(&it, &ev));
	assert_int_equal(ev.ts, 5000001000ULL);
	sb_reset(&sb);
	json_init(&w, &sb);
	tk_dec_json(&d, &ev, &w);
	assert_string_equal(sb_str(&sb), "{\"ts_ns\":5000001000,\"cpu\":1,\"pid\":101,\"tgid\":100,\"comm\":\"beta\","
					  "\"event\":\"tk:tk_test\",\"fields\":{\"value\":10,\"name\":\"n1\"}}");
	assert_true(tk_cpu_iter_next(&it, &ev));
	assert_int_equal(ev.pid, 102);
	assert_int_equal(tk_dec_tgid(&d, 102), 102);	/* unknown: itself */
	assert_false(tk_cpu_iter_next(&it, &ev));
	assert_int_equal(it.events, 3);
	assert_int_equal(it.bad_pages, 0);
	tk_cpu_iter_free(&it);
	sb_release(&sb);
	tk_dec_free(&d);
}

static void merge_orders_cpus_by_time(void **state)
{
	struct tk_dec d;
	struct tk_cpu_iter its[2];
	struct tk_merge m;
	struct tk_ev ev;
	uint8_t p0[PAGE], p1[PAGE];
	uint64_t last = 0;
	int n = 0, cpu_seen[2] = { 0, 0 }, i;

	(void)state;
	make_page(p0, 1000, 3, 10);	/* 1000, 2000, 3000 */
	make_page(p1, 1500, 3, 20);	/* 1500, 2500, 3500 */
	assert_int_equal(tk_dec_init(&d, PAGE, 8), 0);
	assert_int_equal(tk_dec_header_page(&d, header_page, strlen(header_page)), 0);
	assert_int_equal(tk_dec_add_format(&d, "tk", test_format, strlen(test_format)), 0);
	assert_int_equal(tk_cpu_iter_init(&its[0], &d, 0, p0, PAGE), 0);
	assert_int_equal(tk_cpu_iter_init(&its[1], &d, 1, p1, PAGE), 0);
	assert_int_equal(tk_merge_init(&m, its, 2), 0);
	while ((i = tk_merge_next(&m, &ev)) >= 0) {
		assert_true(ev.ts >= last);
		last = ev.ts;
		cpu_seen[i]++;
		n++;
	}
	assert_int_equal(n, 6);
	assert_int_equal(cpu_seen[0], 3);
	assert_int_equal(cpu_seen[1], 3);
	assert_int_equal(last, 3500);
	tk_merge_free(&m);
	tk_cpu_iter_free(&its[0]);
	tk_cpu_iter_free(&its[1]);
	tk_dec_free(&d);
}

static void corrupt_pages_and_formats_rejected(void **state)
{
	struct tk_dec d;
	struct tk_cpu_iter it;
	struct tk_ev ev;
	uint8_t page[PAGE];
	uint64_t commit = PAGE * 2;
	char bad[sizeof(test_format) + 16], *at;

	(void)state;
	assert_int_equal(tk_dec_init(&d, PAGE, 8), 0);
	assert_int_equal(tk_dec_header_page(&d, header_page, strlen(header_page)), 0);
	/* a field reaching past any possible record */
	snprintf(bad, sizeof(bad), "%s", test_format);
	at = strstr(bad, "int value;\toffset:8;");
	assert_non_null(at);
	snprintf(at, sizeof(bad) - (size_t)(at - bad), "int value;\toffset:70000;\tsize:4;\tsigned:1;\n");
	assert_int_equal(tk_dec_add_format(&d, "tk", bad, strlen(bad)), -EINVAL);
	assert_int_equal(tk_dec_add_format(&d, "tk", test_format, strlen(test_format)), 0);
	/* commit larger than the page: skipped, counted */
	make_page(page, 1, 2, 1);
	memcpy(page + 8, &commit, 8);
	assert_int_equal(tk_cpu_iter_init(&it, &d, 0, page, PAGE), 0);
	assert_false(tk_cpu_iter_next(&it, &ev));
	assert_int_equal(it.bad_pages, 1);
	tk_cpu_iter_free(&it);
	/* a trailing partial sub-buffer is not read */
	make_page(page, 1, 2, 1);
	assert_int_equal(tk_cpu_iter_init(&it, &d, 0, page, PAGE - 1), 0);
	assert_false(tk_cpu_iter_next(&it, &ev));
	tk_cpu_iter_free(&it);
	tk_dec_free(&d);
	assert_int_equal(tk_dec_init(&d, 10, 8), -EINVAL);
}

static void container_round_trip(void **state)
{
	struct tk_report rp;
	struct tk_rf rf;
	uint8_t page[PAGE], *buf;
	char v[64], why[128];
	struct tk_merge m;
	struct tk_ev ev;
	size_t len;
	int fd, n = 0;

	(void)state;
	make_page(page, 42, 2, 7);
	fd = memfd_create("tkrf", 0);
	assert_true(fd >= 0);
	assert_int_equal(tk_rf_write_header(fd), 0);
	assert_int_equal(tk_rf_write_section(fd, TK_RF_META, 0, "subbuf_size=4096\nlong_size=8\n", 29), 0);
	assert_int_equal(tk_rf_write_section(fd, TK_RF_HEADER_PAGE, 0, header_page, strlen(header_page)), 0);
	{
		char fmt[sizeof(test_format) + 3] = "tk";

		memcpy(fmt + 3, test_format, sizeof(test_format) - 1);
		assert_int_equal(tk_rf_write_section(fd, TK_RF_FORMAT, 0, fmt, sizeof(fmt) - 1), 0);
	}
	assert_int_equal(tk_rf_write_section(fd, TK_RF_CPU_STATS, 0, "entries: 2\noverrun: 5\ndropped events: 1\n", 40), 0);
	assert_int_equal(tk_rf_write_section(fd, TK_RF_CPU_DATA, 0, page, PAGE), 0);
	len = (size_t)lseek(fd, 0, SEEK_CUR);
	buf = malloc(len);
	assert_int_equal(pread(fd, buf, len, 0), (ssize_t)len);
	close(fd);

	assert_int_equal(tk_rf_parse(buf, len, &rf), 0);
	assert_int_equal(rf.nsecs, 5);
	assert_int_equal(tk_rf_meta(&rf, "long_size", v, sizeof(v)), 0);
	assert_string_equal(v, "8");
	assert_int_equal(tk_rf_meta(&rf, "nope", v, sizeof(v)), -ENOENT);
	tk_rf_free(&rf);
	assert_int_equal(tk_rf_parse(buf, len - 1, &rf), -EPROTO);
	assert_int_equal(tk_rf_parse("TKFTRACX\1\0\0\0\0\0\0\0", 16, &rf), -EINVAL);

	assert_int_equal(tk_report_open(&rp, buf, len, why, sizeof(why)), 0);
	assert_int_equal(rp.nits, 1);
	assert_int_equal(tk_merge_init(&m, rp.its, rp.nits), 0);
	while (tk_merge_next(&m, &ev) >= 0)
		n++;
	assert_int_equal(n, 2);
	tk_merge_free(&m);
	{
		struct strbuf sb = STRBUF_INIT;

		tk_report_stats(&rp, NULL, &sb);
		assert_string_equal(sb_str(&sb), "# cpu0: events 2, overrun 5, dropped 1, commit overrun 0, missed 0\n");
		sb_release(&sb);
	}
	tk_report_close(&rp);
	free(buf);
}

static void probe_specs(void **state)
{
	struct tk_probe p;
	char err[256];

	(void)state;
	assert_int_equal(tk_probe_parse("u:/bin/bash:readline", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, 'u');
	assert_false(p.ret);
	assert_string_equal(p.binary, "/bin/bash");
	assert_string_equal(p.symbol, "readline");
	assert_string_equal(p.event, "readline");
	assert_int_equal(tk_probe_parse("ur:/a:b/c:main+0x10", &p, err, sizeof(err)), 0);
	assert_true(p.ret);
	assert_string_equal(p.binary, "/a:b/c");
	assert_int_equal(p.add, 16);
	assert_string_equal(p.event, "main__return");
	assert_int_equal(tk_probe_parse("u:/x:0x1139", &p, err, sizeof(err)), 0);
	assert_int_equal(p.addr, 0x1139);
	assert_string_equal(p.symbol, "");
	assert_int_equal(tk_probe_parse("k:vfs_read+4", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, 'k');
	assert_int_equal(tk_probe_parse("u:/bin/bash", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(tk_probe_parse("u:/bin/bash:f+zz", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(tk_probe_parse("q:x", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(tk_probe_parse("u::f", &p, err, sizeof(err)), -EINVAL);
	assert_int_equal(tk_probe_parse("u:/b:_Z3fooi.cold", &p, err, sizeof(err)), 0);
	assert_string_equal(p.event, "_Z3fooi_cold");
	assert_int_equal(tk_probe_add_arg(&p, "x=%di:s64"), 0);
	assert_int_equal(tk_probe_add_arg(&p, "y=%si"), 0);
	assert_string_equal(p.args, "x=%di:s64 y=%si");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_known_events),
		cmocka_unit_test(merge_orders_cpus_by_time),
		cmocka_unit_test(corrupt_pages_and_formats_rejected),
		cmocka_unit_test(container_round_trip),
		cmocka_unit_test(probe_specs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

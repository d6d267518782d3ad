/* Unit tests of src/lib/perf and src/lib/sym (kallsyms, perf-PID.map, notes): on data, no kernel. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/perf/event.h"
#include "lib/perf/hist.h"
#include "lib/perf/perfdata.h"
#include "lib/perf/profile.h"
#include "lib/sym/kernel.h"
#include "lib/sym/sym.h"

static void event_names_round_trip(void **state)
{
	static const char *const names[] = { "cpu-clock", "task-clock", "page-faults", "context-switches",
					     "instructions", "cycles", "L1-dcache-load-misses",
					     "LLC-prefetches", "dTLB-store-misses", "r1a2" };
	struct perf_event_attr a;
	char err[256], buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(tk_perf_event_parse(names[i], &a, err, sizeof(err)), 0);
		assert_string_equal(tk_perf_event_name(&a, buf, sizeof(buf)), names[i]);
	}
	assert_int_equal(tk_perf_event_parse("cs", &a, err, sizeof(err)), 0);
	assert_int_equal(a.type, PERF_TYPE_SOFTWARE);
	assert_int_equal(a.config, PERF_COUNT_SW_CONTEXT_SWITCHES);
	assert_int_equal(tk_perf_event_parse("cycles:u", &a, err, sizeof(err)), 0);
	assert_int_equal(a.type, PERF_TYPE_HARDWARE);
	assert_true(a.exclude_kernel);
	assert_false(a.exclude_user);
	assert_int_equal(tk_perf_event_parse("cpu-clok", &a, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "did you mean 'cpu-clock'"));
	assert_int_equal(tk_perf_event_parse("a:b:c", &a, err, sizeof(err)), -EINVAL);
	assert_int_equal(tk_perf_event_parse("", &a, err, sizeof(err)), -EINVAL);
}

/* --- a synthetic perf.data, written with the writer and read back --- */

static void put(uint8_t *b, size_t *n, const void *p, size_t len)
{
	memcpy(b + *n, p, len);
	*n += len;
}

static void put64(uint8_t *b, size_t *n, uint64_t v)
{
	put(b, n, &v, 8);
}

static void hdr(uint8_t *b, uint32_t type, uint16_t misc, size_t size)
{
	struct perf_event_header h = { .type = type, .misc = misc, .size = (uint16_t)size };

	memcpy(b, &h, sizeof(h));
}

#define ST (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_PERIOD | \
	    PERF_SAMPLE_CALLCHAIN)

static void trailer(uint8_t *b, size_t *n, uint32_t pid, uint64_t time)
{
	put64(b, n, (uint64_t)pid | (uint64_t)pid << 32);
	put64(b, n, time);
	put64(b, n, 7); /* identifier */
}

static size_t rec_comm(uint8_t *b, uint32_t pid, const char *comm, uint64_t time)
{
	size_t n = 8;
	char c[16] = { 0 };

	put64(b, &n, (uint64_t)pid | (uint64_t)pid << 32);
	strncpy(c, comm, sizeof(c) - 1);
	put(b, &n, c, 16);
	trailer(b, &n, pid, time);
	hdr(b, PERF_RECORD_COMM, 0, n);
	return n;
}

static size_t rec_mmap2(uint8_t *b, uint32_t pid, uint64_t start, uint64_t len, const char *path, uint64_t time)
{
	size_t n = 8, pl = (strlen(path) + 8) / 8 * 8;
	char name[64] = { 0 };

	put64(b, &n, (uint64_t)pid | (uint64_t)pid << 32);
	put64(b, &n, start);
	put64(b, &n, len);
	put64(b, &n, 0);
	put64(b, &n, 0);
	put64(b, &n, 0);
	put64(b, &n, 0);
	put64(b, &n, (uint64_t)5 /* r-x */ | (uint64_t)2 << 32);
	strncpy(name, path, sizeof(name) - 1);
	put(b, &n, name, pl);
	trailer(b, &n, pid, time);
	hdr(b, PERF_RECORD_MMAP2, PERF_RECORD_MISC_USER, n);
	return n;
}

/* A sample whose stack is ips (leaf first), all user frames. */
static size_t rec_sample(uint8_t *b, uint32_t pid, uint64_t time, uint64_t period, const uint64_t *ips, int nips)
{
	size_t n = 8;
	int i;

	put64(b, &n, 7);
	put64(b, &n, ips[0]);
	put64(b, &n, (uint64_t)pid | (uint64_t)pid << 32);
	put64(b, &n, time);
	put64(b, &n, period);
	put64(b, &n, (uint64_t)nips + 1);
	put64(b, &n, (uint64_t)PERF_CONTEXT_USER);
	for (i = 0; i < nips; i++)
		put64(b, &n, ips[i]);
	hdr(b, PERF_RECORD_SAMPLE, PERF_RECORD_MISC_USER, n);
	return n;
}

static uint8_t *make_file(size_t *len)
{
	struct pd_attr attr;
	struct pd_writer w;
	uint64_t id = 7;
	uint8_t rec[512], bid[20];
	FILE *fp = tmpfile();
	uint8_t *buf;
	long size;
	/* main -> a -> b (x3), main -> a (x1), main -> b -> b (recursion, x2) */
	static const uint64_t s1[] = { 0x1200, 0x1100, 0x1000 }, s2[] = { 0x1100, 0x1000 },
			      s3[] = { 0x1200, 0x1200, 0x1000 };
	int i;

	assert_non_null(fp);
	memset(&attr, 0, sizeof(attr));
	attr.attr.type = PERF_TYPE_SOFTWARE;
	attr.attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.attr.sample_type = ST;
	attr.attr.sample_id_all = 1;
	attr.ids = &id;
	attr.nids = 1;
	assert_int_equal(pd_writer_begin(&w, fp, &attr, 1), 0);
	assert_int_equal(pd_write(&w, rec, rec_comm(rec, 42, "prog", 1)), 0);
	assert_int_equal(pd_write(&w, rec, rec_mmap2(rec, 42, 0x1000, 0x1000, "/nonexistent/prog", 2)), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(pd_write(&w, rec, rec_sample(rec, 42, 10 + i, 100, s1, 3)), 0);
	assert_int_equal(pd_write(&w, rec, rec_sample(rec, 42, 20, 100, s2, 2)), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(pd_write(&w, rec, rec_sample(rec, 42, 30 + i, 100, s3, 3)), 0);
	memset(bid, 0xab, sizeof(bid));
	assert_int_equal(pd_writer_add_buildid(&w, "/nonexistent/prog", bid, 20, false), 0);
	w.hostname = "host";
	assert_int_equal(pd_writer_finish(&w), 0);
	pd_writer_free(&w);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	assert_true(size > PD_HEADER_SIZE);
	buf = malloc((size_t)size);
	rewind(fp);
	assert_int_equal(fread(buf, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	*len = (size_t)size;
	return buf;
}

static void perfdata_round_trip(void **state)
{
	struct pd_file f;
	struct pd_iter it;
	struct pd_event ev;
	size_t len;
	uint8_t *buf = make_file(&len);
	int n = 0, samples = 0, r;

	(void)state;
	assert_int_equal(pd_open_buf(&f, buf, len), 0);
	assert_int_equal(f.nattrs, 1);
	assert_int_equal(f.attrs[0].nids, 1);
	assert_int_equal(f.attrs[0].ids[0], 7);
	assert_string_equal(f.attrs[0].name, "cpu-clock");
	assert_int_equal(f.nbids, 1);
	assert_string_equal(f.bids[0].path, "/nonexistent/prog");
	assert_int_equal(f.bids[0].size, 20);
	assert_int_equal(f.bids[0].id[19], 0xab);
	assert_string_equal(f.hostname, "host");
	pd_iter_init(&f, &it);
	while ((r = pd_next(&f, &it, &ev)) > 0) {
		n++;
		if (ev.type == PERF_RECORD_COMM) {
			assert_string_equal(ev.comm.comm, "prog");
			assert_int_equal(ev.time, 1);
		} else if (ev.type == PERF_RECORD_MMAP2) {
			assert_string_equal(ev.mmap.filename, "/nonexistent/prog");
			assert_int_equal(ev.mmap.start, 0x1000);
			assert_int_equal(ev.time, 2);
		} else if (ev.type == PERF_RECORD_SAMPLE) {
			samples++;
			assert_int_equal(ev.sample.pid, 42);
			assert_int_equal(ev.sample.period, 100);
			assert_int_equal(ev.sample.ips[0], (uint64_t)PERF_CONTEXT_USER);
		}
	}
	assert_int_equal(r, 0);
	assert_int_equal(n, 8);
	assert_int_equal(samples, 6);
	pd_iter_free(&it);
	pd_close(&f);
}

/* Every truncation of a valid file is either read whole or fails with one message naming an offset. */
static void perfdata_truncations_name_offsets(void **state)
{
	size_t len, cut;
	uint8_t *full = make_file(&len);

	(void)state;
	for (cut = 0; cut < len; cut++) {
		struct tk_profile p;
		uint8_t *b = malloc(cut ? cut : 1);
		int r;

		memcpy(b, full, cut);
		r = tk_profile_load_buf(&p, b, cut, TK_PROFILE_NO_FILES);
		assert_int_not_equal(r, 0);
		assert_non_null(strstr(p.err, "offset"));
		assert_null(strchr(p.err, '\n'));
		tk_profile_free(&p);
	}
	free(full);
}

static void perfdata_rejects_bad_headers(void **state)
{
	struct pd_file f;
	uint8_t *b = calloc(1, 200);

	(void)state;
	memcpy(b, "PERFFILE", 8);
	assert_int_equal(pd_open_buf(&f, b, 200), -EINVAL);
	assert_non_null(strstr(f.err, "version 1"));
	pd_close(&f);
	b = calloc(1, 200);
	memcpy(b, "ELF\x7f....", 8);
	assert_int_equal(pd_open_buf(&f, b, 200), -EINVAL);
	assert_non_null(strstr(f.err, "not a perf.data file"));
	pd_close(&f);
}

static void profile_self_and_children(void **state)
{
	struct tk_profile p;
	struct tk_hist h;
	enum tk_sort_key keys[] = { TK_SORT_SYM };
	size_t len, i;
	uint8_t *buf = make_file(&len);
	uint64_t self_b = 0, child_b = 0, child_main = 0;

	(void)state;
	assert_int_equal(tk_profile_load_buf(&p, buf, len, TK_PROFILE_NO_FILES), 0);
	assert_int_equal(p.nsamples, 6);
	assert_true(p.has_callchains);
	assert_string_equal(p.comms[p.samples[0].comm], "prog");
	assert_int_equal(tk_hist_build(&h, &p, 0, keys, 1, true), 0);
	assert_int_equal(h.total_samples, 6);
	assert_int_equal(h.total_period, 600);
	for (i = 0; i < h.nrows; i++) {
		const char *name = p.syms[h.rows[i].sym].name;
		if (!strcmp(name, "0x0000000000000200")) { /* "b" */
			self_b = h.rows[i].self_samples;
			child_b = h.rows[i].children_samples;
		}
		if (!strcmp(name, "0x0000000000000000"))
			child_main = h.rows[i].children_samples;
	}
	assert_int_equal(self_b, 5);
	assert_int_equal(child_b, 5); /* the recursive b -> b counts once per sample */
	assert_int_equal(child_main, 6);
	/* sorted by children, then self */
	assert_string_equal(p.syms[h.rows[0].sym].name, "0x0000000000000000");
	tk_hist_free(&h);
	tk_profile_free(&p);
}

static void sort_keys_parse(void **state)
{
	enum tk_sort_key k[TK_SORT_MAX];
	int n;
	char bad[32];

	(void)state;
	assert_int_equal(tk_sort_parse("comm,dso,symbol", k, &n, bad, sizeof(bad)), 0);
	assert_int_equal(n, 3);
	assert_int_equal(k[2], TK_SORT_SYM);
	assert_int_equal(tk_sort_parse("comm,bogus", k, &n, bad, sizeof(bad)), -EINVAL);
	assert_string_equal(bad, "bogus");
}

static void kallsyms_and_notes(void **state)
{
	static const char text[] = "ffffffff81000000 T _text\n"
				   "ffffffff81000100 t helper\n"
				   "ffffffff81000050 D some_data\n"
				   "ffffffffc0000000 t mod_fn\t[mymod]\n"
				   "garbage line\n";
	struct tk_kallsyms k;
	const struct tk_ksym *s;
	/* namesz 4, descsz 4, type 3 (GNU build-id), "GNU\0", desc */
	static const uint8_t notes[] = { 4, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 'G', 'N', 'U', 0, 0xde, 0xad, 0xbe, 0xef };
	uint8_t id[20];

	(void)state;
	assert_int_equal(tk_kallsyms_parse(&k, text, sizeof(text) - 1), 0);
	assert_int_equal(k.n, 3);
	assert_int_equal(k.text, 0xffffffff81000000ULL);
	s = tk_kallsyms_find(&k, 0xffffffff81000150ULL);
	assert_non_null(s);
	assert_string_equal(s->name, "helper");
	s = tk_kallsyms_find(&k, 0xffffffffc0000010ULL);
	assert_string_equal(s->module, "mymod");
	assert_null(tk_kallsyms_find(&k, 0x1000));
	tk_kallsyms_free(&k);
	assert_int_equal(tk_notes_build_id(notes, sizeof(notes), id, sizeof(id)), 4);
	assert_int_equal(id[0], 0xde);
	assert_int_equal(tk_notes_build_id(notes, 10, id, sizeof(id)), -ENOENT);
}

static void perfmap_lookup(void **state)
{
	static const char text[] = "7f0000001000 100 jitted_fn\n7f0000000000 20 other one\nbad\n";
	struct tk_perfmap *m;
	uint64_t off;

	(void)state;
	assert_int_equal(tk_perfmap_parse(text, sizeof(text) - 1, &m), 0);
	assert_string_equal(tk_perfmap_find(m, 0x7f0000001010ULL, &off), "jitted_fn");
	assert_int_equal(off, 0x10);
	assert_string_equal(tk_perfmap_find(m, 0x7f0000000000ULL, &off), "other one");
	assert_null(tk_perfmap_find(m, 0x7f0000000020ULL, &off));
	assert_null(tk_perfmap_find(m, 0x10, &off));
	tk_perfmap_free(m);
	assert_true(tk_sym_is_anon("//anon"));
	assert_true(tk_sym_is_anon("[anon:jit]"));
	assert_false(tk_sym_is_anon("/usr/lib/libc.so.6"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(event_names_round_trip),
		cmocka_unit_test(perfdata_round_trip),
		cmocka_unit_test(perfdata_truncations_name_offsets),
		cmocka_unit_test(perfdata_rejects_bad_headers),
		cmocka_unit_test(profile_self_and_children),
		cmocka_unit_test(sort_keys_parse),
		cmocka_unit_test(kallsyms_and_notes),
		cmocka_unit_test(perfmap_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for src/lib/bpf/systrace: walking ring-buffer records and their captured memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/bpf/systrace.h"

/* Build a record the way the kernel half lays it out: header, then 8-byte aligned captures. */
struct recbuf {
	union {
		struct systrace_rec rec;
		unsigned char b[4096];
	} u;
	size_t len;
};

static void rec_init(struct recbuf *r, int nr)
{
	memset(r, 0, sizeof(*r));
	r->u.rec.type = SYSTRACE_REC_EXIT;
	r->u.rec.nr = nr;
	r->len = sizeof(struct systrace_rec);
	r->u.rec.size = (uint16_t)r->len;
}

static void rec_cap(struct recbuf *r, uint64_t addr, const void *data, size_t n, unsigned flags)
{
	struct systrace_capture c = { .addr = addr, .len = (uint16_t)n, .arg = 1, .flags = (uint8_t)flags };

	memcpy(r->u.b + r->len, &c, sizeof(c));
	memcpy(r->u.b + r->len + sizeof(c), data, n);
	r->len = (r->len + sizeof(c) + n + 7) & ~(size_t)7;
	r->u.rec.size = (uint16_t)r->len;
	r->u.rec.ncap++;
}

static void walks_captures_in_order(void **state)
{
	struct recbuf r;
	const struct systrace_capture *c;

	(void)state;
	rec_init(&r, 257);
	rec_cap(&r, 0x1000, "/etc/passwd", 12, SYSTRACE_CAPF_STR);
	rec_cap(&r, 0x2000, "abc", 3, 0);
	c = tk_systrace_next_cap(&r.u.rec, r.len, NULL);
	assert_non_null(c);
	assert_int_equal(c->addr, 0x1000);
	assert_int_equal(c->len, 12);
	c = tk_systrace_next_cap(&r.u.rec, r.len, c);
	assert_non_null(c);
	assert_int_equal(c->addr, 0x2000);
	assert_memory_equal(c + 1, "abc", 3);
	assert_null(tk_systrace_next_cap(&r.u.rec, r.len, c));
}

static void finds_memory_inside_a_capture(void **state)
{
	struct recbuf r;
	size_t avail;
	unsigned flags;
	const char *p;

	(void)state;
	rec_init(&r, 0);
	rec_cap(&r, 0x5000, "hello world", 11, SYSTRACE_CAPF_TRUNC);
	p = tk_systrace_mem(&r.u.rec, r.len, 0x5006, &avail, &flags);
	assert_non_null(p);
	assert_int_equal(avail, 5);
	assert_memory_equal(p, "world", 5);
	assert_int_equal(flags, SYSTRACE_CAPF_TRUNC);
	assert_null(tk_systrace_mem(&r.u.rec, r.len, 0x500b, &avail, &flags));
	assert_int_equal(avail, 0);
	assert_null(tk_systrace_mem(&r.u.rec, r.len, 0x4fff, &avail, &flags));
}

static void faulted_captures_answer_nothing(void **state)
{
	struct recbuf r;
	size_t avail;

	(void)state;
	rec_init(&r, 0);
	rec_cap(&r, 0x5000, "", 0, SYSTRACE_CAPF_FAULT);
	assert_null(tk_systrace_mem(&r.u.rec, r.len, 0x5000, &avail, NULL));
}

static void rejects_captures_past_the_record(void **state)
{
	struct recbuf r;
	struct systrace_capture *c;

	(void)state;
	rec_init(&r, 0);
	rec_cap(&r, 0x5000, "abcdefgh", 8, 0);
	/* a length running past the record's end is malformed: no capture, no read past the end */
	c = (struct systrace_capture *)(r.u.b + sizeof(struct systrace_rec));
	c->len = 4000;
	assert_null(tk_systrace_next_cap(&r.u.rec, r.len, NULL));
	/* a record claiming more than was delivered is cut to what was delivered */
	rec_init(&r, 0);
	rec_cap(&r, 0x5000, "abcdefgh", 8, 0);
	r.u.rec.size = 4000;
	assert_non_null(tk_systrace_next_cap(&r.u.rec, r.len, NULL));
	assert_null(tk_systrace_next_cap(&r.u.rec, sizeof(struct systrace_rec) + 4, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walks_captures_in_order),
		cmocka_unit_test(finds_memory_inside_a_capture),
		cmocka_unit_test(faulted_captures_answer_nothing),
		cmocka_unit_test(rejects_captures_past_the_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

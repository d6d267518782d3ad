/* Unit tests for the demo's header-only pieces: the HTTP parsers and the HDR-style histogram. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../demo/hdr.h"
#include "../../demo/http_parse.h"

static long parse(const char *s, struct http_request *r)
{
	return http_parse_request(s, strlen(s), r);
}

static void request_fields(void **state)
{
	const char *s = "GET /sleep?ms=20 HTTP/1.1\r\nHost: x\r\nX-A:  b c \r\n\r\nGET / HTTP/1.1\r\n";
	struct http_request r;
	uint64_t v;
	long n;

	(void)state;
	n = parse(s, &r);
	assert_int_equal(n, strstr(s, "\r\n\r\n") + 4 - s);
	assert_int_equal(r.method_len, 3);
	assert_memory_equal(r.method, "GET", 3);
	assert_int_equal(r.path_len, 6);
	assert_memory_equal(r.path, "/sleep", 6);
	assert_int_equal(r.query_len, 5);
	assert_int_equal(r.minor, 1);
	assert_true(r.keep_alive);
	assert_int_equal(r.nheaders, 2);
	assert_int_equal(http_query_uint(r.query, r.query_len, "ms", &v), 0);
	assert_int_equal(v, 20);
	assert_int_equal(http_query_uint(r.query, r.query_len, "m", &v), -1);
	/* the pipelined next request is incomplete: wait for more */
	assert_int_equal(http_parse_request(s + n, strlen(s + n), &r), 0);
}

static void request_keep_alive_rules(void **state)
{
	struct http_request r;

	(void)state;
	assert_true(parse("GET / HTTP/1.0\r\n\r\n", &r) > 0);
	assert_false(r.keep_alive);
	assert_true(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r) > 0);
	assert_true(r.keep_alive);
	assert_true(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n", &r) > 0);
	assert_false(r.keep_alive);
	/* bare LF line ends are accepted */
	assert_true(parse("GET / HTTP/1.1\nHost: a\n\n", &r) > 0);
	assert_true(parse("\r\nGET / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n", &r) > 0);
	assert_int_equal(r.content_length, 12);
}

static void request_errors(void **state)
{
	static const struct {
		const char *in;
		long want;
	} cases[] = {
		{ "GARBAGE\r\n\r\n", -400 },
		{ "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", -400 },
		{ "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", -400 },
		{ "GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\n\r\n", -400 },			/* no Host */
		{ "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\nHost : a\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 9999999\r\n\r\n", -413 },
		{ "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", -501 },
		{ "GET / HTTP/2.0\r\n\r\n", -505 },
		{ "G\x01T / HTTP/1.1\r\n", -400 },
		{ "\x16\x03\x01\x02", -400 },				/* TLS hello on a plain port */
		{ "GET / HTTP/1.1\r\nHost: a\r\n", 0 },
		{ "GET /", 0 },
	};
	struct http_request r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long got = parse(cases[i].in, &r);

		if (got != cases[i].want)
			fail_msg("case %zu: got %ld, want %ld", i, got, cases[i].want);
	}
}

static void request_size_limits(void **state)
{
	size_t n = HTTP_MAX_HEAD + 100;
	char *big = malloc(n + 1);
	struct http_request r;

	(void)state;
	assert_non_null(big);
	/* a head over 8 KiB: 431 whether or not it is complete yet */
	memset(big, 'a', n);
	memcpy(big, "GET / HTTP/1.1\r\nHost: a\r\nX: ", 28);
	big[n] = 0;
	assert_int_equal(http_parse_request(big, n, &r), -431);
	memcpy(big + n - 4, "\r\n\r\n", 4);
	assert_int_equal(http_parse_request(big, n, &r), -431);
	/* a request line over 8 KiB: 414 */
	memset(big, 'b', n);
	memcpy(big, "GET /", 5);
	assert_int_equal(http_parse_request(big, n, &r), -414);
	free(big);
}

static void response_and_decoders(void **state)
{
	const char *s = "HTTP/1.1 404 Not Found\r\nContent-Length: 7\r\nConnection: close\r\n\r\nmissing";
	struct http_response resp;
	char out[16];

	(void)state;
	assert_int_equal(http_parse_response(s, strlen(s), &resp), strlen(s) - 7);
	assert_int_equal(resp.status, 404);
	assert_true(resp.has_length);
	assert_int_equal(resp.content_length, 7);
	assert_false(resp.keep_alive);
	assert_int_equal(http_parse_response("HTTP/1.1 200 OK\r\n", 17, &resp), 0);
	assert_int_equal(http_parse_response("HTTP/1.1 2x0 OK\r\n\r\n", 19, &resp), -1);
	assert_int_equal(http_pct_decode("a%2Eb", 5, out, sizeof(out)), 3);
	assert_string_equal(out, "a.b");
	assert_int_equal(http_pct_decode("a%2", 3, out, sizeof(out)), -1);
	assert_int_equal(http_pct_decode("a%00", 4, out, sizeof(out)), -1);
	assert_int_equal(http_pct_decode("0123456789abcdef", 16, out, sizeof(out)), -1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Every bucket is at most 1/128 of its lower bound wide, and every value lands in its bucket. */
static void hdr_bucket_bounds(void **state)
{
	uint64_t v, lo, hi;

	(void)state;
	for (v = 0; v < (1ull << 41); v = v < 4096 ? v + 1 : v + v / 97 + 1) {
		unsigned idx = hdr_index(v);

		assert_true(idx < HDR_NBUCKETS);
		hdr_bucket_range(idx, &lo, &hi);
		if (v < lo || v > hi)
			fail_msg("%llu outside its bucket [%llu, %llu]", (unsigned long long)v,
				 (unsigned long long)lo, (unsigned long long)hi);
		assert_true((hi - lo + 1) * HDR_SUB <= (lo ? lo : 1) || lo < 2 * HDR_SUB);
	}
}

/* Percentiles of a wide, skewed sample against the exact order statistics: within 1%. */
static void hdr_percentiles_within_one_percent(void **state)
{
	static const double pcts[] = { 1, 10, 50, 75, 90, 99, 99.9, 99.99, 100 };
	enum { N = 200000 };
	uint64_t *vals = malloc(N * sizeof(*vals)), x = 88172645463325252ull;
	struct hdr *h = malloc(sizeof(*h)), *h2 = malloc(sizeof(*h2));
	size_t i;

	(void)state;
	assert_non_null(vals);
	assert_non_null(h);
	assert_non_null(h2);
	hdr_init(h);
	hdr_init(h2);
	for (i = 0; i < N; i++) {
		double u;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* log-uniform from 1 us to 10 s, in ns: every bucket scale gets used */
		u = (double)(x >> 11) / 9007199254740992.0;
		vals[i] = (uint64_t)(1000.0 * __builtin_pow(10.0, 7.0 * u));
		/* two halves merged must equal one histogram */
		hdr_record(i % 2 ? h : h2, vals[i]);
	}
	hdr_merge(h, h2);
	assert_int_equal(h->count, N);
	qsort(vals, N, sizeof(*vals), cmp_u64);
	assert_int_equal(h->min, vals[0]);
	assert_int_equal(h->max, vals[N - 1]);
	for (i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		size_t rank = (size_t)(pcts[i] / 100.0 * N + 0.999999999);
		double exact = (double)vals[rank - 1], got = (double)hdr_percentile(h, pcts[i]);
		double err = got > exact ? (got - exact) / exact : (exact - got) / exact;

		if (err > 0.01)
			fail_msg("p%g: got %.0f, exact %.0f, error %.4f", pcts[i], got, exact, err);
	}
	assert_int_equal(hdr_percentile(h, 100), vals[N - 1]);
	free(vals);
	free(h);
	free(h2);
}

static void hdr_small_values_exact(void **state)
{
	struct hdr *h = malloc(sizeof(*h));
	uint64_t v;

	(void)state;
	assert_non_null(h);
	hdr_init(h);
	assert_int_equal(hdr_percentile(h, 50), 0);
	for (v = 1; v <= 100; v++)
		hdr_record(h, v);
	assert_int_equal(hdr_percentile(h, 50), 50);
	assert_int_equal(hdr_percentile(h, 99), 99);
	assert_int_equal(hdr_percentile(h, 100), 100);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_fields),
		cmocka_unit_test(request_keep_alive_rules),
		cmocka_unit_test(request_errors),
		cmocka_unit_test(request_size_limits),
		cmocka_unit_test(response_and_decoders),
		cmocka_unit_test(hdr_bucket_bounds),
		cmocka_unit_test(hdr_percentiles_within_one_percent),
		cmocka_unit_test(hdr_small_values_exact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

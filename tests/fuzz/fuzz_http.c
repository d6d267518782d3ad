/*
 * libFuzzer harness for the demo server's HTTP parsers (demo/http_parse.h): the request parser run
 * over the input as a pipelined stream, the response parser, the query and percent decoders.
 * Besides memory errors it checks the parsers' promises: a consumed length never exceeds the input,
 * results point inside it, a complete head fits HTTP_MAX_HEAD (plus skipped blank lines).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../demo/http_parse.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static int inside(const char *p, size_t n, const uint8_t *data, size_t size)
{
	return p >= (const char *)data && p + n <= (const char *)data + size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct http_response resp;
	size_t off = 0;
	long rc;

	/* as the server does: parse, consume, repeat on what follows */
	while (off < size) {
		struct http_request req;
		uint64_t v;
		char name[256];
		long head;

		rc = http_parse_request(buf + off, size - off, &req);
		check(rc <= (long)(size - off));
		if (rc <= 0) {
			check(rc == 0 || rc == -400 || rc == -413 || rc == -414 || rc == -431 ||
			      rc == -501 || rc == -505);
			break;
		}
		head = rc;
		check(head <= HTTP_MAX_HEAD + 8);
		check(inside(req.method, req.method_len, data, size));
		check(inside(req.target, req.target_len, data, size));
		check(inside(req.path, req.path_len, data, size));
		check(req.path_len >= 1 && req.path[0] == '/');
		check(!req.query || inside(req.query, req.query_len, data, size));
		check(req.content_length <= HTTP_MAX_BODY);
		http_query_uint(req.query, req.query_len, "n", &v);
		rc = http_pct_decode(req.path, req.path_len, name, sizeof(name));
		check(rc < (long)sizeof(name));
		/* the body is skipped, as the server does */
		off += (size_t)head;
		off += req.content_length < size - off ? (size_t)req.content_length : size - off;
	}

	rc = http_parse_response(buf, size, &resp);
	check(rc <= (long)size && rc >= -1);
	if (rc > 0)
		check(resp.status >= 0 && resp.status <= 999);

	/* the raw input as a query string too */
	{
		uint64_t v;
		char out[64];

		http_query_uint(buf, size, "ms", &v);
		http_pct_decode(buf, size, out, sizeof(out));
	}
	return 0;
}

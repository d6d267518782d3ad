/*
 * HTTP/1.x message-head parsers for the demo server (requests) and load generator (responses).
 * Header-only so demo/httpd.c, demo/load.c and the libFuzzer harness tests/fuzz/fuzz_http.c all
 * compile the same code. Written by hand because the demo must build with nothing but libc: the
 * parsers are small, bounded (they never look past HTTP_MAX_HEAD bytes) and copy nothing — the
 * results point into the caller's buffer.
 *
 * Strictness follows RFC 9112 where it matters to a server: one SP between request-line parts,
 * no whitespace before a header's colon, no obsolete line folding, Host required in HTTP/1.1,
 * conflicting Content-Length rejected, Transfer-Encoding refused (this server takes no bodies in
 * chunks). Bare LF line endings are accepted, as RFC 9112 section 2.2 allows.
 */
#ifndef DEMO_HTTP_PARSE_H
#define DEMO_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The whole request head (request line + headers + blank line) must fit in this many bytes. */
#define HTTP_MAX_HEAD 8192
#define HTTP_MAX_HEADERS 100
#define HTTP_MAX_BODY (1u << 20)
#define HTTP_MAX_METHOD 16

struct http_request {
	const char *method;
	size_t method_len;
	const char *target;	/* path and query, as sent */
	size_t target_len;
	const char *path;
	size_t path_len;
	const char *query;	/* after '?', without it; NULL when absent */
	size_t query_len;
	int minor;		/* HTTP/1.<minor> */
	bool keep_alive;
	uint64_t content_length;
	int nheaders;
};

struct http_response {
	int status;
	int minor;
	bool keep_alive;
	bool has_length;	/* Content-Length present; otherwise the body runs to the close */
	bool chunked;
	uint64_t content_length;
};

/* RFC 9110 tchar */
static inline bool http_is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Visible characters and obs-text: what a request target and a header value may hold. */
static inline bool http_is_vchar(unsigned char c)
{
	return c > 0x20 && c != 0x7f;
}

static inline bool http_ieq(const char *a, size_t alen, const char *b)
{
	size_t i, blen = strlen(b);

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return false;
	}
	return true;
}

/*
 * Find the next line in buf[pos, end): returns the index just after its '\n' and sets *line_end
 * to the index of the line's last content byte + 1 (before "\r\n" or "\n"). 0 when no '\n'. A CR
 * anywhere else in the line is left for the caller's character checks to reject.
 */
static inline size_t http_next_line(const char *buf, size_t pos, size_t end, size_t *line_end)
{
	const char *nl = memchr(buf + pos, '\n', end - pos);
	size_t e;

	if (!nl)
		return 0;
	e = (size_t)(nl - buf);
	*line_end = (e > pos && buf[e - 1] == '\r') ? e - 1 : e;
	return e + 1;
}

/* Parse a decimal Content-Length: digits only, no sign, no overflow. -1 when invalid. */
static inline int http_parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 19)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Connection: a comma-separated token list; look for close / keep-alive. */
static inline void http_connection_tokens(const char *v, size_t n, bool *close, bool *keep)
{
	size_t i = 0;

	while (i < n) {
		size_t s, e;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (http_ieq(v + s, e - s, "close"))
			*close = true;
		else if (http_ieq(v + s, e - s, "keep-alive"))
			*keep = true;
	}
}

/*
 * Split one header line buf[s, e) into name and trimmed value. -1 when the line is not a valid
 * field line (empty name, whitespace before the colon, obs-fold, control characters).
 */
static inline int http_split_header(const char *buf, size_t s, size_t e, const char **name,
				    size_t *name_len, const char **val, size_t *val_len)
{
	size_t i = s, vs, ve;

	while (i < e && http_is_tchar((unsigned char)buf[i]))
		i++;
	if (i == s || i == e || buf[i] != ':')
		return -1;
	*name = buf + s;
	*name_len = i - s;
	vs = i + 1;
	while (vs < e && (buf[vs] == ' ' || buf[vs] == '\t'))
		vs++;
	ve = e;
	while (ve > vs && (buf[ve - 1] == ' ' || buf[ve - 1] == '\t'))
		ve--;
	for (i = vs; i < ve; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (!http_is_vchar(c) && c != ' ' && c != '\t')
			return -1;
	}
	*val = buf + vs;
	*val_len = ve - vs;
	return 0;
}

/* What the header fields of a message say, as far as framing and connection reuse go. */
struct http_fields {
	int n;
	int hosts;
	bool close, keep_alive;		/* Connection tokens seen */
	bool has_length;
	bool transfer_encoding;
	uint64_t content_length;
};

/*
 * Scan the field lines from buf[pos] up to and including the empty line that ends them, without
 * passing end. Returns the index after the empty line, 0 when it is not there yet, -400 for a
 * malformed line (obs-fold included) or conflicting Content-Length, -431 for too many fields.
 */
static inline long http_scan_fields(const char *buf, size_t pos, size_t end, struct http_fields *f)
{
	memset(f, 0, sizeof(*f));
	for (;;) {
		const char *name, *val;
		size_t name_len, val_len, le, next;

		next = http_next_line(buf, pos, end, &le);
		if (!next)
			return 0;
		if (le == pos)
			return (long)next;
		if (++f->n > HTTP_MAX_HEADERS)
			return -431;
		if (http_split_header(buf, pos, le, &name, &name_len, &val, &val_len) < 0)
			return -400;
		if (http_ieq(name, name_len, "connection")) {
			http_connection_tokens(val, val_len, &f->close, &f->keep_alive);
		} else if (http_ieq(name, name_len, "content-length")) {
			uint64_t v;

			if (http_parse_u64(val, val_len, &v) < 0)
				return -400;
			if (f->has_length && v != f->content_length)
				return -400;
			f->has_length = true;
			f->content_length = v;
		} else if (http_ieq(name, name_len, "transfer-encoding")) {
			f->transfer_encoding = true;
		} else if (http_ieq(name, name_len, "host")) {
			f->hosts++;
		}
		pos = next;
	}
}

/*
 * Parse one request head at the start of buf[0, len).
 * Returns the head's length in bytes (> 0) when complete, 0 when more bytes are needed, or the
 * negated HTTP status to answer with: -400 malformed, -414 request line over HTTP_MAX_HEAD,
 * -431 head over HTTP_MAX_HEAD or too many fields, -413 body too large, -501 Transfer-Encoding,
 * -505 HTTP major version other than 1. Leading empty lines are skipped (RFC 9112 section 2.2),
 * and are counted in the returned length.
 */
static inline long http_parse_request(const char *buf, size_t len, struct http_request *req)
{
	size_t pos = 0, end, le, next, i, sp1, sp2;
	struct http_fields f;
	long rc;

	memset(req, 0, sizeof(*req));
	/* skip leading CRLFs, but only a few: an endless stream of them is not a request */
	while (pos < len && pos < 8 && (buf[pos] == '\r' || buf[pos] == '\n'))
		pos++;
	if (pos < len && (buf[pos] == '\r' || buf[pos] == '\n'))
		return -400;
	end = len - pos > HTTP_MAX_HEAD ? pos + HTTP_MAX_HEAD : len;

	/* request-line = method SP request-target SP HTTP-version */
	next = http_next_line(buf, pos, end, &le);
	if (!next) {
		/* judge what is there already: garbage should not wait for a timeout */
		for (i = pos; i < end && i - pos <= HTTP_MAX_METHOD && buf[i] != ' '; i++)
			if (!http_is_tchar((unsigned char)buf[i]))
				return -400;
		if (i - pos > HTTP_MAX_METHOD)
			return -400;
		return end - pos >= HTTP_MAX_HEAD ? -414 : 0;
	}
	for (sp1 = pos; sp1 < le && buf[sp1] != ' '; sp1++)
		if (!http_is_tchar((unsigned char)buf[sp1]))
			return -400;
	if (sp1 == pos || sp1 == le || sp1 - pos > HTTP_MAX_METHOD)
		return -400;
	for (sp2 = sp1 + 1; sp2 < le && buf[sp2] != ' '; sp2++)
		if (!http_is_vchar((unsigned char)buf[sp2]))
			return -400;
	if (sp2 == sp1 + 1 || sp2 == le)
		return -400;
	/* origin-form only: this server is not a proxy */
	if (buf[sp1 + 1] != '/')
		return -400;
	if (le - (sp2 + 1) != 8 || memcmp(buf + sp2 + 1, "HTTP/", 5) != 0 || buf[sp2 + 7] != '.')
		return -400;
	if (buf[sp2 + 6] < '0' || buf[sp2 + 6] > '9' || buf[sp2 + 8] < '0' || buf[sp2 + 8] > '9')
		return -400;
	if (buf[sp2 + 6] != '1')
		return -505;
	req->method = buf + pos;
	req->method_len = sp1 - pos;
	req->target = buf + sp1 + 1;
	req->target_len = sp2 - sp1 - 1;
	req->path = req->target;
	req->path_len = req->target_len;
	{
		const char *q = memchr(req->target, '?', req->target_len);

		if (q) {
			req->path_len = (size_t)(q - req->target);
			req->query = q + 1;
			req->query_len = req->target_len - req->path_len - 1;
		}
	}
	req->minor = buf[sp2 + 8] - '0';

	/* header fields until the empty line */
	rc = http_scan_fields(buf, next, end, &f);
	if (rc == 0)
		return end - (size_t)(req->method - buf) >= HTTP_MAX_HEAD ? -431 : 0;
	if (rc < 0)
		return rc;
	req->nheaders = f.n;
	req->content_length = f.content_length;
	if (f.transfer_encoding)
		return -501;
	if (f.hosts > 1 || (req->minor >= 1 && f.hosts == 0))
		return -400;
	if (req->content_length > HTTP_MAX_BODY)
		return -413;
	req->keep_alive = req->minor >= 1 ? !f.close : (f.keep_alive && !f.close);
	return rc;
}

/*
 * Parse one response head at the start of buf[0, len) (the load generator's side).
 * Returns the head length (> 0), 0 when incomplete, -1 when malformed or over HTTP_MAX_HEAD.
 */
static inline long http_parse_response(const char *buf, size_t len, struct http_response *resp)
{
	size_t end = len > HTTP_MAX_HEAD ? HTTP_MAX_HEAD : len, le, next, i;
	struct http_fields f;
	long rc;

	memset(resp, 0, sizeof(*resp));
	next = http_next_line(buf, 0, end, &le);
	if (!next)
		return len >= HTTP_MAX_HEAD ? -1 : 0;
	/* status-line = HTTP-version SP 3DIGIT SP [reason] */
	if (le < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || buf[7] < '0' || buf[7] > '9' || buf[8] != ' ')
		return -1;
	for (i = 9; i < 12; i++)
		if (buf[i] < '0' || buf[i] > '9')
			return -1;
	if (le > 12 && buf[12] != ' ')
		return -1;
	resp->minor = buf[7] - '0';
	resp->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	rc = http_scan_fields(buf, next, end, &f);
	if (rc == 0)
		return len >= HTTP_MAX_HEAD ? -1 : 0;
	if (rc < 0)
		return -1;
	resp->has_length = f.has_length;
	resp->content_length = f.content_length;
	resp->chunked = f.transfer_encoding;
	resp->keep_alive = resp->minor >= 1 ? !f.close : (f.keep_alive && !f.close);
	/* 1xx, 204 and 304 have no body whatever the headers say */
	if ((resp->status >= 100 && resp->status < 200) || resp->status == 204 || resp->status == 304) {
		resp->has_length = true;
		resp->content_length = 0;
	}
	return rc;
}

/*
 * Find key=value in a query string and parse the value as a non-negative decimal integer.
 * Returns 0 and sets *out when found and valid, -1 when absent, -2 when present but not a number
 * (or above 10^15).
 */
static inline int http_query_uint(const char *q, size_t qlen, const char *key, uint64_t *out)
{
	size_t klen = strlen(key), i = 0;

	while (q && i < qlen) {
		size_t s = i, e, eq;

		while (i < qlen && q[i] != '&')
			i++;
		e = i++;
		for (eq = s; eq < e && q[eq] != '='; eq++)
			;
		if (eq - s == klen && memcmp(q + s, key, klen) == 0) {
			uint64_t v;

			if (eq == e || e - eq - 1 > 15 || http_parse_u64(q + eq + 1, e - eq - 1, &v) < 0)
				return -2;
			*out = v;
			return 0;
		}
	}
	return -1;
}

static inline int http_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode s[0, n) into out (size cap, NUL-terminated). -1 on a bad escape, an encoded NUL,
 * or when the result does not fit.
 */
static inline long http_pct_decode(const char *s, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -1;
			hi = http_hexval(s[i + 1]);
			lo = http_hexval(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (o + 1 >= cap)
			return -1;
		out[o++] = c;
	}
	out[o] = 0;
	return (long)o;
}

#endif

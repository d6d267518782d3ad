/*
 * load — an HTTP/1.1 load generator for the demo server, in the manner of wrk (closed loop) and
 * wrk2 (open loop, -R). Each thread runs its share of the connections on one epoll instance; each
 * connection has at most one request outstanding (no pipelining).
 *
 * Open loop: connection i of c sends on a fixed schedule, every c/R seconds, phases staggered.
 * Latency is measured from the time a request was *supposed* to be sent, so a stalled server is
 * charged for the requests it kept waiting (coordinated omission corrected, as wrk2 does).
 * Closed loop: each connection sends its next request as soon as the previous answer arrives, and
 * latency is measured from the actual send.
 *
 * Latencies go into an HDR-style histogram (demo/hdr.h) with under 0.4% relative error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/util/json.h"
#include "lib/util/strbuf.h"
#include "hdr.h"
#include "http_parse.h"

static const char *const usage_text =
	"usage: load [options] URL\n"
	"\n"
	"    -c, --connections N    open N connections (default 10)\n"
	"    -d, --duration T       run for T: 10, 10s, 500ms, 2m (default 10s)\n"
	"    -n, --requests N       stop after N requests instead (the duration still caps the run)\n"
	"    -R, --rate RPS         open loop: RPS requests/s in total on a fixed schedule, latency\n"
	"                           from the intended send time; default closed loop\n"
	"    -t, --threads N        threads (default: the smaller of -c and the CPU count)\n"
	"    -u, --urls FILE        URL mix: lines of \"[WEIGHT] /path?query\" (# comments); paths\n"
	"                           are requested from URL's host\n"
	"        --timeout MS       a request not answered in MS is an error (default 5000)\n"
	"        --json             print the result as one JSON object\n"
	"    -o, --json-out FILE    also write the JSON result to FILE\n"
	"    -h, --help             this help\n";

enum { OPT_TIMEOUT = 256, OPT_JSON };
static const struct option long_opts[] = {
	{ "connections", required_argument, NULL, 'c' },
	{ "duration", required_argument, NULL, 'd' },
	{ "requests", required_argument, NULL, 'n' },
	{ "rate", required_argument, NULL, 'R' },
	{ "threads", required_argument, NULL, 't' },
	{ "urls", required_argument, NULL, 'u' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "json-out", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define MAX_THREADS 64
#define MAX_URLS 1024
#define RBUF 65536

struct target {
	char *path;
	char *request;	/* the whole request, prebuilt */
	size_t request_len;
	unsigned weight;
};

struct options {
	int conns, threads;
	uint64_t duration_ns;
	uint64_t max_requests;	/* 0: no limit */
	double rate;		/* 0: closed loop */
	uint64_t timeout_ns;
	bool json;
	const char *json_out;
	const char *url;
	char host[256], port[8];
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct target targets[MAX_URLS];
	unsigned ntargets, total_weight;
};

struct result {
	struct hdr lat;		/* ns */
	uint64_t ok;		/* complete responses, any status */
	uint64_t status[6];	/* by class: [2] = 2xx ... */
	uint64_t err_connect, err_read, err_timeout, err_parse;
	uint64_t bytes;
	uint64_t connects;
	uint64_t sent;
	uint64_t last_done;	/* monotonic ns of the last completed response */
};

enum cstate { C_DOWN, C_CONNECTING, C_IDLE, C_SENDING, C_READING };

struct lconn {
	int fd;
	enum cstate state;
	struct lthread *t;
	const struct target *tg;
	size_t sent_off;
	uint64_t intended, sent_at, next_send, retry_at;
	char buf[RBUF];
	size_t len;
	long head_len;
	struct http_response resp;
	uint64_t body_seen;
};

struct lthread {
	pthread_t thread;
	int idx;
	int epfd;
	struct lconn *conns;
	int nconns;
	const struct options *o;
	uint64_t start, deadline;
	uint64_t quota;		/* requests this thread may send (UINT64_MAX: no limit) */
	uint64_t interval;	/* open loop: ns between one connection's sends */
	uint64_t rng;
	bool stopping;
	struct result r;
};

static volatile sig_atomic_t interrupted;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static const struct target *pick_target(struct lthread *t)
{
	const struct options *o = t->o;
	uint64_t x;
	unsigned i, r;

	if (o->ntargets == 1)
		return &o->targets[0];
	/* xorshift64: a reproducible, cheap mix per thread */
	x = t->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	t->rng = x;
	r = (unsigned)(x % o->total_weight);
	for (i = 0; i < o->ntargets; i++) {
		if (r < o->targets[i].weight)
			return &o->targets[i];
		r -= o->targets[i].weight;
	}
	return &o->targets[o->ntargets - 1];
}

static void conn_set(struct lconn *c, uint32_t ev, int op)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };

	epoll_ctl(c->t->epfd, op, c->fd, &e);
}

static void conn_drop(struct lconn *c, uint64_t now, uint64_t retry_delay)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = C_DOWN;
	c->len = 0;
	c->head_len = 0;
	c->retry_at = now + retry_delay;
}

static void conn_connect(struct lconn *c, uint64_t now)
{
	const struct options *o = c->t->o;
	int one = 1;

	c->fd = socket(o->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		c->t->r.err_connect++;
		conn_drop(c, now, 10000000ull);
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->t->r.connects++;
	if (connect(c->fd, (const struct sockaddr *)&o->addr, o->addrlen) == 0) {
		c->state = C_IDLE;
		conn_set(c, EPOLLIN, EPOLL_CTL_ADD);
		return;
	}
	if (errno != EINPROGRESS) {
		c->t->r.err_connect++;
		conn_drop(c, now, 10000000ull);
		return;
	}
	c->state = C_CONNECTING;
	conn_set(c, EPOLLOUT, EPOLL_CTL_ADD);
}

static bool may_send(struct lthread *t, uint64_t now)
{
	if (t->stopping || now >= t->deadline || interrupted)
		return false;
	return t->r.sent < t->quota;
}

static void conn_write(struct lconn *c, uint64_t now)
{
	while (c->sent_off < c->tg->request_len) {
		ssize_t n = send(c->fd, c->tg->request + c->sent_off, c->tg->request_len - c->sent_off,
				 MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			conn_set(c, EPOLLOUT, EPOLL_CTL_MOD);
			c->state = C_SENDING;
			return;
		}
		if (n <= 0) {
			c->t->r.err_read++;
			conn_drop(c, now, 0);
			return;
		}
		c->sent_off += (size_t)n;
	}
	if (c->state == C_SENDING)
		conn_set(c, EPOLLIN, EPOLL_CTL_MOD);
	c->state = C_READING;
}

/* Send the next request if this connection is idle and its time has come. */
static void conn_maybe_send(struct lconn *c, uint64_t now)
{
	struct lthread *t = c->t;

	if (c->state != C_IDLE || !may_send(t, now))
		return;
	if (t->interval) {
		if (now < c->next_send)
			return;
		c->intended = c->next_send;
		c->next_send += t->interval;
	} else {
		c->intended = now;
	}
	c->tg = pick_target(t);
	c->sent_off = 0;
	c->sent_at = now;
	c->len = 0;
	c->head_len = 0;
	c->body_seen = 0;
	t->r.sent++;
	conn_write(c, now);
}

static void conn_done(struct lconn *c, uint64_t now)
{
	struct result *r = &c->t->r;
	int cls = c->resp.status / 100;

	hdr_record(&r->lat, now - c->intended);
	r->ok++;
	r->status[cls >= 0 && cls < 6 ? cls : 0]++;
	r->bytes += (uint64_t)c->head_len + c->body_seen;
	r->last_done = now;
	if (!c->resp.keep_alive || c->len > (size_t)c->head_len + c->body_seen) {
		/* the server closes, or sent more than asked for: start clean */
		conn_drop(c, now, 0);
		return;
	}
	c->state = C_IDLE;
	c->len = 0;
	c->head_len = 0;
}

static void conn_read(struct lconn *c, uint64_t now)
{
	for (;;) {
		ssize_t n;

		if (c->len == RBUF) {
			/* the body does not need keeping: only its length matters */
			if (c->head_len <= 0) {
				c->t->r.err_parse++;
				conn_drop(c, now, 0);
				return;
			}
			c->len = (size_t)c->head_len;
		}
		n = recv(c->fd, c->buf + c->len, RBUF - c->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			if (n == 0 && c->state == C_READING && c->head_len > 0 && !c->resp.has_length) {
				conn_done(c, now);	/* body delimited by the close */
				conn_drop(c, now, 0);
				return;
			}
			if (c->state == C_READING)
				c->t->r.err_read++;
			conn_drop(c, now, 0);
			return;
		}
		if (c->state != C_READING) {
			c->t->r.err_parse++;	/* bytes nobody asked for */
			conn_drop(c, now, 0);
			return;
		}
		c->len += (size_t)n;
		if (c->head_len <= 0) {
			c->head_len = http_parse_response(c->buf, c->len, &c->resp);
			if (c->head_len < 0 || (c->head_len > 0 && c->resp.chunked)) {
				c->t->r.err_parse++;
				conn_drop(c, now, 0);
				return;
			}
			if (c->head_len == 0)
				continue;
			c->body_seen = c->len - (size_t)c->head_len;
		} else {
			c->body_seen += (uint64_t)n;
		}
		if (c->resp.has_length && c->body_seen >= c->resp.content_length) {
			if (c->body_seen > c->resp.content_length)
				c->len = (size_t)c->head_len + c->body_seen; /* extra: conn_done drops */
			c->body_seen = c->resp.content_length;
			conn_done(c, now);
			return;
		}
	}
}

static bool all_quiet(struct lthread *t)
{
	int i;

	for (i = 0; i < t->nconns; i++)
		if (t->conns[i].state == C_SENDING || t->conns[i].state == C_READING)
			return false;
	return true;
}

static void *thread_main(void *arg)
{
	struct lthread *t = arg;
	struct epoll_event evs[64];
	uint64_t end_wait = 0;
	int i;

	for (i = 0; i < t->nconns; i++) {
		struct lconn *c = &t->conns[i];

		c->fd = -1;
		c->t = t;
		conn_connect(c, t->start);
	}
	for (;;) {
		uint64_t now = mono_ns(), until = now + 100000000ull;
		struct timespec ts;
		int n;

		if (!t->stopping && (now >= t->deadline || interrupted || t->r.sent >= t->quota)) {
			/* no new requests; give the outstanding ones until the timeout */
			t->stopping = true;
			end_wait = now + t->o->timeout_ns;
		}
		if (t->stopping && (all_quiet(t) || now >= end_wait))
			break;
		for (i = 0; i < t->nconns; i++) {
			struct lconn *c = &t->conns[i];

			if (c->state == C_DOWN && !t->stopping && now >= c->retry_at)
				conn_connect(c, now);
			if (c->state == C_IDLE)
				conn_maybe_send(c, now);
			if ((c->state == C_READING || c->state == C_SENDING) &&
			    now - c->sent_at > t->o->timeout_ns) {
				t->r.err_timeout++;
				conn_drop(c, now, 0);
			}
			if (c->state == C_DOWN && c->retry_at < until)
				until = c->retry_at;
			if (c->state == C_IDLE && t->interval && c->next_send < until)
				until = c->next_send;
		}
		if (until > t->deadline && !t->stopping)
			until = t->deadline;
		ts.tv_sec = until > now ? (time_t)((until - now) / 1000000000ull) : 0;
		ts.tv_nsec = until > now ? (long)((until - now) % 1000000000ull) : 0;
		n = epoll_pwait2(t->epfd, evs, 64, &ts, NULL);
		now = mono_ns();
		for (i = 0; i < n; i++) {
			struct lconn *c = evs[i].data.ptr;

			if (c->state == C_CONNECTING) {
				int err = 0;
				socklen_t el = sizeof(err);

				getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
				if (err) {
					t->r.err_connect++;
					conn_drop(c, now, 10000000ull);
					continue;
				}
				c->state = C_IDLE;
				conn_set(c, EPOLLIN, EPOLL_CTL_MOD);
				conn_maybe_send(c, now);
			} else if (c->state == C_SENDING && (evs[i].events & EPOLLOUT)) {
				conn_write(c, now);
			} else if (c->state != C_DOWN) {
				conn_read(c, now);
				if (c->state == C_IDLE)
					conn_maybe_send(c, now);
			}
		}
	}
	for (i = 0; i < t->nconns; i++) {
		if (t->conns[i].state == C_READING || t->conns[i].state == C_SENDING)
			t->r.err_timeout++;
		if (t->conns[i].fd >= 0)
			close(t->conns[i].fd);
	}
	return NULL;
}

static int parse_duration(const char *s, uint64_t *ns)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		return -1;
	if (!*end || strcmp(end, "s") == 0)
		v *= 1e9;
	else if (strcmp(end, "ms") == 0)
		v *= 1e6;
	else if (strcmp(end, "m") == 0)
		v *= 60e9;
	else
		return -1;
	if (v > 86400e9)
		return -1;
	*ns = (uint64_t)v;
	return 0;
}

static int parse_count(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* http://HOST[:PORT][/path] -> host, port, path; IPv6 literals in brackets. */
static int parse_url(struct options *o, const char *url, const char **path)
{
	const char *p, *h, *he, *slash;

	if (strncmp(url, "http://", 7) != 0)
		return -1;
	h = url + 7;
	slash = strchr(h, '/');
	*path = slash ? slash : "/";
	he = slash ? slash : h + strlen(h);
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(he - h));

		if (!rb || (size_t)(rb - h - 1) >= sizeof(o->host))
			return -1;
		snprintf(o->host, sizeof(o->host), "%.*s", (int)(rb - h - 1), h + 1);
		p = rb + 1;
	} else {
		p = memchr(h, ':', (size_t)(he - h));
		if (!p)
			p = he;
		if ((size_t)(p - h) >= sizeof(o->host) || p == h)
			return -1;
		snprintf(o->host, sizeof(o->host), "%.*s", (int)(p - h), h);
	}
	if (p < he && *p == ':') {
		if (he - p - 1 < 1 || he - p - 1 > 5)
			return -1;
		snprintf(o->port, sizeof(o->port), "%.*s", (int)(he - p - 1), p + 1);
	} else if (p == he) {
		snprintf(o->port, sizeof(o->port), "80");
	} else {
		return -1;
	}
	return 0;
}

static int add_target(struct options *o, const char *path, unsigned weight)
{
	struct target *tg;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (o->ntargets == MAX_URLS || path[0] != '/' || weight == 0 || weight > 1000000)
		return -1;
	for (i = 0; path[i]; i++)
		if (!http_is_vchar((unsigned char)path[i]))
			return -1;
	tg = &o->targets[o->ntargets];
	sb_addf(&sb, "GET %s HTTP/1.1\r\nHost: %s%s%s:%s\r\nUser-Agent: tracekit-demo-load\r\n\r\n",
		path, strchr(o->host, ':') ? "[" : "", o->host, strchr(o->host, ':') ? "]" : "",
		o->port);
	tg->path = strdup(path);
	tg->request_len = sb.len;
	tg->request = sb_detach(&sb);
	if (!tg->path || !tg->request)
		return -1;
	tg->weight = weight;
	o->total_weight += weight;
	o->ntargets++;
	return 0;
}

static int load_url_file(struct options *o, const char *file)
{
	char line[4096];
	FILE *f = fopen(file, "r");
	int lineno = 0;

	if (!f) {
		fprintf(stderr, "load: cannot open %s: %s\n", file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e;
		unsigned long w = 1;

		lineno++;
		s[strcspn(s, "\r\n")] = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if (*s >= '0' && *s <= '9') {
			w = strtoul(s, &e, 10);
			s = e;
			while (*s == ' ' || *s == '\t')
				s++;
		}
		e = s + strcspn(s, " \t");
		*e = 0;
		if (add_target(o, s, (unsigned)w) < 0) {
			fprintf(stderr, "load: %s:%d: bad line: expected \"[WEIGHT] /path\"\n", file,
				lineno);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (!o->ntargets) {
		fprintf(stderr, "load: %s: no URLs\n", file);
		return -1;
	}
	return 0;
}

static void print_result(const struct options *o, const struct result *r, double secs, FILE *jf)
{
	static const double pcts[] = { 50, 90, 99, 99.9 };
	static const char *const names[] = { "p50", "p90", "p99", "p99.9" };
	uint64_t errors = r->err_connect + r->err_read + r->err_timeout + r->err_parse;
	double rps = secs > 0 ? (double)r->ok / secs : 0;
	unsigned i;

	if (jf) {
		struct strbuf sb = STRBUF_INIT;
		struct json_writer w;

		json_init(&w, &sb);
		json_obj_begin(&w);
		json_kstr(&w, "url", o->url);
		json_kstr(&w, "mode", o->rate > 0 ? "open" : "closed");
		json_kdouble(&w, "rate", o->rate);
		json_kint(&w, "connections", o->conns);
		json_kint(&w, "threads", o->threads);
		json_kdouble(&w, "duration_s", secs);
		json_kuint(&w, "requests", r->ok);
		json_kuint(&w, "sent", r->sent);
		json_key(&w, "status");
		json_obj_begin(&w);
		for (i = 1; i < 6; i++) {
			char k[4] = { (char)('0' + i), 'x', 'x', 0 };

			json_kuint(&w, k, r->status[i]);
		}
		json_obj_end(&w);
		json_kuint(&w, "non_2xx", r->ok - r->status[2]);
		json_key(&w, "errors");
		json_obj_begin(&w);
		json_kuint(&w, "total", errors);
		json_kuint(&w, "connect", r->err_connect);
		json_kuint(&w, "read", r->err_read);
		json_kuint(&w, "timeout", r->err_timeout);
		json_kuint(&w, "parse", r->err_parse);
		json_obj_end(&w);
		json_kuint(&w, "connects", r->connects);
		json_kdouble(&w, "throughput_rps", rps);
		json_kuint(&w, "bytes", r->bytes);
		json_key(&w, "latency_ms");
		json_obj_begin(&w);
		for (i = 0; i < 4; i++)
			json_kdouble(&w, names[i], (double)hdr_percentile(&r->lat, pcts[i]) / 1e6);
		json_kdouble(&w, "max", (double)(r->lat.count ? r->lat.max : 0) / 1e6);
		json_kdouble(&w, "min", (double)(r->lat.count ? r->lat.min : 0) / 1e6);
		json_kdouble(&w, "mean", hdr_mean(&r->lat) / 1e6);
		json_obj_end(&w);
		json_obj_end(&w);
		fprintf(jf, "%s\n", sb_str(&sb));
		sb_release(&sb);
		return;
	}
	printf("load: %s, %d connections, %d threads, %s", o->url, o->conns, o->threads,
	       o->rate > 0 ? "open loop at " : "closed loop");
	if (o->rate > 0)
		printf("%.0f req/s", o->rate);
	printf("\n  requests   %" PRIu64 " in %.2f s (%" PRIu64 " non-2xx), %" PRIu64
	       " errors (connect %" PRIu64 ", read %" PRIu64 ", timeout %" PRIu64 ", parse %" PRIu64
	       ")\n", r->ok, secs, r->ok - r->status[2], errors, r->err_connect, r->err_read,
	       r->err_timeout, r->err_parse);
	printf("  throughput %.1f req/s, %.2f MB/s\n", rps, secs > 0 ? (double)r->bytes / secs / 1e6 : 0);
	printf("  latency   ");
	for (i = 0; i < 4; i++)
		printf(" %s %.3f ms ", names[i], (double)hdr_percentile(&r->lat, pcts[i]) / 1e6);
	printf(" max %.3f ms  mean %.3f ms%s\n", (double)(r->lat.count ? r->lat.max : 0) / 1e6,
	       hdr_mean(&r->lat) / 1e6, o->rate > 0 ? " (from intended send times)" : "");
}

int main(int argc, char **argv)
{
	static struct options o;
	static struct lthread threads[MAX_THREADS];
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	const char *urls_file = NULL, *path;
	struct result total;
	uint64_t v, start, end;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int opt, i, rc, threads_set = 0;
	char *e;

	o.conns = 10;
	o.duration_ns = 10000000000ull;
	o.timeout_ns = 5000000000ull;
	while ((opt = getopt_long(argc, argv, "c:d:n:R:t:u:o:h", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (parse_count(optarg, 1, 10000, &v) < 0) {
				fprintf(stderr, "load: bad connection count: %s (1..10000)\n", optarg);
				return 2;
			}
			o.conns = (int)v;
			break;
		case 'd':
			if (parse_duration(optarg, &o.duration_ns) < 0) {
				fprintf(stderr, "load: bad duration: %s (e.g. 10s, 500ms, 1m)\n", optarg);
				return 2;
			}
			break;
		case 'n':
			if (parse_count(optarg, 1, UINT64_MAX / 2, &o.max_requests) < 0) {
				fprintf(stderr, "load: bad request count: %s\n", optarg);
				return 2;
			}
			break;
		case 'R':
			errno = 0;
			o.rate = strtod(optarg, &e);
			if (errno || e == optarg || *e || !(o.rate > 0) || o.rate > 1e7) {
				fprintf(stderr, "load: bad rate: %s (requests/s, > 0)\n", optarg);
				return 2;
			}
			break;
		case 't':
			if (parse_count(optarg, 1, MAX_THREADS, &v) < 0) {
				fprintf(stderr, "load: bad thread count: %s (1..%d)\n", optarg,
					MAX_THREADS);
				return 2;
			}
			o.threads = (int)v;
			threads_set = 1;
			break;
		case 'u':
			urls_file = optarg;
			break;
		case OPT_TIMEOUT:
			if (parse_count(optarg, 1, 3600000, &v) < 0) {
				fprintf(stderr, "load: bad timeout: %s (milliseconds)\n", optarg);
				return 2;
			}
			o.timeout_ns = v * 1000000ull;
			break;
		case OPT_JSON:
			o.json = true;
			break;
		case 'o':
			o.json_out = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "load: %s\n%s", optind >= argc ? "missing URL" : "one URL only",
			usage_text);
		return 2;
	}
	o.url = argv[optind];
	if (parse_url(&o, o.url, &path) < 0) {
		fprintf(stderr, "load: bad URL: %s (expected http://HOST[:PORT]/path)\n", o.url);
		return 2;
	}
	rc = getaddrinfo(o.host, o.port, &hints, &ai);
	if (rc) {
		fprintf(stderr, "load: cannot resolve %s: %s\n", o.host, gai_strerror(rc));
		return 1;
	}
	memcpy(&o.addr, ai->ai_addr, ai->ai_addrlen);
	o.addrlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	if (urls_file ? load_url_file(&o, urls_file) < 0 : add_target(&o, path, 1) < 0) {
		if (!urls_file)
			fprintf(stderr, "load: bad URL path: %s\n", path);
		return urls_file ? 1 : 2;
	}
	if (!threads_set)
		o.threads = (int)(ncpu > 0 ? ncpu : 1);
	if (o.threads > o.conns)
		o.threads = o.conns;
	if (o.max_requests && o.max_requests < (uint64_t)o.threads)
		o.threads = (int)o.max_requests;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	start = mono_ns();
	for (i = 0; i < o.threads; i++) {
		struct lthread *t = &threads[i];
		int lo = o.conns * i / o.threads, hi = o.conns * (i + 1) / o.threads;

		t->idx = i;
		t->o = &o;
		t->nconns = hi - lo;
		t->conns = calloc((size_t)t->nconns, sizeof(*t->conns));
		t->epfd = epoll_create1(EPOLL_CLOEXEC);
		if (!t->conns || t->epfd < 0) {
			fprintf(stderr, "load: cannot set up thread %d: %s\n", i, strerror(errno));
			return 1;
		}
		hdr_init(&t->r.lat);
		t->start = start;
		t->deadline = start + o.duration_ns;
		t->rng = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
		t->quota = UINT64_MAX;
		if (o.max_requests)
			t->quota = o.max_requests * (uint64_t)(i + 1) / (uint64_t)o.threads -
				   o.max_requests * (uint64_t)i / (uint64_t)o.threads;
		if (o.rate > 0)
			t->interval = (uint64_t)(1e9 * o.conns / o.rate);
	}
	for (i = 0; i < o.threads; i++) {
		struct lthread *t = &threads[i];
		int lo = o.conns * i / o.threads, k;

		/* open loop: connection j of all c first sends at phase j/c of the interval */
		if (o.rate > 0)
			for (k = 0; k < t->nconns; k++)
				t->conns[k].next_send = start + t->interval * (uint64_t)(lo + k) /
								(uint64_t)o.conns;
		rc = pthread_create(&t->thread, NULL, thread_main, t);
		if (rc) {
			fprintf(stderr, "load: cannot start thread %d: %s\n", i, strerror(rc));
			return 1;
		}
	}
	memset(&total, 0, sizeof(total));
	hdr_init(&total.lat);
	end = start;
	for (i = 0; i < o.threads; i++) {
		struct result *r = &threads[i].r;

		pthread_join(threads[i].thread, NULL);
		hdr_merge(&total.lat, &r->lat);
		total.ok += r->ok;
		for (int k = 0; k < 6; k++)
			total.status[k] += r->status[k];
		total.err_connect += r->err_connect;
		total.err_read += r->err_read;
		total.err_timeout += r->err_timeout;
		total.err_parse += r->err_parse;
		total.bytes += r->bytes;
		total.connects += r->connects;
		total.sent += r->sent;
		if (r->last_done > end)
			end = r->last_done;
	}
	print_result(&o, &total, (double)(end - start) / 1e9, o.json ? stdout : NULL);
	if (o.json_out) {
		FILE *jf = fopen(o.json_out, "w");

		if (!jf) {
			fprintf(stderr, "load: cannot write %s: %s\n", o.json_out, strerror(errno));
			return 1;
		}
		print_result(&o, &total, (double)(end - start) / 1e9, jf);
		if (fclose(jf) != 0) {
			fprintf(stderr, "load: cannot write %s: %s\n", o.json_out, strerror(errno));
			return 1;
		}
	}
	if (!total.ok) {
		fprintf(stderr, "load: no request was answered (%" PRIu64 " connect errors)\n",
			total.err_connect);
		return 1;
	}
	return 0;
}

/*
 * httpd — the demo subject: an epoll HTTP/1.1 server with keep-alive, pipelining and a small
 * worker pool, built to be traced. Each worker thread owns an epoll instance and the connections
 * it accepted (the listening socket is shared, EPOLLEXCLUSIVE), so no connection state is shared
 * between threads; only the metrics counters are read across threads (relaxed atomics).
 *
 * Endpoints: /  /file/NAME (sendfile from -d DIR)  /cpu?n=  /sleep?ms= (a per-worker timer heap:
 * the worker serves others meanwhile)  /alloc?kb=  /metrics (Prometheus text).
 * Logs: one JSON line per answered request (-l FILE). SIGTERM/SIGINT: stop accepting, answer every
 * request already received, close, exit 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/util/json.h"
#include "lib/util/strbuf.h"
#include "http_parse.h"

static const char *const usage_text =
	"usage: httpd [options]\n"
	"\n"
	"    -a, --addr ADDR            listen address (default 127.0.0.1)\n"
	"    -p, --port PORT            listen port; 0 picks a free one (default 0)\n"
	"    -w, --workers N            worker threads (default 2)\n"
	"    -d, --dir DIR              directory served under /file/ (default .)\n"
	"    -l, --access-log FILE      JSON-lines access log; - for stdout (default none)\n"
	"        --port-file FILE       write the bound port here once listening\n"
	"        --idle-timeout MS      close idle keep-alive connections after MS (default 10000)\n"
	"        --request-timeout MS   answer 408 to a request not complete after MS (default 5000)\n"
	"        --drain-timeout MS     on SIGTERM, wait at most MS for connections (default 10000)\n"
	"    -q, --quiet                no startup/shutdown lines on stderr\n"
	"    -h, --help                 this help\n";

enum { OPT_PORT_FILE = 256, OPT_IDLE, OPT_REQ, OPT_DRAIN };
static const struct option long_opts[] = {
	{ "addr", required_argument, NULL, 'a' },
	{ "port", required_argument, NULL, 'p' },
	{ "workers", required_argument, NULL, 'w' },
	{ "dir", required_argument, NULL, 'd' },
	{ "access-log", required_argument, NULL, 'l' },
	{ "port-file", required_argument, NULL, OPT_PORT_FILE },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE },
	{ "request-timeout", required_argument, NULL, OPT_REQ },
	{ "drain-timeout", required_argument, NULL, OPT_DRAIN },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define MAX_WORKERS 64
#define IN_CAP (HTTP_MAX_HEAD + 8192)
#define OUT_HIGH (256 * 1024)	/* stop taking pipelined requests while this much output waits */
#define MAX_CPU_N 10000000ull
#define MAX_SLEEP_MS 60000ull
#define MAX_ALLOC_KB (256ull * 1024)

/* Metrics: per worker, written only by their worker, summed by whoever serves /metrics. */
enum endpoint { EP_ROOT, EP_FILE, EP_CPU, EP_SLEEP, EP_ALLOC, EP_METRICS, EP_OTHER, EP_N };
static const char *const ep_names[EP_N] = { "/", "/file", "/cpu", "/sleep", "/alloc", "/metrics",
					    "other" };
static const int codes[] = { 200, 400, 404, 405, 408, 413, 414, 431, 500, 501, 503, 505 };
#define NCODES (sizeof(codes) / sizeof(codes[0]))
/* latency buckets (seconds), the Prometheus client defaults plus a finer low end */
static const double lat_le[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
				 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NLAT (sizeof(lat_le) / sizeof(lat_le[0]))

struct stats {
	uint64_t requests[EP_N][NCODES];
	uint64_t lat[NLAT + 1];	/* non-cumulative; last is +Inf */
	uint64_t lat_sum_ns;
	uint64_t conns_total;
	uint64_t conns_active;
	uint64_t bytes_sent;
	uint64_t timeouts;
};

#define STAT_ADD(field, n) __atomic_store_n(&(field), (field) + (n), __ATOMIC_RELAXED)
#define STAT_GET(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

struct config {
	const char *addr;
	int port;
	int workers;
	const char *dir;
	const char *log_path;
	const char *port_file;
	uint64_t idle_ns, request_ns, drain_ns;
	bool quiet;
};

struct worker;

struct conn {
	int fd;
	uint64_t id;
	struct worker *w;
	struct conn *prev, *next;
	char peer[INET6_ADDRSTRLEN + 8];
	char in[IN_CAP];
	size_t in_off, in_len;		/* unconsumed input is in[in_off, in_len) */
	uint64_t body_skip;		/* request body bytes still to discard */
	struct strbuf out;
	size_t out_off;
	int file_fd;			/* sendfile source after out is flushed, or -1 */
	off_t file_off, file_end;
	bool close_after;		/* close once the output is flushed */
	bool peer_eof;
	uint32_t events;		/* epoll interest currently registered */
	uint64_t last_active;		/* monotonic ns of the last byte moved */
	uint64_t partial_since;		/* monotonic ns a partial request was first seen, or 0 */
	/* a /sleep in progress: the response is built when the timer fires */
	int heap_idx;			/* -1 when not sleeping */
	uint64_t wake_at;
	struct {
		uint64_t start;
		uint64_t ms;
		bool keep_alive, head;
		char method[HTTP_MAX_METHOD + 1];
		char target[256];
	} sleep;
};

struct worker {
	int idx;
	pthread_t thread;
	int epfd;
	int wakefd;			/* eventfd: main thread asks for a drain */
	const struct config *cfg;
	int listen_fd;
	bool listening;
	bool draining;
	uint64_t drain_deadline;
	struct conn *conns;		/* doubly linked list of this worker's connections */
	uint64_t nconns;
	struct conn **heap;		/* min-heap of sleeping connections by wake_at */
	size_t heap_len, heap_cap;
	struct strbuf log;		/* access-log lines not yet written */
	struct stats st;
	uint64_t next_sweep;
	int status;			/* 0, or -errno of a fatal failure */
	uint64_t accept_resume;		/* out of fds: accepting paused until then (monotonic ns) */
	char date[40];
	time_t date_sec;
	uint64_t next_conn_id;
};

static struct worker workers[MAX_WORKERS];
static int nworkers;
static int log_fd = -1;
static int dir_fd = -1;
static uint64_t start_realtime_s;

static char tag_listen, tag_wake;	/* epoll data pointers that are not connections */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	}
	return "Unknown";
}

static unsigned code_idx(int code)
{
	unsigned i;

	for (i = 0; i < NCODES; i++)
		if (codes[i] == code)
			return i;
	return 8;	/* 500 */
}

/* ---- the sleep timer heap ---- */

static void heap_swap(struct worker *w, size_t a, size_t b)
{
	struct conn *t = w->heap[a];

	w->heap[a] = w->heap[b];
	w->heap[b] = t;
	w->heap[a]->heap_idx = (int)a;
	w->heap[b]->heap_idx = (int)b;
}

static void heap_up(struct worker *w, size_t i)
{
	while (i > 0 && w->heap[(i - 1) / 2]->wake_at > w->heap[i]->wake_at) {
		heap_swap(w, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct worker *w, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < w->heap_len && w->heap[l]->wake_at < w->heap[m]->wake_at)
			m = l;
		if (r < w->heap_len && w->heap[r]->wake_at < w->heap[m]->wake_at)
			m = r;
		if (m == i)
			return;
		heap_swap(w, i, m);
		i = m;
	}
}

static int heap_push(struct worker *w, struct conn *c)
{
	if (w->heap_len == w->heap_cap) {
		size_t cap = w->heap_cap ? 2 * w->heap_cap : 64;
		struct conn **h = realloc(w->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		w->heap = h;
		w->heap_cap = cap;
	}
	w->heap[w->heap_len] = c;
	c->heap_idx = (int)w->heap_len++;
	heap_up(w, w->heap_len - 1);
	return 0;
}

static void heap_remove(struct worker *w, struct conn *c)
{
	size_t i = (size_t)c->heap_idx;

	c->heap_idx = -1;
	if (i == --w->heap_len)
		return;
	w->heap[i] = w->heap[w->heap_len];
	w->heap[i]->heap_idx = (int)i;
	heap_up(w, i);
	heap_down(w, (size_t)w->heap[i]->heap_idx);
}

/* ---- access log and metrics ---- */

static void log_request(struct conn *c, const char *method, size_t mlen, const char *target,
			size_t tlen, int code, size_t bytes, uint64_t start, uint64_t end)
{
	struct worker *w = c->w;
	struct json_writer jw;
	struct timespec now;
	struct tm tm;
	char ts[40];

	if (log_fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec / 1000);
	json_init(&jw, &w->log);
	json_obj_begin(&jw);
	json_kstr(&jw, "ts", ts);
	json_kint(&jw, "worker", w->idx);
	json_kuint(&jw, "conn", c->id);
	json_kstr(&jw, "remote", c->peer);
	json_key(&jw, "method");
	json_strn(&jw, method, mlen);
	json_key(&jw, "target");
	json_strn(&jw, target, tlen);
	json_kint(&jw, "status", code);
	json_kuint(&jw, "bytes", bytes);
	json_kuint(&jw, "dur_us", (end - start) / 1000);
	json_obj_end(&jw);
	sb_addc(&w->log, '\n');
}

static void log_flush(struct worker *w)
{
	size_t off = 0;

	while (off < w->log.len) {
		ssize_t n = write(log_fd, w->log.buf + off, w->log.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* a full disk loses log lines, not requests */
		off += (size_t)n;
	}
	sb_reset(&w->log);
}

static void count_request(struct worker *w, enum endpoint ep, int code, uint64_t dur_ns)
{
	double s = (double)dur_ns / 1e9;
	unsigned i;

	STAT_ADD(w->st.requests[ep][code_idx(code)], 1);
	for (i = 0; i < NLAT && s > lat_le[i]; i++)
		;
	STAT_ADD(w->st.lat[i], 1);
	STAT_ADD(w->st.lat_sum_ns, dur_ns);
}

static void render_metrics(struct strbuf *sb)
{
	uint64_t lat[NLAT + 1] = { 0 }, sum_ns = 0, cum = 0, total = 0, active = 0, bytes = 0;
	uint64_t timeouts = 0;
	unsigned e, k, i;
	int wi;

	sb_adds(sb, "# HELP httpd_requests_total Requests answered, by endpoint and status code.\n"
		    "# TYPE httpd_requests_total counter\n");
	for (e = 0; e < EP_N; e++) {
		for (k = 0; k < NCODES; k++) {
			uint64_t n = 0;

			for (wi = 0; wi < nworkers; wi++)
				n += STAT_GET(workers[wi].st.requests[e][k]);
			if (n)
				sb_addf(sb, "httpd_requests_total{endpoint=\"%s\",code=\"%d\"} %" PRIu64 "\n",
					ep_names[e], codes[k], n);
		}
	}
	for (wi = 0; wi < nworkers; wi++) {
		struct stats *st = &workers[wi].st;

		for (i = 0; i <= NLAT; i++)
			lat[i] += STAT_GET(st->lat[i]);
		sum_ns += STAT_GET(st->lat_sum_ns);
		total += STAT_GET(st->conns_total);
		active += STAT_GET(st->conns_active);
		bytes += STAT_GET(st->bytes_sent);
		timeouts += STAT_GET(st->timeouts);
	}
	sb_adds(sb, "# HELP httpd_request_duration_seconds Time from a request's head being parsed to "
		    "its response being queued.\n"
		    "# TYPE httpd_request_duration_seconds histogram\n");
	for (i = 0; i < NLAT; i++) {
		cum += lat[i];
		sb_addf(sb, "httpd_request_duration_seconds_bucket{le=\"%g\"} %" PRIu64 "\n", lat_le[i],
			cum);
	}
	cum += lat[NLAT];
	sb_addf(sb, "httpd_request_duration_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n", cum);
	sb_addf(sb, "httpd_request_duration_seconds_sum %.9f\n", (double)sum_ns / 1e9);
	sb_addf(sb, "httpd_request_duration_seconds_count %" PRIu64 "\n", cum);
	sb_addf(sb, "# HELP httpd_connections_total Connections accepted.\n"
		    "# TYPE httpd_connections_total counter\n"
		    "httpd_connections_total %" PRIu64 "\n", total);
	sb_addf(sb, "# HELP httpd_connections_active Connections open now.\n"
		    "# TYPE httpd_connections_active gauge\n"
		    "httpd_connections_active %" PRIu64 "\n", active);
	sb_addf(sb, "# HELP httpd_response_bytes_total Response bytes written, heads included.\n"
		    "# TYPE httpd_response_bytes_total counter\n"
		    "httpd_response_bytes_total %" PRIu64 "\n", bytes);
	sb_addf(sb, "# HELP httpd_timeouts_total Connections closed for idleness or a request not "
		    "completed in time.\n"
		    "# TYPE httpd_timeouts_total counter\n"
		    "httpd_timeouts_total %" PRIu64 "\n", timeouts);
	sb_addf(sb, "# HELP httpd_workers Worker threads.\n# TYPE httpd_workers gauge\n"
		    "httpd_workers %d\n", nworkers);
	sb_addf(sb, "# HELP httpd_start_time_seconds Start time since the epoch.\n"
		    "# TYPE httpd_start_time_seconds gauge\n"
		    "httpd_start_time_seconds %" PRIu64 "\n", start_realtime_s);
}

/* ---- responses ---- */

/* The Date header's value (RFC 9110 IMF-fixdate), formatted once a second per worker. */
static const char *http_date(struct worker *w)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t now = time(NULL);
	struct tm tm;

	if (now != w->date_sec) {
		gmtime_r(&now, &tm);
		snprintf(w->date, sizeof(w->date), "%s, %02d %s %04d %02d:%02d:%02d GMT",
			 days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
			 tm.tm_hour, tm.tm_min, tm.tm_sec);
		w->date_sec = now;
	}
	return w->date;
}

/*
 * Queue a response head (and body unless HEAD) on c->out. During a drain the last response before
 * an idle point says Connection: close.
 */
static void queue_response(struct conn *c, int code, const char *ctype, const char *body,
			   size_t body_len, uint64_t file_len, bool keep_alive, bool head,
			   const char *extra)
{
	size_t before = c->out.len;
	bool close_now = !keep_alive;

	if (c->w->draining && !close_now) {
		struct http_request next;

		close_now = http_parse_request(c->in + c->in_off, c->in_len - c->in_off, &next) <= 0;
	}
	sb_addf(&c->out, "HTTP/1.1 %d %s\r\nServer: tracekit-demo-httpd\r\nDate: %s\r\n"
		"Content-Type: %s\r\nContent-Length: %" PRIu64 "\r\n%s%s\r\n", code, reason(code),
		http_date(c->w), ctype,
		file_len ? file_len : (uint64_t)body_len, extra ? extra : "",
		close_now ? "Connection: close\r\n" : "");
	if (!head && body_len)
		sb_add(&c->out, body, body_len);
	if (close_now)
		c->close_after = true;
	STAT_ADD(c->w->st.bytes_sent, c->out.len - before + (head ? 0 : file_len));
}

static void respond_simple(struct conn *c, int code, const char *msg, bool keep_alive, bool head,
			   const char *extra)
{
	char body[256];
	int n = snprintf(body, sizeof(body), "%d %s%s%s\n", code, reason(code), msg ? ": " : "",
			 msg ? msg : "");

	queue_response(c, code, "text/plain", body, (size_t)n, 0, keep_alive, head, extra);
}

static const char index_page[] =
	"<!doctype html>\n<title>tracekit demo httpd</title>\n"
	"<h1>tracekit demo httpd</h1>\n<ul>\n"
	"<li><a href=\"/file/hello.txt\">/file/NAME</a> a file from the served directory (sendfile)\n"
	"<li><a href=\"/cpu?n=1000\">/cpu?n=N</a> N rounds of hashing 1 KiB\n"
	"<li><a href=\"/sleep?ms=20\">/sleep?ms=N</a> answer after N ms, without blocking a worker\n"
	"<li><a href=\"/alloc?kb=1024\">/alloc?kb=N</a> allocate, touch and free N KiB\n"
	"<li><a href=\"/metrics\">/metrics</a> Prometheus metrics\n"
	"</ul>\n";

static uint64_t cpu_work(uint64_t n)
{
	unsigned char block[1024];
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a over a block the hash itself rewrites */
	uint64_t r;
	size_t i;

	for (i = 0; i < sizeof(block); i++)
		block[i] = (unsigned char)i;
	for (r = 0; r < n; r++) {
		for (i = 0; i < sizeof(block); i++) {
			h ^= block[i];
			h *= 0x100000001b3ull;
		}
		block[r % sizeof(block)] = (unsigned char)h;
	}
	return h;
}

static uint64_t alloc_work(uint64_t kb)
{
	size_t len = (size_t)kb * 1024, i;
	unsigned char *p = malloc(len);
	uint64_t sum = 0;

	if (!p)
		return UINT64_MAX;
	/* touch every page so the allocation is real memory, not just address space */
	for (i = 0; i < len; i += 4096)
		p[i] = (unsigned char)i;
	for (i = 0; i < len; i += 4096)
		sum += p[i];
	free(p);
	return sum;
}

static bool valid_file_name(const char *s)
{
	size_t i;

	if (!s[0] || s[0] == '.')
		return false;
	for (i = 0; s[i]; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '.' || ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

/*
 * The query parameter key as a number in [lo, hi], def when absent. False (after answering 400)
 * when it is not a number or out of range.
 */
static bool query_param(struct conn *c, const struct http_request *r, const char *key,
			uint64_t def, uint64_t lo, uint64_t hi, uint64_t *v, bool head)
{
	char msg[96];

	*v = def;
	if (http_query_uint(r->query, r->query_len, key, v) != -2 && *v >= lo && *v <= hi)
		return true;
	snprintf(msg, sizeof(msg), "%s must be %" PRIu64 "..%" PRIu64, key, lo, hi);
	respond_simple(c, 400, msg, r->keep_alive, head, NULL);
	return false;
}

static void handle_request(struct conn *c, const struct http_request *r, uint64_t now)
{
	bool head = http_ieq(r->method, r->method_len, "HEAD");
	bool ka = r->keep_alive;
	enum endpoint ep = EP_OTHER;
	char body[512];
	int code = 200, n;
	uint64_t v, file_len = 0;
	size_t before = c->out.len;

#define PATH_IS(s) (r->path_len == sizeof(s) - 1 && memcmp(r->path, s, sizeof(s) - 1) == 0)
	if (PATH_IS("/"))
		ep = EP_ROOT;
	else if (r->path_len > 6 && memcmp(r->path, "/file/", 6) == 0)
		ep = EP_FILE;
	else if (PATH_IS("/cpu"))
		ep = EP_CPU;
	else if (PATH_IS("/sleep"))
		ep = EP_SLEEP;
	else if (PATH_IS("/alloc"))
		ep = EP_ALLOC;
	else if (PATH_IS("/metrics"))
		ep = EP_METRICS;
#undef PATH_IS

	if (!head && !http_ieq(r->method, r->method_len, "GET")) {
		code = 405;
		respond_simple(c, code, "only GET and HEAD", ka, false, "Allow: GET, HEAD\r\n");
		goto done;
	}
	switch (ep) {
	case EP_ROOT:
		queue_response(c, 200, "text/html", index_page, sizeof(index_page) - 1, 0, ka, head,
			       NULL);
		break;
	case EP_FILE: {
		char name[256];
		struct stat sb;
		int fd;

		if (http_pct_decode(r->path + 6, r->path_len - 6, name, sizeof(name)) < 0 ||
		    !valid_file_name(name)) {
			code = 400;
			respond_simple(c, code, "bad file name", ka, head, NULL);
			break;
		}
		fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
			code = (fd < 0 && errno != ENOENT && errno != ELOOP) ? 500 : 404;
			if (fd >= 0)
				close(fd);
			respond_simple(c, code, name, ka, head, NULL);
			break;
		}
		if (sb.st_size == 0 || head) {
			queue_response(c, 200, "application/octet-stream", NULL, 0,
				       (uint64_t)sb.st_size, ka, head, NULL);
			close(fd);
			break;
		}
		file_len = (uint64_t)sb.st_size;
		queue_response(c, 200, "application/octet-stream", NULL, 0, file_len, ka, head, NULL);
		c->file_fd = fd;
		c->file_off = 0;
		c->file_end = sb.st_size;
		break;
	}
	case EP_CPU:
		if (!query_param(c, r, "n", 1000, 0, MAX_CPU_N, &v, head)) {
			code = 400;
			break;
		}
		n = snprintf(body, sizeof(body), "n=%" PRIu64 " hash=%016" PRIx64 "\n", v, cpu_work(v));
		queue_response(c, 200, "text/plain", body, (size_t)n, 0, ka, head, NULL);
		break;
	case EP_SLEEP:
		if (!query_param(c, r, "ms", 10, 0, MAX_SLEEP_MS, &v, head)) {
			code = 400;
			break;
		}
		/* answered by the timer heap; logged and counted then */
		c->wake_at = now + v * 1000000ull;
		c->sleep.start = now;
		c->sleep.ms = v;
		c->sleep.keep_alive = ka;
		c->sleep.head = head;
		snprintf(c->sleep.method, sizeof(c->sleep.method), "%.*s", (int)r->method_len,
			 r->method);
		snprintf(c->sleep.target, sizeof(c->sleep.target), "%.*s", (int)r->target_len,
			 r->target);
		if (heap_push(c->w, c) < 0) {
			code = 503;
			respond_simple(c, code, "out of memory", ka, head, NULL);
			break;
		}
		return;
	case EP_ALLOC:
		if (!query_param(c, r, "kb", 1024, 1, MAX_ALLOC_KB, &v, head)) {
			code = 400;
			break;
		}
		if (alloc_work(v) == UINT64_MAX) {
			code = 503;
			respond_simple(c, code, "out of memory", ka, head, NULL);
			break;
		}
		n = snprintf(body, sizeof(body), "allocated %" PRIu64 " KiB\n", v);
		queue_response(c, 200, "text/plain", body, (size_t)n, 0, ka, head, NULL);
		break;
	case EP_METRICS: {
		struct strbuf m = STRBUF_INIT;

		render_metrics(&m);
		if (sb_error(&m)) {
			code = 503;
			respond_simple(c, code, "out of memory", ka, head, NULL);
		} else {
			queue_response(c, 200, "text/plain; version=0.0.4", m.buf, m.len, 0, ka, head,
				       NULL);
		}
		sb_release(&m);
		break;
	}
	default:
		code = 404;
		respond_simple(c, code, "no such endpoint", ka, head, NULL);
		break;
	}
done:
	{
		uint64_t end = mono_ns();
		size_t bytes = c->out.len - before + (head ? 0 : file_len);

		count_request(c->w, ep, code, end - now);
		log_request(c, r->method, r->method_len, r->target, r->target_len, code, bytes, now,
			    end);
	}
}

/* A timer fired: answer the sleeping request. */
static void finish_sleep(struct conn *c)
{
	uint64_t end;
	size_t before = c->out.len;
	char body[64];
	int n = snprintf(body, sizeof(body), "slept %" PRIu64 " ms\n", c->sleep.ms);

	queue_response(c, 200, "text/plain", body, (size_t)n, 0, c->sleep.keep_alive, c->sleep.head,
		       NULL);
	end = mono_ns();
	count_request(c->w, EP_SLEEP, 200, end - c->sleep.start);
	log_request(c, c->sleep.method, strlen(c->sleep.method), c->sleep.target,
		    strlen(c->sleep.target), 200, c->out.len - before, c->sleep.start, end);
}

/* ---- connections ---- */

static void conn_close(struct conn *c)
{
	struct worker *w = c->w;

	if (c->heap_idx >= 0)
		heap_remove(w, c);
	if (c->file_fd >= 0)
		close(c->file_fd);
	close(c->fd);	/* also removes it from the epoll set */
	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	sb_release(&c->out);
	w->nconns--;
	STAT_ADD(w->st.conns_active, -1);
	free(c);
}

static bool conn_busy(const struct conn *c)
{
	return c->heap_idx >= 0 || c->file_fd >= 0 || c->out_off < c->out.len;
}

static void conn_set_events(struct conn *c, uint32_t ev)
{
	struct epoll_event e = { .events = ev, .data.ptr = c };

	if (ev == c->events)
		return;
	if (epoll_ctl(c->w->epfd, EPOLL_CTL_MOD, c->fd, &e) == 0)
		c->events = ev;
}

/* Write queued output, then the file. Returns -1 when the connection was closed. */
static int conn_flush(struct conn *c, uint64_t now)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.buf + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			goto blocked;
		if (n <= 0) {
			conn_close(c);
			return -1;
		}
		c->out_off += (size_t)n;
		c->last_active = now;
	}
	sb_reset(&c->out);
	c->out_off = 0;
	while (c->file_fd >= 0 && c->file_off < c->file_end) {
		ssize_t n = sendfile(c->fd, c->file_fd, &c->file_off, (size_t)(c->file_end - c->file_off));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			goto blocked;
		if (n <= 0) {
			/* the file shrank or the peer left: the promised length cannot be kept */
			conn_close(c);
			return -1;
		}
		c->last_active = now;
	}
	if (c->file_fd >= 0) {
		close(c->file_fd);
		c->file_fd = -1;
	}
	if (c->close_after) {
		conn_close(c);
		return -1;
	}
	conn_set_events(c, c->heap_idx >= 0 || c->peer_eof ? 0 : EPOLLIN);
	return 0;
blocked:
	/* backpressure: read nothing more until the peer takes what it asked for */
	conn_set_events(c, EPOLLOUT);
	return 0;
}

/*
 * Answer every complete request in the input buffer that can be answered now (in order: a
 * sleeping or file-sending request holds back the ones pipelined behind it), then flush.
 * Returns -1 when the connection was closed.
 */
static int conn_process(struct conn *c, uint64_t now)
{
	for (;;) {
		bool output_full = false;

		while (c->heap_idx < 0 && c->file_fd < 0 && !c->close_after) {
			struct http_request r;
			size_t avail = c->in_len - c->in_off;
			long rc;

			if (c->out.len - c->out_off >= OUT_HIGH) {
				output_full = true;
				break;
			}
			if (c->body_skip) {
				size_t k = avail < c->body_skip ? avail : (size_t)c->body_skip;

				c->in_off += k;
				c->body_skip -= k;
				avail -= k;
				if (c->body_skip) {
					if (!c->partial_since)
						c->partial_since = now;
					break;
				}
			}
			if (!avail)
				break;
			rc = http_parse_request(c->in + c->in_off, avail, &r);
			if (rc == 0) {
				if (!c->partial_since)
					c->partial_since = now;
				break;
			}
			c->partial_since = 0;
			if (rc < 0) {
				int code = (int)-rc;

				/* nothing after a bad head can be trusted: answer and close */
				c->in_off = c->in_len;
				respond_simple(c, code, NULL, false, false, NULL);
				count_request(c->w, EP_OTHER, code, 0);
				log_request(c, "-", 1, "-", 1, code, 0, now, now);
				break;
			}
			c->in_off += (size_t)rc;
			c->body_skip = r.content_length;
			handle_request(c, &r, now);
		}
		if (c->in_off == c->in_len)
			c->in_off = c->in_len = 0;
		if (conn_flush(c, now) < 0)
			return -1;
		if (!output_full || conn_busy(c))
			break;
	}
	if (c->peer_eof && !conn_busy(c)) {
		/* the peer sent all it will; what is left can never become a request */
		conn_close(c);
		return -1;
	}
	return 0;
}

static void conn_readable(struct conn *c, uint64_t now)
{
	ssize_t n;

	if (c->in_off && c->in_len == IN_CAP) {
		memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
		c->in_len -= c->in_off;
		c->in_off = 0;
	}
	if (c->in_len == IN_CAP) {
		/* cannot happen while the parser caps a head below IN_CAP; never spin on it */
		conn_close(c);
		return;
	}
	n = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		conn_close(c);
		return;
	}
	if (n == 0) {
		/* the peer is done sending: answer what it sent, then close */
		c->peer_eof = true;
		conn_set_events(c, 0);
	} else {
		c->in_len += (size_t)n;
		c->last_active = now;
	}
	conn_process(c, now);
}

/*
 * Accept one connection (all pending ones when draining). One at a time spreads connections over
 * the workers: the listening socket stays readable and wakes the next idle worker.
 */
static void accept_conns(struct worker *w, uint64_t now, bool all)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct epoll_event e;
		struct conn *c;
		int fd = accept4(w->listen_fd, (struct sockaddr *)&ss, &sl,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		int one = 1;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if ((errno == EMFILE || errno == ENFILE) && w->listening && !w->draining) {
				/*
				 * The pending connection stays pending and the socket readable: stop
				 * watching it for a while rather than spin on it.
				 */
				epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->listen_fd, NULL);
				w->listening = false;
				w->accept_resume = now + 100000000ull;
			}
			return;	/* EAGAIN: another worker took it */
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->w = w;
		c->file_fd = -1;
		c->heap_idx = -1;
		c->last_active = now;
		c->id = ((uint64_t)w->idx << 48) | ++w->next_conn_id;
		sb_init(&c->out);
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
			char ip[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
			snprintf(c->peer, sizeof(c->peer), "%s:%u", ip, ntohs(sin->sin_port));
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
			char ip[INET6_ADDRSTRLEN];

			inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
			snprintf(c->peer, sizeof(c->peer), "[%s]:%u", ip, ntohs(sin6->sin6_port));
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		e.events = EPOLLIN;
		e.data.ptr = c;
		if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->events = EPOLLIN;
		c->next = w->conns;
		if (w->conns)
			w->conns->prev = c;
		w->conns = c;
		w->nconns++;
		STAT_ADD(w->st.conns_total, 1);
		STAT_ADD(w->st.conns_active, 1);
		if (!all)
			return;
	}
}

static void sweep_timeouts(struct worker *w, uint64_t now)
{
	struct conn *c, *next;

	for (c = w->conns; c; c = next) {
		next = c->next;
		if (c->heap_idx >= 0)
			continue;
		if (c->partial_since && now - c->partial_since > w->cfg->request_ns &&
		    !c->close_after) {
			/* a half-sent request: say so, then close */
			STAT_ADD(w->st.timeouts, 1);
			c->in_off = c->in_len = 0;
			c->body_skip = 0;
			c->partial_since = 0;
			respond_simple(c, 408, NULL, false, false, NULL);
			count_request(w, EP_OTHER, 408, 0);
			log_request(c, "-", 1, "-", 1, 408, 0, now, now);
			conn_flush(c, now);
		} else if (now - c->last_active > w->cfg->idle_ns) {
			/* idle, or a peer that stopped reading its responses */
			STAT_ADD(w->st.timeouts, 1);
			conn_close(c);
		}
	}
}

static void start_drain(struct worker *w, uint64_t now)
{
	struct conn *c, *next;

	w->draining = true;
	w->drain_deadline = now + w->cfg->drain_ns;
	if (w->listening) {
		/* connections already completed by the kernel were promised service */
		accept_conns(w, now, true);
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->listen_fd, NULL);
		w->listening = false;
	}
	for (c = w->conns; c; c = next) {
		next = c->next;
		/* pick up requests sitting in the socket buffer before calling a connection idle */
		if (!c->peer_eof && (c->events & EPOLLIN))
			conn_readable(c, now);
	}
}

/* After a drain has begun: close every connection with nothing left to do. */
static void close_idle(struct worker *w)
{
	struct conn *c, *next;

	for (c = w->conns; c; c = next) {
		next = c->next;
		if (!conn_busy(c) && c->in_off == c->in_len && !c->body_skip)
			conn_close(c);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event evs[64];
	uint64_t sweep_every = w->cfg->request_ns < w->cfg->idle_ns ? w->cfg->request_ns / 4 :
								       w->cfg->idle_ns / 4;

	if (sweep_every < 5000000ull)
		sweep_every = 5000000ull;
	if (sweep_every > 200000000ull)
		sweep_every = 200000000ull;
	w->next_sweep = mono_ns() + sweep_every;
	for (;;) {
		uint64_t now = mono_ns(), until = w->next_sweep;
		bool drain_asked = false;
		struct timespec ts;
		int n, i;

		if (w->heap_len && w->heap[0]->wake_at < until)
			until = w->heap[0]->wake_at;
		if (w->accept_resume && !w->draining) {
			if (now >= w->accept_resume) {
				struct epoll_event e = { .events = EPOLLIN | EPOLLEXCLUSIVE,
							 .data.ptr = &tag_listen };

				if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->listen_fd, &e) == 0)
					w->listening = true;
				w->accept_resume = 0;
			} else if (w->accept_resume < until) {
				until = w->accept_resume;
			}
		}
		ts.tv_sec = until > now ? (time_t)((until - now) / 1000000000ull) : 0;
		ts.tv_nsec = until > now ? (long)((until - now) % 1000000000ull) : 0;
		n = epoll_pwait2(w->epfd, evs, 64, &ts, NULL);
		if (n < 0 && errno != EINTR) {
			w->status = -errno;
			break;
		}
		now = mono_ns();
		for (i = 0; i < n; i++) {
			void *p = evs[i].data.ptr;
			struct conn *c = p;

			if (p == &tag_listen) {
				if (!w->draining)
					accept_conns(w, now, false);
				continue;
			}
			if (p == &tag_wake) {
				uint64_t v;

				if (read(w->wakefd, &v, sizeof(v)) > 0)
					drain_asked = true;
				continue;
			}
			/*
			 * Only this event's connection is touched (closing others is left to after
			 * the batch), so no later event in the batch can point at a freed one.
			 */
			if (evs[i].events & (EPOLLERR | EPOLLHUP))
				conn_close(c);	/* the peer is gone both ways: nothing to deliver */
			else if (evs[i].events & EPOLLOUT) {
				if (conn_flush(c, now) == 0)
					conn_process(c, now);
			} else if (evs[i].events & EPOLLIN)
				conn_readable(c, now);
		}
		if (drain_asked && !w->draining)
			start_drain(w, now);
		while (w->heap_len && w->heap[0]->wake_at <= now) {
			struct conn *c = w->heap[0];

			heap_remove(w, c);
			finish_sleep(c);
			conn_process(c, now);
		}
		if (now >= w->next_sweep) {
			sweep_timeouts(w, now);
			w->next_sweep = now + sweep_every;
		}
		if (w->log.len)
			log_flush(w);
		if (w->draining) {
			close_idle(w);
			if (!w->nconns)
				break;
			if (now > w->drain_deadline) {
				while (w->conns)
					conn_close(w->conns);
				break;
			}
		}
	}
	if (w->log.len)
		log_flush(w);
	return NULL;
}

static int parse_ms(const char *s, uint64_t *ns)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > 3600000ull)
		return -1;
	*ns = v * 1000000ull;
	return 0;
}

static int listen_socket(const struct config *cfg, int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->port) };
	socklen_t sl = sizeof(sin);
	int fd, one = 1;

	if (inet_pton(AF_INET, cfg->addr, &sin.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 1024) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

static int write_port_file(const char *path, int port)
{
	char tmp[4096];
	FILE *f;

	/* written whole then renamed, so a reader polling for it never sees a partial number */
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%d\n", port);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct config cfg = {
		.addr = "127.0.0.1", .port = 0, .workers = 2, .dir = ".",
		.idle_ns = 10000000000ull, .request_ns = 5000000000ull, .drain_ns = 10000000000ull,
	};
	uint64_t total = 0;
	sigset_t sigs;
	int opt, lfd, port, sig, i, rc = 0;
	char *end;

	while ((opt = getopt_long(argc, argv, "a:p:w:d:l:qh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			cfg.addr = optarg;
			break;
		case 'p':
			cfg.port = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || cfg.port < 0 || cfg.port > 65535) {
				fprintf(stderr, "httpd: bad port: %s\n", optarg);
				return 2;
			}
			break;
		case 'w':
			cfg.workers = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || cfg.workers < 1 || cfg.workers > MAX_WORKERS) {
				fprintf(stderr, "httpd: bad worker count: %s (1..%d)\n", optarg,
					MAX_WORKERS);
				return 2;
			}
			break;
		case 'd':
			cfg.dir = optarg;
			break;
		case 'l':
			cfg.log_path = optarg;
			break;
		case 'q':
			cfg.quiet = true;
			break;
		case OPT_PORT_FILE:
			cfg.port_file = optarg;
			break;
		case OPT_IDLE:
		case OPT_REQ:
		case OPT_DRAIN:
			if (parse_ms(optarg, opt == OPT_IDLE ? &cfg.idle_ns :
					     opt == OPT_REQ ? &cfg.request_ns : &cfg.drain_ns) < 0) {
				fprintf(stderr, "httpd: bad timeout: %s (milliseconds, 1..3600000)\n",
					optarg);
				return 2;
			}
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "httpd: unexpected argument: %s\n", argv[optind]);
		return 2;
	}

	/* signals are taken synchronously by the main thread; workers never see them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	dir_fd = open(cfg.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0) {
		fprintf(stderr, "httpd: cannot open directory %s: %s\n", cfg.dir, strerror(errno));
		return 1;
	}
	if (cfg.log_path) {
		log_fd = strcmp(cfg.log_path, "-") == 0 ?
				 STDOUT_FILENO :
				 open(cfg.log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (log_fd < 0) {
			fprintf(stderr, "httpd: cannot open access log %s: %s\n", cfg.log_path,
				strerror(errno));
			return 1;
		}
	}
	lfd = listen_socket(&cfg, &port);
	if (lfd < 0) {
		fprintf(stderr, "httpd: cannot listen on %s:%d: %s\n", cfg.addr, cfg.port,
			strerror(errno));
		return 1;
	}
	start_realtime_s = (uint64_t)time(NULL);
	nworkers = cfg.workers;
	for (i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];
		struct epoll_event e = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = &tag_listen };

		w->idx = i;
		w->cfg = &cfg;
		w->listen_fd = lfd;
		sb_init(&w->log);
		w->epfd = epoll_create1(EPOLL_CLOEXEC);
		w->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (w->epfd < 0 || w->wakefd < 0 || epoll_ctl(w->epfd, EPOLL_CTL_ADD, lfd, &e) < 0) {
			fprintf(stderr, "httpd: cannot set up worker %d: %s\n", i, strerror(errno));
			return 1;
		}
		e.events = EPOLLIN;
		e.data.ptr = &tag_wake;
		if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->wakefd, &e) < 0) {
			fprintf(stderr, "httpd: cannot set up worker %d: %s\n", i, strerror(errno));
			return 1;
		}
		w->listening = true;
	}
	for (i = 0; i < nworkers; i++) {
		rc = pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
		if (rc) {
			fprintf(stderr, "httpd: cannot start worker %d: %s\n", i, strerror(rc));
			return 1;
		}
	}
	if (cfg.port_file && write_port_file(cfg.port_file, port) < 0) {
		fprintf(stderr, "httpd: cannot write port file %s: %s\n", cfg.port_file,
			strerror(errno));
		return 1;
	}
	if (!cfg.quiet)
		fprintf(stderr, "httpd: pid %d listening on http://%s:%d/ with %d workers\n",
			(int)getpid(), cfg.addr, port, nworkers);

	do {
		sig = sigwaitinfo(&sigs, NULL);
	} while (sig < 0 && errno == EINTR);
	for (i = 0; i < nworkers; i++) {
		uint64_t one = 1;

		if (write(workers[i].wakefd, &one, sizeof(one)) < 0)
			rc = 1;
	}
	for (i = 0; i < nworkers; i++) {
		pthread_join(workers[i].thread, NULL);
		if (workers[i].status) {
			fprintf(stderr, "httpd: worker %d failed: %s\n", i,
				strerror(-workers[i].status));
			rc = 1;
		}
		for (unsigned e = 0; e < EP_N; e++)
			for (unsigned k = 0; k < NCODES; k++)
				total += workers[i].st.requests[e][k];
	}
	close(lfd);
	if (!cfg.quiet)
		fprintf(stderr, "httpd: %s: drained, %" PRIu64 " requests answered, exiting\n",
			strsignal(sig), total);
	return rc;
}

/*
 * `perf script` text -> stacks. The Perl reference (stackcollapse-perf.pl) is defined by three
 * regular expressions; they are matched here by hand, reproducing the matches Perl's backtracking
 * engine finds (including its odd corners), because a regex library per line would cost more than
 * the rest of the parser and POSIX regexes lack the non-greedy and look-ahead forms involved:
 *
 *   header:   ^(\S.+?)\s+(\d+)[/]*(\d+)*\s+          comm, pid, tid
 *   event:    :\s*(\d+)*\s+(\S+):\s*$               period, event
 *   frame:    ^\s*(\w+)\s*(.+) \((\S*)\)            address, function, dso
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/stack/parse.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * perf script repeats the same frame lines (address, symbol, dso) sample after sample: the frames a
 * line produced are remembered by its exact text, so a repeated line costs one hash and one compare
 * instead of the matching and tidying. Bounded: cleared when it holds LINE_CACHE_MAX bytes.
 */
#define LINE_CACHE_MAX (32u << 20)

struct line_entry {
	uint64_t hash;
	size_t text;		/* into cache_text */
	uint32_t len;
	uint32_t ids;		/* into cache_ids */
	uint32_t nids;
	bool java;		/* the frames depend on whether the process is "java" */
};

struct tk_perfscript {
	struct tk_stacks *dst;
	struct tk_perfscript_opts o;
	struct tk_parse_stats *st;
	char filter[64];
	bool have_filter, filter_defaulted;
	bool pname_set, pname_java;
	uint32_t pname_id;
	uint64_t period;
	uint32_t *ids;		/* frames of the current sample, leaf first */
	size_t nids, ids_cap;
	uint32_t *rev;		/* the same root first, for adding */
	size_t rev_cap;
	char *tmp;		/* scratch for one frame name */
	size_t tmp_cap;
	struct line_entry *cache;
	size_t cache_len, cache_cap;
	uint32_t *cache_tab;	/* entry + 1 */
	size_t cache_tab_size;
	char *cache_text;
	size_t cache_text_len, cache_text_cap;
	uint32_t *cache_ids;
	size_t cache_ids_len, cache_ids_cap;
};

/* Perl's \s, \d and \w (ASCII), one table lookup per byte in the matchers' scanning loops */
enum { C_SPACE = 1, C_DIGIT = 2, C_WORD = 4 };
#define C_LETTERS(a) [a] = C_WORD, [a + 1] = C_WORD, [a + 2] = C_WORD, [a + 3] = C_WORD, [a + 4] = C_WORD, \
	[a + 5] = C_WORD, [a + 6] = C_WORD, [a + 7] = C_WORD, [a + 8] = C_WORD, [a + 9] = C_WORD, \
	[a + 10] = C_WORD, [a + 11] = C_WORD, [a + 12] = C_WORD
static const unsigned char char_class[256] = {
	[' '] = C_SPACE, ['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\r'] = C_SPACE, ['\f'] = C_SPACE, ['\v'] = C_SPACE,
	['0'] = C_DIGIT | C_WORD, ['1'] = C_DIGIT | C_WORD, ['2'] = C_DIGIT | C_WORD, ['3'] = C_DIGIT | C_WORD,
	['4'] = C_DIGIT | C_WORD, ['5'] = C_DIGIT | C_WORD, ['6'] = C_DIGIT | C_WORD, ['7'] = C_DIGIT | C_WORD,
	['8'] = C_DIGIT | C_WORD, ['9'] = C_DIGIT | C_WORD,
	C_LETTERS('a'), C_LETTERS('a' + 13), C_LETTERS('A'), C_LETTERS('A' + 13), ['_'] = C_WORD,
};

static inline bool is_space(unsigned char c)
{
	return char_class[c] & C_SPACE;
}

static inline bool is_digit(unsigned char c)
{
	return char_class[c] & C_DIGIT;
}

static inline bool is_word(unsigned char c)
{
	return char_class[c] & C_WORD;
}

/*
 * The end of the line at s (its '\n', or end). Inline rather than memchr: perf script lines are
 * short (about 60 bytes), and the call and its setup cost more than the 16-byte compares.
 */
static inline const char *line_end(const char *s, const char *end)
{
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n');

	while (end - s >= 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)s), nl));

		if (m)
			return s + __builtin_ctz(m);
		s += 16;
	}
#endif
	while (s < end && *s != '\n')
		s++;
	return s;
}

/* Equal bytes, 16 at a time (the cached line compare of every frame line). */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y, u, v;

#ifdef __SSE2__
	while (n >= 16) {
		__m128i va = _mm_loadu_si128((const __m128i *)a), vb = _mm_loadu_si128((const __m128i *)b);

		if (_mm_movemask_epi8(_mm_cmpeq_epi8(va, vb)) != 0xffff)
			return false;
		a += 16;
		b += 16;
		n -= 16;
	}
#endif
	while (n >= 8) {
		if (n < 16) {
			/* the rest as two (overlapping) words */
			memcpy(&x, a, 8);
			memcpy(&y, b, 8);
			memcpy(&u, a + n - 8, 8);
			memcpy(&v, b + n - 8, 8);
			return x == y && u == v;
		}
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return false;
		a += 8;
		b += 8;
		n -= 8;
	}
	while (n--)
		if (*a++ != *b++)
			return false;
	return true;
}

static inline uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/*
 * The line cache's hash: for a line of 32 bytes or more only its first 32 bytes (blanks, the
 * address and the start of the symbol: what tells perf script's frame lines apart), its last 8 and
 * its length, a fixed handful of instructions; lines that share all of that are told apart by the
 * full compare that follows every lookup anyway.
 */
static inline uint64_t line_hash(const char *s, size_t n)
{
	uint64_t w0, w1, w2, w3, wl, a, b;

	if (n < 32)
		return tk_hash_bytes(s, n);
	memcpy(&w0, s, 8);
	memcpy(&w1, s + 8, 8);
	memcpy(&w2, s + 16, 8);
	memcpy(&w3, s + 24, 8);
	memcpy(&wl, s + n - 8, 8);
	a = (w0 ^ 0x9e3779b97f4a7c15ULL) * 0x87c37b91114253d5ULL + rotl64(w1, 23);
	b = (w2 ^ (n * 0xc2b2ae3d27d4eb4fULL)) * 0x4cf5ad432745937fULL + rotl64(w3, 41);
	a ^= rotl64(b, 29) ^ (wl * 0xff51afd7ed558ccdULL);
	a ^= a >> 32;
	a *= 0x9e3779b97f4a7c15ULL;
	return a ^ (a >> 29);
}

struct tk_perfscript *tk_perfscript_new(struct tk_stacks *dst, const struct tk_perfscript_opts *o,
					struct tk_parse_stats *st)
{
	struct tk_perfscript *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->dst = dst;
	if (o)
		p->o = *o;
	p->st = st;
	if (o && o->event && *o->event) {
		snprintf(p->filter, sizeof(p->filter), "%s", o->event);
		snprintf(st->event, sizeof(st->event), "%s", o->event);
		p->have_filter = true;
	}
	return p;
}

void tk_perfscript_free(struct tk_perfscript *p)
{
	if (!p)
		return;
	free(p->ids);
	free(p->rev);
	free(p->tmp);
	free(p->cache);
	free(p->cache_tab);
	free(p->cache_text);
	free(p->cache_ids);
	free(p);
}

static void cache_clear(struct tk_perfscript *p)
{
	p->cache_len = p->cache_text_len = p->cache_ids_len = 0;
	if (p->cache_tab)
		memset(p->cache_tab, 0, p->cache_tab_size * sizeof(*p->cache_tab));
}

/* The cached frames of this line (pushed onto the sample), or false. */
static inline bool cache_hit(struct tk_perfscript *p, const char *s, size_t n, uint64_t h);
static int cache_put(struct tk_perfscript *p, const char *s, size_t n, uint64_t h, size_t first_id);

static int push_id(struct tk_perfscript *p, uint32_t id)
{
	if (tk_grow_array((void **)&p->ids, &p->ids_cap, p->nids + 1, sizeof(*p->ids)))
		return -ENOMEM;
	p->ids[p->nids++] = id;
	return 0;
}

static char *tmp_reserve(struct tk_perfscript *p, size_t n)
{
	if (n > p->tmp_cap) {
		size_t c = p->tmp_cap ? p->tmp_cap : 256;
		char *q;

		while (c < n)
			c *= 2;
		q = realloc(p->tmp, c);
		if (!q)
			return NULL;
		p->tmp = q;
		p->tmp_cap = c;
	}
	return p->tmp;
}

/* Decimal digits as a count, saturating. */
static uint64_t parse_count(const char *s, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return UINT64_MAX;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return v;
}

static int flush_sample(struct tk_perfscript *p)
{
	size_t i, n = p->nids + 1;
	int err;

	if (n > p->rev_cap) {
		size_t c = p->rev_cap ? p->rev_cap : 256;
		uint32_t *q;

		while (c < n)
			c *= 2;
		q = realloc(p->rev, c * sizeof(*q));
		if (!q)
			return -ENOMEM;
		p->rev = q;
		p->rev_cap = c;
	}
	p->rev[0] = p->pname_id;
	for (i = 0; i < p->nids; i++)
		p->rev[i + 1] = p->ids[p->nids - 1 - i];
	err = tk_stacks_add_ids_slot(p->dst, p->o.slot, p->rev, n, p->period);
	if (err)
		return err;
	p->st->samples++;
	p->nids = 0;
	p->pname_set = false;
	return 0;
}

/*
 * ^(\S.+?)\s+(\d+)[/]*(\d+)*\s+ : the shortest comm (at least two bytes) after which come
 * whitespace, digits, optional slashes and digits, whitespace.
 */
static bool match_header(const char *s, size_t n, size_t *comm_len, const char **pid, size_t *pid_len,
			 const char **tid, size_t *tid_len)
{
	size_t i;

	if (n < 2 || is_space((unsigned char)s[0]))
		return false;
	for (i = 2; i < n; i++) {
		size_t j, k, m, d2;

		if (!is_space((unsigned char)s[i]))
			continue;
		/* a later start inside the same whitespace run ends at the same place: already failed */
		if (i > 2 && is_space((unsigned char)s[i - 1]))
			continue;
		for (j = i; j < n && is_space((unsigned char)s[j]); j++)
			;
		for (k = j; k < n && is_digit((unsigned char)s[k]); k++)
			;
		if (k == j)
			continue;
		for (m = k; m < n && s[m] == '/'; m++)
			;
		for (d2 = m; d2 < n && is_digit((unsigned char)s[d2]); d2++)
			;
		if (d2 >= n || !is_space((unsigned char)s[d2])) {
			/* (\d+)* may also match nothing after the slashes */
			if (d2 != m || m >= n || !is_space((unsigned char)s[m]))
				continue;
		}
		*comm_len = i;
		*pid = s + j;
		*pid_len = k - j;
		*tid = s + m;
		*tid_len = d2 - m;
		return true;
	}
	return false;
}

/* \S+:\s*$ at s[r..n): the token (without its ':') or false. */
static bool match_event_token(const char *s, size_t r, size_t n, size_t *ev, size_t *ev_len)
{
	size_t e, t;

	for (e = r; e < n && !is_space((unsigned char)s[e]); e++)
		;
	for (t = e; t < n && is_space((unsigned char)s[t]); t++)
		;
	if (t != n || e < r + 2 || s[e - 1] != ':')
		return false;
	*ev = r;
	*ev_len = e - 1 - r;
	return true;
}

/* :\s*(\d+)*\s+(\S+):\s*$ , leftmost ':' first. */
static bool match_event(const char *s, size_t n, const char **period, size_t *period_len,
			const char **event, size_t *event_len)
{
	const char *c = s;

	while ((c = memchr(c, ':', n - (size_t)(c - s)))) {
		size_t q = (size_t)(c - s) + 1, w, d, r, ev, evl;

		c++;
		for (w = q; w < n && is_space((unsigned char)s[w]); w++)
			;
		for (d = w; d < n && is_digit((unsigned char)s[d]); d++)
			;
		if (d > w && d < n && is_space((unsigned char)s[d])) {
			for (r = d; r < n && is_space((unsigned char)s[r]); r++)
				;
			if (match_event_token(s, r, n, &ev, &evl)) {
				*period = s + w;
				*period_len = d - w;
				*event = s + ev;
				*event_len = evl;
				return true;
			}
		}
		if (w > q && match_event_token(s, w, n, &ev, &evl)) {
			*period = NULL;
			*period_len = 0;
			*event = s + ev;
			*event_len = evl;
			return true;
		}
	}
	return false;
}

static int on_header(struct tk_perfscript *p, const char *s, size_t n, size_t comm_len, const char *pid,
		     size_t pid_len, const char *tid, size_t tid_len)
{
	const char *period = NULL, *event;
	size_t period_len = 0, event_len, i, len;
	char *name;
	int64_t id;

	if (match_event(s, n, &period, &period_len, &event, &event_len)) {
		if (!p->have_filter) {
			if (event_len >= sizeof(p->filter))
				event_len = sizeof(p->filter) - 1;
			memcpy(p->filter, event, event_len);
			p->filter[event_len] = 0;
			p->have_filter = p->filter_defaulted = true;
			snprintf(p->st->event, sizeof(p->st->event), "%s", p->filter);
		} else if (strlen(p->filter) != event_len || memcmp(p->filter, event, event_len)) {
			p->st->filtered++;
			if (!p->st->other_event[0]) {
				size_t l = event_len < sizeof(p->st->other_event) - 1 ? event_len
					   : sizeof(p->st->other_event) - 1;

				memcpy(p->st->other_event, event, l);
			}
			return 0;
		}
	}
	/* Perl truth: "" and "0" are false, so no period (or "0") counts 1 */
	if (!period_len || (period_len == 1 && period[0] == '0'))
		p->period = 1;
	else
		p->period = parse_count(period, period_len);

	/* "comm-PID/TID", "comm-PID" or "comm"; without a TID field (or TID "0") PID is "?" */
	name = tmp_reserve(p, comm_len + pid_len + tid_len + 8);
	if (!name)
		return -ENOMEM;
	memcpy(name, s, comm_len);
	len = comm_len;
	if (p->o.tid || p->o.pid) {
		bool have_tid = tid_len && !(tid_len == 1 && tid[0] == '0');

		name[len++] = '-';
		if (have_tid) {
			memcpy(name + len, pid, pid_len);
			len += pid_len;
		} else {
			name[len++] = '?';
		}
		if (p->o.tid) {
			name[len++] = '/';
			memcpy(name + len, have_tid ? tid : pid, have_tid ? tid_len : pid_len);
			len += have_tid ? tid_len : pid_len;
		}
	}
	for (i = 0; i < len; i++)
		if (name[i] == ' ')
			name[i] = '_';
	p->pname_java = len == 4 && !memcmp(name, "java", 4);
	id = tk_stacks_intern(p->dst, name, len, 0);
	if (id < 0)
		return (int)id;
	p->pname_id = (uint32_t)id;
	p->pname_set = true;
	return 0;
}

/*
 * ^\s*(\w+)\s*(.+) \((\S*)\) : the function runs to the last " (" whose following non-blank run
 * holds a ')'; the dso is that run up to its last ')'. When the address and whitespace leave no room
 * for a one-byte function before that point, Perl backtracks into them, and so does this.
 */
static bool match_frame(const char *s, size_t n, const char **pc, size_t *pc_len, const char **func,
			size_t *func_len, const char **mod, size_t *mod_len)
{
	size_t a, w, ws, q, f, f0;
	const char *par;
	bool found = false;

	for (a = 0; a < n && is_space((unsigned char)s[a]); a++)
		;
	for (w = a; w < n && is_word((unsigned char)s[w]); w++)
		;
	if (w == a)
		return false;
	for (ws = w; ws < n && is_space((unsigned char)s[ws]); ws++)
		;
	/* the last " (X)" with X free of blanks */
	par = s + n;
	while (par > s && (par = memrchr(s, '(', (size_t)(par - s)))) {
		size_t e, lp;

		q = (size_t)(par - s);
		if (q == 0)
			break;
		if (s[q - 1] != ' ')
			continue;
		for (e = q + 1; e < n && !is_space((unsigned char)s[e]); e++)
			;
		for (lp = e; lp > q + 1 && s[lp - 1] != ')'; lp--)
			;
		if (lp == q + 1)
			continue;
		q--;	/* position of the blank */
		*mod = s + q + 2;
		*mod_len = lp - 1 - (q + 2);
		found = true;
		break;
	}
	if (!found || q < a + 2)
		return false;
	f0 = ws;
	f = f0 < q - 1 ? f0 : q - 1;
	*pc = s + a;
	*pc_len = (f >= w ? w : f) - a;
	*func = s + f;
	*func_len = q - f;
	return true;
}

static bool has_sub(const char *s, size_t n, const char *sub)
{
	return memmem(s, n, sub, strlen(sub)) != NULL;
}

/* Tidy one function name as the reference does, then annotate; interns it and pushes it. */
static int add_frame(struct tk_perfscript *p, const char *func, size_t len, const char *pc, size_t pc_len,
		     const char *mod, size_t mod_len, bool inlined)
{
	unsigned flags = inlined ? TK_FRAME_INLINED : 0;
	bool kernel_mod = mod_len && (mod[0] == '[' || (mod_len >= 7 && !memcmp(mod + mod_len - 7, "vmlinux", 7))) &&
			  !has_sub(mod, mod_len, "unknown");
	bool jit_mod = false;
	char *b;
	size_t i, o;
	int64_t id;

	if (kernel_mod)
		flags |= TK_FRAME_KERNEL;
	{
		const char *t = memmem(mod, mod_len, "/tmp/perf-", 10);

		if (t) {
			size_t k = (size_t)(t - mod) + 10, d = k;

			while (d < mod_len && is_digit((unsigned char)mod[d]))
				d++;
			jit_mod = d > k && d + 4 <= mod_len && mod[d] == '.' && !memcmp(mod + d + 1, "map", 3);
		}
	}
	if (jit_mod)
		flags |= TK_FRAME_JIT;
	if (mod_len == 7 && !memcmp(mod, "inlined", 7))
		flags |= TK_FRAME_INLINED;	/* perf script --inline prints "(inlined)" for the dso */

	b = tmp_reserve(p, len + mod_len + pc_len + 16);
	if (!b)
		return -ENOMEM;
	if (len == 9 && !memcmp(func, "[unknown]", 9)) {
		const char *base = "unknown";
		size_t bl = 7;

		if (!(mod_len == 9 && !memcmp(mod, "[unknown]", 9))) {
			const char *sl = memrchr(mod, '/', mod_len);

			base = sl ? sl + 1 : mod;
			bl = mod_len - (size_t)(base - mod);
		}
		o = 0;
		b[o++] = '[';
		memcpy(b + o, base, bl);
		o += bl;
		if (p->o.addrs) {
			b[o++] = ' ';
			b[o++] = '<';
			memcpy(b + o, pc, pc_len);
			o += pc_len;
			b[o++] = '>';
		}
		b[o++] = ']';
		flags |= TK_FRAME_UNKNOWN;
	} else {
		memcpy(b, func, len);
		o = len;
	}
	/* tidy_generic: ';' -> ':'; drop from the first '(' unless it looks like a Go method */
	for (i = 0; i < o; i++)
		if (b[i] == ';')
			b[i] = ':';
	{
		const char *go = memmem(b, o, ".(", 2);
		bool is_go = go && memmem(go + 2, o - (size_t)(go + 2 - b), ").", 2);

		if (!is_go) {
			for (i = 0; i < o; i++) {
				if (b[i] != '(')
					continue;
				if (o - i - 1 >= 20 && !memcmp(b + i + 1, "anonymous namespace)", 20))
					continue;
				o = i;
				break;
			}
		}
	}
	for (i = 0, len = 0; i < o; i++)
		if (b[i] != '"' && b[i] != '\'')
			b[len++] = b[i];
	o = len;
	if (p->pname_java && memchr(b, '/', o) && o && b[0] == 'L') {
		memmove(b, b + 1, o - 1);
		o--;
	}
	if (inlined) {
		if (!has_sub(b, o, "_[i]")) {
			memcpy(b + o, "_[i]", 4);
			o += 4;
		}
	} else if (p->o.annotate_kernel && kernel_mod) {
		memcpy(b + o, "_[k]", 4);
		o += 4;
	} else if (p->o.annotate_jit && jit_mod && !has_sub(b, o, "_[j]")) {
		memcpy(b + o, "_[j]", 4);
		o += 4;
	}
	id = tk_stacks_intern(p->dst, b, o, flags);
	if (id < 0)
		return (int)id;
	return push_id(p, (uint32_t)id);
}

static int on_frame(struct tk_perfscript *p, const char *pc, size_t pc_len, const char *func, size_t len,
		    const char *mod, size_t mod_len)
{
	const char *parts[64];
	size_t plen[64], np = 0, i;
	const char *cur = func, *end = func + len, *arrow;

	/* strip a trailing \+0x[0-9a-f]+ */
	{
		size_t h = len;

		while (h > 0 && (is_digit((unsigned char)func[h - 1]) || (func[h - 1] >= 'a' && func[h - 1] <= 'f')))
			h--;
		if (h < len && h >= 3 && !memcmp(func + h - 3, "+0x", 3))
			len = h - 3;
		end = func + len;
	}
	if (len && func[0] == '(')
		return 0;	/* "(comm)": a process name, not a frame */
	/* split on "->"; like Perl's split, trailing empty fields are dropped */
	while (np < 64) {
		arrow = memmem(cur, (size_t)(end - cur), "->", 2);
		parts[np] = cur;
		plen[np] = arrow ? (size_t)(arrow - cur) : (size_t)(end - cur);
		np++;
		if (!arrow)
			break;
		cur = arrow + 2;
	}
	while (np && plen[np - 1] == 0)
		np--;
	/* frames are kept leaf first and a chain reads caller first: push its last part first */
	for (i = np; i-- > 0;) {
		int err = add_frame(p, parts[i], plen[i], pc, pc_len, mod, mod_len, i > 0);

		if (err)
			return err;
	}
	return 0;
}

static inline bool cache_hit(struct tk_perfscript *p, const char *s, size_t n, uint64_t h)
{
	size_t mask = p->cache_tab_size - 1, j;

	if (!p->cache_tab_size)
		return false;
	for (j = h & mask; p->cache_tab[j]; j = (j + 1) & mask) {
		const struct line_entry *e = &p->cache[p->cache_tab[j] - 1];

		if (e->hash == h && e->len == n && e->java == p->pname_java && same_bytes(p->cache_text + e->text, s, n)) {
			if (!e->nids)
				return true;
			if (p->nids + e->nids > p->ids_cap &&
			    tk_grow_array((void **)&p->ids, &p->ids_cap, p->nids + e->nids, sizeof(*p->ids)))
				return false;
			if (e->nids == 1)
				p->ids[p->nids] = p->cache_ids[e->ids];
			else
				memcpy(p->ids + p->nids, p->cache_ids + e->ids, e->nids * sizeof(*p->ids));
			p->nids += e->nids;
			return true;
		}
	}
	return false;
}

static int cache_put(struct tk_perfscript *p, const char *s, size_t n, uint64_t h, size_t first_id)
{
	size_t nids = p->nids - first_id, mask, j;
	struct line_entry *e;

	if (p->cache_text_len + n + p->cache_ids_len * 4 > LINE_CACHE_MAX)
		cache_clear(p);
	if ((p->cache_len + 1) * 2 > p->cache_tab_size) {
		size_t size = p->cache_tab_size ? p->cache_tab_size * 2 : 4096, i;
		uint32_t *nt = calloc(size, sizeof(*nt));

		if (!nt)
			return -ENOMEM;
		for (i = 0; i < p->cache_len; i++) {
			for (j = p->cache[i].hash & (size - 1); nt[j]; j = (j + 1) & (size - 1))
				;
			nt[j] = (uint32_t)i + 1;
		}
		free(p->cache_tab);
		p->cache_tab = nt;
		p->cache_tab_size = size;
	}
	if (tk_grow_array((void **)&p->cache, &p->cache_cap, p->cache_len + 1, sizeof(*p->cache)) ||
	    tk_grow_array((void **)&p->cache_text, &p->cache_text_cap, p->cache_text_len + n, 1) ||
	    tk_grow_array((void **)&p->cache_ids, &p->cache_ids_cap, p->cache_ids_len + nids, sizeof(*p->cache_ids)))
		return -ENOMEM;
	e = &p->cache[p->cache_len];
	e->hash = h;
	e->text = p->cache_text_len;
	e->len = (uint32_t)n;
	e->ids = (uint32_t)p->cache_ids_len;
	e->nids = (uint32_t)nids;
	e->java = p->pname_java;
	memcpy(p->cache_text + p->cache_text_len, s, n);
	p->cache_text_len += n;
	if (nids)
		memcpy(p->cache_ids + p->cache_ids_len, p->ids + first_id, nids * sizeof(*p->ids));
	p->cache_ids_len += nids;
	mask = p->cache_tab_size - 1;
	for (j = h & mask; p->cache_tab[j]; j = (j + 1) & mask)
		;
	p->cache_tab[j] = (uint32_t)++p->cache_len;
	return 0;
}

static int malformed(struct tk_perfscript *p)
{
	p->st->malformed++;
	if (!p->st->first_bad_line)
		p->st->first_bad_line = p->st->lines;
	return 0;
}

/* A line starting with a blank inside a sample (h: its hash), not in the cache: a frame, cached. */
static __attribute__((noinline)) int frame_line_new(struct tk_perfscript *p, const char *s, size_t n, uint64_t h)
{
	size_t pc_len, func_len, mod_len, first = p->nids;
	const char *pc, *func, *mod;
	int err;

	if (!match_frame(s, n, &pc, &pc_len, &func, &func_len, &mod, &mod_len))
		return malformed(p);
	err = on_frame(p, pc, pc_len, func, func_len, mod, mod_len);
	return err ? err : cache_put(p, s, n, h, first);
}

static inline int frame_line(struct tk_perfscript *p, const char *s, size_t n, uint64_t h)
{
	return cache_hit(p, s, n, h) ? 0 : frame_line_new(p, s, n, h);
}

int tk_perfscript_line(struct tk_perfscript *p, const char *s, size_t n)
{
	size_t comm_len, pid_len, tid_len, pc_len, func_len, mod_len;
	const char *pid, *tid, *pc, *func, *mod;

	p->st->lines++;
	if (n && s[0] == '#')
		return 0;
	if (n == 0) {
		if (!p->pname_set)
			return 0;
		return flush_sample(p);
	}
	/* a frame line starts with a blank, which a header cannot: try the cache first */
	if (is_space((unsigned char)s[0]) && p->pname_set && n < UINT32_MAX)
		return frame_line(p, s, n, line_hash(s, n));
	if (match_header(s, n, &comm_len, &pid, &pid_len, &tid, &tid_len))
		return on_header(p, s, n, comm_len, pid, pid_len, tid, tid_len);
	if (match_frame(s, n, &pc, &pc_len, &func, &func_len, &mod, &mod_len)) {
		if (!p->pname_set)
			return 0;
		return on_frame(p, pc, pc_len, func, func_len, mod, mod_len);
	}
	return malformed(p);
}

/* Whole lines s[0..n) (the last may lack its '\n'): frame lines inline, the rest line by line. */
static int perfscript_block(struct tk_perfscript *p, const char *s, size_t n)
{
	const char *end = s + n;

	while (s < end) {
		const char *nl = line_end(s, end);
		size_t len = (size_t)(nl - s);
		int err;

		if (len && is_space((unsigned char)s[0]) && p->pname_set && len < UINT32_MAX) {
			p->st->lines++;
			err = frame_line(p, s, len, line_hash(s, len));
		} else {
			err = tk_perfscript_line(p, s, len);
		}
		if (err)
			return err;
		if (nl == end)
			break;
		s = nl + 1;
	}
	return 0;
}

int tk_perfscript_finish(struct tk_perfscript *p)
{
	if (p->pname_set)
		return flush_sample(p);
	return 0;
}

static int read_all(struct tk_stacks *dst, struct tk_input *in, const struct tk_perfscript_opts *o,
		    struct tk_parse_stats *st)
{
	struct tk_perfscript *p = tk_perfscript_new(dst, o, st);
	const char *block;
	size_t len;
	int r, err = 0;

	if (!p)
		return -ENOMEM;
	while ((r = tk_input_block(in, &block, &len)) > 0) {
		err = perfscript_block(p, block, len);
		if (err)
			break;
	}
	if (!err && r < 0)
		err = r;
	if (!err)
		err = tk_perfscript_finish(p);
	tk_perfscript_free(p);
	return err;
}

/*
 * The event a sequential parse keeps by default: that of the first header line. Header lines are
 * recognised by their text alone (they start with no blank), so the lines already buffered decide;
 * false when none of those whole lines is one.
 */
static bool first_event(const char *s, size_t n, char *ev, size_t size)
{
	const char *end = s + n;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *pid, *tid, *period, *event;
		size_t len, comm_len, pid_len, tid_len, period_len, event_len;

		if (!nl)
			return false;	/* maybe cut short by the buffer */
		len = (size_t)(nl - s);
		if (len && s[0] != '#' && !is_space((unsigned char)s[0]) &&
		    match_header(s, len, &comm_len, &pid, &pid_len, &tid, &tid_len) &&
		    match_event(s, len, &period, &period_len, &event, &event_len)) {
			if (event_len >= size)
				event_len = size - 1;
			memcpy(ev, event, event_len);
			ev[event_len] = 0;
			return true;
		}
		s = nl + 1;
	}
	return false;
}

struct half {
	struct tk_stacks *s;
	struct tk_input *in;
	const struct tk_perfscript_opts *o;
	struct tk_parse_stats st;
	int err;
};

static void *half_main(void *arg)
{
	struct half *h = arg;

	h->err = read_all(h->s, h->in, h->o, &h->st);
	return NULL;
}

/*
 * Two threads for a big plain file: the first half into dst here, the second (from the first empty
 * line after the middle, where a sequential parse has no sample open) into its own aggregate, merged
 * in afterwards. The result is the sequential one: the default event is fixed from the first header
 * beforehand, stacks and frames merge in first-seen order, statistics add up (line numbers of the
 * second half shifted by the first's lines). 1: done; 0: not split, parse sequentially.
 */
static int read_split(struct tk_stacks *dst, struct tk_input *in, const struct tk_perfscript_opts *o,
		      struct tk_parse_stats *st)
{
	struct tk_perfscript_opts o2 = *o;
	struct half h = { .o = &o2 };
	struct tk_input *second;
	char ev[sizeof(st->event)];
	const char *head;
	pthread_t th;
	int err, err2;

	if (tk_stacks_keeps_order(dst))
		return 0;	/* a flame chart needs the samples in order */
	if (!o->event || !*o->event) {
		size_t hn = tk_input_peek(in, &head);

		if (!first_event(head, hn, ev, sizeof(ev)))
			return 0;
		o2.event = ev;
	}
	err = tk_input_split(in, o->split_min ? o->split_min : (2u << 20), &second);
	if (err <= 0)
		return err;
	h.in = second;
	h.s = tk_stacks_new();
	if (!h.s) {
		tk_input_join(in, second);
		return -ENOMEM;
	}
	if (pthread_create(&th, NULL, half_main, &h)) {
		/* no second thread: the same work, one half after the other */
		err = read_all(dst, in, o, st);
		half_main(&h);
	} else {
		err = read_all(dst, in, o, st);
		pthread_join(th, NULL);
	}
	err2 = h.err;
	if (!err && !err2)
		err2 = tk_stacks_merge(dst, h.s);
	tk_stacks_free(h.s);
	tk_input_join(in, second);
	if (err || err2)
		return err ? err : err2;
	if (!st->first_bad_line && h.st.first_bad_line)
		st->first_bad_line = st->lines + h.st.first_bad_line;
	if (!st->other_event[0])
		memcpy(st->other_event, h.st.other_event, sizeof(st->other_event));
	st->lines += h.st.lines;
	st->samples += h.st.samples;
	st->malformed += h.st.malformed;
	st->filtered += h.st.filtered;
	return 1;
}

int tk_perfscript_read(struct tk_stacks *dst, struct tk_input *in, const struct tk_perfscript_opts *o,
		       struct tk_parse_stats *st)
{
	static const struct tk_perfscript_opts none;
	int r;

	if (!o)
		o = &none;
	/* one CPU: a second thread would only add the merge */
	if (o->split_min != UINT64_MAX && sysconf(_SC_NPROCESSORS_ONLN) > 1) {
		r = read_split(dst, in, o, st);
		if (r)
			return r < 0 ? r : 0;
	}
	return read_all(dst, in, o, st);
}

/* Folded stacks -> stacks: "f1;f2;...;fn COUNT" or difffolded's "... COUNT1 COUNT2". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/stack/parse.h"

void tk_folded_init(struct tk_folded *p, struct tk_stacks *dst, int slot, struct tk_parse_stats *st)
{
	memset(p, 0, sizeof(*p));
	p->dst = dst;
	p->slot = slot;
	p->st = st;
}

void tk_folded_release(struct tk_folded *p)
{
	free(p->ids);
	free(p->prev);
	free(p->ends);
	p->ids = NULL;
	p->prev = NULL;
	p->ends = NULL;
	p->ids_cap = p->prev_cap = p->ends_cap = p->prev_len = p->prev_depth = 0;
}

/* How many leading frames of s[0..n) are the previous line's, byte for byte. */
static size_t shared_frames(const struct tk_folded *p, const char *s, size_t n)
{
	size_t m = n < p->prev_len ? n : p->prev_len, l = 0, k = 0;

	while (l + 8 <= m && !memcmp(s + l, p->prev + l, 8))
		l += 8;
	while (l < m && s[l] == p->prev[l])
		l++;
	if (l == n && n == p->prev_len)
		return p->prev_depth;
	/* frame k is shared when its closing ';' is inside the common prefix too */
	while (k < p->prev_depth && p->ends[k] < l)
		k++;
	/* "a;b" then "a;b;c": the previous line's last frame ends where this one has a ';' */
	if (k + 1 == p->prev_depth && p->ends[k] == p->prev_len && l == p->prev_len && n > l && s[l] == ';')
		k++;
	return k;
}

static inline bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * A trailing number "\s+\d+(\.\d*)?" at the end of s[0..*n): its value (rounded), and *n shrinks to
 * the text before its whitespace. False if there is none.
 */
static bool take_count(const char *s, size_t *n, uint64_t *val)
{
	size_t e = *n, i, dot, start;
	uint64_t v = 0;

	i = e;
	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	dot = i;
	if (i > 0 && s[i - 1] == '.') {
		i--;
		dot = i;
		while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
			i--;
		if (i == dot)
			return false;	/* ".5" needs digits before the dot */
	} else if (i == e) {
		return false;
	} else {
		dot = e;
	}
	start = i;
	if (start == 0 || !blank(s[start - 1]))
		return false;
	for (i = start; i < dot; i++) {
		if (v > (UINT64_MAX - 9) / 10) {
			v = UINT64_MAX;
			break;
		}
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (dot < e && dot + 1 < e && s[dot + 1] >= '5' && v < UINT64_MAX)
		v++;
	i = start;
	while (i > 0 && blank(s[i - 1]))
		i--;
	*n = i;
	*val = v;
	return true;
}

static unsigned suffix_flags(const char *f, size_t n)
{
	if (n < 4 || f[n - 4] != '_' || f[n - 3] != '[' || f[n - 1] != ']')
		return 0;
	switch (f[n - 2]) {
	case 'k':
		return TK_FRAME_KERNEL;
	case 'i':
		return TK_FRAME_INLINED;
	case 'j':
		return TK_FRAME_JIT;
	}
	return 0;
}

static int bad_line(struct tk_folded *p)
{
	p->st->malformed++;
	if (!p->st->first_bad_line)
		p->st->first_bad_line = p->st->lines;
	return 0;
}

int tk_folded_line(struct tk_folded *p, const char *s, size_t n)
{
	uint64_t c1, c2 = 0;
	bool two = false;
	size_t depth = 0, i, start;
	int err;

	p->st->lines++;
	if (n && s[n - 1] == '\r')
		n--;
	if (n == 0 || s[0] == '#')
		return 0;
	if (!take_count(s, &n, &c1))
		return bad_line(p);
	{
		size_t m = n;
		uint64_t c0;

		if (take_count(s, &m, &c0)) {
			c2 = c1;
			c1 = c0;
			n = m;
			two = true;
		}
	}
	depth = n ? shared_frames(p, s, n) : 0;
	start = depth ? p->ends[depth - 1] + 1 : 0;
	for (i = start; n && i <= n; i++) {
		const char *semi;
		int64_t id;

		semi = memchr(s + i, ';', n - i);
		i = semi ? (size_t)(semi - s) : n;
		if (tk_grow_array((void **)&p->ids, &p->ids_cap, depth + 1, sizeof(*p->ids)) ||
		    tk_grow_array((void **)&p->ends, &p->ends_cap, depth + 1, sizeof(*p->ends)))
			return -ENOMEM;
		id = tk_stacks_intern(p->dst, s + start, i - start, suffix_flags(s + start, i - start));
		if (id < 0)
			return (int)id;
		p->ends[depth] = i;
		p->ids[depth++] = (uint32_t)id;
		start = i + 1;
	}
	if (tk_grow_array((void **)&p->prev, &p->prev_cap, n + 1, 1))
		return -ENOMEM;
	memcpy(p->prev, s, n);
	p->prev_len = n;
	p->prev_depth = depth;
	if (two) {
		p->two_columns = true;
		err = tk_stacks_add_ids_slot(p->dst, 0, p->ids, depth, c1);
		if (!err)
			err = tk_stacks_add_ids_slot(p->dst, 1, p->ids, depth, c2);
	} else {
		err = tk_stacks_add_ids_slot(p->dst, p->slot, p->ids, depth, c1);
	}
	if (!err)
		p->st->samples++;
	return err;
}

int tk_folded_read(struct tk_stacks *dst, int slot, struct tk_input *in, struct tk_parse_stats *st,
		   bool *two_columns)
{
	struct tk_folded p;
	const char *line;
	size_t len;
	int r, err = 0;

	tk_folded_init(&p, dst, slot, st);
	while ((r = tk_input_line(in, &line, &len)) > 0) {
		err = tk_folded_line(&p, line, len);
		if (err)
			break;
	}
	if (!err && r < 0)
		err = r;
	if (two_columns)
		*two_columns = p.two_columns;
	tk_folded_release(&p);
	return err;
}

/*
 * The first line that is neither empty nor a comment decides: folded lines end in a count after
 * whitespace; perf script headers end in "event:" and frame lines in "(dso)".
 */
bool tk_looks_folded(const char *data, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - data) : len, n = e - i;
		uint64_t v;

		if (n && data[i + n - 1] == '\r')
			n--;
		if (n && data[i] != '#')
			return take_count(data + i, &n, &v);
		i = e + 1;
	}
	return false;
}

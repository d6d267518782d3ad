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
	p->ids = NULL;
	p->ids_cap = 0;
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
	for (i = 0, start = 0; i <= n; i++) {
		int64_t id;

		if (i < n && s[i] != ';')
			continue;
		if (depth == p->ids_cap) {
			size_t c = p->ids_cap ? p->ids_cap * 2 : 128;
			uint32_t *q = realloc(p->ids, c * sizeof(*q));

			if (!q)
				return -ENOMEM;
			p->ids = q;
			p->ids_cap = c;
		}
		if (n == 0)
			break;
		id = tk_stacks_intern(p->dst, s + start, i - start, suffix_flags(s + start, i - start));
		if (id < 0)
			return (int)id;
		p->ids[depth++] = (uint32_t)id;
		start = i + 1;
	}
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

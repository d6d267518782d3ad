/* The -e expression parser. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sys/filter.h"
#include "lib/sys/sysdesc.h"
#include "lib/util/strsim.h"

#define NBYTES ((TK_SYS_NR_MAX + 1 + 7) / 8)

void tk_sysfilter_init(struct tk_sysfilter *f)
{
	memset(f, 0, sizeof(*f));
	memset(f->trace, 0xff, sizeof(f->trace));
	f->trace_unknown = true;
	f->signals = ~0ULL;
	f->status = TK_STATUS_ALL;
	memset(f->abbrev.bits, 0xff, sizeof(f->abbrev.bits));
	f->abbrev.unknown = true;
}

bool tk_sysset_has(const struct tk_sysset *s, long nr)
{
	if (nr < 0 || nr > TK_SYS_NR_MAX)
		return s->unknown;
	return s->bits[nr / 8] >> (nr % 8) & 1;
}

bool tk_sysfilter_traced(const struct tk_sysfilter *f, long nr)
{
	if (nr < 0 || nr > TK_SYS_NR_MAX)
		return f->trace_unknown;
	return f->trace[nr / 8] >> (nr % 8) & 1;
}

bool tk_sysfilter_traces_all(const struct tk_sysfilter *f)
{
	long nr;

	if (!f->trace_unknown)
		return false;
	for (nr = 0; nr <= TK_SYS_NR_MAX; nr++)
		if (tk_sys_name(nr) && !tk_sysfilter_traced(f, nr))
			return false;
	return true;
}

bool tk_sysfilter_signal(const struct tk_sysfilter *f, int sig)
{
	if (sig < 1 || sig > 64)
		return true;
	return f->signals >> (sig - 1) & 1;
}

static const struct {
	const char *name;
	unsigned mask;
} classes[] = {
	{ "file", TK_CLS_FILE },     { "process", TK_CLS_PROCESS }, { "network", TK_CLS_NETWORK },
	{ "net", TK_CLS_NETWORK },   { "signal", TK_CLS_SIGNAL },   { "ipc", TK_CLS_IPC },
	{ "desc", TK_CLS_DESC },     { "memory", TK_CLS_MEMORY },   { "stat", TK_CLS_STAT },
	{ "lstat", TK_CLS_LSTAT },   { "fstat", TK_CLS_FSTAT },     { "%stat", TK_CLS_STAT | TK_CLS_LSTAT | TK_CLS_FSTAT },
	{ "statfs", TK_CLS_STATFS }, { "fstatfs", TK_CLS_FSTATFS }, { "%statfs", TK_CLS_STATFS | TK_CLS_FSTATFS },
	{ "creds", TK_CLS_CREDS },   { "clock", TK_CLS_CLOCK },     { "pure", TK_CLS_PURE },
};

static void set_bit(uint8_t *set, long nr)
{
	set[nr / 8] |= (uint8_t)(1u << (nr % 8));
}

static int err_out(char *err, size_t errsz, const char *fmt, const char *a, const char *b)
{
	snprintf(err, errsz, fmt, a, b);
	return -EINVAL;
}

/* Closest syscall name to word, for "did you mean". */
static const char *closest_syscall(const char *word)
{
	static const char *names[TK_SYS_NR_MAX + 1];
	size_t n = 0;
	long nr;

	for (nr = 0; nr <= TK_SYS_NR_MAX; nr++)
		if (tk_sys_name(nr))
			names[n++] = tk_sys_name(nr);
	return tk_closest(word, names, n);
}

static int add_syscall_word(uint8_t *set, bool *unknown, const char *w, char *err, size_t errsz)
{
	bool optional = false;
	long nr;
	size_t i;

	if (*w == '?') {
		optional = true;
		w++;
	}
	if (!*w)
		return err_out(err, errsz, "empty syscall name in -e trace=%s%s", "", "");
	if (!strcmp(w, "all")) {
		memset(set, 0xff, NBYTES);
		*unknown = true;
		return 0;
	}
	if (!strcmp(w, "none"))
		return 0;
	if (*w == '/') {
		regex_t re;
		int n = 0;

		if (regcomp(&re, w + 1, REG_EXTENDED | REG_NOSUB))
			return err_out(err, errsz, "invalid regular expression '%s' in -e trace=%s", w + 1, "");
		for (nr = 0; nr <= TK_SYS_NR_MAX; nr++)
			if (tk_sys_name(nr) && !regexec(&re, tk_sys_name(nr), 0, NULL, 0)) {
				set_bit(set, nr);
				n++;
			}
		regfree(&re);
		if (!n && !optional)
			return err_out(err, errsz, "no syscall matches '/%s' in -e trace=%s", w + 1, "");
		return 0;
	}
	if (*w == '%' || !tk_sys_number(w) || tk_sys_number(w) == -ENOENT) {
		const char *c = *w == '%' ? w + 1 : w;

		for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
			if (!strcmp(c, classes[i].name)) {
				for (nr = 0; nr <= TK_SYS_NR_MAX; nr++) {
					const struct tk_sysdesc *d = tk_sysdesc_get(nr);

					if (d && (d->classes & classes[i].mask))
						set_bit(set, nr);
				}
				return 0;
			}
		if (*w == '%')
			return err_out(err, errsz, "unknown syscall class '%s' in -e trace=%s", w, "");
	}
	nr = tk_sys_number(w);
	if (nr < 0) {
		char *end;
		long num = strtol(w, &end, 0);

		if (!*end && end != w && num >= 0 && num <= TK_SYS_NR_MAX) {
			set_bit(set, num);
			return 0;
		}
		if (optional)
			return 0;
		{
			const char *near = closest_syscall(w);

			if (near)
				return err_out(err, errsz, "unknown syscall '%s' in -e trace= (did you mean '%s'?)", w,
					       near);
			return err_out(err, errsz, "unknown syscall '%s' in -e trace=%s", w, "");
		}
	}
	set_bit(set, nr);
	return 0;
}

/* A syscall set (trace=, raw=, ...) into set/unknown: names, classes, regexes, !negation. */
static int parse_sysset(uint8_t *set, bool *unknown, const char *val, char *err, size_t errsz)
{
	bool neg = false;
	char *copy, *tok, *save = NULL;
	int r = 0;
	size_t i;

	memset(set, 0, NBYTES);
	*unknown = false;
	if (*val == '!') {
		neg = true;
		val++;
	}
	if (!*val)
		return err_out(err, errsz, "empty syscall list in -e trace=%s%s", "", "");
	copy = strdup(val);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		r = add_syscall_word(set, unknown, tok, err, errsz);
		if (r)
			break;
	}
	free(copy);
	if (r)
		return r;
	if (neg) {
		for (i = 0; i < NBYTES; i++)
			set[i] = (uint8_t)~set[i];
		*unknown = !*unknown;
	}
	return 0;
}

/* One clause into a set: the first replaces the default, later ones add to it (strace's rule). */
static int parse_set_into(uint8_t *bits, bool *unknown, bool *given, const char *val, char *err, size_t errsz)
{
	uint8_t set[NBYTES];
	bool unk;
	size_t i;
	int r = parse_sysset(set, &unk, val, err, errsz);

	if (r)
		return r;
	if (!*given) {
		memset(bits, 0, NBYTES);
		*unknown = false;
		*given = true;
	}
	for (i = 0; i < NBYTES; i++)
		bits[i] |= set[i];
	*unknown |= unk;
	return 0;
}

static int parse_set_qualifier(struct tk_sysset *s, const char *val, char *err, size_t errsz)
{
	return parse_set_into(s->bits, &s->unknown, &s->given, val, err, errsz);
}

static int parse_trace(struct tk_sysfilter *f, const char *val, char *err, size_t errsz)
{
	return parse_set_into(f->trace, &f->trace_unknown, &f->trace_given, val, err, errsz);
}

static int parse_signals(struct tk_sysfilter *f, const char *val, char *err, size_t errsz)
{
	uint64_t set = 0;
	bool neg = false;
	char *copy, *tok, *save = NULL;
	int r = 0;

	if (*val == '!') {
		neg = true;
		val++;
	}
	copy = strdup(val);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		long n = strtol(tok, &end, 10);
		int s;

		if (!strcmp(tok, "all")) {
			set = ~0ULL;
			continue;
		}
		if (!strcmp(tok, "none"))
			continue;
		if (!*end && end != tok && n >= 1 && n <= 64) {
			set |= 1ULL << (n - 1);
			continue;
		}
		s = tk_signal_number(tok);
		if (s < 0) {
			r = err_out(err, errsz, "unknown signal '%s' in -e signal=%s", tok, "");
			break;
		}
		set |= 1ULL << (s - 1);
	}
	free(copy);
	if (r)
		return r;
	if (neg)
		set = ~set;
	if (!f->signals_given) {
		f->signals = 0;
		f->signals_given = true;
	}
	f->signals |= set;
	return 0;
}

static int parse_status(struct tk_sysfilter *f, const char *val, char *err, size_t errsz)
{
	static const struct {
		const char *name;
		unsigned bit;
	} st[] = { { "successful", TK_STATUS_SUCCESSFUL }, { "failed", TK_STATUS_FAILED },
		   { "unfinished", TK_STATUS_UNFINISHED }, { "unavailable", TK_STATUS_UNAVAILABLE },
		   { "detached", TK_STATUS_DETACHED },	   { "all", TK_STATUS_ALL },
		   { "none", 0 } };
	unsigned set = 0;
	bool neg = false;
	char *copy, *tok, *save = NULL;
	int r = 0;
	size_t i;

	if (*val == '!') {
		neg = true;
		val++;
	}
	copy = strdup(val);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(st) / sizeof(st[0]); i++)
			if (!strcmp(tok, st[i].name))
				break;
		if (i == sizeof(st) / sizeof(st[0])) {
			r = err_out(err, errsz, "unknown status '%s' in -e status=%s", tok, "");
			break;
		}
		set |= st[i].bit;
	}
	free(copy);
	if (r)
		return r;
	if (neg)
		set = ~set & TK_STATUS_ALL;
	if (!f->status_given) {
		f->status = 0;
		f->status_given = true;
	}
	f->status |= set;
	return 0;
}

bool tk_fdset_has(const struct tk_fdset *s, int64_t fd)
{
	if (fd < 0)
		return false;
	if (fd >= TK_FDSET_MAX)
		return s->others;
	return s->bits[fd / 8] >> (fd % 8) & 1;
}

/* read=/write=: "3,5", "all", "none", "!3" */
static int parse_fdset(struct tk_fdset *out, const char *key, const char *val, char *err, size_t errsz)
{
	struct tk_fdset set;
	bool neg = false;
	char *copy, *tok, *save = NULL;
	int r = 0;
	size_t i;

	memset(&set, 0, sizeof(set));
	if (*val == '!') {
		neg = true;
		val++;
	}
	copy = strdup(val);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		long fd;

		if (!strcmp(tok, "all")) {
			memset(set.bits, 0xff, sizeof(set.bits));
			set.others = true;
			continue;
		}
		if (!strcmp(tok, "none"))
			continue;
		errno = 0;
		fd = strtol(tok, &end, 10);
		if (*end || end == tok || fd < 0 || fd >= TK_FDSET_MAX || errno) {
			snprintf(err, errsz, "invalid descriptor '%s' in -e %s= (want 0..%d, all or none)", tok, key,
				 TK_FDSET_MAX - 1);
			r = -EINVAL;
			break;
		}
		set.bits[fd / 8] |= (uint8_t)(1u << (fd % 8));
	}
	free(copy);
	if (r)
		return r;
	if (neg) {
		for (i = 0; i < sizeof(set.bits); i++)
			set.bits[i] = (uint8_t)~set.bits[i];
		set.others = !set.others;
	}
	for (i = 0; i < sizeof(set.bits); i++)
		out->bits[i] |= set.bits[i];
	out->others |= set.others;
	return 0;
}

static int parse_uint(const char *s, const char **end, unsigned *v)
{
	unsigned long n;
	char *e;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoul(s, &e, 10);
	if (errno || n < 1 || n > 65535)
		return -EINVAL;
	*v = (unsigned)n;
	*end = e;
	return 0;
}

/* when=first[..last][+[step]] */
static int parse_when(struct tk_inject *in, const char *w)
{
	const char *p = w;

	in->step = 0;
	in->last = 0;
	if (parse_uint(p, &p, &in->first))
		return -EINVAL;
	if (!strncmp(p, "..", 2)) {
		if (parse_uint(p + 2, &p, &in->last) || in->last < in->first)
			return -EINVAL;
		in->step = 1;
	} else if (!*p) {
		in->last = in->first;
	}
	if (*p == '+') {
		in->step = 1;
		if (p[1] && parse_uint(p + 1, &p, &in->step))
			return -EINVAL;
		if (*p == '+')
			p++;
	}
	return *p ? -EINVAL : 0;
}

/* inject=SET:error=E|retval=N[:when=W]; fault=SET[:error=E][:when=W] (error defaults to ENOSYS) */
static int parse_inject(struct tk_sysfilter *f, const char *key, const char *val, char *err, size_t errsz)
{
	struct tk_inject in;
	struct tk_sysfilter sel;
	bool fault = !strcmp(key, "fault"), have_ret = false;
	char *copy, *colon, *tok, *save = NULL;
	int r;

	memset(&in, 0, sizeof(in));
	in.first = 1;
	in.step = 1;
	if (f->ninject == TK_INJECT_MAX) {
		snprintf(err, errsz, "too many -e inject=/fault= (at most %d)", TK_INJECT_MAX);
		return -EINVAL;
	}
	copy = strdup(val);
	if (!copy)
		return -ENOMEM;
	colon = strchr(copy, ':');
	if (colon)
		*colon = 0;
	tk_sysfilter_init(&sel);
	r = parse_trace(&sel, copy, err, errsz);
	if (r) {
		free(copy);
		return r;
	}
	memcpy(in.set, sel.trace, sizeof(in.set));
	for (tok = colon ? strtok_r(colon + 1, ":", &save) : NULL; tok; tok = strtok_r(NULL, ":", &save)) {
		char *end;

		if (!strncmp(tok, "error=", 6)) {
			int64_t e;
			long n;

			errno = 0;
			n = strtol(tok + 6, &end, 10);
			if (!tk_xlat_value(&tk_xlat_errno, tok + 6, &e)) {
				in.error = (int)e;
			} else if (!*end && end != tok + 6 && !errno && n > 0 && n < 4096) {
				in.error = (int)n;
			} else {
				snprintf(err, errsz, "unknown error '%s' in -e %s= (want a name such as ENOENT, or 1..4095)",
					 tok + 6, key);
				r = -EINVAL;
				break;
			}
		} else if (!strncmp(tok, "retval=", 7) && !fault) {
			errno = 0;
			in.retval = strtoll(tok + 7, &end, 0);
			if (*end || end == tok + 7 || errno) {
				snprintf(err, errsz, "invalid retval '%s' in -e %s=", tok + 7, key);
				r = -EINVAL;
				break;
			}
			have_ret = true;
		} else if (!strncmp(tok, "when=", 5)) {
			if (parse_when(&in, tok + 5)) {
				snprintf(err, errsz, "invalid when '%s' in -e %s= (want first[..last][+[step]], 1..65535)",
					 tok + 5, key);
				r = -EINVAL;
				break;
			}
		} else {
			snprintf(err, errsz, "unknown -e %s= qualifier '%s' (want error=, %swhen=)", key, tok,
				 fault ? "" : "retval=, ");
			r = -EINVAL;
			break;
		}
	}
	free(copy);
	if (r)
		return r;
	if (fault && !in.error)
		in.error = ENOSYS;
	if (!in.error && !have_ret) {
		snprintf(err, errsz, "-e inject= needs error= or retval=");
		return -EINVAL;
	}
	if (in.error && have_ret) {
		snprintf(err, errsz, "-e inject= takes error= or retval=, not both");
		return -EINVAL;
	}
	f->inject[f->ninject++] = in;
	return 0;
}

const struct tk_inject *tk_sysfilter_inject(const struct tk_sysfilter *f, long nr, unsigned n)
{
	int i;

	if (nr < 0 || nr > TK_SYS_NR_MAX)
		return NULL;
	/* the last rule naming a syscall wins, as a later -e replaces an earlier one in strace */
	for (i = f->ninject - 1; i >= 0; i--) {
		const struct tk_inject *in = &f->inject[i];

		if (!(in->set[nr / 8] >> (nr % 8) & 1))
			continue;
		if (n < in->first || (in->last && n > in->last))
			return NULL;
		if (n == in->first || (in->step && (n - in->first) % in->step == 0))
			return in;
		return NULL;
	}
	return NULL;
}

bool tk_sysfilter_injects(const struct tk_sysfilter *f, long nr)
{
	int i;

	if (nr < 0 || nr > TK_SYS_NR_MAX)
		return false;
	for (i = 0; i < f->ninject; i++)
		if (f->inject[i].set[nr / 8] >> (nr % 8) & 1)
			return true;
	return false;
}

int tk_sysfilter_parse(struct tk_sysfilter *f, const char *expr, char *err, size_t errsz)
{
	const char *eq = strchr(expr, '=');
	size_t klen = eq ? (size_t)(eq - expr) : 0;
	const char *val = eq ? eq + 1 : expr;

	if (!eq || !strncmp(expr, "trace", klen) || (klen == 1 && *expr == 't'))
		return parse_trace(f, val, err, errsz);
	if (!strncmp(expr, "signal", klen) || !strncmp(expr, "signals", klen) || (klen == 1 && *expr == 's'))
		return parse_signals(f, val, err, errsz);
	if (!strncmp(expr, "status", klen))
		return parse_status(f, val, err, errsz);
	if (klen && (!strncmp(expr, "read", klen) || !strncmp(expr, "reads", klen) ||
		     !strncmp(expr, "write", klen) || !strncmp(expr, "writes", klen))) {
		bool rd = *expr == 'r';
		int r = parse_fdset(rd ? &f->dump_read : &f->dump_write, rd ? "read" : "write", val, err, errsz);

		if (!r)
			f->dumps = true;
		return r;
	}
	if (klen && (!strncmp(expr, "inject", klen) || !strncmp(expr, "fault", klen)) && klen >= 5)
		return parse_inject(f, *expr == 'i' ? "inject" : "fault", val, err, errsz);
	/* strace's one-letter forms: x for raw, a for abbrev */
	if ((klen >= 2 && !strncmp(expr, "raw", klen)) || (klen == 1 && *expr == 'x'))
		return parse_set_qualifier(&f->raw, val, err, errsz);
	if ((klen >= 2 && !strncmp(expr, "abbrev", klen)) || (klen == 1 && *expr == 'a'))
		return parse_set_qualifier(&f->abbrev, val, err, errsz);
	snprintf(err, errsz, "unknown -e qualifier '%.*s'", (int)klen, expr);
	return -EINVAL;
}

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

static int parse_trace(struct tk_sysfilter *f, const char *val, char *err, size_t errsz)
{
	uint8_t set[NBYTES];
	bool unknown = false, neg = false;
	char *copy, *tok, *save = NULL;
	int r = 0;
	size_t i;

	memset(set, 0, sizeof(set));
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
		r = add_syscall_word(set, &unknown, tok, err, errsz);
		if (r)
			break;
	}
	free(copy);
	if (r)
		return r;
	if (neg) {
		for (i = 0; i < sizeof(set); i++)
			set[i] = (uint8_t)~set[i];
		unknown = !unknown;
	}
	if (!f->trace_given) {
		memset(f->trace, 0, sizeof(f->trace));
		f->trace_unknown = false;
		f->trace_given = true;
	}
	for (i = 0; i < sizeof(set); i++)
		f->trace[i] |= set[i];
	f->trace_unknown |= unknown;
	return 0;
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
	snprintf(err, errsz, "unknown -e qualifier '%.*s'", (int)klen, expr);
	return -EINVAL;
}

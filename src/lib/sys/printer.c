/* strace's output discipline over backend-neutral events: lines, unfinished/resumed, -c, JSON. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "lib/sys/pathtrace.h"
#include "lib/sys/printer.h"
#include "lib/util/json.h"

#define ACOLUMN 40 /* strace aligns " = " at column 40 */

struct task {
	int tid;
	bool in_syscall;  /* entered, not yet exited */
	bool shown;	  /* the in-flight syscall is being printed (traced) */
	bool pending;	  /* line holds text not yet written (entry half) */
	bool interrupted; /* the entry half went out as "<unfinished ...>" */
	unsigned pmatch;  /* -P: how the in-flight call touches a traced path (TK_PATH_BY_*) */
	struct tk_syscall sc;
	int next_arg;
	char comm[16];	  /* -a */
	struct strbuf line;
	long spans[12]; /* each argument's text in line, for --json */
	uint64_t peek[6]; /* the in-flight call's entry-time inputs (tk_argdesc.peek) */
	unsigned peek_ok;
};

struct tk_printer {
	const struct tk_trace_opts *o;
	tk_trace_stream_fn *stream;
	void *ctx;
	struct task **tasks; /* open addressing by tid */
	size_t cap, n;
	struct task *last;   /* the task found last: a task's entry and exit come in pairs */
	int live;	     /* tasks alive: "[pid N]" appears when more than one */
	int pending_tid;     /* whose entry half is buffered, 0 none */
	uint64_t last_mono;  /* -r */
	struct tk_summary *sum;
	uint64_t lost;
	struct strbuf out;
	struct strbuf extra; /* after the -c table */
	struct tk_pathtrace *paths; /* -P, or NULL */
	time_t tm_sec;		    /* -t/-tt: the second tm holds */
	struct tm tm;
	bool tm_valid;
};

static struct task **slot(struct tk_printer *p, int tid)
{
	size_t i = ((size_t)tid * 2654435761u) & (p->cap - 1);

	while (p->tasks[i] && p->tasks[i]->tid != tid)
		i = (i + 1) & (p->cap - 1);
	return &p->tasks[i];
}

static int grow(struct tk_printer *p)
{
	struct task **old = p->tasks;
	size_t oldcap = p->cap, i;

	p->cap = oldcap ? oldcap * 2 : 64;
	p->tasks = calloc(p->cap, sizeof(*p->tasks));
	if (!p->tasks) {
		p->tasks = old;
		p->cap = oldcap;
		return -ENOMEM;
	}
	for (i = 0; i < oldcap; i++)
		if (old[i])
			*slot(p, old[i]->tid) = old[i];
	free(old);
	return 0;
}

static struct task *find(struct tk_printer *p, int tid)
{
	struct task *t;

	if (p->last && p->last->tid == tid)
		return p->last;
	t = p->cap ? *slot(p, tid) : NULL;
	if (t)
		p->last = t;
	return t;
}

static struct task *get(struct tk_printer *p, int tid)
{
	struct task *t = find(p, tid), **s;

	if (t)
		return t;
	if ((p->n + 1) * 2 > p->cap && grow(p))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = tid;
	sb_init(&t->line);
	s = slot(p, tid);
	*s = t;
	p->n++;
	p->live++;
	return t;
}

static void drop(struct tk_printer *p, int tid)
{
	struct task **s, *t;
	size_t i, j;

	if (!p->cap)
		return;
	s = slot(p, tid);
	t = *s;
	if (!t)
		return;
	if (p->last == t)
		p->last = NULL;
	sb_release(&t->line);
	free(t);
	*s = NULL;
	p->n--;
	p->live--;
	if (p->pending_tid == tid)
		p->pending_tid = 0;
	/* re-insert the cluster after the hole so lookups keep finding them */
	i = (size_t)(s - p->tasks);
	for (j = (i + 1) & (p->cap - 1); p->tasks[j]; j = (j + 1) & (p->cap - 1)) {
		struct task *m = p->tasks[j];

		p->tasks[j] = NULL;
		*slot(p, m->tid) = m;
	}
}

struct tk_printer *tk_printer_new(const struct tk_trace_opts *o, tk_trace_stream_fn *stream, void *ctx)
{
	struct tk_printer *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->o = o;
	p->stream = stream;
	p->ctx = ctx;
	p->sum = calloc(1, sizeof(*p->sum));
	if (!p->sum || grow(p)) {
		free(p->sum);
		free(p);
		return NULL;
	}
	sb_init(&p->out);
	sb_init(&p->extra);
	if (o->npaths) {
		int i;

		p->paths = tk_pathtrace_new();
		for (i = 0; p->paths && i < o->npaths; i++)
			if (tk_pathtrace_add(p->paths, o->paths[i]))
				break;
		if (!p->paths || i < o->npaths) {
			tk_printer_free(p);
			return NULL;
		}
	}
	return p;
}

void tk_printer_free(struct tk_printer *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->cap; i++)
		if (p->tasks[i]) {
			sb_release(&p->tasks[i]->line);
			free(p->tasks[i]);
		}
	free(p->tasks);
	free(p->sum);
	tk_pathtrace_free(p->paths);
	sb_release(&p->out);
	sb_release(&p->extra);
	free(p);
}

struct tk_summary *tk_printer_summary(struct tk_printer *p)
{
	return p->sum;
}

void tk_printer_lost(struct tk_printer *p, uint64_t n)
{
	p->lost += n;
}

uint64_t tk_printer_lost_count(const struct tk_printer *p)
{
	return p->lost;
}

void tk_printer_task_new(struct tk_printer *p, int tid)
{
	get(p, tid);
}

void tk_printer_task_comm(struct tk_printer *p, int tid, const char *comm)
{
	struct task *t = get(p, tid);

	if (t)
		snprintf(t->comm, sizeof(t->comm), "%s", comm);
}

void tk_printer_summary_extra(struct tk_printer *p, const char *text)
{
	sb_adds(&p->extra, text);
}

/* per-event output: off with -c alone (the table, or its one JSON object, is all) */
static bool events_on(const struct tk_printer *p)
{
	return p->o->summary != 1;
}

static bool lines_on(const struct tk_printer *p)
{
	return events_on(p) && !p->o->json;
}

static void emit(struct tk_printer *p, int tid, const char *s, size_t n)
{
	FILE *f = p->stream(p->ctx, tid);

	/* unlocked: the printer is the stream's one writer (the lock was a visible cost per line) */
	if (f)
		fwrite_unlocked(s, 1, n, f);
}

/* JSON's "pid", and with -a the task's command name beside it (the text lines' "comm/pid") */
static void json_pid(struct tk_printer *p, struct json_writer *w, int tid)
{
	struct task *t;

	json_kint(w, "pid", tid);
	if (p->o->all && (t = find(p, tid)) && t->comm[0])
		json_kstr(w, "comm", t->comm);
}

/* "[pid  123] " / "123   " and the -t/-tt/-ttt/-r stamp */
/* ip: -i's instruction pointer, TK_IP_UNKNOWN for lines of no place ("+++ exited"), as strace's "?" */
static void leader(struct tk_printer *p, struct strbuf *sb, int tid, uint64_t ts, uint64_t mono, uint64_t ip)
{
	const struct tk_trace_opts *o = p->o;
	struct task *t;

	if (o->all) {
		t = find(p, tid);
		sb_adds(sb, t && t->comm[0] ? t->comm : "?");
		sb_addc(sb, '/');
		sb_add_i64(sb, tid);
		sb_addc(sb, ' ');
	} else if (o->follow < 2) {
		if (o->output_is_file && (o->follow || p->live > 1)) {
			sb_add_decw(sb, tid, -5, ' ');
			sb_addc(sb, ' ');
		} else if (!o->output_is_file && p->live > 1) {
			sb_adds(sb, "[pid ");
			sb_add_decw(sb, tid, 5, ' ');
			sb_adds(sb, "] ");
		}
	}
	if (o->ts != TK_TS_NONE) {
		time_t sec = (time_t)(ts / 1000000000);
		struct tm tm;

		if (o->ts == TK_TS_EPOCH) {
			sb_add_u64(sb, ts / 1000000000);
			sb_addc(sb, '.');
			sb_add_decw(sb, (int64_t)(ts / 1000 % 1000000), 6, '0');
			sb_addc(sb, ' ');
		} else {
			/* localtime_r's conversion is the same for a whole second of lines */
			if (sec != p->tm_sec || !p->tm_valid) {
				localtime_r(&sec, &p->tm);
				p->tm_sec = sec;
				p->tm_valid = true;
			}
			tm = p->tm;
			sb_add_decw(sb, tm.tm_hour, 2, '0');
			sb_addc(sb, ':');
			sb_add_decw(sb, tm.tm_min, 2, '0');
			sb_addc(sb, ':');
			sb_add_decw(sb, tm.tm_sec, 2, '0');
			if (o->ts == TK_TS_USEC) {
				sb_addc(sb, '.');
				sb_add_decw(sb, (int64_t)(ts / 1000 % 1000000), 6, '0');
			}
			sb_addc(sb, ' ');
		}
	}
	if (o->relative) {
		uint64_t d = p->last_mono && mono >= p->last_mono ? mono - p->last_mono : 0;

		/* beside an absolute stamp strace marks the delta: "12:00:01.000002 (+     0.000001) " */
		if (o->ts != TK_TS_NONE)
			sb_adds(sb, "(+");
		sb_add_decw(sb, (int64_t)(d / 1000000000), 6, ' ');
		sb_addc(sb, '.');
		sb_add_decw(sb, (int64_t)(d / 1000 % 1000000), 6, '0');
		sb_adds(sb, o->ts != TK_TS_NONE ? ") " : " ");
		p->last_mono = mono;
	}
	if (o->show_nr) {
		const struct task *t = find(p, tid);

		sb_addc(sb, '[');
		sb_add_decw(sb, t ? t->sc.nr : 0, 4, ' ');
		sb_adds(sb, "] ");
	}
	if (o->show_ip) {
		static const char hex[] = "0123456789abcdef";
		char h[16];
		int i;

		if (ip == TK_IP_UNKNOWN) {
			sb_adds(sb, "[????????????????] ");
		} else {
			for (i = 15; i >= 0; i--, ip >>= 4)
				h[i] = hex[ip & 15];
			sb_addc(sb, '[');
			sb_add(sb, h, 16);
			sb_adds(sb, "] ");
		}
	}
}

/* Another task's buffered entry half goes out as "<unfinished ...>" before tid prints. */
static void interrupt_pending(struct tk_printer *p, int tid)
{
	struct task *t;

	if (!p->pending_tid || p->pending_tid == tid || p->o->follow == 2 || p->o->filter.status_given)
		return;
	t = find(p, p->pending_tid);
	p->pending_tid = 0;
	if (!t || !t->pending)
		return;
	sb_adds(&t->line, " <unfinished ...>\n");
	emit(p, t->tid, sb_str(&t->line), t->line.len);
	sb_reset(&t->line);
	t->pending = false;
	t->interrupted = true;
}

static bool status_shown(const struct tk_printer *p, unsigned st)
{
	return (p->o->filter.status & st) != 0;
}

/* The formatting of syscall nr: -e abbrev= leaves some unabbreviated, as -v does all. */
static const struct tk_fmt_opts *call_fmt(const struct tk_printer *p, long nr, struct tk_fmt_opts *fo)
{
	if (p->o->fmt.verbose || tk_sysset_has(&p->o->filter.abbrev, nr))
		return &p->o->fmt;
	*fo = p->o->fmt;
	fo->verbose = true;
	return fo;
}

void tk_printer_enter(struct tk_printer *p, const struct tk_syscall *sc, struct tk_mem *mem)
{
	struct task *t = get(p, sc->tid);
	const struct tk_sysdesc *desc;
	struct tk_fmt_opts fo;
	struct tk_dec d;
	char nbuf[32];
	int i;

	if (!t)
		return;
	t->in_syscall = true;
	t->sc = *sc;
	t->pmatch = p->paths ? tk_pathtrace_match(p->paths, sc, mem) : 0;
	t->shown = tk_sysfilter_traced(&p->o->filter, sc->nr) && (!p->paths || t->pmatch);
	t->interrupted = false;
	t->next_arg = 0;
	if (!t->shown || !events_on(p))
		return;
	desc = tk_sysdesc_get(sc->nr);
	t->peek_ok = 0;
	for (i = 0; desc && i < desc->nargs && i < 6; i++) {
		uint64_t v = 0;

		if (desc->args[i].peek && desc->args[i].peek <= 8 && sc->args[i] &&
		    !mem->ops->read(mem->ctx, sc->tid, sc->args[i], &v, desc->args[i].peek)) {
			t->peek[i] = v;
			t->peek_ok |= 1u << i;
		}
	}
	interrupt_pending(p, sc->tid);
	sb_reset(&t->line);
	if (p->o->json)
		memset(t->spans, 0xff, sizeof(t->spans));
	if (!p->o->json)
		leader(p, &t->line, sc->tid, sc->ts_enter, sc->mono_enter, sc->ip);
	if (desc && desc->name[0]) {
		sb_adds(&t->line, desc->name);
	} else {
		snprintf(nbuf, sizeof(nbuf), "syscall_%#lx", (unsigned long)sc->nr);
		sb_adds(&t->line, nbuf);
	}
	sb_addc(&t->line, '(');
	if (desc) {
		d = (struct tk_dec){ .opt = call_fmt(p, sc->nr, &fo), .mem = mem, .sc = &t->sc, .desc = desc,
				     .out = &t->line, .spans = p->o->json ? t->spans : NULL,
				     .raw = tk_sysset_has(&p->o->filter.raw, sc->nr) };
		tk_sys_format_args(&d, &t->next_arg);
	}
	t->pending = true;
	p->pending_tid = sc->tid;
}

/* "ts": seconds since the epoch with microseconds, exact (a double in %g would round it) */
static void json_ts(struct json_writer *w, uint64_t ns)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64 ".%06" PRIu64, ns / 1000000000, ns / 1000 % 1000000);
	json_key(w, "ts");
	json_raw(w, buf);
}

/* JSON: args as strace text per argument; numbers stay numbers. */
/* strace's quoted string back to bytes: \n \t \\ \" \NNN \xHH */
static void unquote(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c != '\\' || i + 1 >= n) {
			sb_addc(sb, c);
			continue;
		}
		c = s[++i];
		switch (c) {
		case 'n': sb_addc(sb, '\n'); break;
		case 't': sb_addc(sb, '\t'); break;
		case 'r': sb_addc(sb, '\r'); break;
		case 'v': sb_addc(sb, '\v'); break;
		case 'f': sb_addc(sb, '\f'); break;
		case 'x': {
			unsigned v = 0, k;

			for (k = 0; k < 2 && i + 1 < n && strchr("0123456789abcdef", s[i + 1]); k++)
				v = v * 16 + (unsigned)(strchr("0123456789abcdef", s[++i]) - "0123456789abcdef");
			sb_addc(sb, (char)v);
			break;
		}
		default:
			if (c >= '0' && c <= '7') {
				unsigned v = (unsigned)(c - '0'), k;

				for (k = 1; k < 3 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7'; k++)
					v = v * 8 + (unsigned)(s[++i] - '0');
				sb_addc(sb, (char)v);
			} else {
				sb_addc(sb, c);
			}
		}
	}
}

/* One argument as a JSON value: numbers as numbers, strings as their bytes, the rest as text. */
static void json_arg(struct json_writer *w, const struct tk_sysdesc *desc, int i, const char *txt, size_t n)
{
	const struct tk_argdesc *a = &desc->args[i];
	char *end, num[32];
	bool numeric = a->kind == TK_ARG_INT || a->kind == TK_ARG_UINT || a->kind == TK_ARG_LONG ||
		       a->kind == TK_ARG_ULONG || a->kind == TK_ARG_FD || a->kind == TK_ARG_DIRFD;

	if (numeric && n < sizeof(num)) {
		memcpy(num, txt, n);
		num[n] = 0;
		strtoll(num, &end, 10);
		if (!*end && end != num) {
			json_raw(w, num);
			return;
		}
	}
	if (n >= 2 && txt[0] == '"' && (txt[n - 1] == '"' || (n >= 5 && !memcmp(txt + n - 4, "\"...", 4)))) {
		bool cut = txt[n - 1] != '"';
		struct strbuf raw = STRBUF_INIT;

		unquote(&raw, txt + 1, n - (cut ? 5 : 2));
		if (cut) {
			json_obj_begin(w);
			json_key(w, "str");
			json_strn(w, raw.buf ? raw.buf : "", raw.len);
			json_kbool(w, "truncated", true);
			json_obj_end(w);
		} else {
			json_strn(w, raw.buf ? raw.buf : "", raw.len);
		}
		sb_release(&raw);
		return;
	}
	json_strn(w, txt, n);
}

static void json_syscall(struct tk_printer *p, struct task *t, const struct tk_sysdesc *desc, bool returned)
{
	struct json_writer w;
	struct strbuf *sb = &p->out;
	const struct tk_syscall *sc = &t->sc;

	sb_reset(sb);
	json_init(&w, sb);
	json_obj_begin(&w);
	json_kstr(&w, "type", "syscall");
	json_ts(&w, sc->ts_enter);
	json_pid(p, &w, sc->tid);
	json_kstr(&w, "syscall", desc && desc->name[0] ? desc->name : "?");
	json_kint(&w, "nr", sc->nr);
	json_key(&w, "args");
	json_arr_begin(&w);
	if (desc) {
		int i;

		for (i = 0; i < desc->nargs; i++)
			if (t->spans[2 * i] >= 0 && t->spans[2 * i + 1] >= t->spans[2 * i])
				json_arg(&w, desc, i, sb_str(&t->line) + t->spans[2 * i],
					 (size_t)(t->spans[2 * i + 1] - t->spans[2 * i]));
	}
	json_arr_end(&w);
	json_key(&w, "ret");
	if (!returned) {
		json_null(&w);
	} else if (sc->ret < 0 && sc->ret >= -4095) {
		const char *en = tk_errno_name((int)-sc->ret);

		json_int(&w, -1);
		json_kstr(&w, "errno", en ? en : "E???");
	} else if (desc && desc->ret == TK_RET_HEX) {
		char hex[32];

		snprintf(hex, sizeof(hex), "%#" PRIx64, (uint64_t)sc->ret);
		json_str(&w, hex);
	} else {
		json_int(&w, sc->ret);
	}
	if (returned && sc->injected)
		json_kbool(&w, "injected", true);
	if (returned)
		json_kdouble(&w, "dur_us", (double)(sc->mono_exit - sc->mono_enter) / 1e3);
	json_obj_end(&w);
	sb_addc(sb, '\n');
	emit(p, sc->tid, sb_str(sb), sb->len);
}

void tk_printer_exit(struct tk_printer *p, const struct tk_syscall *sc, struct tk_mem *mem)
{
	struct task *t = get(p, sc->tid);
	const struct tk_sysdesc *desc;
	bool failed = sc->ret < 0 && sc->ret >= -4095;
	struct tk_fmt_opts fo;
	struct tk_dec d;
	size_t col;

	if (!t)
		return;
	if (!t->in_syscall) {
		/* exit without an entry (attached mid-call): strace shows nothing for it either */
		return;
	}
	t->in_syscall = false;
	t->sc.ret = sc->ret;
	if (p->paths)
		tk_pathtrace_exit(p->paths, &t->sc, mem, t->pmatch);
	if (!t->shown)
		return;
	t->sc.injected = sc->injected;
	t->sc.ts_exit = sc->ts_exit;
	t->sc.mono_exit = sc->mono_exit;
	if (p->o->summary) {
		uint64_t ns = sc->mono_exit - t->sc.mono_enter;

		if (!p->o->summary_wall && sc->has_stime)
			ns = sc->stime_exit >= sc->stime_enter ? sc->stime_exit - sc->stime_enter : 0;
		tk_summary_add(p->sum, sc->nr, ns, failed);
	}
	if (!events_on(p))
		return;
	if (!status_shown(p, failed ? TK_STATUS_FAILED : TK_STATUS_SUCCESSFUL)) {
		t->pending = false;
		if (p->pending_tid == sc->tid)
			p->pending_tid = 0;
		return;
	}
	desc = tk_sysdesc_get(sc->nr);
	interrupt_pending(p, sc->tid);
	if (t->interrupted) {
		sb_reset(&t->line);
		leader(p, &t->line, sc->tid, sc->ts_exit, sc->mono_exit, sc->ip);
		sb_addf(&t->line, "<... %s resumed>", desc && desc->name[0] ? desc->name : "syscall");
	}
	if (desc) {
		d = (struct tk_dec){ .opt = call_fmt(p, sc->nr, &fo), .mem = mem, .sc = &t->sc, .desc = desc,
				     .out = &t->line, .exiting = true, .failed = failed,
				     .spans = p->o->json ? t->spans : NULL, .peek = t->peek, .peek_ok = t->peek_ok,
				     .raw = tk_sysset_has(&p->o->filter.raw, sc->nr) };
		tk_sys_format_args(&d, &t->next_arg);
	}
	if (p->o->json) {
		json_syscall(p, t, desc, true);
		t->pending = false;
		p->pending_tid = 0;
		return;
	}
	sb_adds(&t->line, ") ");
	col = t->line.len;
	if (col < ACOLUMN)
		sb_addpad(&t->line, ' ', ACOLUMN - col);
	sb_adds(&t->line, "= ");
	if (desc) {
		d.out = &t->line;
		tk_sys_format_ret(&d);
	} else {
		sb_add_i64(&t->line, sc->ret);
	}
	if (sc->injected)
		sb_adds(&t->line, " (INJECTED)");
	if (p->o->show_duration) {
		uint64_t ns = sc->mono_exit - t->sc.mono_enter;

		sb_adds(&t->line, " <");
		sb_add_u64(&t->line, ns / 1000000000);
		sb_addc(&t->line, '.');
		sb_add_decw(&t->line, (int64_t)(ns / 1000 % 1000000), 6, '0');
		sb_addc(&t->line, '>');
	}
	sb_addc(&t->line, '\n');
	if (p->o->filter.dumps)
		tk_sys_dump(&t->line, &p->o->filter, &t->sc, mem);
	emit(p, sc->tid, sb_str(&t->line), t->line.len);
	sb_reset(&t->line);
	t->pending = false;
	t->interrupted = false;
	if (p->pending_tid == sc->tid)
		p->pending_tid = 0;
}

void tk_printer_signal(struct tk_printer *p, int tid, const siginfo_t *si, uint64_t ip, uint64_t ts,
		       uint64_t mono)
{
	struct strbuf *sb = &p->out;
	char buf[32];
	const char *n;

	get(p, tid);
	if (!tk_sysfilter_signal(&p->o->filter, si->si_signo) || !events_on(p))
		return;
	interrupt_pending(p, tid);
	sb_reset(sb);
	n = tk_signal_name(si->si_signo, buf, sizeof(buf));
	if (p->o->json) {
		struct json_writer w;
		struct strbuf info = STRBUF_INIT;

		tk_fmt_siginfo(&info, si, p->o->fmt.xstyle);
		json_init(&w, sb);
		json_obj_begin(&w);
		json_kstr(&w, "type", "signal");
		json_ts(&w, ts);
		json_pid(p, &w, tid);
		json_kstr(&w, "signal", n ? n : "?");
		json_kstr(&w, "siginfo", sb_str(&info));
		json_obj_end(&w);
		sb_addc(sb, '\n');
		sb_release(&info);
	} else {
		leader(p, sb, tid, ts, mono, ip);
		sb_addf(sb, "--- %s ", n ? n : "SIG???");
		tk_fmt_siginfo(sb, si, p->o->fmt.xstyle);
		sb_adds(sb, " ---\n");
	}
	emit(p, tid, sb_str(sb), sb->len);
}

/* A syscall that never returned (exit_group, a killed task): "exit_group(0) = ?" */
static void close_unreturned(struct tk_printer *p, struct task *t, uint64_t ts, uint64_t mono)
{
	const struct tk_sysdesc *desc = tk_sysdesc_get(t->sc.nr);
	size_t col;

	if (!t->in_syscall || !t->shown)
		return;
	t->in_syscall = false;
	/* strace -c leaves calls that never returned (exit_group) out of its table */
	if (!events_on(p))
		return;
	if (!status_shown(p, TK_STATUS_UNFINISHED))
		return;
	if (p->o->json) {
		json_syscall(p, t, desc, false);
		return;
	}
	interrupt_pending(p, t->tid);
	if (t->interrupted) {
		sb_reset(&t->line);
		leader(p, &t->line, t->tid, ts, mono, TK_IP_UNKNOWN);
		sb_addf(&t->line, "<... %s resumed>", desc && desc->name[0] ? desc->name : "syscall");
	}
	/* arguments left to show at the exit it never made (not exit_group's: all shown at entry) */
	if (desc && t->next_arg < desc->nargs)
		sb_adds(&t->line, " <unfinished ...>");
	sb_adds(&t->line, ") ");
	col = t->line.len;
	if (col < ACOLUMN)
		sb_addpad(&t->line, ' ', ACOLUMN - col);
	sb_adds(&t->line, "= ?\n");
	emit(p, t->tid, sb_str(&t->line), t->line.len);
	sb_reset(&t->line);
	t->pending = false;
	if (p->pending_tid == t->tid)
		p->pending_tid = 0;
}

void tk_printer_task_exit(struct tk_printer *p, int tid, int wstatus, uint64_t ts, uint64_t mono)
{
	struct task *t = find(p, tid);
	struct strbuf *sb = &p->out;
	char buf[32];

	if (t)
		close_unreturned(p, t, ts, mono);
	if (events_on(p) && !(p->o->quiet & TK_QUIET_EXIT)) {
		interrupt_pending(p, tid);
		sb_reset(sb);
		if (p->o->json) {
			struct json_writer w;

			json_init(&w, sb);
			json_obj_begin(&w);
			json_kstr(&w, "type", "exit");
			json_ts(&w, ts);
			json_pid(p, &w, tid);
			if (WIFEXITED(wstatus)) {
				json_kint(&w, "exit_code", WEXITSTATUS(wstatus));
			} else if (WIFSIGNALED(wstatus)) {
				const char *n = tk_signal_name(WTERMSIG(wstatus), buf, sizeof(buf));

				json_kstr(&w, "killed_by", n ? n : "?");
				json_kbool(&w, "core_dumped", WCOREDUMP(wstatus));
			}
			json_obj_end(&w);
			sb_addc(sb, '\n');
		} else {
			leader(p, sb, tid, ts, mono, TK_IP_UNKNOWN);
			if (WIFEXITED(wstatus)) {
				sb_addf(sb, "+++ exited with %d +++\n", WEXITSTATUS(wstatus));
			} else {
				const char *n = tk_signal_name(WTERMSIG(wstatus), buf, sizeof(buf));

				sb_addf(sb, "+++ killed by %s%s +++\n", n ? n : "SIG???",
					WCOREDUMP(wstatus) ? " (core dumped)" : "");
			}
		}
		emit(p, tid, sb_str(sb), sb->len);
	}
	drop(p, tid);
}

void tk_printer_task_rename(struct tk_printer *p, int old_tid, int tid)
{
	struct task *o = find(p, old_tid), *t;
	struct strbuf *sb = &p->out;
	bool was_pending;

	if (!o || old_tid == tid)
		return;
	was_pending = o->pending;
	if (o->pending && lines_on(p)) {
		interrupt_pending(p, old_tid);
		sb_addf(&o->line, " <pid changed to %d ...>\n", tid);
		emit(p, old_tid, sb_str(&o->line), o->line.len);
		sb_reset(&o->line);
		o->pending = false;
		if (p->pending_tid == old_tid)
			p->pending_tid = 0;
	}
	t = find(p, tid);
	if (t && lines_on(p)) {
		/* the old leader is gone; its in-flight call never returns (strace says it this way) */
		interrupt_pending(p, -1);
		t->in_syscall = false;
		t->pending = false;
	}
	if (!t)
		t = get(p, tid);
	if (!t)
		return;
	t->in_syscall = o->in_syscall;
	t->shown = o->shown;
	t->sc = o->sc;
	t->sc.tid = tid;
	t->next_arg = o->next_arg;
	t->interrupted = o->interrupted || was_pending;
	memcpy(t->spans, o->spans, sizeof(t->spans));
	sb_reset(&t->line);
	drop(p, old_tid);
	if (lines_on(p) && !(p->o->quiet & TK_QUIET_EXECVE)) {
		sb_reset(sb);
		leader(p, sb, tid, t->sc.ts_enter, t->sc.mono_enter, TK_IP_UNKNOWN);
		sb_addf(sb, "+++ superseded by execve in pid %d +++\n", old_tid);
		emit(p, tid, sb_str(sb), sb->len);
	}
}

void tk_printer_task_detach(struct tk_printer *p, int tid)
{
	struct task *t = find(p, tid);

	if (t && t->pending && lines_on(p)) {
		sb_adds(&t->line, " <detached ...>\n");
		emit(p, tid, sb_str(&t->line), t->line.len);
		if (p->pending_tid == tid)
			p->pending_tid = 0;
	}
	drop(p, tid);
}

void tk_printer_finish(struct tk_printer *p)
{
	size_t i;

	for (i = 0; i < p->cap; i++) {
		struct task *t = p->tasks[i];

		if (t && t->pending && lines_on(p)) {
			sb_adds(&t->line, " <unfinished ...>\n");
			emit(p, t->tid, sb_str(&t->line), t->line.len);
			t->pending = false;
		}
	}
	p->pending_tid = 0;
	if (p->o->json && p->lost) {
		/* loss is never silent: in the JSON stream too */
		sb_reset(&p->out);
		sb_addf(&p->out, "{\"lost\":%" PRIu64 "}\n", p->lost);
		emit(p, 0, sb_str(&p->out), p->out.len);
	}
	if (!p->o->summary)
		return;
	sb_reset(&p->out);
	if (p->o->json)
		tk_summary_json(p->sum, p->o->sortby, &p->out);
	else
		tk_summary_format(p->sum, p->o->sortby, &p->out);
	sb_add(&p->out, sb_str(&p->extra), p->extra.len);
	emit(p, 0, sb_str(&p->out), p->out.len);
}

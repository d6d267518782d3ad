/* Sub-buffer decoding with libtraceevent + kbuffer, hardened for foreign files (see decode.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>
#include <traceevent/trace-seq.h>

#include "lib/tracefs/decode.h"

/* __data_loc is offset:16 | len:16, so no field read reaches past 128 KiB of a record */
#define SCRATCH_REACH (128 * 1024 + 64)
#define PAGE_PAD 64
#define MAX_SUBBUF (1024 * 1024)
#define KB_COMMIT_MASK ((1ULL << 27) - 1)

int tk_dec_init(struct tk_dec *d, int subbuf_size, int long_size)
{
	memset(d, 0, sizeof(*d));
	if (subbuf_size < 64 || subbuf_size > MAX_SUBBUF || (long_size != 4 && long_size != 8))
		return -EINVAL;
	d->subbuf_size = subbuf_size;
	d->long_size = long_size;
	d->tep = tep_alloc();
	d->scratch = calloc(1, (size_t)subbuf_size + SCRATCH_REACH);
	if (!d->tep || !d->scratch) {
		tk_dec_free(d);
		return -ENOMEM;
	}
	tep_set_long_size(d->tep, long_size);
	tep_set_page_size(d->tep, subbuf_size);
	tep_set_file_bigendian(d->tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(d->tep, TEP_LITTLE_ENDIAN);
	return 0;
}

void tk_dec_free(struct tk_dec *d)
{
	if (d->tep)
		tep_free(d->tep);
	free(d->scratch);
	free(d->tgids);
	memset(d, 0, sizeof(*d));
}

int tk_dec_header_page(struct tk_dec *d, const char *text, size_t len)
{
	char *copy = strndup(text, len);
	int ret;

	if (!copy)
		return -ENOMEM;
	ret = tep_parse_header_page(d->tep, copy, len, d->long_size);
	free(copy);
	return ret ? -EINVAL : 0;
}

/* Every field line's "offset:N;\tsize:M;" must stay inside the largest record we can hold. */
static bool format_in_bounds(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *q;
		size_t n;

		if (!nl)
			nl = end;
		n = (size_t)(nl - p);
		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		if (n > 6 && !memcmp(p, "field:", 6)) {
			char line[512];
			long off, size;

			if (n >= sizeof(line))
				return false;
			memcpy(line, p, n);
			line[n] = 0;
			q = strstr(line, "\toffset:");
			if (!q || !strstr(q, "\tsize:"))
				return false;
			off = strtol(q + 8, NULL, 10);
			size = strtol(strstr(q, "\tsize:") + 6, NULL, 10);
			if (off < 0 || off > 65535 || size < 0 || size > 65535)
				return false;
		}
		p = nl + 1;
	}
	return true;
}

int tk_dec_add_format(struct tk_dec *d, const char *sys, const char *text, size_t len)
{
	if (!len || memchr(text, 0, len) || !format_in_bounds(text, len))
		return -EINVAL;
	if (tep_parse_event(d->tep, text, len, sys))
		return -EINVAL;
	return 0;
}

void tk_dec_add_cmdlines(struct tk_dec *d, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char line[64], *sp;

		if (!nl)
			nl = end;
		if ((size_t)(nl - p) < sizeof(line)) {
			memcpy(line, p, (size_t)(nl - p));
			line[nl - p] = 0;
			sp = strchr(line, ' ');
			if (sp && sp[1])
				tk_dec_add_comm(d, atoi(line), sp + 1);
		}
		p = nl + 1;
	}
}

void tk_dec_add_comm(struct tk_dec *d, int pid, const char *comm)
{
	if (pid > 0 && !tep_is_pid_registered(d->tep, pid))
		tep_register_comm(d->tep, comm, pid);
}

const char *tk_dec_comm(struct tk_dec *d, int pid)
{
	if (!pid)
		return "<idle>";
	return tep_data_comm_from_pid(d->tep, pid);
}

static int cmp_tgid(const void *a, const void *b)
{
	const struct tk_tgid *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

void tk_dec_set_tgids(struct tk_dec *d, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t n = 0, cap = 0;
	struct tk_tgid *v = NULL;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char line[48];
		int pid, tgid;

		if (!nl)
			nl = end;
		if ((size_t)(nl - p) < sizeof(line)) {
			memcpy(line, p, (size_t)(nl - p));
			line[nl - p] = 0;
			if (sscanf(line, "%d %d", &pid, &tgid) == 2 && pid > 0 && tgid > 0) {
				if (n == cap) {
					struct tk_tgid *nv = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof(*v));

					if (!nv)
						break;
					v = nv;
				}
				v[n].pid = pid;
				v[n].tgid = tgid;
				n++;
			}
		}
		p = nl + 1;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_tgid);
	free(d->tgids);
	d->tgids = v;
	d->ntgids = n;
}

int tk_dec_tgid(struct tk_dec *d, int pid)
{
	struct tk_tgid key = { .pid = pid }, *hit;

	if (!d->ntgids)
		return pid;
	hit = bsearch(&key, d->tgids, d->ntgids, sizeof(key), cmp_tgid);
	return hit ? hit->tgid : pid;
}

int tk_cpu_iter_init(struct tk_cpu_iter *it, struct tk_dec *d, int cpu, const void *buf, size_t len)
{
	memset(it, 0, sizeof(*it));
	it->d = d;
	it->cpu = cpu;
	it->buf = buf;
	it->len = len;
	it->kb = kbuffer_alloc(d->long_size == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4, KBUFFER_ENDIAN_LITTLE);
	it->page = calloc(1, (size_t)d->subbuf_size + PAGE_PAD);
	if (!it->kb || !it->page) {
		tk_cpu_iter_free(it);
		return -ENOMEM;
	}
	return 0;
}

void tk_cpu_iter_free(struct tk_cpu_iter *it)
{
	if (it->kb)
		kbuffer_free(it->kb);
	free(it->page);
	it->kb = NULL;
	it->page = NULL;
}

/* Load the next sane sub-buffer; false at the end of the data. */
static bool load_page(struct tk_cpu_iter *it)
{
	size_t sb = (size_t)it->d->subbuf_size, hdr = 8 + (size_t)it->d->long_size;

	while (it->len - it->off >= sb) {
		uint64_t commit = 0;
		int missed;

		memcpy(it->page, it->buf + it->off, sb);
		memset(it->page + sb, 0, PAGE_PAD);
		it->off += sb;
		memcpy(&commit, it->page + 8, (size_t)it->d->long_size);
		if ((commit & KB_COMMIT_MASK) > sb - hdr) {
			it->bad_pages++;
			continue;
		}
		if (kbuffer_load_subbuffer(it->kb, it->page)) {
			it->bad_pages++;
			continue;
		}
		missed = kbuffer_missed_events(it->kb);
		if (missed > 0)
			it->missed += (uint64_t)missed;
		else if (missed < 0)
			it->missed++;	/* lost, count unknown: at least one */
		it->rec = kbuffer_read_event(it->kb, &it->ts);
		if (it->rec)
			return true;
	}
	return false;
}

bool tk_cpu_iter_next(struct tk_cpu_iter *it, struct tk_ev *ev)
{
	const uint8_t *end = it->page + it->d->subbuf_size;

	for (;;) {
		if (!it->rec) {
			if (!load_page(it))
				return false;
		}
		if (it->rec) {
			int size = kbuffer_event_size(it->kb);
			const uint8_t *p = it->rec;

			if (size < 0 || p < it->page || p > end || (size_t)size > (size_t)(end - p)) {
				/* an event running off its page: drop the rest of this page */
				it->bad_pages++;
				it->rec = NULL;
				continue;
			}
			memset(ev, 0, sizeof(*ev));
			ev->ts = it->ts;
			ev->cpu = it->cpu;
			ev->data = p;
			ev->size = (unsigned)size;
			ev->pid = -1;
			if (size >= 8) {
				int32_t pid;
				uint16_t id;

				memcpy(&id, p, 2);
				memcpy(&pid, p + 4, 4);
				ev->pid = pid;
				ev->event = tep_find_event(it->d->tep, id);
			}
			it->events++;
			it->rec = kbuffer_next_event(it->kb, &it->ts);
			return true;
		}
	}
}

/* The record into the zero-padded scratch buffer (libtraceevent reads fields by offset). */
static void scratch_load(struct tk_dec *d, struct tk_ev *ev)
{
	if (ev->data != d->scratch)
		memmove(d->scratch, ev->data, ev->size);
	if (d->scratch_used > ev->size)
		memset(d->scratch + ev->size, 0, d->scratch_used - ev->size);
	d->scratch_used = ev->size;
	ev->data = d->scratch;
}

void tk_cpu_iter_reset(struct tk_cpu_iter *it, const void *buf, size_t len)
{
	it->buf = buf;
	it->len = len;
	it->off = 0;
	it->rec = NULL;
}

int tk_merge_init(struct tk_merge *m, struct tk_cpu_iter *its, int n)
{
	memset(m, 0, sizeof(*m));
	m->its = its;
	m->n = n;
	m->pend = calloc(n ? n : 1, sizeof(*m->pend));
	m->has = calloc(n ? n : 1, sizeof(*m->has));
	if (!m->pend || !m->has) {
		tk_merge_free(m);
		return -ENOMEM;
	}
	return 0;
}

/*
 * The pending event of each CPU points into that CPU's page copy, which stays put until that
 * iterator advances again: so we hand out the earliest and refill only its slot.
 */
int tk_merge_next(struct tk_merge *m, struct tk_ev *ev)
{
	int i, best = -1;

	if (!m->started) {
		for (i = 0; i < m->n; i++)
			m->has[i] = tk_cpu_iter_next(&m->its[i], &m->pend[i]);
		m->started = true;
	}
	for (i = 0; i < m->n; i++)
		if (m->has[i] && (best < 0 || m->pend[i].ts < m->pend[best].ts))
			best = i;
	if (best < 0)
		return -1;
	*ev = m->pend[best];
	/* copy the record out before the iterator may reload its page */
	scratch_load(m->its[best].d, ev);
	m->has[best] = tk_cpu_iter_next(&m->its[best], &m->pend[best]);
	return best;
}

void tk_merge_free(struct tk_merge *m)
{
	free(m->pend);
	free(m->has);
	m->pend = NULL;
	m->has = NULL;
}

static void to_record(struct tk_dec *d, const struct tk_ev *ev, struct tep_record *rec)
{
	struct tk_ev copy = *ev;

	scratch_load(d, &copy);
	memset(rec, 0, sizeof(*rec));
	rec->ts = ev->ts;
	rec->cpu = ev->cpu;
	rec->size = (int)ev->size;
	rec->record_size = (int)ev->size;
	rec->data = d->scratch;
}

void tk_dec_event_name(struct tk_dec *d, const struct tk_ev *ev, char *buf, size_t len)
{
	uint16_t id = 0;

	(void)d;
	if (ev->event) {
		snprintf(buf, len, "%s:%s", ev->event->system, ev->event->name);
		return;
	}
	if (ev->size >= 2)
		memcpy(&id, ev->data, 2);
	snprintf(buf, len, "unknown:%u", id);
}

void tk_dec_info(struct tk_dec *d, const struct tk_ev *ev, struct strbuf *sb)
{
	struct tep_record rec;
	struct trace_seq s;

	if (!ev->event) {
		sb_addf(sb, "(%u bytes, no format)", ev->size);
		return;
	}
	to_record(d, ev, &rec);
	trace_seq_init(&s);
	tep_print_event(d->tep, &s, &rec, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&s);
	if (s.buffer)
		sb_add(sb, s.buffer, s.len);
	trace_seq_destroy(&s);
}

void tk_dec_text(struct tk_dec *d, const struct tk_ev *ev, struct strbuf *sb)
{
	char name[256];

	tk_dec_event_name(d, ev, name, sizeof(name));
	sb_addf(sb, "%16s-%-7d [%03d] %6llu.%06llu: %s: ", tk_dec_comm(d, ev->pid), ev->pid, ev->cpu,
		(unsigned long long)(ev->ts / 1000000000ULL), (unsigned long long)(ev->ts % 1000000000ULL / 1000),
		ev->event ? ev->event->name : name);
	tk_dec_info(d, ev, sb);
}

static void json_field(struct tk_dec *d, struct tep_record *rec, struct tep_format_field *f, struct json_writer *w)
{
	const uint8_t *data = rec->data;
	unsigned long long val;

	json_key(w, f->name);
	if (f->flags & TEP_FIELD_IS_STRING) {
		int len = f->size, off = f->offset;

		if (f->flags & TEP_FIELD_IS_DYNAMIC) {
			unsigned long long loc = tep_read_number(d->tep, data + f->offset, f->size);

			off = (int)(loc & 0xffff);
			len = (int)(loc >> 16 & 0xffff);
			if (f->flags & TEP_FIELD_IS_RELATIVE)
				off += f->offset + f->size;
		}
		if (off < 0 || off > 0xffff * 2)
			off = 0, len = 0;
		json_strn(w, (const char *)data + off, strnlen((const char *)data + off, (size_t)len));
		return;
	}
	if ((f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC)) || f->size > 8 || f->size <= 0) {
		/* arrays and odd sizes: hex bytes, honest and lossless */
		struct strbuf hex = STRBUF_INIT;
		int i, n = f->size;

		if (n > 256)
			n = 256;
		for (i = 0; i < n && f->offset + i < 0x20000; i++)
			sb_addf(&hex, "%02x", data[f->offset + i]);
		json_str(w, sb_str(&hex));
		sb_release(&hex);
		return;
	}
	val = tep_read_number(d->tep, data + f->offset, f->size);
	if (f->flags & TEP_FIELD_IS_POINTER) {
		char buf[32];

		snprintf(buf, sizeof(buf), "0x%llx", val);
		json_str(w, buf);
	} else if (f->flags & TEP_FIELD_IS_SIGNED) {
		int64_t s;

		switch (f->size) {
		case 1: s = (int8_t)val; break;
		case 2: s = (int16_t)val; break;
		case 4: s = (int32_t)val; break;
		default: s = (int64_t)val; break;
		}
		json_int(w, s);
	} else {
		json_uint(w, val);
	}
}

void tk_dec_json_fields(struct tk_dec *d, const struct tk_ev *ev, struct json_writer *w)
{
	struct tep_format_field *f;
	struct tep_record rec;

	if (!ev->event)
		return;
	to_record(d, ev, &rec);
	for (f = ev->event->format.fields; f; f = f->next)
		json_field(d, &rec, f, w);
}

void tk_dec_json(struct tk_dec *d, const struct tk_ev *ev, struct json_writer *w)
{
	char name[256];

	tk_dec_event_name(d, ev, name, sizeof(name));
	json_obj_begin(w);
	json_kuint(w, "ts_ns", ev->ts);
	json_kint(w, "cpu", ev->cpu);
	json_kint(w, "pid", ev->pid);
	json_kint(w, "tgid", tk_dec_tgid(d, ev->pid));
	json_kstr(w, "comm", tk_dec_comm(d, ev->pid));
	json_kstr(w, "event", name);
	json_key(w, "fields");
	json_obj_begin(w);
	tk_dec_json_fields(d, ev, w);
	json_obj_end(w);
	json_obj_end(w);
}

void tk_dec_perfetto(struct tk_dec *d, const struct tk_ev *ev, struct json_writer *w)
{
	const char *name = ev->event ? ev->event->name : "unknown", *ph = "i";

	if (!strncmp(name, "sys_enter_", 10)) {
		name += 10;
		ph = "B";
	} else if (!strncmp(name, "sys_exit_", 9)) {
		name += 9;
		ph = "E";
	}
	json_obj_begin(w);
	json_kstr(w, "name", name);
	json_kstr(w, "cat", ev->event ? ev->event->system : "unknown");
	json_kstr(w, "ph", ph);
	if (*ph == 'i')
		json_kstr(w, "s", "t");
	/* microseconds with nanosecond decimals, as the trace-event format wants */
	json_kdouble(w, "ts", (double)ev->ts / 1000.0);
	json_kint(w, "pid", tk_dec_tgid(d, ev->pid));
	json_kint(w, "tid", ev->pid);
	json_key(w, "args");
	json_obj_begin(w);
	json_kint(w, "cpu", ev->cpu);
	tk_dec_json_fields(d, ev, w);
	json_obj_end(w);
	json_obj_end(w);
}

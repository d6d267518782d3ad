/* perf.data v2 reader and writer; see perfdata.h for the layout and why it is written here. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/perf/event.h"
#include "lib/perf/perfdata.h"

#define NAME_ALIGN 64

static int fail(struct pd_file *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct pd_file *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->err, sizeof(f->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Does [off, off+len) lie inside [0, lim)? Written to be immune to overflow. */
static bool inside(uint64_t off, uint64_t len, uint64_t lim)
{
	return off <= lim && len <= lim - off;
}

/* A perf header string: u32 len, then len bytes holding a NUL-terminated string. */
static int read_string(struct pd_file *f, uint64_t *pos, uint64_t end, char **out)
{
	uint32_t len;
	const char *s;

	if (!inside(*pos, 4, end))
		return fail(f, "truncated string at offset %#llx", (unsigned long long)*pos);
	len = get32(f->buf + *pos);
	if (!inside(*pos + 4, len, end))
		return fail(f, "string at offset %#llx: length %u runs past its section", (unsigned long long)*pos,
			    len);
	s = (const char *)f->buf + *pos + 4;
	if (!len || !memchr(s, 0, len))
		return fail(f, "string at offset %#llx is not NUL-terminated", (unsigned long long)*pos);
	*out = strdup(s);
	if (!*out)
		return -ENOMEM;
	*pos += 4 + (uint64_t)len;
	return 0;
}

static void calc_id_pos(struct pd_file *f, uint64_t st)
{
	int i = 0;

	if (st & PERF_SAMPLE_IDENTIFIER) {
		f->id_pos = 0;
		f->id_rpos = 1;
		return;
	}
	if (!(st & PERF_SAMPLE_ID)) {
		f->id_pos = f->id_rpos = -1;
		return;
	}
	i += !!(st & PERF_SAMPLE_IP) + !!(st & PERF_SAMPLE_TID) + !!(st & PERF_SAMPLE_TIME) +
	     !!(st & PERF_SAMPLE_ADDR);
	f->id_pos = i;
	f->id_rpos = 1 + !!(st & PERF_SAMPLE_CPU) + !!(st & PERF_SAMPLE_STREAM_ID);
}

static int read_attrs(struct pd_file *f, uint64_t attr_size, uint64_t off, uint64_t size)
{
	size_t n, i;

	if (attr_size < PERF_ATTR_SIZE_VER0 + 16 || attr_size > 4096)
		return fail(f, "header at offset 0: implausible attr size %llu", (unsigned long long)attr_size);
	if (!inside(off, size, f->size))
		return fail(f, "attr section at offset %#llx (%llu bytes) runs past the end of the file (%zu bytes)",
			    (unsigned long long)off, (unsigned long long)size, f->size);
	if (size % attr_size)
		return fail(f, "attr section at offset %#llx: size %llu is not a multiple of %llu",
			    (unsigned long long)off, (unsigned long long)size, (unsigned long long)attr_size);
	n = size / attr_size;
	if (!n)
		return fail(f, "attr section at offset %#llx is empty: no events", (unsigned long long)off);
	f->attrs = calloc(n, sizeof(*f->attrs));
	if (!f->attrs)
		return -ENOMEM;
	f->nattrs = n;
	for (i = 0; i < n; i++) {
		struct pd_attr *a = &f->attrs[i];
		uint64_t p = off + i * attr_size, ioff, isz, k;
		size_t copy = attr_size - 16;

		if (copy > sizeof(a->attr))
			copy = sizeof(a->attr);
		memcpy(&a->attr, f->buf + p, copy);
		ioff = get64(f->buf + p + attr_size - 16);
		isz = get64(f->buf + p + attr_size - 8);
		if (!inside(ioff, isz, f->size) || isz % 8)
			return fail(f, "attr %zu at offset %#llx: id array (%#llx, %llu bytes) is outside the file", i,
				    (unsigned long long)p, (unsigned long long)ioff, (unsigned long long)isz);
		a->nids = isz / 8;
		if (a->nids) {
			a->ids = malloc(isz);
			if (!a->ids)
				return -ENOMEM;
			for (k = 0; k < a->nids; k++)
				a->ids[k] = get64(f->buf + ioff + k * 8);
		}
	}
	calc_id_pos(f, f->attrs[0].attr.sample_type);
	for (i = 1; i < n; i++) {
		struct pd_file tmp = { .id_pos = 0 };

		calc_id_pos(&tmp, f->attrs[i].attr.sample_type);
		if (tmp.id_pos != f->id_pos || f->id_pos < 0)
			return fail(f, "attr %zu at offset %#llx: events disagree on where the sample id is", i,
				    (unsigned long long)(off + i * attr_size));
	}
	return 0;
}

static int read_buildids(struct pd_file *f, uint64_t off, uint64_t size)
{
	uint64_t pos = off, end = off + size;

	while (pos < end) {
		uint16_t misc, rsz;
		struct pd_buildid *b, *nb;
		const char *name;
		size_t nlen;

		if (!inside(pos, 8 + 4 + 24, end))
			return fail(f, "build-id record at offset %#llx is truncated", (unsigned long long)pos);
		misc = (uint16_t)(get32(f->buf + pos + 4) & 0xffff);
		rsz = (uint16_t)(get32(f->buf + pos + 4) >> 16);
		if (rsz < 8 + 4 + 24 || !inside(pos, rsz, end))
			return fail(f, "build-id record at offset %#llx: bad size %u", (unsigned long long)pos, rsz);
		name = (const char *)f->buf + pos + 36;
		nlen = strnlen(name, rsz - 36);
		if (nlen == (size_t)(rsz - 36))
			return fail(f, "build-id record at offset %#llx: file name is not NUL-terminated",
				    (unsigned long long)pos);
		nb = realloc(f->bids, (f->nbids + 1) * sizeof(*f->bids));
		if (!nb)
			return -ENOMEM;
		f->bids = nb;
		b = &f->bids[f->nbids];
		memset(b, 0, sizeof(*b));
		b->pid = (int32_t)get32(f->buf + pos + 8);
		memcpy(b->id, f->buf + pos + 12, 20);
		b->size = (misc & PD_MISC_BUILD_ID_SIZE) ? f->buf[pos + 12 + 20] : 20;
		if (b->size > 20)
			b->size = 20;
		b->kernel = (misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
		b->path = strdup(name);
		if (!b->path)
			return -ENOMEM;
		f->nbids++;
		pos += rsz;
	}
	return 0;
}

static int read_event_desc(struct pd_file *f, uint64_t off, uint64_t size)
{
	uint64_t pos = off, end = off + size;
	uint32_t nre, sz, i, nids;
	int r;

	if (!inside(pos, 8, end))
		return fail(f, "event description at offset %#llx is truncated", (unsigned long long)pos);
	nre = get32(f->buf + pos);
	sz = get32(f->buf + pos + 4);
	pos += 8;
	if (sz < PERF_ATTR_SIZE_VER0)
		return fail(f, "event description at offset %#llx: bad attr size %u", (unsigned long long)off, sz);
	for (i = 0; i < nre; i++) {
		char *name = NULL;
		size_t k;

		if (!inside(pos, (uint64_t)sz + 4, end))
			return fail(f, "event description %u at offset %#llx is truncated", i, (unsigned long long)pos);
		nids = get32(f->buf + pos + sz);
		pos += (uint64_t)sz + 4;
		r = read_string(f, &pos, end, &name);
		if (r)
			return r;
		if (!inside(pos, (uint64_t)nids * 8, end)) {
			free(name);
			return fail(f, "event description %u at offset %#llx: %u ids run past the section", i,
				    (unsigned long long)pos, nids);
		}
		/* match it to an attr by its first id, or by position when there are no ids */
		for (k = 0; k < f->nattrs; k++) {
			struct pd_attr *a = &f->attrs[k];
			bool match = nids ? (a->nids && a->ids[0] == get64(f->buf + pos)) : k == i;

			if (match && !a->name) {
				a->name = name;
				name = NULL;
				break;
			}
		}
		free(name);
		pos += (uint64_t)nids * 8;
	}
	return 0;
}

static int read_features(struct pd_file *f)
{
	uint64_t table = f->data_off + f->data_size;
	int bit, r = 0;

	for (bit = 0; bit < PD_FEAT_MAX; bit++) {
		uint64_t off, size, pos = 0;
		char *s = NULL;

		if (!(f->features[bit / 64] & (1ULL << (bit % 64))))
			continue;
		if (!inside(table, 16, f->size))
			return fail(f, "feature table at offset %#llx runs past the end of the file (%zu bytes)",
				    (unsigned long long)table, f->size);
		off = get64(f->buf + table);
		size = get64(f->buf + table + 8);
		if (!inside(off, size, f->size))
			return fail(f, "feature %d section at offset %#llx (%llu bytes) runs past the end of the file",
				    bit, (unsigned long long)off, (unsigned long long)size);
		table += 16;
		pos = off;
		switch (bit) {
		case PD_FEAT_BUILD_ID:
			r = read_buildids(f, off, size);
			break;
		case PD_FEAT_EVENT_DESC:
			r = read_event_desc(f, off, size);
			break;
		case PD_FEAT_HOSTNAME:
		case PD_FEAT_OSRELEASE:
			r = read_string(f, &pos, off + size, &s);
			if (!r) {
				char **dst = bit == PD_FEAT_HOSTNAME ? &f->hostname : &f->osrelease;
				free(*dst);
				*dst = s;
			}
			break;
		default:
			break;
		}
		if (r)
			return r;
	}
	return 0;
}

int pd_open_buf(struct pd_file *f, uint8_t *buf, size_t size)
{
	uint64_t hsize, attr_size, aoff, asize;
	int r;

	memset(f, 0, sizeof(*f));
	f->buf = buf;
	f->size = size;
	f->id_pos = f->id_rpos = -1;
	if (size < 8)
		return fail(f, "file is %zu bytes: too short for a perf.data header at offset 0", size);
	if (get64(buf) == __builtin_bswap64(PD_MAGIC))
		return fail(f, "offset 0: big-endian perf.data is not supported");
	if (get64(buf) != PD_MAGIC) {
		if (!memcmp(buf, "PERFFILE", 8))
			return fail(f, "offset 0: perf.data version 1 is not supported (only PERFILE2)");
		return fail(f, "offset 0: not a perf.data file (no PERFILE2 magic)");
	}
	hsize = size >= 16 ? get64(buf + 8) : 0;
	if (hsize == 16)
		return fail(f, "offset 8: pipe-mode perf.data is not supported (record with -o FILE)");
	if (size < PD_HEADER_SIZE || hsize < PD_HEADER_SIZE)
		return fail(f, "header at offset 0 is truncated (%zu bytes, header says %llu, need %d)", size,
			    (unsigned long long)hsize, PD_HEADER_SIZE);
	attr_size = get64(buf + 16);
	aoff = get64(buf + 24);
	asize = get64(buf + 32);
	f->data_off = get64(buf + 40);
	f->data_size = get64(buf + 48);
	memcpy(f->features, buf + 72, sizeof(f->features));
	if (!inside(f->data_off, f->data_size, size))
		return fail(f, "data section at offset %#llx (%llu bytes) runs past the end of the file (%zu bytes)",
			    (unsigned long long)f->data_off, (unsigned long long)f->data_size, size);
	r = read_attrs(f, attr_size, aoff, asize);
	if (r)
		return r;
	return read_features(f);
}

int pd_open_path(struct pd_file *f, const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0, n;

	memset(f, 0, sizeof(*f));
	if (!fp) {
		int e = errno;
		snprintf(f->err, sizeof(f->err), "cannot open %s: %s", path, strerror(e));
		return -e;
	}
	do {
		if (len == cap) {
			uint8_t *nb;
			cap = cap ? cap * 2 : 1 << 20;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(fp);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n);
	if (ferror(fp)) {
		int e = errno ? errno : EIO;
		free(buf);
		fclose(fp);
		snprintf(f->err, sizeof(f->err), "cannot read %s: %s", path, strerror(e));
		return -e;
	}
	fclose(fp);
	return pd_open_buf(f, buf, len);
}

void pd_close(struct pd_file *f)
{
	size_t i;

	for (i = 0; i < f->nattrs; i++) {
		free(f->attrs[i].ids);
		free(f->attrs[i].name);
	}
	free(f->attrs);
	for (i = 0; i < f->nbids; i++)
		free(f->bids[i].path);
	free(f->bids);
	free(f->hostname);
	free(f->osrelease);
	free(f->cmdline);
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

const struct pd_attr *pd_attr_for_id(const struct pd_file *f, uint64_t id)
{
	size_t i, k;

	if (f->nattrs == 1)
		return &f->attrs[0];
	for (i = 0; i < f->nattrs; i++)
		for (k = 0; k < f->attrs[i].nids; k++)
			if (f->attrs[i].ids[k] == id)
				return &f->attrs[i];
	return NULL;
}

const char *pd_attr_name(const struct pd_attr *a, char *buf, size_t len)
{
	if (a->name) {
		snprintf(buf, len, "%s", a->name);
		return buf;
	}
	return tk_perf_event_name(&a->attr, buf, len);
}

void pd_iter_init(struct pd_file *f, struct pd_iter *it)
{
	memset(it, 0, sizeof(*it));
	it->pos = f->data_off;
	it->end = f->data_off + f->data_size;
}

void pd_iter_free(struct pd_iter *it)
{
	free(it->scratch);
	it->scratch = NULL;
}

#define NEED(n)                                                                                             \
	do {                                                                                                \
		if (!inside(p, (n), end))                                                                   \
			return fail(f, "sample at offset %#llx is truncated (field at +%llu)",             \
				    (unsigned long long)ev->offset, (unsigned long long)(p - ev->offset)); \
	} while (0)

static int parse_sample(struct pd_file *f, struct pd_iter *it, struct pd_event *ev)
{
	uint64_t p = ev->offset + 8, end = ev->offset + ev->size, st;
	struct pd_sample *s = &ev->sample;
	const struct pd_attr *a;

	memset(s, 0, sizeof(*s));
	if (f->nattrs == 1) {
		a = &f->attrs[0];
	} else {
		uint64_t ip = p + (uint64_t)f->id_pos * 8;
		if (!inside(ip, 8, end))
			return fail(f, "sample at offset %#llx is too short to hold its event id",
				    (unsigned long long)ev->offset);
		a = pd_attr_for_id(f, get64(f->buf + ip));
		if (!a)
			return fail(f, "sample at offset %#llx has unknown event id %llu", (unsigned long long)ev->offset,
				    (unsigned long long)get64(f->buf + ip));
	}
	s->attr = a;
	st = a->attr.sample_type;
	if (st & PERF_SAMPLE_IDENTIFIER) {
		NEED(8);
		s->id = get64(f->buf + p);
		p += 8;
	}
	if (st & PERF_SAMPLE_IP) {
		NEED(8);
		s->ip = get64(f->buf + p);
		p += 8;
	}
	if (st & PERF_SAMPLE_TID) {
		NEED(8);
		s->pid = get32(f->buf + p);
		s->tid = get32(f->buf + p + 4);
		p += 8;
	}
	if (st & PERF_SAMPLE_TIME) {
		NEED(8);
		s->time = ev->time = get64(f->buf + p);
		ev->has_time = true;
		p += 8;
	}
	if (st & PERF_SAMPLE_ADDR) {
		NEED(8);
		s->addr = get64(f->buf + p);
		p += 8;
	}
	if (st & PERF_SAMPLE_ID) {
		NEED(8);
		s->id = get64(f->buf + p);
		p += 8;
	}
	if (st & PERF_SAMPLE_STREAM_ID) {
		NEED(8);
		p += 8;
	}
	if (st & PERF_SAMPLE_CPU) {
		NEED(8);
		s->cpu = get32(f->buf + p);
		p += 8;
	}
	s->period = 1;
	if (st & PERF_SAMPLE_PERIOD) {
		NEED(8);
		s->period = get64(f->buf + p);
		p += 8;
	}
	if (st & PERF_SAMPLE_READ) {
		uint64_t rf = a->attr.read_format, per = 1 + !!(rf & PERF_FORMAT_ID) + !!(rf & PERF_FORMAT_LOST);
		uint64_t hdr = !!(rf & PERF_FORMAT_TOTAL_TIME_ENABLED) + !!(rf & PERF_FORMAT_TOTAL_TIME_RUNNING);

		if (rf & PERF_FORMAT_GROUP) {
			uint64_t nr;
			NEED(8);
			nr = get64(f->buf + p);
			if (nr > 4096)
				return fail(f, "sample at offset %#llx: read group of %llu values",
					    (unsigned long long)ev->offset, (unsigned long long)nr);
			p += 8;
			NEED((hdr + nr * per) * 8);
			p += (hdr + nr * per) * 8;
		} else {
			NEED((hdr + per) * 8);
			p += (hdr + per) * 8;
		}
	}
	if (st & PERF_SAMPLE_CALLCHAIN) {
		uint64_t nr, k;

		NEED(8);
		nr = get64(f->buf + p);
		p += 8;
		if (nr > (end - p) / 8)
			return fail(f, "sample at offset %#llx: callchain of %llu entries runs past the record (%u bytes)",
				    (unsigned long long)ev->offset, (unsigned long long)nr, ev->size);
		if (nr > it->scratch_cap) {
			uint64_t *ns = realloc(it->scratch, nr * sizeof(*ns));
			if (!ns)
				return -ENOMEM;
			it->scratch = ns;
			it->scratch_cap = nr;
		}
		for (k = 0; k < nr; k++)
			it->scratch[k] = get64(f->buf + p + k * 8);
		s->nr = nr;
		s->ips = it->scratch;
		p += nr * 8;
	}
	if (st & PERF_SAMPLE_RAW) {
		NEED(4);
		s->raw_size = get32(f->buf + p);
		p += 4;
		NEED(s->raw_size);
		s->raw = f->buf + p;
	}
	return 0;
}

/* The sample_id trailer of a non-sample record (attr.sample_id_all): we only want its time. */
static void parse_sample_id(struct pd_file *f, struct pd_event *ev, uint64_t body_end)
{
	const struct pd_attr *a = &f->attrs[0];
	uint64_t st, n, p, end = ev->offset + ev->size;

	if (!a->attr.sample_id_all)
		return;
	if (f->nattrs > 1 && f->id_rpos > 0 && ev->size >= 8 + f->id_rpos * 8) {
		const struct pd_attr *b = pd_attr_for_id(f, get64(f->buf + end - (uint64_t)f->id_rpos * 8));
		if (b)
			a = b;
	}
	st = a->attr.sample_type;
	n = !!(st & PERF_SAMPLE_TID) + !!(st & PERF_SAMPLE_TIME) + !!(st & PERF_SAMPLE_ID) +
	    !!(st & PERF_SAMPLE_STREAM_ID) + !!(st & PERF_SAMPLE_CPU) + !!(st & PERF_SAMPLE_IDENTIFIER);
	if (!(st & PERF_SAMPLE_TIME) || end - body_end < n * 8)
		return;
	p = end - n * 8 + (st & PERF_SAMPLE_TID ? 8 : 0);
	ev->time = get64(f->buf + p);
	ev->has_time = true;
}

/* A NUL-terminated string at p inside the record, or an error. */
static int rec_string(struct pd_file *f, struct pd_event *ev, uint64_t p, const char **out, uint64_t *after)
{
	uint64_t end = ev->offset + ev->size;
	size_t n;

	if (p >= end)
		return fail(f, "record type %u at offset %#llx is truncated before its string", ev->type,
			    (unsigned long long)ev->offset);
	n = strnlen((const char *)f->buf + p, end - p);
	if (n == end - p)
		return fail(f, "record type %u at offset %#llx: string is not NUL-terminated", ev->type,
			    (unsigned long long)ev->offset);
	*out = (const char *)f->buf + p;
	*after = (p + n + 1 + 7) & ~7ULL;
	return 0;
}

int pd_next(struct pd_file *f, struct pd_iter *it, struct pd_event *ev)
{
	uint64_t p, after = 0;
	const uint8_t *b;
	int r = 0;

	if (it->pos >= it->end)
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->offset = it->pos;
	if (!inside(it->pos, 8, it->end))
		return fail(f, "record header at offset %#llx is truncated (data section ends at %#llx)",
			    (unsigned long long)it->pos, (unsigned long long)it->end);
	b = f->buf + it->pos;
	ev->type = get32(b);
	ev->misc = (uint16_t)(get32(b + 4) & 0xffff);
	ev->size = (uint16_t)(get32(b + 4) >> 16);
	ev->raw = b;
	if (ev->size < 8)
		return fail(f, "record at offset %#llx has size %u (less than its header)",
			    (unsigned long long)it->pos, ev->size);
	if (!inside(it->pos, ev->size, it->end))
		return fail(f, "record type %u at offset %#llx: size %u runs past the data section end %#llx",
			    ev->type, (unsigned long long)it->pos, ev->size, (unsigned long long)it->end);
	if (ev->type == PD_REC_COMPRESSED)
		return fail(f, "record at offset %#llx is compressed (perf record -z): not supported",
			    (unsigned long long)it->pos);
	p = it->pos + 8;
#define BODY(n)                                                                                         \
	do {                                                                                            \
		if (!inside(p, (n), it->pos + ev->size))                                                \
			return fail(f, "record type %u at offset %#llx is truncated (%u bytes)", ev->type, \
				    (unsigned long long)it->pos, ev->size);                             \
	} while (0)
	switch (ev->type) {
	case PERF_RECORD_SAMPLE:
		r = parse_sample(f, it, ev);
		break;
	case PERF_RECORD_MMAP:
		BODY(32);
		ev->mmap.pid = get32(f->buf + p);
		ev->mmap.tid = get32(f->buf + p + 4);
		ev->mmap.start = get64(f->buf + p + 8);
		ev->mmap.len = get64(f->buf + p + 16);
		ev->mmap.pgoff = get64(f->buf + p + 24);
		ev->mmap.prot = PROT_EXEC;
		r = rec_string(f, ev, p + 32, &ev->mmap.filename, &after);
		break;
	case PERF_RECORD_MMAP2:
		BODY(64);
		ev->mmap.pid = get32(f->buf + p);
		ev->mmap.tid = get32(f->buf + p + 4);
		ev->mmap.start = get64(f->buf + p + 8);
		ev->mmap.len = get64(f->buf + p + 16);
		ev->mmap.pgoff = get64(f->buf + p + 24);
		if (ev->misc & PD_MISC_MMAP_BUILD_ID) {
			ev->mmap.build_id_size = f->buf[p + 32];
			if (ev->mmap.build_id_size > 20)
				ev->mmap.build_id_size = 20;
			memcpy(ev->mmap.build_id, f->buf + p + 36, 20);
		}
		ev->mmap.prot = get32(f->buf + p + 56);
		ev->mmap.flags = get32(f->buf + p + 60);
		r = rec_string(f, ev, p + 64, &ev->mmap.filename, &after);
		break;
	case PERF_RECORD_COMM:
		BODY(8);
		ev->comm.pid = get32(f->buf + p);
		ev->comm.tid = get32(f->buf + p + 4);
		ev->comm.exec = ev->misc & PERF_RECORD_MISC_COMM_EXEC;
		r = rec_string(f, ev, p + 8, &ev->comm.comm, &after);
		break;
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT:
		BODY(24);
		ev->task.pid = get32(f->buf + p);
		ev->task.ppid = get32(f->buf + p + 4);
		ev->task.tid = get32(f->buf + p + 8);
		ev->task.ptid = get32(f->buf + p + 12);
		ev->task.time = get64(f->buf + p + 16);
		ev->time = ev->task.time;
		ev->has_time = true;
		after = p + 24;
		break;
	case PERF_RECORD_LOST:
		BODY(16);
		ev->lost.id = get64(f->buf + p);
		ev->lost.lost = get64(f->buf + p + 8);
		after = p + 16;
		break;
	case PERF_RECORD_LOST_SAMPLES:
		BODY(8);
		ev->lost_samples.lost = get64(f->buf + p);
		after = p + 8;
		break;
	default:
		break;
	}
#undef BODY
	if (r)
		return r;
	if (after && ev->type != PERF_RECORD_FORK && ev->type != PERF_RECORD_EXIT)
		parse_sample_id(f, ev, after);
	it->pos += ev->size;
	return 1;
}

/* --- writer --- */

static void wr(struct pd_writer *w, const void *p, size_t n)
{
	if (w->err)
		return;
	if (n && fwrite(p, 1, n, w->fp) != n)
		w->err = errno ? -errno : -EIO;
}

static void wr_string(struct pd_writer *w, const char *s)
{
	static const char zero[NAME_ALIGN];
	uint32_t olen = (uint32_t)strlen(s) + 1, len = (olen + NAME_ALIGN - 1) / NAME_ALIGN * NAME_ALIGN;

	wr(w, &len, 4);
	wr(w, s, olen);
	wr(w, zero, len - olen);
}

static uint64_t wpos(struct pd_writer *w)
{
	long p = ftell(w->fp);

	if (p < 0 && !w->err)
		w->err = -errno;
	return p < 0 ? 0 : (uint64_t)p;
}

static void write_header(struct pd_writer *w, uint64_t aoff, uint64_t asize, const uint64_t feat[4])
{
	uint64_t h[13] = { PD_MAGIC, PD_HEADER_SIZE, sizeof(struct perf_event_attr) + 16, aoff, asize,
			   w->data_off, w->data_size, 0, 0 };

	memcpy(&h[9], feat, 32);
	if (fseek(w->fp, 0, SEEK_SET) && !w->err)
		w->err = -errno;
	wr(w, h, sizeof(h));
}

int pd_writer_begin(struct pd_writer *w, FILE *fp, const struct pd_attr *attrs, size_t nattrs)
{
	static const uint64_t nofeat[4];
	uint64_t *idoff, aoff;
	size_t i;

	memset(w, 0, sizeof(*w));
	w->fp = fp;
	w->attrs = attrs;
	w->nattrs = nattrs;
	idoff = calloc(nattrs ? nattrs : 1, sizeof(*idoff));
	if (!idoff)
		return -ENOMEM;
	write_header(w, 0, 0, nofeat);
	for (i = 0; i < nattrs; i++) {
		idoff[i] = wpos(w);
		wr(w, attrs[i].ids, attrs[i].nids * 8);
	}
	aoff = wpos(w);
	for (i = 0; i < nattrs; i++) {
		struct perf_event_attr a = attrs[i].attr;
		uint64_t sec[2] = { idoff[i], attrs[i].nids * 8 };

		a.size = sizeof(a);
		wr(w, &a, sizeof(a));
		wr(w, sec, sizeof(sec));
	}
	free(idoff);
	w->attrs_off = aoff;
	w->data_off = wpos(w);
	return w->err;
}

int pd_write(struct pd_writer *w, const void *rec, size_t len)
{
	wr(w, rec, len);
	w->data_size += len;
	return w->err;
}

int pd_writer_add_buildid(struct pd_writer *w, const char *path, const uint8_t *id, size_t idlen, bool kernel)
{
	struct pd_buildid *b;
	size_t i;

	for (i = 0; i < w->nbids; i++)
		if (!strcmp(w->bids[i].path, path))
			return 0;
	if (w->nbids == w->bids_cap) {
		size_t cap = w->bids_cap ? w->bids_cap * 2 : 16;
		struct pd_buildid *nb = realloc(w->bids, cap * sizeof(*nb));
		if (!nb)
			return -ENOMEM;
		w->bids = nb;
		w->bids_cap = cap;
	}
	b = &w->bids[w->nbids];
	memset(b, 0, sizeof(*b));
	b->size = idlen > 20 ? 20 : (uint8_t)idlen;
	memcpy(b->id, id, b->size);
	b->kernel = kernel;
	b->pid = -1;
	b->path = strdup(path);
	if (!b->path)
		return -ENOMEM;
	w->nbids++;
	return 0;
}

static void write_buildids(struct pd_writer *w)
{
	static const char zero[NAME_ALIGN];
	size_t i;

	for (i = 0; i < w->nbids; i++) {
		const struct pd_buildid *b = &w->bids[i];
		uint32_t olen = (uint32_t)strlen(b->path) + 1, len = (olen + NAME_ALIGN - 1) / NAME_ALIGN * NAME_ALIGN;
		uint8_t rec[36];
		uint32_t type = 67; /* PERF_RECORD_HEADER_BUILD_ID */
		uint16_t misc = (b->kernel ? PERF_RECORD_MISC_KERNEL : PERF_RECORD_MISC_USER) | PD_MISC_BUILD_ID_SIZE;
		uint16_t size = (uint16_t)(sizeof(rec) + len);
		int32_t pid = b->pid;

		memset(rec, 0, sizeof(rec));
		memcpy(rec, &type, 4);
		memcpy(rec + 4, &misc, 2);
		memcpy(rec + 6, &size, 2);
		memcpy(rec + 8, &pid, 4);
		memcpy(rec + 12, b->id, b->size);
		rec[12 + 20] = b->size;
		wr(w, rec, sizeof(rec));
		wr(w, b->path, olen);
		wr(w, zero, len - olen);
	}
}

static void write_event_desc(struct pd_writer *w)
{
	uint32_t n = (uint32_t)w->nattrs, sz = sizeof(struct perf_event_attr);
	size_t i;

	wr(w, &n, 4);
	wr(w, &sz, 4);
	for (i = 0; i < w->nattrs; i++) {
		struct perf_event_attr a = w->attrs[i].attr;
		uint32_t nids = (uint32_t)w->attrs[i].nids;
		char name[128];

		a.size = sz;
		wr(w, &a, sz);
		wr(w, &nids, 4);
		wr_string(w, pd_attr_name(&w->attrs[i], name, sizeof(name)));
		wr(w, w->attrs[i].ids, nids * 8);
	}
}

int pd_writer_finish(struct pd_writer *w)
{
	static const int all_bits[] = { PD_FEAT_TRACING_DATA, PD_FEAT_BUILD_ID, PD_FEAT_HOSTNAME, PD_FEAT_OSRELEASE,
					PD_FEAT_ARCH, PD_FEAT_CMDLINE, PD_FEAT_EVENT_DESC };
	enum { NF = sizeof(all_bits) / sizeof(all_bits[0]) };
	const int *bits = w->tracing_len ? all_bits : all_bits + 1;
	size_t nf = w->tracing_len ? NF : NF - 1, i;
	uint64_t feat[4] = { 0 }, table, sec[NF][2];

	if (w->err)
		return w->err;
	table = w->data_off + w->data_size;
	memset(sec, 0, sizeof(sec));
	wr(w, sec, nf * 16);
	for (i = 0; i < nf; i++) {
		sec[i][0] = wpos(w);
		feat[bits[i] / 64] |= 1ULL << (bits[i] % 64);
		switch (bits[i]) {
		case PD_FEAT_TRACING_DATA:
			wr(w, w->tracing_data, w->tracing_len);
			break;
		case PD_FEAT_BUILD_ID:
			write_buildids(w);
			break;
		case PD_FEAT_HOSTNAME:
			wr_string(w, w->hostname ? w->hostname : "");
			break;
		case PD_FEAT_OSRELEASE:
			wr_string(w, w->osrelease ? w->osrelease : "");
			break;
		case PD_FEAT_ARCH:
			wr_string(w, "x86_64");
			break;
		case PD_FEAT_CMDLINE: {
			uint32_t one = 1;
			wr(w, &one, 4);
			wr_string(w, w->cmdline ? w->cmdline : "tracekit record");
			break;
		}
		case PD_FEAT_EVENT_DESC:
			write_event_desc(w);
			break;
		}
		sec[i][1] = wpos(w) - sec[i][0];
	}
	if (fseek(w->fp, (long)table, SEEK_SET) && !w->err)
		w->err = -errno;
	wr(w, sec, nf * 16);
	write_header(w, w->attrs_off, w->nattrs * (sizeof(struct perf_event_attr) + 16), feat);
	if (!w->err && fflush(w->fp))
		w->err = -errno;
	return w->err;
}

void pd_writer_free(struct pd_writer *w)
{
	size_t i;

	for (i = 0; i < w->nbids; i++)
		free(w->bids[i].path);
	free(w->bids);
	w->bids = NULL;
	w->nbids = w->bids_cap = 0;
}

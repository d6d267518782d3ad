/* The symbolizer: per-binary cache over elf.h, kallsyms, perf-PID.map; see sym.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/sym/elf.h"
#include "lib/sym/kernel.h"
#include "lib/sym/sym.h"

struct dso {
	char *key;		/* build-id hex, or the path */
	struct tk_elf *elf;	/* for offset -> vaddr (the mapped file, or its debug file) */
	struct tk_elf *syms;	/* where the symbols come from (a debug file when it has more) */
	bool failed;
	struct dso *next;
};

struct perfmap_ent {
	uint64_t start, size;
	char *name;
};

struct tk_perfmap {
	struct perfmap_ent *v;
	size_t n;
};

struct pmap {
	pid_t pid;
	struct tk_perfmap *map; /* NULL when there is no /tmp/perf-PID.map */
	struct pmap *next;
};

#define NBUCKETS 1024

struct tk_symbolizer {
	struct dso *buckets[NBUCKETS];
	struct dso *last;
	const char *last_path;
	struct pmap *pmaps;
	struct tk_kallsyms ks;
	bool ks_tried;
	int ks_err;
	uint64_t resolved, unresolved;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

int tk_sym_new(struct tk_symbolizer **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void tk_sym_free(struct tk_symbolizer *s)
{
	struct pmap *p, *pn;
	size_t i;

	if (!s)
		return;
	for (i = 0; i < NBUCKETS; i++) {
		struct dso *d = s->buckets[i], *n;
		for (; d; d = n) {
			n = d->next;
			if (d->syms != d->elf)
				tk_elf_close(d->syms);
			tk_elf_close(d->elf);
			free(d->key);
			free(d);
		}
	}
	for (p = s->pmaps; p; p = pn) {
		pn = p->next;
		tk_perfmap_free(p->map);
		free(p);
	}
	tk_kallsyms_free(&s->ks);
	free(s);
}

void tk_sym_stats(const struct tk_symbolizer *s, uint64_t *resolved, uint64_t *unresolved)
{
	*resolved = s->resolved;
	*unresolved = s->unresolved;
}

bool tk_sym_is_anon(const char *path)
{
	return !path || !*path || !strncmp(path, "//anon", 6) || !strncmp(path, "[anon", 5) ||
	       !strncmp(path, "/memfd:", 7) || !strncmp(path, "/dev/zero", 9);
}

static int first_is_static(const struct tk_elf_sym *sym, void *arg)
{
	(void)arg;
	return sym->dynamic ? 2 : 1;
}

static struct tk_elf *open_debug(const char *hex)
{
	char path[512];
	const char *home = getenv("HOME");
	struct tk_elf *e = NULL;
	size_t n = strlen(hex);

	if (n < 3)
		return NULL;
	snprintf(path, sizeof(path), "/usr/lib/debug/.build-id/%.2s/%s.debug", hex, hex + 2);
	if (!tk_elf_open(path, &e))
		return e;
	if (home) {
		snprintf(path, sizeof(path), "%s/.debug/.build-id/%.2s/%s/debug", home, hex, hex + 2);
		if (!tk_elf_open(path, &e))
			return e;
		snprintf(path, sizeof(path), "%s/.debug/.build-id/%.2s/%s/elf", home, hex, hex + 2);
		if (!tk_elf_open(path, &e))
			return e;
	}
	return NULL;
}

static struct dso *get_dso(struct tk_symbolizer *s, const struct tk_sym_map *m)
{
	char key[4096];
	uint64_t h;
	struct dso *d;
	size_t i;

	if (s->last && s->last_path == m->path)
		return s->last;
	if (m->build_id_len) {
		for (i = 0; i < m->build_id_len && i < 20; i++)
			snprintf(key + 2 * i, 3, "%02x", m->build_id[i]);
	} else {
		snprintf(key, sizeof(key), "%s", m->path);
	}
	h = hash_str(key) % NBUCKETS;
	for (d = s->buckets[h]; d; d = d->next)
		if (!strcmp(d->key, key))
			goto found;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->key = strdup(key);
	if (!d->key) {
		free(d);
		return NULL;
	}
	d->next = s->buckets[h];
	s->buckets[h] = d;
	if (tk_elf_open(m->path, &d->elf))
		d->elf = NULL;
	if (d->elf && m->build_id_len) {
		/* the file at that path was replaced since the recording: do not trust its symbols */
		uint8_t id[20];
		int n = tk_elf_build_id(d->elf, id, sizeof(id));
		if (n > 0 && ((size_t)n != m->build_id_len || memcmp(id, m->build_id, m->build_id_len))) {
			tk_elf_close(d->elf);
			d->elf = NULL;
		}
	}
	d->syms = d->elf;
	if (!d->elf || tk_elf_foreach_sym(d->elf, first_is_static, NULL) != 1) {
		/* no .symtab here: the debug file with the same build-id has the local functions too */
		char hex[48] = "";
		struct tk_elf *dbg = NULL;

		if (m->build_id_len)
			snprintf(hex, sizeof(hex), "%s", key);
		else if (d->elf)
			tk_elf_build_id_hex(d->elf, hex, sizeof(hex));
		if (hex[0])
			dbg = open_debug(hex);
		if (dbg) {
			d->syms = dbg;
			if (!d->elf)
				d->elf = dbg;
		}
	}
	d->failed = !d->elf;
found:
	s->last = d;
	s->last_path = m->path;
	return d;
}

static struct tk_perfmap *get_perfmap(struct tk_symbolizer *s, pid_t pid)
{
	struct pmap *p;
	char path[64];
	FILE *f;
	char *buf = NULL;
	size_t len = 0;

	for (p = s->pmaps; p; p = p->next)
		if (p->pid == pid)
			return p->map;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	p->next = s->pmaps;
	s->pmaps = p;
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	{
		FILE *mem = open_memstream(&buf, &len);
		char chunk[65536];
		size_t n;
		if (mem) {
			while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
				fwrite(chunk, 1, n, mem);
			fclose(mem);
		}
	}
	fclose(f);
	if (buf && tk_perfmap_parse(buf, len, &p->map))
		p->map = NULL;
	free(buf);
	return p->map;
}

int tk_sym_user(struct tk_symbolizer *s, pid_t pid, const struct tk_sym_map *m, uint64_t addr,
		struct tk_sym_result *out)
{
	struct tk_elf_sym sym;
	struct dso *d;
	uint64_t off = addr - m->start + m->pgoff, vaddr;

	memset(out, 0, sizeof(*out));
	out->rel = off;
	if (tk_sym_is_anon(m->path)) {
		struct tk_perfmap *pm = get_perfmap(s, pid);
		const char *name = pm ? tk_perfmap_find(pm, addr, &out->offset) : NULL;

		out->rel = addr;
		if (name) {
			out->name = name;
			s->resolved++;
			return 0;
		}
		s->unresolved++;
		return -ENOENT;
	}
	d = get_dso(s, m);
	if (!d || d->failed) {
		s->unresolved++;
		return -ENOENT;
	}
	if (tk_elf_offset_to_addr(d->elf, off, &vaddr))
		vaddr = off;
	out->rel = vaddr;
	if (tk_elf_sym_at(d->syms, vaddr, &sym, &out->offset) &&
	    (d->syms == d->elf || tk_elf_sym_at(d->elf, vaddr, &sym, &out->offset))) {
		s->unresolved++;
		return -ENOENT;
	}
	out->name = sym.name;
	s->resolved++;
	return 0;
}

int tk_sym_kernel(struct tk_symbolizer *s, uint64_t addr, struct tk_sym_result *out, const char **module)
{
	const struct tk_ksym *k;

	memset(out, 0, sizeof(*out));
	out->rel = addr;
	if (module)
		*module = NULL;
	if (!s->ks_tried) {
		s->ks_tried = true;
		s->ks_err = tk_kallsyms_load(&s->ks);
	}
	k = s->ks_err ? NULL : tk_kallsyms_find(&s->ks, addr);
	if (!k) {
		s->unresolved++;
		return -ENOENT;
	}
	out->name = k->name;
	out->offset = addr - k->addr;
	if (module)
		*module = k->module;
	s->resolved++;
	return 0;
}

static int cmp_pm(const void *a, const void *b)
{
	const struct perfmap_ent *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int tk_perfmap_parse(const char *text, size_t len, struct tk_perfmap **out)
{
	struct tk_perfmap *m = calloc(1, sizeof(*m));
	const char *p = text, *end = text + len;
	size_t cap = 0;

	*out = NULL;
	if (!m)
		return -ENOMEM;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *q;
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[1024], *e1, *e2;
		unsigned long long start, size;

		if (ll && ll < sizeof(line)) {
			memcpy(line, p, ll);
			line[ll] = 0;
			start = strtoull(line, &e1, 16);
			size = e1 != line && *e1 == ' ' ? strtoull(e1 + 1, &e2, 16) : 0;
			if (e1 != line && *e1 == ' ' && e2 != e1 + 1 && *e2 == ' ' && e2[1]) {
				struct perfmap_ent *ent;
				q = e2 + 1;
				if (m->n == cap) {
					struct perfmap_ent *nv;
					cap = cap ? cap * 2 : 64;
					nv = realloc(m->v, cap * sizeof(*nv));
					if (!nv) {
						tk_perfmap_free(m);
						return -ENOMEM;
					}
					m->v = nv;
				}
				ent = &m->v[m->n];
				ent->start = start;
				ent->size = size;
				ent->name = strdup(q);
				if (!ent->name) {
					tk_perfmap_free(m);
					return -ENOMEM;
				}
				m->n++;
			}
		}
		p += ll + 1;
	}
	if (m->n)
		qsort(m->v, m->n, sizeof(*m->v), cmp_pm);
	*out = m;
	return 0;
}

const char *tk_perfmap_find(const struct tk_perfmap *m, uint64_t addr, uint64_t *offset)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->v[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	/* later entries win when JIT code is regenerated at the same place: search back a little */
	for (hi = lo; hi-- > 0 && lo - hi <= 8;) {
		const struct perfmap_ent *e = &m->v[hi];
		if (addr >= e->start && addr - e->start < (e->size ? e->size : 1)) {
			if (offset)
				*offset = addr - e->start;
			return e->name;
		}
	}
	return NULL;
}

void tk_perfmap_free(struct tk_perfmap *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n; i++)
		free(m->v[i].name);
	free(m->v);
	free(m);
}

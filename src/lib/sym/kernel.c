/* kallsyms and the kernel build-id; see kernel.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sym/kernel.h"

static int cmp_ksym(const void *a, const void *b)
{
	const struct tk_ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int tk_kallsyms_parse(struct tk_kallsyms *k, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t cap = 0;

	memset(k, 0, sizeof(*k));
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[512], type, name[256], mod[128];
		unsigned long long addr;
		int n;

		if (ll < sizeof(line)) {
			memcpy(line, p, ll);
			line[ll] = 0;
			mod[0] = 0;
			n = sscanf(line, "%llx %c %255s [%127[^]]]", &addr, &type, name, mod);
			if (n >= 3 && (type == 't' || type == 'T' || type == 'w' || type == 'W')) {
				struct tk_ksym *s;
				if (k->n == cap) {
					struct tk_ksym *ns;
					cap = cap ? cap * 2 : 4096;
					ns = realloc(k->syms, cap * sizeof(*ns));
					if (!ns) {
						tk_kallsyms_free(k);
						return -ENOMEM;
					}
					k->syms = ns;
				}
				s = &k->syms[k->n];
				s->addr = addr;
				s->name = strdup(name);
				s->module = n == 4 && mod[0] ? strdup(mod) : NULL;
				if (!s->name) {
					tk_kallsyms_free(k);
					return -ENOMEM;
				}
				k->n++;
				if (!strcmp(name, "_text") && !k->text)
					k->text = addr;
			}
		}
		p += ll + 1;
	}
	if (k->n)
		qsort(k->syms, k->n, sizeof(*k->syms), cmp_ksym);
	return 0;
}

int tk_kallsyms_load(struct tk_kallsyms *k)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int r;

	memset(k, 0, sizeof(*k));
	if (!f)
		return -errno;
	for (;;) {
		if (cap - len < 65536) {
			char *nb;
			cap = cap ? cap * 2 : 1 << 22;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	r = tk_kallsyms_parse(k, buf ? buf : "", len);
	free(buf);
	/* without privilege every address reads as zero: useless, say so */
	if (!r && k->n && k->syms[k->n - 1].addr == 0) {
		tk_kallsyms_free(k);
		return -EPERM;
	}
	return r;
}

const struct tk_ksym *tk_kallsyms_find(const struct tk_kallsyms *k, uint64_t addr)
{
	size_t lo = 0, hi = k->n;

	if (!k->n || addr < k->syms[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (k->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return &k->syms[lo];
}

void tk_kallsyms_free(struct tk_kallsyms *k)
{
	size_t i;

	for (i = 0; i < k->n; i++) {
		free(k->syms[i].name);
		free(k->syms[i].module);
	}
	free(k->syms);
	memset(k, 0, sizeof(*k));
}

int tk_notes_build_id(const uint8_t *buf, size_t n, uint8_t *id, size_t len)
{
	size_t p = 0;

	while (p + 12 <= n) {
		uint32_t namesz, descsz, type;
		size_t name_off, desc_off;

		memcpy(&namesz, buf + p, 4);
		memcpy(&descsz, buf + p + 4, 4);
		memcpy(&type, buf + p + 8, 4);
		name_off = p + 12;
		desc_off = name_off + (((size_t)namesz + 3) & ~(size_t)3);
		if (namesz > n || descsz > n || desc_off > n || descsz > n - desc_off)
			break;
		if (type == 3 && namesz == 4 && !memcmp(buf + name_off, "GNU", 4)) {
			memcpy(id, buf + desc_off, descsz < len ? descsz : len);
			return (int)descsz;
		}
		p = desc_off + (((size_t)descsz + 3) & ~(size_t)3);
	}
	return -ENOENT;
}

int tk_kernel_build_id(uint8_t *id, size_t len)
{
	uint8_t buf[4096];
	size_t n;
	FILE *f = fopen("/sys/kernel/notes", "rb");

	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return tk_notes_build_id(buf, n, id, len);
}

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

/*
 * By hand rather than sscanf: /proc/kallsyms has ~120k lines and this runs on every report with
 * kernel frames. Names and modules point into a private copy of the text, split in place.
 */
/* Parse buf (len bytes, NUL at buf[len]), taking ownership of it. */
static int parse_owned(struct tk_kallsyms *k, char *buf, size_t len)
{
	char *p, *end;
	size_t cap = 0;

	memset(k, 0, sizeof(*k));
	k->buf = buf;
	p = k->buf;
	end = k->buf + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *name, *e, type;
		unsigned long long addr;

		if (!nl)
			nl = end;
		*nl = 0;
		addr = strtoull(p, &e, 16);
		if (e == p || e[0] != ' ' || !e[1] || e[2] != ' ')
			goto next;
		type = e[1];
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			goto next;
		name = e + 3;
		e = name + strcspn(name, "\t ");
		if (e == name)
			goto next;
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
		k->syms[k->n].addr = addr;
		k->syms[k->n].name = name;
		k->syms[k->n].module = NULL;
		if (*e) {
			char *mod = strchr(e + 1, '[');
			*e = 0;
			if (mod && strchr(mod, ']')) {
				*strchr(mod, ']') = 0;
				k->syms[k->n].module = mod + 1;
			}
		}
		if (!k->text && !strcmp(name, "_text"))
			k->text = addr;
		k->n++;
next:
		p = nl + 1;
	}
	if (k->n)
		qsort(k->syms, k->n, sizeof(*k->syms), cmp_ksym);
	return 0;
}

int tk_kallsyms_parse(struct tk_kallsyms *k, const char *text, size_t len)
{
	char *buf = malloc(len + 1);

	memset(k, 0, sizeof(*k));
	if (!buf)
		return -ENOMEM;
	memcpy(buf, text, len);
	buf[len] = 0;
	return parse_owned(k, buf, len);
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
	if (!buf)
		return -EIO;
	buf[len] = 0; /* the loop keeps 64 KiB spare */
	r = parse_owned(k, buf, len);
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
	free(k->syms);
	free(k->buf);
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

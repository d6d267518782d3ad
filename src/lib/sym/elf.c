/* ELF symbols, segment translation and build-ids through libelf (see elf.h). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/sym/elf.h"

struct symsec {
	Elf_Data *data;
	size_t strndx;
	size_t count;
	bool present;
};

struct tk_elf {
	Elf *elf;
	int fd;
	GElf_Ehdr ehdr;
	GElf_Phdr *phdrs;	/* PT_LOAD only */
	size_t nphdrs;
	struct symsec symtab, dynsym;
	struct tk_elf_sym *sorted;	/* defined functions by address, built by tk_elf_sym_at */
	size_t nsorted;
	bool sorted_built;
	char *plt_names;	/* "f@plt\0g@plt\0...": names of the synthesized PLT entries */
};

static void find_symsecs(struct tk_elf *e)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		struct symsec *s;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			s = &e->symtab;
		else if (sh.sh_type == SHT_DYNSYM)
			s = &e->dynsym;
		else
			continue;
		if (s->present || !sh.sh_entsize)
			continue;
		s->data = elf_getdata(scn, NULL);
		if (!s->data || s->data->d_type != ELF_T_SYM)
			continue;
		s->strndx = sh.sh_link;
		s->count = s->data->d_size / gelf_fsize(e->elf, ELF_T_SYM, 1, EV_CURRENT);
		s->present = true;
	}
}

static int load_phdrs(struct tk_elf *e)
{
	size_t n, i;

	if (elf_getphdrnum(e->elf, &n))
		return 0;	/* relocatable objects have none */
	e->phdrs = calloc(n ? n : 1, sizeof(*e->phdrs));
	if (!e->phdrs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(e->elf, (int)i, &ph) && ph.p_type == PT_LOAD)
			e->phdrs[e->nphdrs++] = ph;
	}
	return 0;
}

static int setup(struct tk_elf *e)
{
	int ret;

	if (!e->elf || elf_kind(e->elf) != ELF_K_ELF || !gelf_getehdr(e->elf, &e->ehdr))
		return -ENOEXEC;
	ret = load_phdrs(e);
	if (ret)
		return ret;
	find_symsecs(e);
	return 0;
}

static struct tk_elf *alloc_elf(void)
{
	struct tk_elf *e;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (e)
		e->fd = -1;
	return e;
}

int tk_elf_open(const char *path, struct tk_elf **out)
{
	struct tk_elf *e = alloc_elf();
	int ret;

	*out = NULL;
	if (!e)
		return -ENOMEM;
	e->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (e->fd < 0) {
		ret = -errno;
		tk_elf_close(e);
		return ret;
	}
	e->elf = elf_begin(e->fd, ELF_C_READ_MMAP, NULL);
	ret = setup(e);
	if (ret) {
		tk_elf_close(e);
		return ret;
	}
	*out = e;
	return 0;
}

int tk_elf_open_mem(const void *buf, size_t len, struct tk_elf **out)
{
	struct tk_elf *e = alloc_elf();
	int ret;

	*out = NULL;
	if (!e)
		return -ENOMEM;
	/* libelf takes a non-const pointer but only reads with ELF_C_READ semantics */
	e->elf = elf_memory((char *)buf, len);
	ret = setup(e);
	if (ret) {
		tk_elf_close(e);
		return ret;
	}
	*out = e;
	return 0;
}

void tk_elf_close(struct tk_elf *e)
{
	if (!e)
		return;
	if (e->elf)
		elf_end(e->elf);
	if (e->fd >= 0)
		close(e->fd);
	free(e->phdrs);
	free(e->sorted);
	free(e->plt_names);
	free(e);
}

int tk_elf_type(const struct tk_elf *e)
{
	return e->ehdr.e_type;
}

static bool get_sym(struct tk_elf *e, const struct symsec *s, size_t i, struct tk_elf_sym *out)
{
	GElf_Sym sym;
	const char *name;

	if (!gelf_getsym(s->data, (int)i, &sym))
		return false;
	if (!sym.st_name)
		return false;
	name = elf_strptr(e->elf, s->strndx, sym.st_name);
	if (!name || !*name)
		return false;
	out->name = name;
	out->value = sym.st_value;
	out->size = sym.st_size;
	out->type = GELF_ST_TYPE(sym.st_info);
	out->bind = GELF_ST_BIND(sym.st_info);
	out->shndx = sym.st_shndx;
	out->dynamic = s == &e->dynsym;
	out->index = (uint32_t)i;
	return true;
}

int tk_elf_foreach_sym(struct tk_elf *e, int (*cb)(const struct tk_elf_sym *sym, void *arg), void *arg)
{
	const struct symsec *secs[2] = { &e->symtab, &e->dynsym };
	int k, ret;
	size_t i;

	for (k = 0; k < 2; k++) {
		if (!secs[k]->present)
			continue;
		for (i = 0; i < secs[k]->count; i++) {
			struct tk_elf_sym s;

			if (!get_sym(e, secs[k], i, &s))
				continue;
			ret = cb(&s, arg);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static bool is_func(unsigned char type)
{
	return type == STT_FUNC || type == STT_GNU_IFUNC;
}

/* "name" equals "name" or "name@VER" / "name@@VER" */
static bool name_matches(const char *symname, const char *want)
{
	size_t n = strlen(want);

	return !strncmp(symname, want, n) && (symname[n] == 0 || symname[n] == '@');
}

struct find_ctx {
	const char *name;
	struct tk_elf_sym best;
	int rank;	/* higher is better; 0 = nothing yet */
};

static int find_cb(const struct tk_elf_sym *s, void *arg)
{
	struct find_ctx *c = arg;
	int rank;

	if (s->shndx == SHN_UNDEF || !name_matches(s->name, c->name))
		return 0;
	/* function > other, exact name > versioned, .symtab > .dynsym */
	rank = 1 + (is_func(s->type) ? 4 : 0) + (s->name[strlen(c->name)] == 0 ? 2 : 0) + (s->dynamic ? 0 : 1);
	if (rank > c->rank) {
		c->rank = rank;
		c->best = *s;
	}
	return 0;
}

int tk_elf_find_sym(struct tk_elf *e, const char *name, struct tk_elf_sym *out)
{
	struct find_ctx c = { .name = name };

	tk_elf_foreach_sym(e, find_cb, &c);
	if (!c.rank)
		return -ENOENT;
	*out = c.best;
	return 0;
}

struct collect_ctx {
	struct tk_elf_sym *v;
	size_t n, cap;
	int err;
};

static int collect_cb(const struct tk_elf_sym *s, void *arg)
{
	struct collect_ctx *c = arg;

	/* code labels (NOTYPE, e.g. _dl_start_user) too, as perf reports them; functions win below */
	if ((!is_func(s->type) && s->type != STT_NOTYPE) || s->shndx == SHN_UNDEF || s->shndx == SHN_ABS ||
	    !s->value)
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct tk_elf_sym *v = realloc(c->v, cap * sizeof(*v));

		if (!v) {
			c->err = -ENOMEM;
			return 1;
		}
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n++] = *s;
	return 0;
}

static int cmp_sym_addr(const void *a, const void *b)
{
	const struct tk_elf_sym *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	/* at one address keep the sized, .symtab, global name first: it is the one to report */
	if ((x->size == 0) != (y->size == 0))
		return x->size ? -1 : 1;
	if ((x->type == STT_NOTYPE) != (y->type == STT_NOTYPE))
		return x->type == STT_NOTYPE ? 1 : -1;
	if (x->dynamic != y->dynamic)
		return x->dynamic ? 1 : -1;
	/* then perf's choice among aliases, so both tools name a frame alike: non-weak, global, */
	if ((x->bind == STB_WEAK) != (y->bind == STB_WEAK))
		return x->bind == STB_WEAK ? 1 : -1;
	if ((x->bind == STB_GLOBAL) != (y->bind == STB_GLOBAL))
		return x->bind == STB_GLOBAL ? -1 : 1;
	/* fewer leading underscores (read over __read), the longer name (__GI___libc_open) */
	if (strspn(x->name, "_") != strspn(y->name, "_"))
		return strspn(x->name, "_") < strspn(y->name, "_") ? -1 : 1;
	if (strlen(x->name) != strlen(y->name))
		return strlen(x->name) > strlen(y->name) ? -1 : 1;
	/* and the one that comes first in its table */
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return strcmp(x->name, y->name);
}

static Elf_Scn *section_named(struct tk_elf *e, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (elf_getshdrstrndx(e->elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(e->elf, scn))) {
		const char *n;

		if (!gelf_getshdr(scn, sh))
			continue;
		n = elf_strptr(e->elf, shstrndx, sh->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/*
 * x86-64 PLT stubs as "f@plt" symbols, one per .rela.plt entry, as perf synthesizes them: entry i
 * sits at .plt.sec + 16*i (IBT binaries) or .plt + 16*(i+1) (after PLT0). A debug file's copies of
 * these sections hold no data; then nothing is added.
 */
static int add_plt(struct tk_elf *e, struct collect_ctx *c)
{
	GElf_Shdr rsh, psh;
	Elf_Scn *rscn, *pscn;
	Elf_Data *rel;
	uint64_t base;
	size_t i, n, names = 0;
	char *buf;

	if (e->ehdr.e_machine != EM_X86_64 || !e->dynsym.present)
		return 0;
	rscn = section_named(e, ".rela.plt", &rsh);
	if (!rscn || rsh.sh_type != SHT_RELA || !rsh.sh_entsize)
		return 0;
	pscn = section_named(e, ".plt.sec", &psh);
	if (pscn && psh.sh_type == SHT_PROGBITS) {
		base = psh.sh_addr;
	} else {
		pscn = section_named(e, ".plt", &psh);
		if (!pscn || psh.sh_type != SHT_PROGBITS)
			return 0;
		base = psh.sh_addr + 16;
	}
	rel = elf_getdata(rscn, NULL);
	if (!rel || !rel->d_buf || rel->d_type != ELF_T_RELA)
		return 0;
	n = rel->d_size / rsh.sh_entsize;
	/* names first, into one buffer, so the symbols can point into it */
	for (i = 0; i < n; i++) {
		GElf_Rela r;
		GElf_Sym sym;
		const char *name;

		if (gelf_getrela(rel, (int)i, &r) && gelf_getsym(e->dynsym.data, (int)GELF_R_SYM(r.r_info), &sym) &&
		    (name = elf_strptr(e->elf, e->dynsym.strndx, sym.st_name)) && *name)
			names += strlen(name) + sizeof("@plt");
	}
	if (!names)
		return 0;
	buf = e->plt_names = malloc(names);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		GElf_Rela r;
		GElf_Sym sym;
		const char *name;
		struct tk_elf_sym s;

		if (!gelf_getrela(rel, (int)i, &r) || !gelf_getsym(e->dynsym.data, (int)GELF_R_SYM(r.r_info), &sym) ||
		    !(name = elf_strptr(e->elf, e->dynsym.strndx, sym.st_name)) || !*name)
			continue;
		memset(&s, 0, sizeof(s));
		s.name = buf;
		buf += sprintf(buf, "%s@plt", name) + 1;
		s.value = base + 16 * i;
		s.size = 16;
		s.type = STT_FUNC;
		s.bind = STB_GLOBAL;
		s.shndx = (uint16_t)elf_ndxscn(pscn);
		s.dynamic = true;
		s.index = UINT32_MAX; /* after any real symbol at the same address */
		collect_cb(&s, c);
	}
	return c->err;
}

static int build_sorted(struct tk_elf *e)
{
	struct collect_ctx c = { 0 };
	size_t i, n = 0;

	tk_elf_foreach_sym(e, collect_cb, &c);
	if (!c.err && !e->plt_names)
		c.err = add_plt(e, &c);
	if (c.err) {
		free(c.v);
		return c.err;
	}
	if (c.n)
		qsort(c.v, c.n, sizeof(*c.v), cmp_sym_addr);
	/* one entry per address: the first after sorting */
	for (i = 0; i < c.n; i++)
		if (!n || c.v[n - 1].value != c.v[i].value)
			c.v[n++] = c.v[i];
	e->sorted = c.v;
	e->nsorted = n;
	e->sorted_built = true;
	return 0;
}

int tk_elf_sym_at(struct tk_elf *e, uint64_t addr, struct tk_elf_sym *out, uint64_t *offset_in)
{
	size_t lo = 0, hi;
	const struct tk_elf_sym *s;
	int ret;

	if (!e->sorted_built) {
		ret = build_sorted(e);
		if (ret)
			return ret;
	}
	/* last symbol with value <= addr */
	hi = e->nsorted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->sorted[mid].value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -ENOENT;
	s = &e->sorted[lo - 1];
	/* a zero-size symbol (an assembly label such as _start) runs up to the next one, as in perf */
	if (s->size ? addr - s->value >= s->size
		    : (lo < e->nsorted ? addr >= e->sorted[lo].value : addr - s->value >= 4096))
		return -ENOENT;
	*out = *s;
	if (offset_in)
		*offset_in = addr - s->value;
	return 0;
}

int tk_elf_addr_to_offset(const struct tk_elf *e, uint64_t addr, uint64_t *offset)
{
	size_t i;

	for (i = 0; i < e->nphdrs; i++) {
		const GElf_Phdr *p = &e->phdrs[i];

		/* only the file-backed part: .bss beyond p_filesz has no offset */
		if (addr >= p->p_vaddr && addr - p->p_vaddr < p->p_filesz) {
			*offset = addr - p->p_vaddr + p->p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

int tk_elf_offset_to_addr(const struct tk_elf *e, uint64_t offset, uint64_t *addr)
{
	size_t i;

	for (i = 0; i < e->nphdrs; i++) {
		const GElf_Phdr *p = &e->phdrs[i];

		if (offset >= p->p_offset && offset - p->p_offset < p->p_filesz) {
			*addr = offset - p->p_offset + p->p_vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

/* Look for NT_GNU_BUILD_ID in one note blob. Returns the id length or -ENOENT. */
static int scan_notes(Elf_Data *d, uint8_t *id, size_t len)
{
	size_t off = 0, next, name_off, desc_off;
	GElf_Nhdr nh;

	while (off < d->d_size && (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && desc_off + nh.n_descsz <= d->d_size &&
		    !memcmp((const char *)d->d_buf + name_off, "GNU", 4)) {
			memcpy(id, (const char *)d->d_buf + desc_off, nh.n_descsz < len ? nh.n_descsz : len);
			return (int)nh.n_descsz;
		}
		off = next;
	}
	return -ENOENT;
}

int tk_elf_build_id(const struct tk_elf *e, uint8_t *id, size_t len)
{
	Elf_Scn *scn = NULL;
	size_t n, i;
	int ret;

	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		if (d && d->d_type == ELF_T_NHDR && (ret = scan_notes(d, id, len)) >= 0)
			return ret;
	}
	/* stripped of section headers: the PT_NOTE segments still carry it */
	if (elf_getphdrnum(e->elf, &n))
		return -ENOENT;
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;
		Elf_Data *d;

		if (!gelf_getphdr(e->elf, (int)i, &ph) || ph.p_type != PT_NOTE)
			continue;
		d = elf_getdata_rawchunk(e->elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR);
		if (d && (ret = scan_notes(d, id, len)) >= 0)
			return ret;
	}
	return -ENOENT;
}

int tk_elf_build_id_hex(const struct tk_elf *e, char *buf, size_t len)
{
	uint8_t id[64];
	int n = tk_elf_build_id(e, id, sizeof(id)), i;

	if (n < 0)
		return n;
	if (n > (int)sizeof(id) || len < (size_t)n * 2 + 1)
		return -ENOSPC;
	for (i = 0; i < n; i++) {
		buf[2 * i] = "0123456789abcdef"[id[i] >> 4];
		buf[2 * i + 1] = "0123456789abcdef"[id[i] & 15];
	}
	buf[2 * n] = 0;
	return n;
}

/*
 * ELF symbol tables, address <-> file offset translation and build-ids, on top of libelf.
 *
 * Used by `tracekit probe` (a uprobe wants the symbol's *file offset*, which is its virtual address
 * moved through the PT_LOAD segment that contains it) and by the symbolizer of the perf commands
 * (address -> function, build-id as the cache key).
 *
 * All functions return 0 or a negative errno; nothing prints. Names returned in struct tk_elf_sym
 * point into the opened file's string tables and stay valid until tk_elf_close().
 */
#ifndef TK_SYM_ELF_H
#define TK_SYM_ELF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tk_elf;

struct tk_elf_sym {
	const char *name;
	uint64_t value;		/* st_value: the virtual address for ET_EXEC/ET_DYN */
	uint64_t size;
	unsigned char type;	/* STT_FUNC, STT_OBJECT, STT_GNU_IFUNC, ... */
	unsigned char bind;	/* STB_LOCAL, STB_GLOBAL, STB_WEAK */
	uint16_t shndx;		/* section index; SHN_UNDEF for imports */
	bool dynamic;		/* from .dynsym rather than .symtab */
	uint32_t index;		/* its index in that table */
};

/*
 * Open an ELF file. -ENOEXEC when the file is not ELF (or is truncated / malformed beyond what
 * libelf accepts), other -errno from open(2).
 */
int tk_elf_open(const char *path, struct tk_elf **out);
/* The same on an image in memory; buf must outlive the handle (used by the fuzz harness). */
int tk_elf_open_mem(const void *buf, size_t len, struct tk_elf **out);
void tk_elf_close(struct tk_elf *e);

/* e_type: ET_EXEC, ET_DYN (PIE or shared object), ET_REL, ... */
int tk_elf_type(const struct tk_elf *e);

/*
 * Call cb for every named symbol of .symtab then .dynsym (both when present). A non-zero return
 * from cb stops the walk and is returned.
 */
int tk_elf_foreach_sym(struct tk_elf *e, int (*cb)(const struct tk_elf_sym *sym, void *arg), void *arg);

/*
 * Find a defined symbol by exact name. Functions win over other types and .symtab over .dynsym;
 * a versioned .dynsym name ("memcpy@@GLIBC_2.14") matches "memcpy". -ENOENT when absent or only
 * imported (undefined).
 */
int tk_elf_find_sym(struct tk_elf *e, const char *name, struct tk_elf_sym *out);

/*
 * The defined function (or ifunc) symbol whose [value, value+size) contains addr, with *offset_in
 * set to addr - value. A zero-size symbol (an assembly label) extends to the next symbol, as perf
 * treats it (at most a page when it is the last). -ENOENT otherwise.
 * The sorted table is built on first use.
 */
int tk_elf_sym_at(struct tk_elf *e, uint64_t addr, struct tk_elf_sym *out, uint64_t *offset_in);

/* Virtual address -> file offset through the PT_LOAD that maps it (what uprobe_events expects). */
int tk_elf_addr_to_offset(const struct tk_elf *e, uint64_t addr, uint64_t *offset);
/* File offset -> virtual address (for mapping a sampled address in /proc/PID/maps back). */
int tk_elf_offset_to_addr(const struct tk_elf *e, uint64_t offset, uint64_t *addr);

/*
 * The NT_GNU_BUILD_ID note: copies up to len bytes into id and returns the id's full length, or
 * -ENOENT when the file has none.
 */
int tk_elf_build_id(const struct tk_elf *e, uint8_t *id, size_t len);
/* The build-id as lowercase hex into buf (2 * length + 1 bytes); returns the id's length or -errno. */
int tk_elf_build_id_hex(const struct tk_elf *e, char *buf, size_t len);

#endif

/* The running kernel's symbols (/proc/kallsyms) and build-id (/sys/kernel/notes). */
#ifndef TK_SYM_KERNEL_H
#define TK_SYM_KERNEL_H
#include <stddef.h>
#include <stdint.h>

struct tk_ksym {
	uint64_t addr;
	char *name;
	char *module; /* NULL for the kernel image */
};

struct tk_kallsyms {
	char *buf; /* the file, split in place: names point into it */
	struct tk_ksym *syms; /* sorted by address, text symbols only */
	size_t n;
	uint64_t text; /* the address of _text, 0 if unknown */
};

/* Parse kallsyms-format text (the file, or a test's string). 0 or -errno. */
int tk_kallsyms_parse(struct tk_kallsyms *k, const char *text, size_t len);
int tk_kallsyms_load(struct tk_kallsyms *k);
/* The symbol containing addr (the last one at or below it), or NULL (below the first, or all zero). */
const struct tk_ksym *tk_kallsyms_find(const struct tk_kallsyms *k, uint64_t addr);
void tk_kallsyms_free(struct tk_kallsyms *k);

/* The NT_GNU_BUILD_ID of the running kernel; its length or -errno. */
int tk_kernel_build_id(uint8_t *id, size_t len);
/* Parse an ELF note section image for NT_GNU_BUILD_ID; its length or -ENOENT. */
int tk_notes_build_id(const uint8_t *buf, size_t n, uint8_t *id, size_t len);

#endif

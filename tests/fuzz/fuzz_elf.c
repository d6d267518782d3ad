/*
 * Fuzz the ELF reader (src/lib/sym/elf.c) on arbitrary bytes: open from memory, walk symbols,
 * look up by name and address, translate addresses, read the build-id.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sym/elf.h"

static int walk_cb(const struct tk_elf_sym *s, void *arg)
{
	*(size_t *)arg += strlen(s->name);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_elf *e;
	struct tk_elf_sym s;
	uint64_t off, addr, in;
	size_t total = 0;
	char hex[129];
	void *copy;

	/* libelf may keep pointers into the image: give it a private copy with the exact size */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (tk_elf_open_mem(copy, size, &e) == 0) {
		tk_elf_foreach_sym(e, walk_cb, &total);
		if (tk_elf_find_sym(e, "main", &s) == 0 && tk_elf_addr_to_offset(e, s.value, &off) == 0)
			tk_elf_offset_to_addr(e, off, &addr);
		tk_elf_sym_at(e, 0x1139, &s, &in);
		tk_elf_build_id_hex(e, hex, sizeof(hex));
		tk_elf_close(e);
	}
	free(copy);
	return 0;
}

/*
 * Address -> symbol for sampled stacks: user addresses through the mapping they fell in (file,
 * page offset, build-id) and that file's ELF symbols (src/lib/sym/elf.h), kernel addresses through
 * kallsyms, JIT code through /tmp/perf-PID.map.
 *
 * One cache entry per binary, keyed by build-id when the recording has one (else by path): the same
 * libc mapped by a thousand processes is opened and sorted once. When the mapped file has no
 * .symtab, or is gone, the debug file with the same build-id is tried: /usr/lib/debug/.build-id/xx/
 * rest.debug, then perf's cache ~/.debug/.build-id/xx/rest/{debug,elf}.
 */
#ifndef TK_SYM_SYM_H
#define TK_SYM_SYM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tk_symbolizer;

struct tk_sym_map {	/* a mapping of a process, as an MMAP2 record gave it */
	uint64_t start, len, pgoff;
	const char *path;
	const uint8_t *build_id; /* NULL or build_id_len bytes */
	size_t build_id_len;
};

struct tk_sym_result {
	const char *name;	/* symbol name, NULL when unresolved; valid until tk_sym_free() */
	uint64_t offset;	/* addr - symbol start */
	uint64_t rel;		/* the address relative to its binary (file vaddr), for unresolved frames */
};

int tk_sym_new(struct tk_symbolizer **out);
void tk_sym_free(struct tk_symbolizer *s);

/* Resolve a user address inside map m of process pid. 0, or -ENOENT (counted as unresolved). */
int tk_sym_user(struct tk_symbolizer *s, pid_t pid, const struct tk_sym_map *m, uint64_t addr,
		struct tk_sym_result *out);
/* Resolve a kernel address with kallsyms (loaded on first use). out->name is "module" aware. */
int tk_sym_kernel(struct tk_symbolizer *s, uint64_t addr, struct tk_sym_result *out, const char **module);

/* Frames that could not be resolved so far, and all frames looked up. */
void tk_sym_stats(const struct tk_symbolizer *s, uint64_t *resolved, uint64_t *unresolved);

/* Is this mapping anonymous memory (JIT code goes through /tmp/perf-PID.map)? */
bool tk_sym_is_anon(const char *path);

/* Parse perf-PID.map text ("START SIZE name" in hex per line) -- exposed for tests and fuzzing. */
struct tk_perfmap;
int tk_perfmap_parse(const char *text, size_t len, struct tk_perfmap **out);
const char *tk_perfmap_find(const struct tk_perfmap *m, uint64_t addr, uint64_t *offset);
void tk_perfmap_free(struct tk_perfmap *m);

#endif

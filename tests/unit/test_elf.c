/*
 * Unit tests for src/lib/sym/elf: symbol lookup, address <-> offset, build-id, on real binaries:
 * this test program itself (so the file bytes at a computed offset can be compared with the code
 * in memory) and tests/progs/uprobe_target (built by the same make run).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/sym/elf.h"

__attribute__((noinline, used)) int tk_test_marker_a(int x)
{
	return x * 3 + 7;
}

__attribute__((noinline, used)) int tk_test_marker_b(int x)
{
	return x * 5 - 1;
}

static const char *target_path(void)
{
	static char path[4096];
	const char *b = getenv("TK_BUILD");

	snprintf(path, sizeof(path), "%s/tests/progs/uprobe_target", b ? b : "build");
	return path;
}

static void self_symbols_match_code_in_memory(void **state)
{
	struct tk_elf *e;
	struct tk_elf_sym a, b, at;
	uint64_t off, back, in;
	uintptr_t bias;
	unsigned char file_bytes[16];
	int fd;

	(void)state;
	assert_int_equal(tk_elf_open("/proc/self/exe", &e), 0);
	assert_int_equal(tk_elf_find_sym(e, "tk_test_marker_a", &a), 0);
	assert_int_equal(tk_elf_find_sym(e, "tk_test_marker_b", &b), 0);
	assert_int_equal(a.type, STT_FUNC);
	assert_true(a.size > 0);
	assert_false(a.dynamic);
	/* one load bias explains both functions' runtime addresses */
	bias = (uintptr_t)&tk_test_marker_a - a.value;
	assert_int_equal((uintptr_t)&tk_test_marker_b - b.value, bias);

	/* the file bytes at the computed offset are the code the CPU runs */
	assert_int_equal(tk_elf_addr_to_offset(e, a.value, &off), 0);
	fd = open("/proc/self/exe", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, file_bytes, sizeof(file_bytes), (off_t)off), sizeof(file_bytes));
	close(fd);
	assert_memory_equal(file_bytes, (const void *)&tk_test_marker_a, sizeof(file_bytes));
	assert_int_equal(tk_elf_offset_to_addr(e, off, &back), 0);
	assert_int_equal(back, a.value);

	/* address -> symbol, inside and at the start */
	assert_int_equal(tk_elf_sym_at(e, a.value + 1, &at, &in), 0);
	assert_string_equal(at.name, "tk_test_marker_a");
	assert_int_equal(in, 1);
	assert_int_equal(tk_elf_sym_at(e, b.value, &at, &in), 0);
	assert_string_equal(at.name, "tk_test_marker_b");
	assert_int_equal(in, 0);
	assert_int_equal(tk_elf_sym_at(e, 0, &at, &in), -ENOENT);
	tk_elf_close(e);
}

static void progs_target_symbol_and_build_id(void **state)
{
	struct tk_elf *e;
	struct tk_elf_sym s, m;
	char hex[129];
	uint8_t id[20];
	uint64_t off;
	int n;

	(void)state;
	assert_int_equal(tk_elf_open(target_path(), &e), 0);
	assert_int_equal(tk_elf_type(e), ET_DYN);
	assert_int_equal(tk_elf_find_sym(e, "tk_target_func", &s), 0);
	assert_int_equal(s.type, STT_FUNC);
	assert_int_equal(s.bind, STB_GLOBAL);
	assert_int_equal(tk_elf_find_sym(e, "main", &m), 0);
	assert_true(s.value != m.value);
	assert_int_equal(tk_elf_addr_to_offset(e, s.value, &off), 0);
	/* an imported function is not a definition */
	assert_int_equal(tk_elf_find_sym(e, "printf", &m), -ENOENT);
	assert_int_equal(tk_elf_find_sym(e, "no_such_function_here", &m), -ENOENT);

	n = tk_elf_build_id(e, id, sizeof(id));
	assert_int_equal(n, 20);	/* gcc/ld default: sha1 */
	assert_int_equal(tk_elf_build_id_hex(e, hex, sizeof(hex)), 20);
	assert_int_equal(strlen(hex), 40);
	assert_int_equal(tk_elf_build_id_hex(e, hex, 10), -ENOSPC);
	tk_elf_close(e);
}

static int count_cb(const struct tk_elf_sym *s, void *arg)
{
	if (!strcmp(s->name, "tk_target_func"))
		++*(int *)arg;
	return 0;
}

static void foreach_sees_symtab(void **state)
{
	struct tk_elf *e;
	int n = 0;

	(void)state;
	assert_int_equal(tk_elf_open(target_path(), &e), 0);
	assert_int_equal(tk_elf_foreach_sym(e, count_cb, &n), 0);
	assert_true(n >= 1);
	tk_elf_close(e);
}

static void rejects_non_elf_and_missing(void **state)
{
	struct tk_elf *e = (struct tk_elf *)1;
	char path[] = "/tmp/tk-test-elf-XXXXXX";
	int fd = mkstemp(path);
	static const char text[] = "#!/bin/sh\necho not an elf file\n";

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), sizeof(text) - 1);
	close(fd);
	assert_int_equal(tk_elf_open(path, &e), -ENOEXEC);
	assert_null(e);
	unlink(path);
	assert_int_equal(tk_elf_open("/nonexistent/tk-elf", &e), -ENOENT);
	assert_int_equal(tk_elf_open_mem("\177ELF", 4, &e), -ENOEXEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(self_symbols_match_code_in_memory),
		cmocka_unit_test(progs_target_symbol_and_build_id),
		cmocka_unit_test(foreach_sees_symtab),
		cmocka_unit_test(rejects_non_elf_and_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

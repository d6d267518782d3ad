/*
 * Unit tests for src/lib/bpf/btf_field: member offsets from raw BTF, checked against blobs that
 * libbpf's BTF writer builds (the reference for the format), so no kernel is needed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <bpf/btf.h>
#include <linux/btf.h>

#include "lib/bpf/btf_field.h"

/*
 * A kernel-like blob: other types first (an enum, a function prototype, a decl tag: records of
 * every length before the struct), a struct of the same member names but another name, then
 * task_struct with pid at byte 8, an anonymous union at byte 16 holding an anonymous struct, a
 * bitfield, and a struct declared after it.
 */
static struct btf *kernel_like(void)
{
	struct btf *btf = btf__new_empty();
	int i32, u8, e, fp, decoy, anon_s, anon_u, ts, after;

	assert_non_null(btf);
	i32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	u8 = btf__add_int(btf, "u8", 1, 0);
	e = btf__add_enum(btf, "state", 4);
	btf__add_enum_value(btf, "RUNNING", 0);
	btf__add_enum_value(btf, "SLEEPING", 1);
	fp = btf__add_func_proto(btf, i32);
	btf__add_func_param(btf, "x", i32);
	btf__add_func(btf, "f", BTF_FUNC_GLOBAL, fp);
	assert_true(btf__add_array(btf, i32, i32, 4) > 0);
	decoy = btf__add_struct(btf, "task_struct_decoy", 8);
	btf__add_field(btf, "pid", i32, 32, 0);
	btf__add_decl_tag(btf, "tag", decoy, -1);
	anon_s = btf__add_struct(btf, NULL, 8);
	btf__add_field(btf, "inner_a", i32, 0, 0);
	btf__add_field(btf, "inner_b", i32, 32, 0);
	anon_u = btf__add_union(btf, NULL, 8);
	btf__add_field(btf, "whole", i32, 0, 0);
	btf__add_field(btf, NULL, anon_s, 0, 0);
	ts = btf__add_struct(btf, "task_struct", 32);
	btf__add_field(btf, "state", e, 0, 0);
	btf__add_field(btf, "pid", i32, 64, 0);
	btf__add_field(btf, "tgid", i32, 96, 0);
	btf__add_field(btf, NULL, anon_u, 128, 0);
	btf__add_field(btf, "flag", u8, 192, 3);	/* a 3-bit bitfield */
	after = btf__add_struct(btf, "after", 4);
	btf__add_field(btf, "pid", i32, 0, 0);
	assert_true(ts > 0 && after > ts && anon_u > 0 && u8 > 0);
	return btf;
}

static const void *raw(struct btf *btf, size_t *size)
{
	__u32 n;
	const void *data = btf__raw_data(btf, &n);

	assert_non_null(data);
	*size = n;
	return data;
}

static void finds_direct_members(void **state)
{
	struct btf *btf = kernel_like();
	size_t size;
	const void *data = raw(btf, &size);

	(void)state;
	assert_int_equal(tk_btf_member_offset(data, size, "task_struct", "state"), 0);
	assert_int_equal(tk_btf_member_offset(data, size, "task_struct", "pid"), 8);
	assert_int_equal(tk_btf_member_offset(data, size, "task_struct", "tgid"), 12);
	assert_int_equal(tk_btf_member_offset(data, size, "task_struct_decoy", "pid"), 4);
	assert_int_equal(tk_btf_member_offset(data, size, "after", "pid"), 0);
	btf__free(btf);
}

static void finds_members_of_anonymous_members(void **state)
{
	struct btf *btf = kernel_like();
	size_t size;
	const void *data = raw(btf, &size);

	(void)state;
	assert_int_equal(tk_btf_member_offset(data, size, "task_struct", "whole"), 16);
	assert_int_equal(tk_btf_member_offset(data, size, "task_struct", "inner_a"), 16);
	assert_int_equal(tk_btf_member_offset(data, size, "task_struct", "inner_b"), 20);
	btf__free(btf);
}

static void says_what_it_cannot_answer(void **state)
{
	struct btf *btf = kernel_like();
	size_t size;
	const void *data = raw(btf, &size);
	unsigned char *bad;

	(void)state;
	assert_int_equal(tk_btf_member_offset(data, size, "task_struct", "nope"), -ENOENT);
	assert_int_equal(tk_btf_member_offset(data, size, "task", "pid"), -ENOENT);
	assert_int_equal(tk_btf_member_offset(data, size, "state", "RUNNING"), -ENOENT);	/* an enum */
	assert_int_equal(tk_btf_member_offset(data, size, "task_struct", "flag"), -EOPNOTSUPP);
	/* truncated anywhere: never a wrong answer, never a read past the end */
	for (size_t n = 0; n < size; n++) {
		int r;

		bad = malloc(n ? n : 1);
		memcpy(bad, data, n);
		r = tk_btf_member_offset(bad, n, "after", "pid");
		assert_true(r == -EINVAL || r == -ENOENT);
		free(bad);
	}
	bad = malloc(size);
	memcpy(bad, data, size);
	bad[0] ^= 0xff;
	assert_int_equal(tk_btf_member_offset(bad, size, "task_struct", "pid"), -EINVAL);
	memcpy(bad, data, 2);
	bad[0] = ((const unsigned char *)data)[1], bad[1] = ((const unsigned char *)data)[0];
	assert_int_equal(tk_btf_member_offset(bad, size, "task_struct", "pid"), -EOPNOTSUPP);
	free(bad);
	btf__free(btf);
}

static void reads_a_file(void **state)
{
	struct btf *btf = kernel_like();
	char path[] = "/tmp/test_btf.XXXXXX";
	size_t size;
	const void *data = raw(btf, &size);
	int fd = mkstemp(path);
	static const char *const fields[] = { "task_struct.tgid", "task_struct.nope", "task_struct.pid",
					      "after.pid", "nodot" };
	int offs[5];

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, size), (ssize_t)size);
	close(fd);
	assert_int_equal(tk_btf_file_member_offset(path, "task_struct", "pid"), 8);
	/* several members of two structs in one pass, each with its own answer */
	assert_int_equal(tk_btf_file_field_offsets(path, fields, offs, 5), 0);
	assert_int_equal(offs[0], 12);
	assert_int_equal(offs[1], -ENOENT);
	assert_int_equal(offs[2], 8);
	assert_int_equal(offs[3], 0);
	assert_int_equal(offs[4], -EINVAL);
	unlink(path);
	assert_int_equal(tk_btf_file_member_offset(path, "task_struct", "pid"), -ENOENT);
	assert_int_equal(tk_btf_file_field_offsets(path, fields, offs, 3), -ENOENT);
	assert_int_equal(offs[0], -ENOENT);
	assert_int_equal(offs[2], -ENOENT);
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_direct_members),
		cmocka_unit_test(finds_members_of_anonymous_members),
		cmocka_unit_test(says_what_it_cannot_answer),
		cmocka_unit_test(reads_a_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

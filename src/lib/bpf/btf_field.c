/* A struct member's offset from raw BTF, walked in order: see btf_field.h for why not libbpf. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/btf.h>

#include "lib/bpf/btf_field.h"

#define MAX_NESTING 8	/* anonymous structs inside anonymous structs: the kernel has two or three */

struct blob {
	const unsigned char *types;
	size_t types_len;
	const char *strs;
	size_t strs_len;
};

static int open_blob(struct blob *b, const void *data, size_t size)
{
	struct btf_header h;

	if (size < sizeof(h))
		return -EINVAL;
	memcpy(&h, data, sizeof(h));	/* every read copies: nothing in the blob is trusted to be aligned */
	if (h.magic == __builtin_bswap16(BTF_MAGIC))
		return -EOPNOTSUPP;
	if (h.magic != BTF_MAGIC || h.version != BTF_VERSION || h.hdr_len < sizeof(h) || h.hdr_len > size)
		return -EINVAL;
	size -= h.hdr_len;
	if ((uint64_t)h.type_off + h.type_len > size || (uint64_t)h.str_off + h.str_len > size)
		return -EINVAL;
	b->types = (const unsigned char *)data + h.hdr_len + h.type_off;
	b->types_len = h.type_len;
	b->strs = (const char *)data + h.hdr_len + h.str_off;
	b->strs_len = h.str_len;
	return 0;
}

static bool name_is(const struct blob *b, uint32_t off, const char *want)
{
	size_t n = strlen(want);

	return off < b->strs_len && b->strs_len - off > n && !memcmp(b->strs + off, want, n) && !b->strs[off + n];
}

/* The type record at pos into *t; returns its whole length (what follows the header too), 0 if malformed. */
static size_t read_type(const struct blob *b, size_t pos, struct btf_type *t)
{
	size_t n, extra;

	if (pos > b->types_len || b->types_len - pos < sizeof(*t))
		return 0;
	memcpy(t, b->types + pos, sizeof(*t));
	n = BTF_INFO_VLEN(t->info);
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		extra = 4;
		break;
	case BTF_KIND_ARRAY:
		extra = sizeof(struct btf_array);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		extra = n * sizeof(struct btf_member);
		break;
	case BTF_KIND_ENUM:
		extra = n * sizeof(struct btf_enum);
		break;
	case BTF_KIND_FUNC_PROTO:
		extra = n * sizeof(struct btf_param);
		break;
	case BTF_KIND_DATASEC:
		extra = n * sizeof(struct btf_var_secinfo);
		break;
	case BTF_KIND_ENUM64:
		extra = n * sizeof(struct btf_enum64);
		break;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		extra = 0;
		break;
	default:		/* a kind newer than this walker: its length is unknown */
		return 0;
	}
	if (b->types_len - pos - sizeof(*t) < extra)
		return 0;
	return sizeof(*t) + extra;
}

/* Where type `id` starts (ids count from 1, in order), or -ENOENT / -EINVAL. */
static long type_pos(const struct blob *b, uint32_t id)
{
	struct btf_type t;
	size_t pos = 0, len;
	uint32_t i;

	if (!id)
		return -ENOENT;
	for (i = 1; i < id; i++) {
		if (pos == b->types_len)
			return -ENOENT;
		len = read_type(b, pos, &t);
		if (!len)
			return -EINVAL;
		pos += len;
	}
	return pos < b->types_len ? (long)pos : -ENOENT;
}

static bool is_struct(const struct btf_type *t)
{
	return BTF_INFO_KIND(t->info) == BTF_KIND_STRUCT || BTF_INFO_KIND(t->info) == BTF_KIND_UNION;
}

/* The member's byte offset in the struct or union at pos, looking into anonymous members too. */
static long find_member(const struct blob *b, size_t pos, const char *member, int depth)
{
	struct btf_member m;
	struct btf_type t, sub;
	bool kflag;
	uint32_t i, bits;
	long r, at;

	if (!read_type(b, pos, &t) || !is_struct(&t))
		return -EINVAL;
	kflag = BTF_INFO_KFLAG(t.info);
	for (i = 0; i < BTF_INFO_VLEN(t.info); i++) {
		memcpy(&m, b->types + pos + sizeof(t) + i * sizeof(m), sizeof(m));
		bits = kflag ? BTF_MEMBER_BIT_OFFSET(m.offset) : m.offset;
		if (m.name_off && name_is(b, m.name_off, member)) {
			if ((kflag && BTF_MEMBER_BITFIELD_SIZE(m.offset)) || bits % 8)
				return -EOPNOTSUPP;
			return bits / 8;
		}
		if (m.name_off || depth >= MAX_NESTING)
			continue;
		at = type_pos(b, m.type);
		if (at == -ENOENT)
			continue;
		if (at < 0)
			return at;
		if (!read_type(b, (size_t)at, &sub) || !is_struct(&sub))
			continue;
		r = find_member(b, (size_t)at, member, depth + 1);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		if (bits % 8)
			return -EOPNOTSUPP;
		return bits / 8 + r > INT_MAX ? -EINVAL : (long)(bits / 8) + r;
	}
	return -ENOENT;
}

int tk_btf_member_offset(const void *data, size_t size, const char *type, const char *member)
{
	struct btf_type t;
	struct blob b;
	size_t pos, len;
	int r;

	r = open_blob(&b, data, size);
	if (r)
		return r;
	for (pos = 0; pos < b.types_len; pos += len) {
		len = read_type(&b, pos, &t);
		if (!len)
			return -EINVAL;
		if (BTF_INFO_KIND(t.info) == BTF_KIND_STRUCT && name_is(&b, t.name_off, type))
			return (int)find_member(&b, pos, member, 0);
	}
	return -ENOENT;
}

/* The whole file in memory when it cannot be mapped (kernels before 6.16): slow, but right. */
static void *slurp(int fd, size_t hint, size_t *size)
{
	size_t cap = hint ? hint : 1 << 20, n = 0;
	char *buf = malloc(cap), *grown;
	ssize_t got;

	while (buf) {
		if (n == cap) {
			grown = realloc(buf, cap * 2);
			if (!grown)
				break;
			buf = grown;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		if (!got) {
			*size = n;
			return buf;
		}
		n += (size_t)got;
	}
	free(buf);
	return NULL;
}

/* "struct.member" -> its offset in the blob */
static int field_offset(const void *data, size_t size, const char *field)
{
	const char *dot = strchr(field, '.');
	char type[128];

	if (!dot || (size_t)(dot - field) >= sizeof(type))
		return -EINVAL;
	memcpy(type, field, (size_t)(dot - field));
	type[dot - field] = 0;
	return tk_btf_member_offset(data, size, type, dot + 1);
}

int tk_btf_file_field_offsets(const char *path, const char *const *fields, int *offs, int n)
{
	struct stat st;
	void *data, *copy = NULL;
	size_t size;
	int fd, r, i;

	fd = open(path ? path : "/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto fail;
	}
	if (fstat(fd, &st)) {
		r = -errno;
		close(fd);
		goto fail;
	}
	size = (size_t)st.st_size;
	data = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	if (data == MAP_FAILED) {
		data = copy = slurp(fd, size, &size);
		if (!copy) {
			close(fd);
			r = -ENOMEM;
			goto fail;
		}
	}
	close(fd);
	for (i = 0; i < n; i++)
		offs[i] = field_offset(data, size, fields[i]);
	if (copy)
		free(copy);
	else
		munmap(data, size);
	return 0;
fail:
	for (i = 0; i < n; i++)
		offs[i] = r;
	return r;
}

int tk_btf_file_member_offset(const char *path, const char *type, const char *member)
{
	char field[256];
	const char *f = field;
	int off;

	if (snprintf(field, sizeof(field), "%s.%s", type, member) >= (int)sizeof(field))
		return -EINVAL;
	tk_btf_file_field_offsets(path, &f, &off, 1);
	return off;
}

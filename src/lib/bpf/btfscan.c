/*
 * One struct member's offset from the kernel's BTF, by a single pass over the raw type section.
 * Written by hand because libbpf's btf__load_vmlinux_btf() parses and indexes every type (90-140 ms
 * here) and the eBPF tracer's whole start-up budget is 20 ms; this pass takes about a millisecond.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/bpf/btfscan.h"

struct btf_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
};

/* Bytes following a type's 12-byte header, by kind; -1 for a kind this scan does not know. */
static long trailer(unsigned kind, unsigned vlen)
{
	switch (kind) {
	case 2: case 7: case 8: case 9: case 10: case 11: case 12: case 16: case 18:
		return 0;	/* ptr, fwd, typedef, volatile, const, restrict, func, float, type_tag */
	case 1: case 14: case 17:
		return 4;	/* int, var, decl_tag */
	case 3:
		return 12;	/* array */
	case 4: case 5: case 15: case 19:
		return 12l * vlen;	/* struct, union, datasec, enum64 */
	case 6: case 13:
		return 8l * vlen;	/* enum, func_proto */
	default:
		return -1;
	}
}

int tk_btf_member_offset(const void *btf, size_t size, const char *sname, const char *mname, unsigned *byte_off)
{
	const struct btf_hdr *h = btf;
	const unsigned char *types, *end;
	const char *strs;

	if (size < sizeof(*h) || h->magic != 0xeB9F || h->hdr_len > size ||
	    (uint64_t)h->hdr_len + h->type_off + h->type_len > size ||
	    (uint64_t)h->hdr_len + h->str_off + h->str_len > size)
		return -EINVAL;
	types = (const unsigned char *)btf + h->hdr_len + h->type_off;
	end = types + h->type_len;
	strs = (const char *)btf + h->hdr_len + h->str_off;
	while (types + 12 <= end) {
		uint32_t name_off, info, i;
		unsigned kind, vlen;
		long more;

		memcpy(&name_off, types, 4);
		memcpy(&info, types + 4, 4);
		kind = (info >> 24) & 0x1f;
		vlen = info & 0xffff;
		more = trailer(kind, vlen);
		if (more < 0 || types + 12 + more > end)
			return -EINVAL;
		if (kind == 4 && name_off < h->str_len && !strcmp(strs + name_off, sname)) {
			for (i = 0; i < vlen; i++) {
				const unsigned char *m = types + 12 + 12 * i;
				uint32_t mn, off;

				memcpy(&mn, m, 4);
				memcpy(&off, m + 8, 4);
				if (info >> 31)	/* kind_flag: bitfield size in the top byte */
					off &= 0xffffff;
				if (mn < h->str_len && !strcmp(strs + mn, mname) && !(off % 8)) {
					*byte_off = off / 8;
					return 0;
				}
			}
		}
		types += 12 + more;
	}
	return -ENOENT;
}

int tk_btf_vmlinux_member_offset(const char *sname, const char *mname, unsigned *byte_off)
{
	size_t cap = 8 << 20, len = 0;
	char *buf, *grown;
	struct stat st;
	void *map;
	int fd, ret;
	ssize_t n;

	fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* mapped (Linux 6.15 on): no copy; reading the sysfs file costs 50-80 ms here */
	if (!fstat(fd, &st) && st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			close(fd);
			ret = tk_btf_member_offset(map, (size_t)st.st_size, sname, mname, byte_off);
			munmap(map, (size_t)st.st_size);
			return ret;
		}
	}
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (len == cap) {
			cap *= 2;
			grown = realloc(buf, cap);
			if (!grown) {
				ret = -ENOMEM;
				goto out;
			}
			buf = grown;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	ret = tk_btf_member_offset(buf, len, sname, mname, byte_off);
out:
	close(fd);
	free(buf);
	return ret;
}

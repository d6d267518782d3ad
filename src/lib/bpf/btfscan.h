/* A struct member's byte offset from raw BTF, without libbpf's full parse (see btfscan.c). */
#ifndef TK_LIB_BPF_BTFSCAN_H
#define TK_LIB_BPF_BTFSCAN_H
#include <stddef.h>

/* In the BTF blob btf[size]: 0 and *byte_off, -ENOENT when absent, -EINVAL on malformed BTF. */
int tk_btf_member_offset(const void *btf, size_t size, const char *sname, const char *mname, unsigned *byte_off);
/* The same from the running kernel's /sys/kernel/btf/vmlinux; -errno when it cannot be read. */
int tk_btf_vmlinux_member_offset(const char *sname, const char *mname, unsigned *byte_off);

#endif

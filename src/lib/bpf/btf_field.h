/*
 * One member's byte offset in one struct of a BTF blob, found without indexing the whole blob.
 *
 * Why not libbpf: btf__load_vmlinux_btf() reads and indexes every type of the kernel's BTF, 130-160 ms
 * on this machine kind (reading the 5.5 MB /sys/kernel/btf/vmlinux alone takes 50-70 ms: sysfs hands
 * it out a page per read()). The eBPF syscall tracer needs one offset (task_struct.pid) inside a 20 ms
 * start budget. Mapped (Linux 6.16+ allows it), the blob is walked in order only up to the struct,
 * which in the kernel's BTF is among the first types: a few pages touched, microseconds.
 */
#ifndef TK_LIB_BPF_BTF_FIELD_H
#define TK_LIB_BPF_BTF_FIELD_H
#include <stddef.h>

/*
 * Byte offset of `member` in the first struct named `type` of the raw BTF blob [data, data+size).
 * Members of anonymous structs/unions inside it are found too. Returns the offset (>= 0), -ENOENT
 * when there is no such struct or member, -EINVAL for a malformed blob, -EOPNOTSUPP for a bitfield
 * or a blob of the other byte order.
 */
int tk_btf_member_offset(const void *data, size_t size, const char *type, const char *member);

/* The same in a BTF file (default: the running kernel's, /sys/kernel/btf/vmlinux), or -errno. */
int tk_btf_file_member_offset(const char *path, const char *type, const char *member);
/*
 * Several members, of one struct or more, the file mapped once: fields[i] is "struct.member", and
 * offs[i] gets its offset or -errno. Returns 0, or -errno when the file cannot be read (every
 * offs[i] is that error then).
 */
int tk_btf_file_field_offsets(const char *path, const char *const *fields, int *offs,
			       int n);

#endif

/*
 * -e read=SET / -e write=SET: the data a syscall moved through a selected descriptor, in strace's
 * hex dump lines after the syscall's line (whole, not cut at -s):
 *
 *  | 00000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a 09 01 ff  hello, world.... |
 *
 * Writes are dumped as passed (the count asked for, even when the call failed), reads as returned.
 */
#include <inttypes.h>
#include <sys/syscall.h>

#include "lib/sys/sysdesc.h"
#include "lib/sys/filter.h"

#define CHUNK 4096

static void dump_line(struct strbuf *out, uint64_t off, const unsigned char *p, size_t n)
{
	size_t i;

	sb_addf(out, " | %05" PRIx64 "  ", off);
	for (i = 0; i < 16; i++) {
		if (i < n)
			sb_addf(out, "%02x ", p[i]);
		else
			sb_adds(out, "   ");
		if (i == 7)
			sb_addc(out, ' ');
	}
	sb_addc(out, ' ');
	for (i = 0; i < 16; i++)
		sb_addc(out, i < n ? (p[i] >= ' ' && p[i] < 0x7f ? (char)p[i] : '.') : ' ');
	sb_adds(out, " |\n");
}

/* len bytes at addr; stops where memory cannot be read (the eBPF backend captured less) */
static void dump_mem(struct strbuf *out, struct tk_mem *mem, int tid, uint64_t addr, uint64_t len)
{
	unsigned char buf[CHUNK];
	uint64_t off = 0;

	while (off < len) {
		size_t want = len - off > CHUNK ? CHUNK : (size_t)(len - off), i;

		/* in whole lines, so a short read still ends on a line boundary */
		while (want && mem->ops->read(mem->ctx, tid, addr + off, buf, want))
			want = want > 16 ? (want - 1) / 16 * 16 : 0;
		if (!want)
			return;
		for (i = 0; i < want; i += 16)
			dump_line(out, off + i, buf + i, want - i < 16 ? want - i : 16);
		off += want;
	}
}

/* iovec[count] at addr, at most total bytes in all (total < 0: every byte each one holds) */
static void dump_iov(struct strbuf *out, struct tk_mem *mem, int tid, uint64_t addr, uint64_t count, int64_t total)
{
	struct {
		uint64_t base, len;
	} iov;
	uint64_t i, left = total < 0 ? UINT64_MAX : (uint64_t)total;

	for (i = 0; i < count && i < 1024 && left; i++) {
		uint64_t n;

		if (mem->ops->read(mem->ctx, tid, addr + i * sizeof(iov), &iov, sizeof(iov)))
			return;
		n = iov.len < left ? iov.len : left;
		if (!n)
			break;
		left -= n;
		sb_addf(out, " * %" PRIu64 " bytes in buffer %" PRIu64 "\n", n, i);
		dump_mem(out, mem, tid, iov.base, n);
	}
}

/* the iovecs of the struct msghdr at addr */
static void dump_msghdr(struct strbuf *out, struct tk_mem *mem, int tid, uint64_t addr, int64_t total)
{
	uint64_t iov[2]; /* msg_iov, msg_iovlen at offset 16 */

	if (!mem->ops->read(mem->ctx, tid, addr + 16, iov, sizeof(iov)))
		dump_iov(out, mem, tid, iov[0], iov[1], total);
}

/* the first n messages of the struct mmsghdr[] at addr, each as much as its msg_len says */
static void dump_mmsghdr(struct strbuf *out, struct tk_mem *mem, int tid, uint64_t addr, int64_t n)
{
	int64_t k;
	uint32_t len;

	for (k = 0; k < n && k < 1024; k++) {
		if (mem->ops->read(mem->ctx, tid, addr + (uint64_t)k * 64 + 56, &len, 4))
			return;
		dump_msghdr(out, mem, tid, addr + (uint64_t)k * 64, len);
	}
}

void tk_sys_dump(struct strbuf *out, const struct tk_sysfilter *f, const struct tk_syscall *sc, struct tk_mem *mem)
{
	const uint64_t *a = sc->args;
	int64_t r = sc->ret;
	int fd = (int)a[0];

	if (fd < 0)
		return;
	if (tk_fdset_has(&f->dump_write, fd)) {
		switch (sc->nr) {
		case SYS_write:
		case SYS_pwrite64:
		case SYS_sendto:
			dump_mem(out, mem, sc->tid, a[1], a[2]);
			break;
		case SYS_writev:
		case SYS_pwritev:
		case SYS_pwritev2:
			dump_iov(out, mem, sc->tid, a[1], a[2], -1);
			break;
		case SYS_sendmsg:
			dump_msghdr(out, mem, sc->tid, a[1], -1);
			break;
		case SYS_sendmmsg:
			dump_mmsghdr(out, mem, sc->tid, a[1], r);
			break;
		}
	}
	if ((r < 0 && r >= -4095) || !tk_fdset_has(&f->dump_read, fd))
		return;
	switch (sc->nr) {
	case SYS_read:
	case SYS_pread64:
	case SYS_recvfrom:
		dump_mem(out, mem, sc->tid, a[1], (uint64_t)r);
		break;
	case SYS_readv:
	case SYS_preadv:
	case SYS_preadv2:
		dump_iov(out, mem, sc->tid, a[1], a[2], r);
		break;
	case SYS_recvmsg:
		dump_msghdr(out, mem, sc->tid, a[1], r);
		break;
	case SYS_recvmmsg:
		dump_mmsghdr(out, mem, sc->tid, a[1], r);
		break;
	}
}

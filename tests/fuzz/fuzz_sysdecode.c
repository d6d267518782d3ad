/*
 * libFuzzer harness: every syscall decoder over hostile tracee memory. The input gives the syscall
 * number, six arguments, a return value, -s, -v and a blob the fake memory reader serves at every
 * address in [0x10000, 0x10000 + len) — so pointers, lengths, struct contents and strings are all
 * attacker-chosen, as a tracee's are.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sys/filter.h"
#include "lib/sys/pathtrace.h"
#include "lib/sys/sysdesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BASE 0x10000u

static const uint8_t *blob;
static size_t blob_len;

static int rd(void *ctx, int tid, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	(void)tid;
	if (addr < BASE || addr - BASE > blob_len || len > blob_len - (addr - BASE))
		return -14;
	memcpy(buf, blob + (addr - BASE), len);
	return 0;
}

static ssize_t rd_str(void *ctx, int tid, uint64_t addr, char *buf, size_t max, bool *complete)
{
	size_t off, n;

	(void)ctx;
	(void)tid;
	if (addr < BASE || addr - BASE >= blob_len)
		return -14;
	off = addr - BASE;
	for (n = 0; n < max && off + n < blob_len && blob[off + n]; n++)
		buf[n] = (char)blob[off + n];
	*complete = off + n < blob_len && !blob[off + n];
	buf[n] = 0;
	return (ssize_t)n;
}

static int fdp(void *ctx, int tid, int fd, char *buf, size_t size)
{
	(void)ctx;
	(void)tid;
	(void)fd;
	if (size < 5)
		return -22;
	memcpy(buf, "/x/y", 4);
	return 4;
}

static const struct tk_mem_ops ops = { rd, rd_str, fdp };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_mem mem = { &ops, NULL };
	struct tk_fmt_opts opt = { 0 };
	struct tk_syscall sc = { .tid = 1 };
	struct strbuf sb = STRBUF_INIT;
	struct tk_dec d;
	uint8_t hdr[2 + 7 * 8 + 2];
	int next = 0, i;

	if (size < sizeof(hdr))
		return 0;
	memcpy(hdr, data, sizeof(hdr));
	sc.nr = ((hdr[0] | hdr[1] << 8) % (TK_SYS_NR_MAX + 2));
	for (i = 0; i < 6; i++) {
		memcpy(&sc.args[i], hdr + 2 + 8 * i, 8);
		/* steer most pointers into the blob, keep some wild */
		if (sc.args[i] >> 63)
			sc.args[i] = BASE + (sc.args[i] & 0xfff);
	}
	memcpy(&sc.ret, hdr + 2 + 48, 8);
	opt.strsize = hdr[sizeof(hdr) - 2];
	opt.verbose = hdr[sizeof(hdr) - 1] & 1;
	opt.fd_paths = (hdr[sizeof(hdr) - 1] & 2) != 0;	/* -y; -yy would ask the kernel about sockets */
	opt.xstyle = (enum tk_xlat_style)((hdr[sizeof(hdr) - 1] >> 2) % 3);
	opt.hex = (unsigned char)((hdr[sizeof(hdr) - 1] >> 4) % 3);	/* -x, -xx */
	blob = data + sizeof(hdr);
	blob_len = size - sizeof(hdr);
	d = (struct tk_dec){ .opt = &opt, .mem = &mem, .sc = &sc, .desc = tk_sysdesc_get(sc.nr), .out = &sb };
	if (!d.desc)
		return 0;
	tk_sys_format_args(&d, &next);
	d.exiting = true;
	d.failed = sc.ret < 0 && sc.ret >= -4095;
	tk_sys_format_args(&d, &next);
	tk_sys_format_ret(&d);
	/* -e read=all -e write=all dumps and -P over the same hostile memory */
	{
		static struct tk_sysfilter f;
		static struct tk_pathtrace *pt;

		if (!f.dumps) {
			tk_sysfilter_init(&f);
			memset(f.dump_read.bits, 0xff, sizeof(f.dump_read.bits));
			memset(f.dump_write.bits, 0xff, sizeof(f.dump_write.bits));
			f.dump_read.others = f.dump_write.others = true;
			f.dumps = true;
			pt = tk_pathtrace_new();
			if (pt)
				tk_pathtrace_add(pt, "/x/y");
		}
		tk_sys_dump(&sb, &f, &sc, &mem);
		if (pt)
			tk_pathtrace_exit(pt, &sc, &mem, tk_pathtrace_match(pt, &sc, &mem));
	}
	sb_release(&sb);
	return 0;
}

/*
 * ioctl(2) in strace's notation: the request by name (or strace's _IOC(dir, type, nr, size) for
 * requests it does not name), and the argument's struct for the common terminal, file and socket
 * requests. The argument is declared at exit (it is shown once the call has returned): what an
 * input request passes is still in memory then, and an output request's struct exists only then.
 */
#include <inttypes.h>
#include <string.h>

#include "lib/sys/sysdesc.h"

/* Requests decoded here (asm-generic/ioctls.h, linux/sockios.h: the x86_64 ABI's numbers). */
enum {
	REQ_TCGETS = 0x5401,
	REQ_TCSETS = 0x5402,
	REQ_TCSETSW = 0x5403,
	REQ_TCSETSF = 0x5404,
	REQ_TIOCGPGRP = 0x540F,
	REQ_TIOCSPGRP = 0x5410,
	REQ_TIOCGWINSZ = 0x5413,
	REQ_TIOCSWINSZ = 0x5414,
	REQ_FIONREAD = 0x541B,
	REQ_FIONBIO = 0x5421,
	REQ_TIOCNOTTY = 0x5422,
	REQ_FIONCLEX = 0x5450,
	REQ_FIOCLEX = 0x5451,
	REQ_TIOCGPTN = 0x80045430,
	REQ_TIOCSPTLCK = 0x40045431,
	REQ_SIOCGIFINDEX = 0x8933,
};

/* The kernel's struct termios (not glibc's, which is longer): 4 flag words, c_line, 19 c_cc. */
struct kernel_termios {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line;
	uint8_t cc[19];
};

/*
 * _IO('T', 2..4) are both the OSS sequencer's SNDCTL_TMR_START/STOP/CONTINUE and TCSETS/W/F;
 * strace names both, and so must we to print its lines.
 */
static const struct {
	uint32_t req;
	const char *name;
} ambiguous[] = {
	{ REQ_TCSETS, "SNDCTL_TMR_START or TCSETS" },
	{ REQ_TCSETSW, "SNDCTL_TMR_STOP or TCSETSW" },
	{ REQ_TCSETSF, "SNDCTL_TMR_CONTINUE or TCSETSF" },
};

void tk_fmt_ioctl_req(struct tk_dec *d, int i)
{
	static const char *const dir[] = { "_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE" };
	uint32_t v = (uint32_t)d->sc->args[i];
	const char *n = tk_xlat_name(&tk_xlat_ioctl_cmds, v);
	size_t k;

	if (d->opt->xstyle == TK_XLAT_RAW) {
		sb_addf(d->out, "%#x", v);
		return;
	}
	for (k = 0; k < sizeof(ambiguous) / sizeof(ambiguous[0]); k++)
		if (ambiguous[k].req == v)
			n = ambiguous[k].name;
	if (n) {
		sb_adds(d->out, n);
		return;
	}
	sb_addf(d->out, "_IOC(%s, %#x, %#x, %#x)", dir[v >> 30], (v >> 8) & 0xff, v & 0xff, (v >> 16) & 0x3fff);
}

bool tk_ioctl_has_arg(const struct tk_syscall *sc)
{
	uint32_t req = (uint32_t)sc->args[1];

	return req != REQ_FIOCLEX && req != REQ_FIONCLEX && req != REQ_TIOCNOTTY;
}

static int rd(struct tk_dec *d, uint64_t addr, void *buf, size_t len)
{
	if (!addr)
		return -1;
	return d->mem->ops->read(d->mem->ctx, d->sc->tid, addr, buf, len);
}

/*
 * strace 6.1 (Debian's, the oracle here) prints an empty flag word as nothing and always puts a
 * '|' after the delay fields of c_oflag and after CSIZE in c_cflag, even when no flag follows:
 * "c_iflag=, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|, c_cflag=B38400|CS8|". The same here, byte for byte.
 */
static void term_flags(struct tk_dec *d, const struct tk_xlat *x, uint32_t v)
{
	if (v)
		tk_xlat_flags(d->out, x, v, d->opt->xstyle);
}

static void term_field(struct tk_dec *d, const struct tk_xlat *x, uint32_t v)
{
	tk_xlat_val(d->out, x, v, TK_XLAT_ABBREV, false);
	sb_addc(d->out, '|');
}

static void fmt_termios(struct tk_dec *d, const struct kernel_termios *t)
{
	uint32_t ibaud = (t->cflag >> 16) & 0x100f; /* CIBAUD >> IBSHIFT */
	unsigned k;

	sb_adds(d->out, "{c_iflag=");
	term_flags(d, &tk_xlat_term_iflags, t->iflag);
	sb_adds(d->out, ", c_oflag=");
	term_field(d, &tk_xlat_term_nldly, t->oflag & 0000400);
	term_field(d, &tk_xlat_term_crdly, t->oflag & 0003000);
	term_field(d, &tk_xlat_term_tabdly, t->oflag & 0014000);
	term_field(d, &tk_xlat_term_bsdly, t->oflag & 0020000);
	term_field(d, &tk_xlat_term_vtdly, t->oflag & 0040000);
	term_field(d, &tk_xlat_term_ffdly, t->oflag & 0100000);
	term_flags(d, &tk_xlat_term_oflags, t->oflag & ~0177400u);
	sb_adds(d->out, ", c_cflag=");
	term_field(d, &tk_xlat_term_bauds, t->cflag & 0010017 /* CBAUD */);
	if (ibaud) {
		tk_xlat_val(d->out, &tk_xlat_term_bauds, ibaud, TK_XLAT_ABBREV, false);
		sb_adds(d->out, "<<IBSHIFT|");
	}
	term_field(d, &tk_xlat_term_csize, t->cflag & 0000060);
	term_flags(d, &tk_xlat_term_cflags, t->cflag & ~0x100f103fu);
	sb_adds(d->out, ", c_lflag=");
	term_flags(d, &tk_xlat_term_lflags, t->lflag);
	if (!d->opt->verbose) {
		sb_adds(d->out, ", ...}");
		return;
	}
	sb_adds(d->out, ", c_line=");
	tk_xlat_val(d->out, &tk_xlat_tty_ldiscs, t->line, d->opt->xstyle, false);
	sb_adds(d->out, ", c_cc=[");
	for (k = 0; k < sizeof(t->cc); k++) {
		const char *n = tk_xlat_name(&tk_xlat_term_cc, k);

		if (k)
			sb_adds(d->out, ", ");
		if (n)
			sb_addf(d->out, "[%s]=", n);
		else
			sb_addf(d->out, "[%u]=", k);
		sb_addf(d->out, "%#x", t->cc[k]);
	}
	sb_adds(d->out, "]}");
}

void tk_fmt_ioctl_arg(struct tk_dec *d, int i)
{
	uint32_t req = (uint32_t)d->sc->args[1];
	uint64_t addr = d->sc->args[i];
	bool ok = d->exiting && !d->failed; /* an output struct exists only after success */
	union {
		struct kernel_termios t;
		struct {
			uint16_t row, col, xpixel, ypixel;
		} ws;
		struct {
			char name[16];
			int32_t ifindex;
		} ifr;
		int32_t n;
	} u;

	memset(&u, 0, sizeof(u));
	switch (req) {
	case REQ_TCGETS:
	case REQ_TCSETS:
	case REQ_TCSETSW:
	case REQ_TCSETSF:
		if ((req == REQ_TCGETS && !ok) || rd(d, addr, &u.t, sizeof(u.t)))
			break;
		fmt_termios(d, &u.t);
		return;
	case REQ_TIOCGWINSZ:
	case REQ_TIOCSWINSZ:
		if ((req == REQ_TIOCGWINSZ && !ok) || rd(d, addr, &u.ws, sizeof(u.ws)))
			break;
		sb_addf(d->out, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}", u.ws.row, u.ws.col,
			u.ws.xpixel, u.ws.ypixel);
		return;
	case REQ_FIONREAD:
	case REQ_TIOCGPGRP:
	case REQ_TIOCGPTN:
		if (!ok)
			break;
		/* fall through */
	case REQ_FIONBIO:
	case REQ_TIOCSPGRP:
	case REQ_TIOCSPTLCK:
		if (rd(d, addr, &u.n, sizeof(u.n)))
			break;
		sb_addf(d->out, "[%d]", u.n);
		return;
	case REQ_SIOCGIFINDEX:
		/* the name goes in; the index comes back on success */
		if (rd(d, addr, &u.ifr, sizeof(u.ifr)))
			break;
		sb_adds(d->out, "{ifr_name=");
		tk_fmt_bytes(d->out, (const unsigned char *)u.ifr.name, strnlen(u.ifr.name, sizeof(u.ifr.name)),
			     false, d->opt->hex);
		if (ok)
			sb_addf(d->out, ", ifr_ifindex=%d", u.ifr.ifindex);
		sb_addc(d->out, '}');
		return;
	default:
		/* a request strace does not decode: the argument as a number */
		sb_addf(d->out, "%#" PRIx64, addr);
		return;
	}
	tk_fmt_ptr(d->out, addr);
}

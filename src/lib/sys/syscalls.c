/*
 * The syscall declarations: for each decoded syscall, its arguments' kinds, when their memory is
 * valid, and the strace classes it belongs to. Names and numbers come from the generated table
 * (asm/unistd_64.h); this file only says how to show what the kernel defines.
 */
#include <asm/unistd.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/sys/sysdesc.h"

/* ---- argument shorthands ---- */
#define A_(k, ...) { .kind = TK_ARG_##k, __VA_ARGS__ }
#define INT A_(INT)
#define UINT A_(UINT)
#define LONG A_(LONG)
#define ULONG A_(ULONG)
#define HEX A_(HEX)
#define OCT A_(OCT)
#define PTR A_(PTR)
#define FD A_(FD)
#define DIRFD A_(DIRFD)
#define PATH A_(PATH)
#define STR A_(STR)
#define SIG A_(SIGNAL)
#define BUF_IN(n) A_(BUF, .len_arg = (n))
#define BUF_OUT A_(BUF, .when = TK_AT_EXIT, .len_arg = TK_LEN_RET)
#define IOV_IN(n) A_(IOV, .len_arg = (n))
#define IOV_OUT(n) A_(IOV, .when = TK_AT_EXIT, .len_arg = (n))
#define FLAGS(t) A_(FLAGS, .xlat = &tk_xlat_##t)
#define FLAGS32(t) A_(FLAGS, .xlat = &tk_xlat_##t, .size = 4)
#define XVAL(t) A_(XVAL, .xlat = &tk_xlat_##t, .dec = 1)
#define XHEX(t) A_(XVAL, .xlat = &tk_xlat_##t)
#define ST_IN(id, sz) A_(STRUCT, .aux = TK_ST_##id, .size = (sz))
#define ST_OUT(id, sz) A_(STRUCT, .when = TK_AT_EXIT, .aux = TK_ST_##id, .size = (sz))
#define ST_REM A_(STRUCT, .when = TK_AT_EXIT, .aux = TK_ST_TIMESPEC, .size = 16, .on_restart = 1)
#define SIGSET_IN(n) A_(SIGSET, .len_arg = (n), .size = 8)
#define SIGSET_OUT(n) A_(SIGSET, .when = TK_AT_EXIT, .len_arg = (n), .size = 8)
#define SA_IN(n) A_(SOCKADDR, .len_arg = (n), .size = 128)
#define SA_OUT(n) A_(SOCKADDR, .when = TK_AT_EXIT, .len_arg = (n), .len_ptr = 1, .size = 128)
#define INTPTR_OUT A_(INTPTR, .when = TK_AT_EXIT, .size = 4)
#define INTPTR_IN A_(INTPTR, .size = 4)
#define CUSTOM(f, sz) A_(CUSTOM, .fmt = (f), .size = (sz))
#define CUSTOM_OUT(f, sz) A_(CUSTOM, .when = TK_AT_EXIT, .fmt = (f), .size = (sz))
#define IFC(f, sz, cond) A_(CUSTOM, .fmt = (f), .size = (sz), .shown = (cond))
#define IFC_OUT(f, sz, cond) A_(CUSTOM, .when = TK_AT_EXIT, .fmt = (f), .size = (sz), .shown = (cond))

#define F TK_CLS_FILE
#define P TK_CLS_PROCESS
#define N TK_CLS_NETWORK
#define S TK_CLS_SIGNAL
#define I TK_CLS_IPC
#define D TK_CLS_DESC
#define M TK_CLS_MEMORY
#define CR TK_CLS_CREDS
#define CL TK_CLS_CLOCK
#define PU TK_CLS_PURE
#define STAT_ (TK_CLS_STAT)
#define LSTAT_ (TK_CLS_LSTAT)
#define FSTAT_ (TK_CLS_FSTAT)

#define R_INT TK_RET_INT
#define R_HEX TK_RET_HEX
#define R_FD TK_RET_FD
#define R_NONE TK_RET_NONE
#define R_OCT TK_RET_OCT

#define SYS0(nm, cl, rk) [__NR_##nm] = { #nm, 0, rk, cl, { { 0 } }, NULL }
#define SYS1(nm, cl, rk, a) [__NR_##nm] = { #nm, 1, rk, cl, { a }, NULL }
#define SYS2(nm, cl, rk, a, b) [__NR_##nm] = { #nm, 2, rk, cl, { a, b }, NULL }
#define SYS3(nm, cl, rk, a, b, c) [__NR_##nm] = { #nm, 3, rk, cl, { a, b, c }, NULL }
#define SYS3R(nm, cl, rk, rf, a, b, c) [__NR_##nm] = { #nm, 3, rk, cl, { a, b, c }, rf }
#define SYS4(nm, cl, rk, a, b, c, d) [__NR_##nm] = { #nm, 4, rk, cl, { a, b, c, d }, NULL }
#define SYS5(nm, cl, rk, a, b, c, d, e) [__NR_##nm] = { #nm, 5, rk, cl, { a, b, c, d, e }, NULL }
#define SYS6(nm, cl, rk, a, b, c, d, e, f) [__NR_##nm] = { #nm, 6, rk, cl, { a, b, c, d, e, f }, NULL }
/* a syscall shown with raw arguments, as strace does for ones it does not decode */
#define RAW(nm, n, cl) [__NR_##nm] = { #nm, n, R_INT, cl, { HEX, HEX, HEX, HEX, HEX, HEX }, NULL }

/* ---- custom formatters ---- */
/* -X raw / -X verbose for values printed as "NAME|FLAGS": the number, and in verbose mode the
 * names as a comment, as strace does. */
static void composite(struct tk_dec *d, uint64_t v, void (*abbrev)(struct tk_dec *, uint64_t))
{
	const struct tk_fmt_opts *saved = d->opt;
	struct tk_fmt_opts o;

	if (d->opt->xstyle == TK_XLAT_ABBREV) {
		abbrev(d, v);
		return;
	}
	sb_addf(d->out, "%#" PRIx64, v);
	if (d->opt->xstyle == TK_XLAT_RAW)
		return;
	o = *d->opt;
	o.xstyle = TK_XLAT_ABBREV;
	d->opt = &o;
	sb_adds(d->out, " /* ");
	abbrev(d, v);
	sb_adds(d->out, " */");
	d->opt = saved;
}

static void open_flags_abbrev(struct tk_dec *d, uint64_t v)
{
	tk_xlat_val(d->out, &tk_xlat_open_access, (int64_t)(v & O_ACCMODE), d->opt->xstyle, false);
	if (v & ~(uint64_t)O_ACCMODE) {
		sb_addc(d->out, '|');
		tk_xlat_flags(d->out, &tk_xlat_open_flags, (uint32_t)v & ~(uint32_t)O_ACCMODE, d->opt->xstyle);
	}
}

static void fmt_open_flags_v(struct tk_dec *d, uint64_t v)
{
	composite(d, (uint32_t)v, open_flags_abbrev);
}

static void fmt_open_flags(struct tk_dec *d, int i)
{
	fmt_open_flags_v(d, d->sc->args[i]);
}

static bool open_has_mode1(const struct tk_syscall *sc)
{
	return (sc->args[1] & O_CREAT) || (sc->args[1] & O_TMPFILE) == O_TMPFILE;
}

static bool open_has_mode2(const struct tk_syscall *sc)
{
	return (sc->args[2] & O_CREAT) || (sc->args[2] & O_TMPFILE) == O_TMPFILE;
}

static bool mremap_fixed(const struct tk_syscall *sc)
{
	return sc->args[3] & 2 /* MREMAP_FIXED */;
}

static void mmap_flags_abbrev(struct tk_dec *d, uint64_t v)
{
	tk_xlat_val(d->out, &tk_xlat_map_types, (int64_t)(v & 0xf), d->opt->xstyle, false);
	if (v & ~0xfULL) {
		sb_addc(d->out, '|');
		tk_xlat_flags(d->out, &tk_xlat_map_flags, v & ~0xfULL, d->opt->xstyle);
	}
}

static void fmt_mmap_flags(struct tk_dec *d, int i)
{
	composite(d, (uint32_t)d->sc->args[i], mmap_flags_abbrev);
}

static void clone_flags_abbrev(struct tk_dec *d, uint64_t fl)
{
	uint64_t sig = fl & 0xff;

	if (fl & ~0xffULL)
		tk_xlat_flags(d->out, &tk_xlat_clone_flags, fl & ~0xffULL, d->opt->xstyle);
	if (sig) {
		char buf[32];
		const char *n = tk_signal_name((int)sig, buf, sizeof(buf));

		if (fl & ~0xffULL)
			sb_addc(d->out, '|');
		if (n)
			sb_adds(d->out, n);
		else
			sb_addf(d->out, "%" PRIu64, sig);
	} else if (!(fl & ~0xffULL)) {
		sb_addc(d->out, '0');
	}
}

static void fmt_clone_flags_v(struct tk_dec *d, uint64_t fl)
{
	composite(d, fl, clone_flags_abbrev);
}

/* clone(flags, stack, parent_tid, child_tid, tls) on x86_64; strace names the arguments */
static void fmt_clone_entry(struct tk_dec *d, int i)
{
	(void)i;
	sb_adds(d->out, "child_stack=");
	tk_fmt_ptr(d->out, d->sc->args[1]);
	sb_adds(d->out, ", flags=");
	fmt_clone_flags_v(d, d->sc->args[0]);
}

static bool clone_has_tail(const struct tk_syscall *sc)
{
	return sc->args[0] & (CLONE_PARENT_SETTID | CLONE_SETTLS | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID);
}

static void fmt_clone_exit(struct tk_dec *d, int i)
{
	uint64_t fl = d->sc->args[0];
	const char *sep = "";

	(void)i;
	if (fl & CLONE_PARENT_SETTID) {
		int32_t tid;

		sb_adds(d->out, "parent_tid=");
		if (d->exiting && !d->failed &&
		    d->mem->ops->read(d->mem->ctx, d->sc->tid, d->sc->args[2], &tid, 4) == 0)
			sb_addf(d->out, "[%d]", tid);
		else
			tk_fmt_ptr(d->out, d->sc->args[2]);
		sep = ", ";
	}
	if (fl & CLONE_SETTLS) {
		sb_addf(d->out, "%stls=", sep);
		tk_fmt_ptr(d->out, d->sc->args[4]);
		sep = ", ";
	}
	if (fl & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) {
		sb_addf(d->out, "%schild_tidptr=", sep);
		tk_fmt_ptr(d->out, d->sc->args[3]);
	}
}

static void fmt_clone3_args(struct tk_dec *d, int i)
{
	struct clone_args ca;
	uint64_t size = d->sc->args[1];

	memset(&ca, 0, sizeof(ca));
	if (size > sizeof(ca))
		size = sizeof(ca);
	if (size < 64 || d->mem->ops->read(d->mem->ctx, d->sc->tid, d->sc->args[i], &ca, size)) {
		tk_fmt_ptr(d->out, d->sc->args[i]);
		return;
	}
	sb_adds(d->out, "{flags=");
	tk_xlat_flags(d->out, &tk_xlat_clone_flags, ca.flags, d->opt->xstyle);
	if (ca.flags & CLONE_PIDFD)
		sb_addf(d->out, ", pidfd=%#" PRIx64, (uint64_t)ca.pidfd);
	if (ca.flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
		sb_addf(d->out, ", child_tid=%#" PRIx64, (uint64_t)ca.child_tid);
	if (ca.flags & CLONE_PARENT_SETTID)
		sb_addf(d->out, ", parent_tid=%#" PRIx64, (uint64_t)ca.parent_tid);
	sb_adds(d->out, ", exit_signal=");
	if (ca.exit_signal) {
		char buf[32];
		const char *n = tk_signal_name((int)ca.exit_signal, buf, sizeof(buf));

		if (n)
			sb_adds(d->out, n);
		else
			sb_addf(d->out, "%" PRIu64, (uint64_t)ca.exit_signal);
	} else {
		sb_addc(d->out, '0');
	}
	sb_addf(d->out, ", stack=%#" PRIx64 ", stack_size=%#" PRIx64, (uint64_t)ca.stack,
		(uint64_t)ca.stack_size);
	if (ca.flags & CLONE_SETTLS)
		sb_addf(d->out, ", tls=%#" PRIx64, (uint64_t)ca.tls);
	sb_addc(d->out, '}');
}

static void fmt_access_mode(struct tk_dec *d, int i)
{
	uint64_t v = (uint32_t)d->sc->args[i];

	if (!v)
		sb_adds(d->out, "F_OK");
	else
		tk_xlat_flags(d->out, &tk_xlat_access_modes, v, d->opt->xstyle);
}

static void fmt_statx_flags(struct tk_dec *d, int i)
{
	uint64_t v = (uint32_t)d->sc->args[i];

	if (!(v & 0x6000)) {
		sb_adds(d->out, "AT_STATX_SYNC_AS_STAT");
		if (v)
			sb_addc(d->out, '|');
	}
	if (v)
		tk_xlat_flags(d->out, &tk_xlat_statx_at_flags, v, d->opt->xstyle);
}

static void sock_type_abbrev(struct tk_dec *d, uint64_t v)
{
	tk_xlat_val(d->out, &tk_xlat_socket_types, (int64_t)(v & 0xf), d->opt->xstyle, false);
	if (v & ~0xfULL) {
		sb_addc(d->out, '|');
		tk_xlat_flags(d->out, &tk_xlat_socket_type_flags, v & ~0xfULL, d->opt->xstyle);
	}
}

static void fmt_sock_type(struct tk_dec *d, int i)
{
	composite(d, (uint32_t)d->sc->args[i], sock_type_abbrev);
}

static void fmt_sock_proto(struct tk_dec *d, int i)
{
	int fam = (int)d->sc->args[0];
	int64_t v = (int)d->sc->args[i];

	if (fam == AF_INET || fam == AF_INET6)
		tk_xlat_val(d->out, &tk_xlat_ip_protos, v, d->opt->xstyle, true);
	else
		sb_addf(d->out, "%" PRId64, v);
}

static void fmt_sockopt_level(struct tk_dec *d, int i)
{
	tk_xlat_val(d->out, &tk_xlat_sock_levels, (int)d->sc->args[i], d->opt->xstyle, true);
}

static const struct tk_xlat *sockopt_table(int level)
{
	switch (level) {
	case SOL_SOCKET: return &tk_xlat_sol_socket_opts;
	case 6: return &tk_xlat_tcp_opts;
	case 0: return &tk_xlat_ip_opts;
	case 41: return &tk_xlat_ipv6_opts;
	}
	return NULL;
}

static void fmt_sockopt_name(struct tk_dec *d, int i)
{
	const struct tk_xlat *x = sockopt_table((int)d->sc->args[1]);
	int v = (int)d->sc->args[i];

	if (x)
		tk_xlat_val(d->out, x, v, d->opt->xstyle, true);
	else
		sb_addf(d->out, "%d", v);
}

/* setsockopt's value: an int shown as [1] when optlen is 4, otherwise bytes */
static void fmt_sockopt_val_v(struct tk_dec *d, uint64_t addr, int64_t len)
{
	int32_t v;

	if (len == 4 && !d->mem->ops->read(d->mem->ctx, d->sc->tid, addr, &v, 4)) {
		sb_addf(d->out, "[%d]", v);
		return;
	}
	if (len > 0 && len <= 256) {
		unsigned char buf[256];

		if (!d->mem->ops->read(d->mem->ctx, d->sc->tid, addr, buf, (size_t)len)) {
			tk_fmt_bytes(d->out, buf, (size_t)len > d->opt->strsize ? d->opt->strsize : (size_t)len,
				     (size_t)len > d->opt->strsize, d->opt->hex);
			return;
		}
	}
	tk_fmt_ptr(d->out, addr);
}

static void fmt_setsockopt_val(struct tk_dec *d, int i)
{
	fmt_sockopt_val_v(d, d->sc->args[i], (int64_t)d->sc->args[4]);
}

static void fmt_getsockopt_val(struct tk_dec *d, int i)
{
	int32_t len;

	if (d->failed || d->mem->ops->read(d->mem->ctx, d->sc->tid, d->sc->args[4], &len, 4)) {
		tk_fmt_ptr(d->out, d->sc->args[i]);
		return;
	}
	fmt_sockopt_val_v(d, d->sc->args[i], len);
}

/* accept's / getsockname's socklen_t *: [16], or [128 => 16] when the kernel changed it. strace
 * remembers the input length from entry; the declaration asks for it at entry too (peek). */
static void fmt_socklen_out(struct tk_dec *d, int i)
{
	int32_t v;

	if (!d->sc->args[i]) {
		sb_adds(d->out, "NULL");
		return;
	}
	if (d->mem->ops->read(d->mem->ctx, d->sc->tid, d->sc->args[i], &v, 4)) {
		tk_fmt_ptr(d->out, d->sc->args[i]);
		return;
	}
	if (!d->failed && d->peek && (d->peek_ok >> i & 1) && (int32_t)d->peek[i] != v)
		sb_addf(d->out, "[%d => %d]", (int32_t)d->peek[i], v);
	else
		sb_addf(d->out, "[%d]", v);
}

static void fmt_getdents(struct tk_dec *d, int i)
{
	uint64_t addr = d->sc->args[i];
	int64_t total = d->sc->ret, off = 0;
	unsigned n = 0;

	while (off + 19 <= total && n < 100000) {
		uint16_t reclen;

		if (d->mem->ops->read(d->mem->ctx, d->sc->tid, addr + (uint64_t)off + 16, &reclen, 2) ||
		    !reclen)
			break;
		off += reclen;
		n++;
	}
	sb_addf(d->out, "%#" PRIx64 " /* %u entr%s */", addr, n, n == 1 ? "y" : "ies");
}

static void fmt_getcwd(struct tk_dec *d, int i)
{
	tk_fmt_str(d, d->sc->args[i], 4096, true);
}

static void fmt_getrandom_buf(struct tk_dec *d, int i)
{
	unsigned char buf[256];
	size_t n = (size_t)d->sc->ret, k, show = n < d->opt->strsize ? n : d->opt->strsize;

	if (show > sizeof(buf))
		show = sizeof(buf);
	if (d->mem->ops->read(d->mem->ctx, d->sc->tid, d->sc->args[i], buf, show)) {
		tk_fmt_ptr(d->out, d->sc->args[i]);
		return;
	}
	sb_addc(d->out, '"');
	for (k = 0; k < show; k++)
		sb_addf(d->out, "\\x%02x", buf[k]);
	sb_addc(d->out, '"');
	if (n > show)
		sb_adds(d->out, "...");
}

static void fmt_futex_op(struct tk_dec *d, int i)
{
	uint64_t op = (uint32_t)d->sc->args[i];
	uint64_t cmd = op & FUTEX_CMD_MASK;
	const char *n = tk_xlat_name(&tk_xlat_futex_ops, (int64_t)(op & ~(uint64_t)FUTEX_CLOCK_REALTIME));

	if (n && d->opt->xstyle != TK_XLAT_RAW) {
		sb_adds(d->out, n);
	} else {
		n = tk_xlat_name(&tk_xlat_futex_ops, (int64_t)cmd);
		if (n && d->opt->xstyle != TK_XLAT_RAW) {
			sb_adds(d->out, n);
			if (op & FUTEX_PRIVATE_FLAG)
				sb_adds(d->out, "|FUTEX_PRIVATE_FLAG");
		} else {
			sb_addf(d->out, "%#" PRIx64, op);
			return;
		}
	}
	if (op & FUTEX_CLOCK_REALTIME)
		sb_adds(d->out, "|FUTEX_CLOCK_REALTIME");
}

static bool futex_has_tail(const struct tk_syscall *sc)
{
	uint32_t cmd = (uint32_t)sc->args[1] & FUTEX_CMD_MASK;

	return cmd != FUTEX_WAKE && cmd != FUTEX_UNLOCK_PI && cmd != FUTEX_TRYLOCK_PI &&
	       cmd != FUTEX_FD;
}

static void fmt_timespec_at(struct tk_dec *d, uint64_t addr)
{
	tk_fmt_struct(d, 3, TK_ST_TIMESPEC, addr, 16);
}

static void fmt_futex_tail(struct tk_dec *d, int i)
{
	uint32_t cmd = (uint32_t)d->sc->args[1] & FUTEX_CMD_MASK;
	const uint64_t *a = d->sc->args;

	(void)i;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
		fmt_timespec_at(d, a[3]);
		break;
	case FUTEX_WAIT_BITSET:
		fmt_timespec_at(d, a[3]);
		if ((uint32_t)a[5] == FUTEX_BITSET_MATCH_ANY)
			sb_adds(d->out, ", FUTEX_BITSET_MATCH_ANY");
		else
			sb_addf(d->out, ", %#" PRIx32, (uint32_t)a[5]);
		break;
	case FUTEX_WAKE_BITSET:
		sb_addf(d->out, "%#" PRIx32, (uint32_t)a[5]);
		break;
	case FUTEX_REQUEUE:
		sb_addf(d->out, "%u, %#" PRIx64, (unsigned)a[3], a[4]);
		break;
	case FUTEX_CMP_REQUEUE:
	case FUTEX_CMP_REQUEUE_PI:
		sb_addf(d->out, "%u, %#" PRIx64 ", %u", (unsigned)a[3], a[4], (unsigned)a[5]);
		break;
	case FUTEX_WAIT_REQUEUE_PI:
		fmt_timespec_at(d, a[3]);
		sb_addf(d->out, ", %#" PRIx64, a[4]);
		break;
	default:
		sb_addf(d->out, "%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64, a[3], a[4], a[5]);
	}
}

static void fmt_fcntl_arg(struct tk_dec *d, int i)
{
	int cmd = (int)d->sc->args[1];
	uint64_t v = d->sc->args[i];

	switch (cmd) {
	case F_SETFD:
		tk_xlat_flags(d->out, &tk_xlat_fd_flags, (uint32_t)v, d->opt->xstyle);
		break;
	case F_SETFL:
		fmt_open_flags_v(d, (uint32_t)v);
		break;
	case F_SETSIG:
		tk_xlat_val(d->out, &tk_xlat_signals, (int)v, d->opt->xstyle, true);
		break;
	case F_SETLK:
	case F_SETLKW:
	case F_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
	case F_OFD_GETLK: {
		struct flock fl;

		if (d->mem->ops->read(d->mem->ctx, d->sc->tid, v, &fl, sizeof(fl))) {
			tk_fmt_ptr(d->out, v);
			break;
		}
		sb_adds(d->out, "{l_type=");
		tk_xlat_val(d->out, &tk_xlat_lock_types, fl.l_type, d->opt->xstyle, true);
		sb_adds(d->out, ", l_whence=");
		tk_xlat_val(d->out, &tk_xlat_seek_whence, fl.l_whence, d->opt->xstyle, true);
		sb_addf(d->out, ", l_start=%" PRId64 ", l_len=%" PRId64, (int64_t)fl.l_start, (int64_t)fl.l_len);
		if (cmd == F_GETLK || cmd == F_OFD_GETLK)
			sb_addf(d->out, ", l_pid=%d", fl.l_pid);
		sb_addc(d->out, '}');
		break;
	}
	default:
		sb_addf(d->out, "%" PRId64, (int64_t)(int)v);
	}
}

static bool fcntl_has_arg(const struct tk_syscall *sc)
{
	switch ((int)sc->args[1]) {
	case F_GETFD:
	case F_GETFL:
	case F_GETOWN:
	case F_GETSIG:
	case F_GETLEASE:
	case F_GETPIPE_SZ:
	case F_GET_SEALS:
		return false;
	}
	return true;
}

/* called for successful returns only */
static void fcntl_ret(struct tk_dec *d)
{
	int64_t r = d->sc->ret;

	switch ((int)d->sc->args[1]) {
	case F_GETFD:
		if (!r) {	/* no flag set: strace shows the bare 0 */
			sb_adds(d->out, "0");
			return;
		}
		sb_addf(d->out, "%#" PRIx64 " (flags ", r);
		tk_xlat_flags(d->out, &tk_xlat_fd_flags, (uint64_t)r, TK_XLAT_ABBREV);
		sb_addc(d->out, ')');
		return;
	case F_GETFL:
		sb_addf(d->out, "%#" PRIx64 " (flags ", r);
		fmt_open_flags_v(d, (uint64_t)r);
		sb_addc(d->out, ')');
		return;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		tk_fmt_fd(d, r);
		return;
	}
	sb_addf(d->out, "%" PRId64, r);
}

static void fmt_pollfds(struct tk_dec *d, int i)
{
	uint64_t addr = d->sc->args[i], n = d->sc->args[1], k;
	struct {
		int32_t fd;
		int16_t events, revents;
	} p;

	if (!addr || n > 1024) {
		tk_fmt_ptr(d->out, addr);
		return;
	}
	sb_addc(d->out, '[');
	for (k = 0; k < n; k++) {
		if (k)
			sb_adds(d->out, ", ");
		if (d->mem->ops->read(d->mem->ctx, d->sc->tid, addr + k * 8, &p, 8)) {
			sb_adds(d->out, "...");
			break;
		}
		sb_adds(d->out, "{fd=");
		tk_fmt_fd(d, p.fd);	/* -y: strace names them here (not in the returned revents) */
		sb_adds(d->out, ", events=");
		tk_xlat_flags(d->out, &tk_xlat_poll_events, (uint16_t)p.events, d->opt->xstyle);
		sb_addc(d->out, '}');
	}
	sb_addc(d->out, ']');
}

#define SYS5R(nm, cl, rk, rf, a, b, c, d, e) [__NR_##nm] = { #nm, 5, rk, cl, { a, b, c, d, e }, rf }
#define SYS6R(nm, cl, rk, rf, a, b, c, d, e, f) [__NR_##nm] = { #nm, 6, rk, cl, { a, b, c, d, e, f }, rf }

/* ", left {...}": the time a ppoll/select left in its timeout argument (i), as strace */
static void fmt_time_left(struct tk_dec *d, int i, int st)
{
	if (!d->sc->args[i])
		return;
	sb_adds(d->out, ", left ");
	tk_fmt_struct(d, i, st, d->sc->args[i], 16);
}

/* poll's return: "1 ([{fd=3, revents=POLLIN}])" and "0 (Timeout)"; ppoll's adds the time left */
static void poll_ret(struct tk_dec *d)
{
	uint64_t addr = d->sc->args[0], n = d->sc->args[1], k;
	int64_t r = d->sc->ret;
	bool first = true;
	struct {
		int32_t fd;
		int16_t events, revents;
	} p;

	sb_addf(d->out, "%" PRId64, r);
	if (r == 0) {
		sb_adds(d->out, " (Timeout)");
		return;
	}
	if (r < 0 || n > 1024)
		return;
	sb_adds(d->out, " ([");
	for (k = 0; k < n; k++) {
		if (d->mem->ops->read(d->mem->ctx, d->sc->tid, addr + k * 8, &p, 8))
			break;
		if (!p.revents)
			continue;
		sb_addf(d->out, "%s{fd=%d, revents=", first ? "" : ", ", p.fd);
		tk_xlat_flags(d->out, &tk_xlat_poll_events, (uint16_t)p.revents, d->opt->xstyle);
		sb_addc(d->out, '}');
		first = false;
	}
	sb_addc(d->out, ']');
	if (d->sc->nr == __NR_ppoll)
		fmt_time_left(d, 2, TK_ST_TIMESPEC);
	sb_addc(d->out, ')');
}

/* select/pselect6's return: "2 (in [0 3], out [4], left {...})" and "0 (Timeout)", as strace */
static void select_ret(struct tk_dec *d)
{
	static const char *const names[] = { "in", "out", "except" };
	int64_t r = d->sc->ret;
	int nfds = (int)d->sc->args[0], i, fd;
	bool any = false;
	uint64_t bits[16];

	sb_add_i64(d->out, r);
	if (r == 0) {
		sb_adds(d->out, " (Timeout)");
		return;
	}
	if (r < 0 || nfds < 0 || nfds > 1024)
		return;
	for (i = 0; i < 3; i++) {
		bool first = true;

		if (!d->sc->args[1 + i] ||
		    d->mem->ops->read(d->mem->ctx, d->sc->tid, d->sc->args[1 + i], bits, (size_t)((nfds + 63) / 64) * 8))
			continue;
		for (fd = 0; fd < nfds; fd++) {
			if (!(bits[fd / 64] >> (fd % 64) & 1))
				continue;
			if (first) {
				sb_adds(d->out, any ? ", " : " (");
				sb_adds(d->out, names[i]);
				sb_adds(d->out, " [");
			} else {
				sb_addc(d->out, ' ');
			}
			sb_add_i64(d->out, fd);
			first = false;
			any = true;
		}
		if (!first)
			sb_addc(d->out, ']');
	}
	if (!any)
		return;
	fmt_time_left(d, 4, d->sc->nr == __NR_select ? TK_ST_TIMEVAL : TK_ST_TIMESPEC);
	sb_addc(d->out, ')');
}

static void fmt_epoll_events_out(struct tk_dec *d, int i)
{
	uint64_t addr = d->sc->args[i];
	int64_t n = d->sc->ret, k;

	if (n < 0 || n > 1024) {
		tk_fmt_ptr(d->out, addr);
		return;
	}
	sb_addc(d->out, '[');
	for (k = 0; k < n; k++) {
		if (k)
			sb_adds(d->out, ", ");
		tk_fmt_struct(d, i, TK_ST_EPOLL_EVENT, addr + (uint64_t)k * 12, 12);
	}
	sb_addc(d->out, ']');
}

static void fmt_fdset_v(struct tk_dec *d, uint64_t addr, int nfds)
{
	uint64_t bits[16];
	size_t bytes = (size_t)((nfds + 63) / 64) * 8;
	bool first = true;
	int fd;

	if (!addr) {
		sb_adds(d->out, "NULL");
		return;
	}
	if (nfds < 0 || nfds > 1024 || d->mem->ops->read(d->mem->ctx, d->sc->tid, addr, bits, bytes)) {
		tk_fmt_ptr(d->out, addr);
		return;
	}
	sb_addc(d->out, '[');
	for (fd = 0; fd < nfds; fd++)
		if (bits[fd / 64] >> (fd % 64) & 1) {
			sb_addf(d->out, "%s%d", first ? "" : " ", fd);
			first = false;
		}
	sb_addc(d->out, ']');
}

static void fmt_fdset(struct tk_dec *d, int i)
{
	fmt_fdset_v(d, d->sc->args[i], (int)d->sc->args[0]);
}

static void fmt_prctl_args(struct tk_dec *d, int i)
{
	int op = (int)d->sc->args[0];
	const uint64_t *a = d->sc->args;

	(void)i;
	switch (op) {
	case 15: /* PR_SET_NAME */
		tk_fmt_str(d, a[1], 16, false);
		return;
	case 16: /* PR_GET_NAME */
		if (d->exiting && !d->failed)
			tk_fmt_str(d, a[1], 16, false);
		else
			tk_fmt_ptr(d->out, a[1]);
		return;
	case 1: /* PR_SET_PDEATHSIG */
		tk_xlat_val(d->out, &tk_xlat_signals, (int)a[1], d->opt->xstyle, true);
		return;
	}
	sb_addf(d->out, "%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ", %#" PRIx64, a[1], a[2], a[3], a[4]);
}

static bool prctl_has_args(const struct tk_syscall *sc)
{
	switch ((int)sc->args[0]) {
	case 3: /* PR_GET_DUMPABLE */
	case 7: /* PR_GET_KEEPCAPS */
	case 21: /* PR_GET_SECCOMP */
	case 37: /* PR_GET_CHILD_SUBREAPER? (37 is PR_GET_CHILD_SUBREAPER, takes a pointer) */
		return sc->args[0] == 37;
	}
	return true;
}

/*
 * struct msghdr at addr; its iovec buffers show at most `got` bytes in all (what a receive
 * returned), or everything each iovec holds when got < 0 (what a send passed).
 */
static void fmt_msghdr_at(struct tk_dec *d, uint64_t addr, int64_t got)
{
	static const struct tk_sysdesc iov_in = { "", 1, 0, 0, { { .kind = TK_ARG_IOV, .len_arg = 5 } }, NULL };
	static const struct tk_sysdesc iov_got = {
		"", 1, 0, 0, { { .kind = TK_ARG_IOV, .when = TK_AT_EXIT, .len_arg = 5 } }, NULL
	};
	struct {
		uint64_t name;
		uint32_t namelen, pad;
		uint64_t iov, iovlen, control, controllen;
		int32_t flags;
	} m;
	struct tk_syscall sc = *d->sc;
	struct tk_dec sub = *d;
	int next = 0;

	if (!addr || d->mem->ops->read(d->mem->ctx, d->sc->tid, addr, &m, sizeof(m))) {
		tk_fmt_ptr(d->out, addr);
		return;
	}
	sb_adds(d->out, "{msg_name=");
	if (m.name)
		tk_fmt_sockaddr(d, m.name, m.namelen);
	else
		sb_adds(d->out, "NULL");
	sb_addf(d->out, ", msg_namelen=%u, msg_iov=", m.namelen);
	sc.args[0] = m.iov;
	sc.args[5] = m.iovlen;
	sc.ret = got;
	sub.sc = &sc;
	sub.desc = got < 0 ? &iov_in : &iov_got;
	sub.exiting = true;
	sub.failed = false;
	sub.spans = NULL;
	tk_sys_format_args(&sub, &next);
	sb_addf(d->out, ", msg_iovlen=%" PRIu64 ", msg_controllen=%" PRIu64 ", msg_flags=", m.iovlen,
		m.controllen);
	tk_xlat_flags(d->out, &tk_xlat_msg_flags, (uint32_t)m.flags, d->opt->xstyle);
	sb_addc(d->out, '}');
}

static void fmt_msghdr(struct tk_dec *d, int i)
{
	bool received = d->sc->nr == __NR_recvmsg;

	if (received && d->failed)
		tk_fmt_ptr(d->out, d->sc->args[i]);
	else
		fmt_msghdr_at(d, d->sc->args[i], received ? d->sc->ret : -1);
}

/*
 * sendmmsg/recvmmsg's struct mmsghdr[]: strace shows the messages a successful call handled with
 * their msg_len, a failed sendmmsg's messages without it (what it tried to send), a failed
 * recvmmsg's array as its address. At most -s messages, then "...".
 */
#define MMSGHDR_SIZE 64 /* struct msghdr (56) + unsigned msg_len, padded */

static void fmt_mmsgvec(struct tk_dec *d, int i)
{
	bool recv = d->sc->nr == __NR_recvmmsg, ok = d->exiting && !d->failed;
	uint64_t addr = d->sc->args[i], n = ok ? (uint64_t)d->sc->ret : (uint32_t)d->sc->args[2], k;
	uint32_t len;

	if (!addr || (recv && !ok)) {
		tk_fmt_ptr(d->out, addr);
		return;
	}
	sb_addc(d->out, '[');
	for (k = 0; k < n; k++) {
		if (k)
			sb_adds(d->out, ", ");
		if (k >= d->opt->strsize || k >= 1024 ||
		    (ok && d->mem->ops->read(d->mem->ctx, d->sc->tid, addr + k * MMSGHDR_SIZE + 56, &len, 4))) {
			sb_adds(d->out, "...");
			break;
		}
		sb_adds(d->out, "{msg_hdr=");
		fmt_msghdr_at(d, addr + k * MMSGHDR_SIZE, recv ? (int64_t)len : -1);
		if (ok)
			sb_addf(d->out, ", msg_len=%u", len);
		sb_addc(d->out, '}');
	}
	sb_addc(d->out, ']');
}

/* sendfile's loff_t *: "[0] => [5]" when it moved; the kernel stores the entry offset plus what it
 * sent, so the entry value is the exit value less the return (and the eBPF backend, which captures
 * at exit only, shows the same). */
static void fmt_sendfile_offset(struct tk_dec *d, int i)
{
	uint64_t addr = d->sc->args[i];
	int64_t off;

	if (!addr) {
		sb_adds(d->out, "NULL");
		return;
	}
	if (d->mem->ops->read(d->mem->ctx, d->sc->tid, addr, &off, 8)) {
		tk_fmt_ptr(d->out, addr);
		return;
	}
	if (!d->failed && d->sc->ret > 0)
		sb_addf(d->out, "[%" PRIu64 "] => [%" PRIu64 "]", (uint64_t)(off - d->sc->ret), (uint64_t)off);
	else
		sb_addf(d->out, "[%" PRIu64 "]", (uint64_t)off);
}

/* rt_sigreturn({mask=[...]}): the mask the frame restores (see TK_SIGFRAME_MASK_OFF). */
static void fmt_sigreturn(struct tk_dec *d, int i)
{
	uint64_t mask;

	(void)i;
	if (!d->sc->sp || d->mem->ops->read(d->mem->ctx, d->sc->tid, d->sc->sp + TK_SIGFRAME_MASK_OFF, &mask, 8)) {
		sb_adds(d->out, "{mask=?}");
		return;
	}
	sb_adds(d->out, "{mask=");
	tk_fmt_sigset(d->out, &mask, 8);
	sb_addc(d->out, '}');
}

static void fmt_wait_status_out(struct tk_dec *d, int i)
{
	if (d->sc->ret <= 0)
		tk_fmt_ptr(d->out, d->sc->args[i]);
	else
		tk_fmt_struct(d, i, TK_ST_WAIT_STATUS, d->sc->args[i], 4);
}

static void fmt_rlim_res(struct tk_dec *d, int i)
{
	tk_xlat_val(d->out, &tk_xlat_rlimits, (int)d->sc->args[i], d->opt->xstyle, true);
}

static void fmt_clock_id(struct tk_dec *d, int i)
{
	tk_xlat_val(d->out, &tk_xlat_clocks, (int)d->sc->args[i], d->opt->xstyle, true);
}

#define ST_OUT_ST ST_OUT(STAT, 144)
#define SOCKLEN_OUT A_(CUSTOM, .when = TK_AT_EXIT, .fmt = fmt_socklen_out, .size = 4, .peek = 4)
#define CLOCKID CUSTOM(fmt_clock_id, 0)

static const struct tk_sysdesc table[TK_SYS_NR_MAX + 1] = {
	/* file and fd */
	SYS3(read, D, R_INT, FD, BUF_OUT, ULONG),
	SYS3(write, D, R_INT, FD, BUF_IN(2), ULONG),
	SYS3(open, D | F, R_FD, PATH, CUSTOM(fmt_open_flags, 0), A_(OCT, .shown = open_has_mode1)),
	SYS4(openat, D | F, R_FD, DIRFD, PATH, CUSTOM(fmt_open_flags, 0), A_(OCT, .shown = open_has_mode2)),
	SYS4(openat2, D | F, R_FD, DIRFD, PATH, ST_IN(OPEN_HOW, 24), ULONG),
	SYS2(creat, D | F, R_FD, PATH, OCT),
	SYS1(close, D, R_INT, FD),
	SYS3(close_range, 0, R_INT, UINT, UINT, FLAGS32(close_range_flags)),
	SYS4(pread64, D, R_INT, FD, BUF_OUT, ULONG, LONG),
	SYS4(pwrite64, D, R_INT, FD, BUF_IN(2), ULONG, LONG),
	SYS3(readv, D, R_INT, FD, IOV_OUT(2), INT),
	SYS3(writev, D, R_INT, FD, IOV_IN(2), INT),
	SYS5(preadv, D, R_INT, FD, IOV_OUT(2), INT, LONG, LONG),
	SYS5(pwritev, D, R_INT, FD, IOV_IN(2), INT, LONG, LONG),
	SYS2(stat, F | STAT_, R_INT, PATH, ST_OUT_ST),
	SYS2(lstat, F | LSTAT_, R_INT, PATH, ST_OUT_ST),
	SYS2(fstat, D | FSTAT_, R_INT, FD, ST_OUT_ST),
	SYS4(newfstatat, D | F | FSTAT_, R_INT, DIRFD, PATH, ST_OUT_ST, FLAGS32(at_flags)),
	SYS5(statx, D | F | FSTAT_, R_INT, DIRFD, PATH, CUSTOM(fmt_statx_flags, 0), FLAGS32(statx_mask),
	     ST_OUT(STATX, 256)),
	SYS2(statfs, F | TK_CLS_STATFS, R_INT, PATH, ST_OUT(STATFS, 120)),
	SYS2(fstatfs, D | TK_CLS_FSTATFS, R_INT, FD, ST_OUT(STATFS, 120)),
	SYS2(access, F, R_INT, PATH, CUSTOM(fmt_access_mode, 0)),
	SYS3(faccessat, D | F, R_INT, DIRFD, PATH, CUSTOM(fmt_access_mode, 0)),
	SYS4(faccessat2, D | F, R_INT, DIRFD, PATH, CUSTOM(fmt_access_mode, 0), FLAGS32(faccessat_flags)),
	SYS3(lseek, D, R_INT, FD, LONG, XVAL(seek_whence)),
	SYS3(getdents64, D, R_INT, FD, CUSTOM_OUT(fmt_getdents, 0), UINT),
	SYS3(getdents, D, R_INT, FD, CUSTOM_OUT(fmt_getdents, 0), UINT),
	SYS3(readlink, F, R_INT, PATH, BUF_OUT, ULONG),
	SYS4(readlinkat, D | F, R_INT, DIRFD, PATH, BUF_OUT, ULONG),
	SYS1(unlink, F, R_INT, PATH),
	SYS3(unlinkat, D | F, R_INT, DIRFD, PATH, FLAGS32(at_flags)),
	SYS1(rmdir, F, R_INT, PATH),
	SYS2(mkdir, F, R_INT, PATH, OCT),
	SYS3(mkdirat, D | F, R_INT, DIRFD, PATH, OCT),
	SYS2(rename, F, R_INT, PATH, PATH),
	SYS4(renameat, D | F, R_INT, DIRFD, PATH, DIRFD, PATH),
	SYS5(renameat2, D | F, R_INT, DIRFD, PATH, DIRFD, PATH, FLAGS32(rename_flags)),
	SYS2(link, F, R_INT, PATH, PATH),
	SYS5(linkat, D | F, R_INT, DIRFD, PATH, DIRFD, PATH, FLAGS32(at_flags)),
	SYS2(symlink, F, R_INT, PATH, PATH),
	SYS3(symlinkat, D | F, R_INT, PATH, DIRFD, PATH),
	SYS3R(fcntl, D, R_INT, fcntl_ret, FD, XHEX(fcntl_cmds), IFC(fmt_fcntl_arg, 32, fcntl_has_arg)),
	SYS2(flock, D, R_INT, FD, FLAGS32(flock_ops)),
	SYS1(dup, D, R_FD, FD),
	SYS2(dup2, D, R_FD, FD, FD),
	SYS3(dup3, D, R_FD, FD, FD, FLAGS32(open_flags)),
	SYS1(pipe, D, R_INT, ST_OUT(PIPEFDS, 8)),
	SYS2(pipe2, D, R_INT, ST_OUT(PIPEFDS, 8), FLAGS32(open_flags)),
	SYS1(chdir, F, R_INT, PATH),
	SYS1(fchdir, D, R_INT, FD),
	SYS2(getcwd, F, R_INT, CUSTOM_OUT(fmt_getcwd, 4096), ULONG),
	SYS2(chmod, F, R_INT, PATH, OCT),
	SYS2(fchmod, D, R_INT, FD, OCT),
	SYS3(fchmodat, D | F, R_INT, DIRFD, PATH, OCT),
	SYS3(chown, F, R_INT, PATH, INT, INT),
	SYS3(lchown, F, R_INT, PATH, INT, INT),
	SYS3(fchown, D, R_INT, FD, INT, INT),
	SYS5(fchownat, D | F, R_INT, DIRFD, PATH, INT, INT, FLAGS32(at_flags)),
	SYS2(truncate, F, R_INT, PATH, LONG),
	SYS2(ftruncate, D, R_INT, FD, LONG),
	SYS1(fsync, D, R_INT, FD),
	SYS1(fdatasync, D, R_INT, FD),
	SYS0(sync, 0, R_INT),
	SYS1(syncfs, D, R_INT, FD),
	SYS4(sendfile, D | N, R_INT, FD, FD, CUSTOM_OUT(fmt_sendfile_offset, 8), ULONG),
	/* at exit: an output struct exists only then, an input one is still there (64: ifreq, termios) */
	SYS3(ioctl, D, R_INT, FD, CUSTOM(tk_fmt_ioctl_req, 0), IFC_OUT(tk_fmt_ioctl_arg, 64, tk_ioctl_has_arg)),
	SYS1(umask, 0, R_OCT, OCT),
	SYS1(chroot, F, R_INT, PATH),
	SYS4(fallocate, D, R_INT, FD, INT, LONG, LONG),
	SYS2(memfd_create, D, R_FD, STR, FLAGS32(open_flags)),
	/* memory */
	SYS6(mmap, D | M, R_HEX, PTR, ULONG, FLAGS32(prot_flags), CUSTOM(fmt_mmap_flags, 0), FD, HEX),
	SYS2(munmap, M, R_INT, PTR, ULONG),
	SYS3(mprotect, M, R_INT, PTR, ULONG, FLAGS32(prot_flags)),
	SYS1(brk, M, R_HEX, PTR),
	SYS3(madvise, M, R_INT, PTR, ULONG, XVAL(madvise_advice)),
	SYS5(mremap, M, R_HEX, PTR, ULONG, ULONG, FLAGS32(mremap_flags), A_(PTR, .shown = mremap_fixed)),
	SYS3(msync, M, R_INT, PTR, ULONG, FLAGS32(msync_flags)),
	SYS2(mlock, M, R_INT, PTR, ULONG),
	SYS2(munlock, M, R_INT, PTR, ULONG),
	/* process */
	SYS3(execve, F | P, R_INT, PATH, A_(STRARR), A_(ENVP)),
	SYS5(execveat, D | F | P, R_INT, DIRFD, PATH, A_(STRARR), A_(ENVP), FLAGS32(at_flags)),
	SYS2(clone, P, R_INT, CUSTOM(fmt_clone_entry, 0), IFC_OUT(fmt_clone_exit, 4, clone_has_tail)),
	SYS2(clone3, P, R_INT, CUSTOM(fmt_clone3_args, 88), ULONG),
	SYS0(fork, P, R_INT),
	SYS0(vfork, P, R_INT),
	SYS4(wait4, P, R_INT, INT, CUSTOM_OUT(fmt_wait_status_out, 4), FLAGS32(wait_options), ST_OUT(RUSAGE, 144)),
	SYS5(waitid, P, R_INT, XVAL(idtypes), INT, ST_OUT(SIGINFO, 128), FLAGS32(wait_options), ST_OUT(RUSAGE, 144)),
	SYS1(exit, P, R_NONE, INT),
	SYS1(exit_group, P, R_NONE, INT),
	SYS2(kill, S, R_INT, INT, SIG),
	SYS3(tgkill, S, R_INT, INT, INT, SIG),
	SYS2(tkill, S, R_INT, INT, SIG),
	SYS1(set_tid_address, 0, R_INT, PTR),
	SYS2(prctl, 0, R_INT, XVAL(prctl_options), IFC(fmt_prctl_args, 16, prctl_has_args)),
	SYS2(arch_prctl, 0, R_INT, XHEX(arch_prctl_codes), HEX),
	SYS4(rseq, 0, R_INT, PTR, HEX, HEX, HEX),
	SYS2(set_robust_list, 0, R_INT, PTR, ULONG),
	SYS3(get_robust_list, 0, R_INT, INT, PTR, PTR),
	SYS4(prlimit64, 0, R_INT, INT, CUSTOM(fmt_rlim_res, 0), ST_IN(RLIMIT, 16), ST_OUT(RLIMIT, 16)),
	SYS2(getrlimit, 0, R_INT, CUSTOM(fmt_rlim_res, 0), ST_OUT(RLIMIT, 16)),
	SYS2(setrlimit, 0, R_INT, CUSTOM(fmt_rlim_res, 0), ST_IN(RLIMIT, 16)),
	SYS2(getrusage, 0, R_INT, INT, ST_OUT(RUSAGE, 144)),
	SYS1(uname, 0, R_INT, ST_OUT(UTSNAME, 390)),
	SYS0(getpid, PU, R_INT),
	SYS0(getppid, PU, R_INT),
	SYS0(gettid, PU, R_INT),
	SYS0(getuid, CR | PU, R_INT),
	SYS0(geteuid, CR | PU, R_INT),
	SYS0(getgid, CR | PU, R_INT),
	SYS0(getegid, CR | PU, R_INT),
	SYS0(getpgrp, PU, R_INT),
	SYS1(getpgid, 0, R_INT, INT),
	SYS2(setpgid, 0, R_INT, INT, INT),
	SYS1(getsid, 0, R_INT, INT),
	SYS0(setsid, 0, R_INT),
	SYS1(setuid, CR, R_INT, INT),
	SYS1(setgid, CR, R_INT, INT),
	SYS3(setresuid, CR, R_INT, INT, INT, INT),
	SYS3(setresgid, CR, R_INT, INT, INT, INT),
	SYS3(getresuid, CR, R_INT, INTPTR_OUT, INTPTR_OUT, INTPTR_OUT),
	SYS3(getresgid, CR, R_INT, INTPTR_OUT, INTPTR_OUT, INTPTR_OUT),
	SYS2(getgroups, CR, R_INT, INT, PTR),
	SYS0(sched_yield, 0, R_INT),
	SYS0(pause, S, R_INT),
	SYS2(pidfd_open, D, R_FD, INT, HEX),
	/* signals */
	SYS4(rt_sigaction, S, R_INT, SIG, ST_IN(SIGACTION, 32), ST_OUT(SIGACTION, 32), ULONG),
	SYS4(rt_sigprocmask, S, R_INT, XVAL(sigprocmask_how), SIGSET_IN(3), SIGSET_OUT(3), ULONG),
	SYS1(rt_sigreturn, S, R_INT, CUSTOM(fmt_sigreturn, 8)),
	SYS2(sigaltstack, S, R_INT, ST_IN(STACK, 24), ST_OUT(STACK, 24)),
	SYS2(rt_sigsuspend, S, R_INT, SIGSET_IN(1), ULONG),
	SYS2(rt_sigpending, S, R_INT, SIGSET_OUT(1), ULONG),
	SYS4(signalfd4, D | S, R_FD, FD, SIGSET_IN(2), ULONG, FLAGS32(sfd_flags)),
	/* network */
	SYS3(socket, N, R_FD, XVAL(address_families), CUSTOM(fmt_sock_type, 0), CUSTOM(fmt_sock_proto, 0)),
	SYS4(socketpair, N, R_INT, XVAL(address_families), CUSTOM(fmt_sock_type, 0), CUSTOM(fmt_sock_proto, 0),
	     ST_OUT(PIPEFDS, 8)),
	SYS3(bind, N, R_INT, FD, SA_IN(2), UINT),
	SYS2(listen, N, R_INT, FD, INT),
	SYS3(connect, N, R_INT, FD, SA_IN(2), UINT),
	SYS3(accept, N, R_FD, FD, SA_OUT(2), SOCKLEN_OUT),
	SYS4(accept4, N, R_FD, FD, SA_OUT(2), SOCKLEN_OUT, FLAGS32(socket_type_flags)),
	SYS3(getsockname, N, R_INT, FD, SA_OUT(2), SOCKLEN_OUT),
	SYS3(getpeername, N, R_INT, FD, SA_OUT(2), SOCKLEN_OUT),
	SYS6(sendto, N, R_INT, FD, BUF_IN(2), ULONG, FLAGS32(msg_flags), SA_IN(5), UINT),
	SYS6(recvfrom, N, R_INT, FD, BUF_OUT, ULONG, FLAGS32(msg_flags), SA_OUT(5), SOCKLEN_OUT),
	SYS3(sendmsg, N, R_INT, FD, CUSTOM(fmt_msghdr, 56), FLAGS32(msg_flags)),
	SYS3(recvmsg, N, R_INT, FD, CUSTOM_OUT(fmt_msghdr, 56), FLAGS32(msg_flags)),
	SYS4(sendmmsg, N, R_INT, FD, CUSTOM_OUT(fmt_mmsgvec, 0), UINT, FLAGS32(msg_flags)),
	SYS5(recvmmsg, N, R_INT, FD, CUSTOM_OUT(fmt_mmsgvec, 0), UINT, FLAGS32(msg_flags), ST_IN(TIMESPEC, 16)),
	SYS2(shutdown, N, R_INT, FD, XVAL(shutdown_how)),
	SYS5(setsockopt, N, R_INT, FD, CUSTOM(fmt_sockopt_level, 0), CUSTOM(fmt_sockopt_name, 0),
	     CUSTOM(fmt_setsockopt_val, 256), UINT),
	SYS5(getsockopt, N, R_INT, FD, CUSTOM(fmt_sockopt_level, 0), CUSTOM(fmt_sockopt_name, 0),
	     CUSTOM_OUT(fmt_getsockopt_val, 256), INTPTR_OUT),
	/* polling */
	SYS3R(poll, D, R_INT, poll_ret, CUSTOM(fmt_pollfds, 0), UINT, INT),
	SYS5R(ppoll, D, R_INT, poll_ret, CUSTOM(fmt_pollfds, 0), UINT, ST_IN(TIMESPEC, 16), SIGSET_IN(4), ULONG),
	SYS5R(select, D, R_INT, select_ret, INT, CUSTOM(fmt_fdset, 128), CUSTOM(fmt_fdset, 128),
	      CUSTOM(fmt_fdset, 128), ST_IN(TIMEVAL, 16)),
	SYS6R(pselect6, D, R_INT, select_ret, INT, CUSTOM(fmt_fdset, 128), CUSTOM(fmt_fdset, 128),
	      CUSTOM(fmt_fdset, 128), ST_IN(TIMESPEC, 16), PTR),
	SYS1(epoll_create, D, R_FD, INT),
	SYS1(epoll_create1, D, R_FD, FLAGS32(epoll_flags)),
	SYS4(epoll_ctl, D, R_INT, FD, XVAL(epoll_ctl_ops), FD, ST_IN(EPOLL_EVENT, 12)),
	SYS4(epoll_wait, D, R_INT, FD, CUSTOM_OUT(fmt_epoll_events_out, 0), INT, INT),
	SYS6(epoll_pwait, D, R_INT, FD, CUSTOM_OUT(fmt_epoll_events_out, 0), INT, INT, SIGSET_IN(5), ULONG),
	SYS2(eventfd2, D, R_FD, UINT, FLAGS32(efd_flags)),
	SYS1(eventfd, D, R_FD, UINT),
	SYS2(timerfd_create, D, R_FD, CLOCKID, FLAGS32(timerfd_flags)),
	SYS4(timerfd_settime, D, R_INT, FD, FLAGS32(timerfd_flags), ST_IN(ITIMERSPEC, 32), ST_OUT(ITIMERSPEC, 32)),
	SYS2(timerfd_gettime, D, R_INT, FD, ST_OUT(ITIMERSPEC, 32)),
	/* time */
	SYS2(clock_gettime, CL, R_INT, CLOCKID, ST_OUT(TIMESPEC, 16)),
	SYS2(clock_getres, CL, R_INT, CLOCKID, ST_OUT(TIMESPEC, 16)),
	SYS2(clock_settime, CL, R_INT, CLOCKID, ST_IN(TIMESPEC, 16)),
	SYS4(clock_nanosleep, 0, R_INT, CLOCKID, FLAGS32(timer_flags), ST_IN(TIMESPEC, 16), ST_REM),
	SYS2(nanosleep, 0, R_INT, ST_IN(TIMESPEC, 16), ST_REM),
	SYS2(gettimeofday, CL, R_INT, ST_OUT(TIMEVAL, 16), ST_OUT(TIMEZONE, 8)),
	SYS1(time, CL, R_INT, PTR),
	SYS1(alarm, 0, R_INT, UINT),
	/* misc */
	SYS3(getrandom, 0, R_INT, CUSTOM_OUT(fmt_getrandom_buf, 256), ULONG, FLAGS32(grnd_flags)),
	SYS4(futex, 0, R_INT, PTR, CUSTOM(fmt_futex_op, 0), UINT, IFC(fmt_futex_tail, 16, futex_has_tail)),
	SYS1(sysinfo, 0, R_INT, ST_OUT(SYSINFO, 112)),
	SYS1(times, 0, R_INT, PTR),
	SYS0(restart_syscall, 0, R_INT),
	SYS0(munlockall, M, R_INT),
	/* named but not decoded: raw arguments, right count, strace's classes */
	RAW(mknod, 3, F),
	RAW(mknodat, 4, D | F),
	RAW(utime, 2, F),
	RAW(utimes, 2, F),
	RAW(utimensat, 4, D | F),
	RAW(futimesat, 3, D | F),
	RAW(mount, 5, F),
	RAW(umount2, 2, F),
	RAW(swapon, 2, F),
	RAW(swapoff, 1, F),
	RAW(pivot_root, 2, F),
	RAW(acct, 1, F),
	SYS5(setxattr, F, R_INT, PATH, STR, BUF_IN(3), ULONG, HEX),
	SYS5(lsetxattr, F, R_INT, PATH, STR, BUF_IN(3), ULONG, HEX),
	SYS5(fsetxattr, D, R_INT, FD, STR, BUF_IN(3), ULONG, HEX),
	SYS4(getxattr, F, R_INT, PATH, STR, BUF_OUT, ULONG),
	SYS4(lgetxattr, F, R_INT, PATH, STR, BUF_OUT, ULONG),
	SYS4(fgetxattr, D, R_INT, FD, STR, BUF_OUT, ULONG),
	SYS3(listxattr, F, R_INT, PATH, BUF_OUT, ULONG),
	SYS3(llistxattr, F, R_INT, PATH, BUF_OUT, ULONG),
	SYS3(flistxattr, D, R_INT, FD, BUF_OUT, ULONG),
	SYS2(removexattr, F, R_INT, PATH, STR),
	SYS2(lremovexattr, F, R_INT, PATH, STR),
	SYS2(fremovexattr, D, R_INT, FD, STR),
	RAW(inotify_init, 0, D),
	RAW(inotify_init1, 1, D),
	RAW(inotify_add_watch, 3, D | F),
	RAW(inotify_rm_watch, 2, D),
	RAW(fanotify_init, 2, D),
	RAW(fanotify_mark, 5, D | F),
	RAW(name_to_handle_at, 5, D | F),
	RAW(open_by_handle_at, 3, D),
	RAW(splice, 6, D),
	RAW(tee, 4, D),
	RAW(vmsplice, 4, D),
	RAW(copy_file_range, 6, D),
	RAW(sync_file_range, 4, D),
	RAW(readahead, 3, D),
	SYS4(fadvise64, D, R_INT, FD, LONG, LONG, XVAL(fadvise_advice)),
	RAW(io_uring_setup, 2, D),
	RAW(io_uring_enter, 6, D | S),
	RAW(io_uring_register, 4, D),
	RAW(shmget, 3, I),
	RAW(shmat, 3, I | M),
	RAW(shmctl, 3, I),
	RAW(shmdt, 1, I | M),
	RAW(semget, 3, I),
	RAW(semop, 3, I),
	RAW(semctl, 4, I),
	RAW(semtimedop, 4, I),
	RAW(msgget, 2, I),
	RAW(msgsnd, 4, I),
	RAW(msgrcv, 5, I),
	RAW(msgctl, 3, I),
	RAW(mq_open, 4, D),
	RAW(mq_unlink, 1, 0),
	RAW(mq_timedsend, 5, D),
	RAW(mq_timedreceive, 5, D),
	RAW(mq_notify, 2, D),
	RAW(mq_getsetattr, 3, D),
	RAW(rt_sigtimedwait, 4, S),
	RAW(rt_sigqueueinfo, 3, S),
	RAW(rt_tgsigqueueinfo, 4, P | S),
	RAW(pidfd_send_signal, 4, D | S),
	RAW(pidfd_getfd, 3, D),
	RAW(signalfd, 3, D | S),
	RAW(mincore, 3, M),
	RAW(mlockall, 1, M),
	RAW(mlock2, 3, M),
	RAW(remap_file_pages, 5, M),
	RAW(mbind, 6, M),
	RAW(set_mempolicy, 3, M),
	RAW(get_mempolicy, 5, M),
	RAW(migrate_pages, 4, M),
	RAW(move_pages, 6, M),
	RAW(pkey_mprotect, 4, M),
	RAW(pkey_alloc, 2, 0),
	RAW(pkey_free, 1, 0),
	RAW(process_madvise, 5, D),
	RAW(process_mrelease, 2, D),
	RAW(memfd_secret, 1, D),
	RAW(userfaultfd, 1, D),
	RAW(setreuid, 2, CR),
	RAW(setregid, 2, CR),
	RAW(setgroups, 2, CR),
	RAW(setfsuid, 1, CR),
	RAW(setfsgid, 1, CR),
	RAW(capget, 2, CR),
	RAW(capset, 2, CR),
	RAW(settimeofday, 2, CL),
	RAW(adjtimex, 1, CL),
	RAW(clock_adjtime, 2, CL),
	RAW(getitimer, 2, 0),
	RAW(setitimer, 3, 0),
	RAW(timer_create, 3, 0),
	RAW(timer_settime, 4, 0),
	RAW(timer_gettime, 2, 0),
	RAW(timer_getoverrun, 1, 0),
	RAW(timer_delete, 1, 0),
	RAW(ptrace, 4, 0),
	RAW(syslog, 3, 0),
	RAW(personality, 1, 0),
	RAW(seccomp, 3, 0),
	RAW(bpf, 3, D),
	RAW(perf_event_open, 5, D),
	RAW(unshare, 1, 0),
	RAW(setns, 2, D),
	RAW(kcmp, 5, 0),
	RAW(sched_setaffinity, 3, 0),
	RAW(sched_getaffinity, 3, 0),
	RAW(sched_setscheduler, 3, 0),
	RAW(sched_getscheduler, 1, 0),
	RAW(sched_setparam, 2, 0),
	RAW(sched_getparam, 2, 0),
	RAW(sched_setattr, 3, 0),
	RAW(sched_getattr, 4, 0),
	RAW(sched_get_priority_max, 1, 0),
	RAW(sched_get_priority_min, 1, 0),
	RAW(sched_rr_get_interval, 2, 0),
	RAW(getpriority, 2, 0),
	RAW(setpriority, 3, 0),
	RAW(ioprio_set, 3, 0),
	RAW(ioprio_get, 2, 0),
	RAW(getcpu, 3, 0),
	RAW(membarrier, 3, 0),
	RAW(process_vm_readv, 6, 0),
	RAW(process_vm_writev, 6, 0),
	RAW(sethostname, 2, 0),
	RAW(setdomainname, 2, 0),
	RAW(reboot, 4, 0),
	RAW(init_module, 3, 0),
	RAW(finit_module, 3, D),
	RAW(delete_module, 2, 0),
	RAW(quotactl, 4, F),
	RAW(add_key, 5, 0),
	RAW(request_key, 4, 0),
	RAW(keyctl, 5, 0),
	RAW(landlock_create_ruleset, 3, D),
	RAW(landlock_add_rule, 4, D),
	RAW(landlock_restrict_self, 2, D),
	RAW(vhangup, 0, 0),
	RAW(iopl, 1, 0),
	RAW(ioperm, 3, 0),
	RAW(modify_ldt, 3, 0),
	RAW(epoll_pwait2, 6, D),
	RAW(fsopen, 2, D),
	RAW(fsconfig, 5, D),
	RAW(fsmount, 3, D),
	RAW(fspick, 3, D | F),
	RAW(open_tree, 3, D | F),
	RAW(move_mount, 5, D | F),
	RAW(mount_setattr, 5, D | F),
	RAW(io_setup, 2, M),
	RAW(io_destroy, 1, M),
	RAW(io_submit, 3, 0),
	RAW(io_cancel, 3, 0),
	RAW(io_getevents, 5, 0),
	RAW(io_pgetevents, 6, 0),
	RAW(kexec_load, 4, 0),
	RAW(kexec_file_load, 5, D),
	RAW(lookup_dcookie, 3, 0),
	RAW(sysfs, 3, 0),
	RAW(ustat, 2, 0),
	RAW(uselib, 1, F),
	RAW(vserver, 0, 0),
};

/* For syscalls the table does not name (new ones): strace prints 6 raw arguments too. */
static struct tk_sysdesc generic[TK_SYS_NR_MAX + 1];

const char *tk_sys_name(long nr)
{
	if (nr < 0 || nr > TK_SYS_NR_MAX)
		return NULL;
	return tk_sys_names[nr];
}

long tk_sys_number(const char *name)
{
	long i;

	for (i = 0; i <= TK_SYS_NR_MAX; i++)
		if (tk_sys_names[i] && !strcmp(tk_sys_names[i], name))
			return i;
	return -ENOENT;
}

bool tk_sys_decoded(long nr)
{
	return nr >= 0 && nr <= TK_SYS_NR_MAX && table[nr].name && table[nr].args[0].kind != TK_ARG_HEX;
}

const struct tk_sysdesc *tk_sysdesc_get(long nr)
{
	struct tk_sysdesc *g;
	int i;

	if (nr < 0 || nr > TK_SYS_NR_MAX)
		return NULL;
	if (table[nr].name)
		return &table[nr];
	g = &generic[nr];
	if (!g->name) {
		for (i = 0; i < 6; i++)
			g->args[i].kind = TK_ARG_HEX;
		g->nargs = 6;
		/* set last: concurrent readers see either nothing or a complete entry */
		__atomic_store_n(&g->name, tk_sys_names[nr] ? tk_sys_names[nr] : "", __ATOMIC_RELEASE);
	}
	return g;
}

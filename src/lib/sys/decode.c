/*
 * Argument and return-value formatting in strace's notation. Everything here reads tracee memory
 * through struct tk_mem only, so the ptrace and eBPF backends print identical text.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "lib/sys/sockdiag.h"
#include "lib/sys/sysdesc.h"

/* strace's named escapes; other unprintables are octal */
static const char esc_name[256] = {
	['"'] = '"', ['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n', ['\v'] = 'v', ['\f'] = 'f', ['\r'] = 'r',
};

/* -x: the whole string in \xNN when one byte is neither printable ASCII nor \t\n\v\f\r (strace's rule) */
static bool wants_hex(const unsigned char *p, size_t n, unsigned hex)
{
	size_t i;

	if (hex >= 2)
		return true;
	for (i = 0; hex && i < n; i++)
		if (p[i] > 0x7e || (p[i] < ' ' && (p[i] < '\t' || p[i] > '\r')))
			return true;
	return false;
}

/* strace's escaping: \t\n\v\f\r\\\" by name, other unprintables in the shortest octal form that
 * cannot be misread when a digit follows; -x/-xx (hex) as wants_hex says. Written in place (worst
 * case 4 bytes a byte): every read/write line goes through here. */
void tk_fmt_bytes(struct strbuf *sb, const unsigned char *p, size_t n, bool more, unsigned hex)
{
	static const char digits[] = "0123456789abcdef";
	char *o = sb_space(sb, n * 4 + sizeof("\"\"..."));
	bool all_hex = wants_hex(p, n, hex);
	size_t i;

	if (!o)
		return;
	*o++ = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (all_hex) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = digits[c >> 4];
			*o++ = digits[c & 15];
		} else if (esc_name[c]) {
			*o++ = '\\';
			*o++ = esc_name[c];
		} else if (c >= ' ' && c < 0x7f) {
			*o++ = (char)c;
		} else {
			*o++ = '\\';
			if (c >= 0100 || (i + 1 < n && p[i + 1] >= '0' && p[i + 1] <= '9')) {
				*o++ = (char)('0' + (c >> 6));
				*o++ = (char)('0' + ((c >> 3) & 7));
			} else if (c >= 010) {
				*o++ = (char)('0' + (c >> 3));
			}
			*o++ = (char)('0' + (c & 7));
		}
	}
	*o++ = '"';
	if (more) {
		memcpy(o, "...", 3);
		o += 3;
	}
	sb_setlen(sb, (size_t)(o - sb->buf));
}

void tk_fmt_ptr(struct strbuf *sb, uint64_t addr)
{
	if (!addr)
		sb_adds(sb, "NULL");
	else
		sb_add_hex(sb, addr);
}

static int mem_read(struct tk_dec *d, uint64_t addr, void *buf, size_t len)
{
	if (!addr)
		return -EFAULT;
	return d->mem->ops->read(d->mem->ctx, d->sc->tid, addr, buf, len);
}

void tk_fmt_str(struct tk_dec *d, uint64_t addr, unsigned max, bool path)
{
	char buf[PATH_MAX + 1];
	bool complete = false;
	ssize_t n;

	if (!addr) {
		sb_adds(d->out, "NULL");
		return;
	}
	if (max > PATH_MAX)
		max = PATH_MAX;
	n = d->mem->ops->read_str(d->mem->ctx, d->sc->tid, addr, buf, max, &complete);
	if (n < 0) {
		tk_fmt_ptr(d->out, addr);
		return;
	}
	(void)path;
	tk_fmt_bytes(d->out, (const unsigned char *)buf, (size_t)n, !complete, d->opt->hex);
}

static void fmt_buf(struct tk_dec *d, uint64_t addr, uint64_t len)
{
	unsigned char buf[4096];
	size_t want = len;
	unsigned max = d->opt->strsize;

	if (want > max)
		want = max;
	if (want > sizeof(buf))
		want = sizeof(buf);
	if (!addr || mem_read(d, addr, buf, want) < 0) {
		tk_fmt_ptr(d->out, addr);
		return;
	}
	tk_fmt_bytes(d->out, buf, want, len > want, d->opt->hex);
}

int tk_mem_proc_fd_path(void *ctx, int tid, int fd, char *buf, size_t size)
{
	char link[64];
	ssize_t n;

	(void)ctx;
	if (fd == -100)		/* AT_FDCWD: the working directory */
		snprintf(link, sizeof(link), "/proc/%d/cwd", tid);
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", tid, fd);
	n = readlink(link, buf, size);
	if (n < 0)
		return -errno;
	return (int)n;
}

/*
 * -yy on a socket: what the kernel says it is ("TCP:[127.0.0.1:80->127.0.0.1:41234]"). Its
 * protocol comes from the descriptor in /proc when that is still this socket (the eBPF reader
 * names descriptors after the fact); without one every kind is asked. Neither knowing it: strace's
 * "PROTO:[inode]", or the plain "socket:[inode]".
 */
static bool fmt_socket(struct tk_dec *d, int fd, const char *path)
{
	char link[64], now[64], proto[32];
	unsigned long ino;
	char *end;
	ssize_t n;
	bool have_proto = false;

	ino = strtoul(path + 8, &end, 10);
	if (end == path + 8 || strcmp(end, "]"))
		return false;
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", d->sc->tid, fd);
	n = readlink(link, now, sizeof(now) - 1);
	if (n > 0 && (now[n] = 0, !strcmp(now, path))) {
		n = getxattr(link, "system.sockprotoname", proto, sizeof(proto) - 1);
		if (n > 0) {
			proto[n] = 0;
			have_proto = true;
		}
	}
	sb_addc(d->out, '<');
	if (tk_sockdiag_describe(d->out, ino, have_proto ? proto : NULL)) {
		if (have_proto)
			sb_addf(d->out, "%s:[%lu]", proto, ino);
		else
			sb_adds(d->out, path);
	}
	sb_addc(d->out, '>');
	return true;
}

/* -y: "<path>" after a descriptor (or AT_FDCWD, -100: the working directory), as strace */
static void fmt_fd_path(struct tk_dec *d, int fd)
{
	char path[PATH_MAX];
	struct stat st;
	int n;

	if (!d->opt->fd_paths || (fd < 0 && fd != -100) || !d->mem->ops->fd_path)
		return;
	n = d->mem->ops->fd_path(d->mem->ctx, d->sc->tid, fd, path, sizeof(path) - 1);
	if (n <= 0)
		return;
	path[n] = 0;
	if (d->opt->fd_paths > 1 && !strncmp(path, "socket:[", 8) && fmt_socket(d, fd, path))
		return;
	sb_addc(d->out, '<');
	sb_add(d->out, path, (size_t)n);
	/* -yy: a device shows its numbers, "</dev/null<char 1:3>>" */
	if (d->opt->fd_paths > 1 && path[0] == '/' && !stat(path, &st) && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
		sb_addf(d->out, "<%s %u:%u>", S_ISCHR(st.st_mode) ? "char" : "block", major(st.st_rdev),
			minor(st.st_rdev));
	sb_addc(d->out, '>');
}

void tk_fmt_fd(struct tk_dec *d, int64_t fd)
{
	sb_add_i64(d->out, fd);
	if (fd >= 0 && fd <= INT_MAX)
		fmt_fd_path(d, (int)fd);
}

/* ---- signals ---- */
const char *tk_signal_name(int sig, char *buf, size_t size)
{
	const char *n;

	if (sig <= 0 || sig > 64)
		return NULL;
	n = tk_xlat_name(&tk_xlat_signals, sig);
	if (n)
		return n;
	if (sig == 32)
		return "SIGRTMIN";
	if (sig > 32) {
		snprintf(buf, size, "SIGRT_%d", sig - 32);
		return buf;
	}
	if (sig == 16)
		return "SIGSTKFLT";
	return NULL;
}

int tk_signal_number(const char *name)
{
	char buf[32], full[32];
	int64_t v;
	int s;

	if (strncmp(name, "SIG", 3)) {
		snprintf(full, sizeof(full), "SIG%s", name);
		name = full;
	}
	if (!tk_xlat_value(&tk_xlat_signals, name, &v))
		return (int)v;
	for (s = 1; s <= 64; s++) {
		const char *n = tk_signal_name(s, buf, sizeof(buf));

		if (n && !strcmp(n, name))
			return s;
	}
	return -ENOENT;
}

static void fmt_signal(struct strbuf *sb, int64_t sig)
{
	char buf[32];
	const char *n = tk_signal_name((int)sig, buf, sizeof(buf));

	if (n && sig == (int)sig)
		sb_adds(sb, n);
	else
		sb_addf(sb, "%" PRId64, sig);
}

void tk_fmt_sigset(struct strbuf *sb, const uint64_t *mask, size_t bytes)
{
	unsigned nbits = (unsigned)(bytes * 8), i, set = 0;
	bool invert, first = true;
	char buf[32];

	if (nbits > 64)
		nbits = 64;
	for (i = 0; i < nbits; i++)
		set += (*mask >> i) & 1;
	invert = set * 2 > nbits;
	if (invert)
		sb_addc(sb, '~');
	sb_addc(sb, '[');
	for (i = 0; i < nbits; i++) {
		bool bit = (*mask >> i) & 1;
		const char *n;

		if (bit == invert)
			continue;
		n = tk_signal_name((int)i + 1, buf, sizeof(buf));
		if (!first)
			sb_addc(sb, ' ');
		first = false;
		if (n)
			sb_adds(sb, n + 3);
		else
			sb_addf(sb, "%u", i + 1);
	}
	sb_addc(sb, ']');
}

/* ---- errno ---- */
/* The kernel-internal restart codes (include/linux/errno.h, not UAPI): the generator cannot see
 * them, so they are the one errno table kept here. */
static const struct {
	int err;
	const char *name, *text;
} restart_codes[] = {
	{ 512, "ERESTARTSYS", "To be restarted if SA_RESTART is set" },
	{ 513, "ERESTARTNOINTR", "To be restarted" },
	{ 514, "ERESTARTNOHAND", "To be restarted if no handler" },
	{ 515, "ENOIOCTLCMD", "No ioctl command" },
	{ 516, "ERESTART_RESTARTBLOCK", "Interrupted by signal" },
	{ 517, "EPROBE_DEFER", "Driver requests probe retry" },
	{ 518, "EOPENSTALE", "Open found a stale dentry" },
	{ 519, "ENOPARAM", "Parameter not supported" },
	{ 521, "EBADHANDLE", "Illegal NFS file handle" },
	{ 522, "ENOTSYNC", "Update synchronization mismatch" },
	{ 523, "EBADCOOKIE", "Cookie is stale" },
	{ 524, "ENOTSUPP", "Operation is not supported" },
	{ 525, "ETOOSMALL", "Buffer or request is too small" },
	{ 526, "ESERVERFAULT", "An untranslatable error occurred" },
	{ 527, "EBADTYPE", "Type not supported by server" },
	{ 528, "EJUKEBOX", "Request initiated, but will not complete before timeout" },
	{ 529, "EIOCBQUEUED", "iocb queued, will get completion event" },
	{ 530, "ERECALLCONFLICT", "Conflict with recalled state" },
};

const char *tk_errno_name(int err)
{
	const char *n = tk_xlat_name(&tk_xlat_errno, err);
	size_t i;

	if (n)
		return n;
	for (i = 0; i < sizeof(restart_codes) / sizeof(restart_codes[0]); i++)
		if (restart_codes[i].err == err)
			return restart_codes[i].name;
	return NULL;
}

void tk_sys_format_ret(struct tk_dec *d)
{
	int64_t r = d->sc->ret;
	size_t i;

	if (r < 0 && r >= -4095) {
		int err = (int)-r;
		const char *n = tk_errno_name(err);

		for (i = 0; i < sizeof(restart_codes) / sizeof(restart_codes[0]); i++)
			if (restart_codes[i].err == err) {
				sb_addf(d->out, "? %s (%s)", n, restart_codes[i].text);
				return;
			}
		if (n) {
			sb_adds(d->out, "-1 ");
			sb_adds(d->out, n);
			sb_adds(d->out, " (");
			sb_adds(d->out, strerror(err));
			sb_addc(d->out, ')');
		} else {
			sb_addf(d->out, "-1 (errno %d)", err);
		}
		return;
	}
	if (d->raw) {
		sb_add_hex(d->out, (uint64_t)r);
		return;
	}
	if (d->desc->retfmt) {
		d->desc->retfmt(d);
		return;
	}
	switch (d->desc->ret) {
	case TK_RET_HEX:
		sb_add_hex(d->out, (uint64_t)r);
		break;
	case TK_RET_OCT:
		sb_addf(d->out, "%#" PRIo64, (uint64_t)r);
		break;
	case TK_RET_FD:
		tk_fmt_fd(d, r);
		break;
	default:
		sb_add_i64(d->out, r);
	}
}

/* ---- sockaddr ---- */
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

void tk_fmt_sockaddr(struct tk_dec *d, uint64_t addr, int64_t len)
{
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
		struct sockaddr_un un;
		struct sockaddr_nl nl;
		struct sockaddr_storage ss;
	} u;
	struct strbuf *sb = d->out;
	char ip[INET6_ADDRSTRLEN];
	const char *fam;

	if (!addr) {
		sb_adds(sb, "NULL");
		return;
	}
	if (len < (int64_t)sizeof(u.sa.sa_family) || len > (int64_t)sizeof(u)) {
		tk_fmt_ptr(sb, addr);
		return;
	}
	memset(&u, 0, sizeof(u));
	if (mem_read(d, addr, &u, (size_t)len) < 0) {
		tk_fmt_ptr(sb, addr);
		return;
	}
	sb_adds(sb, "{sa_family=");
	fam = tk_xlat_name(&tk_xlat_address_families, u.sa.sa_family);
	if (fam)
		sb_adds(sb, fam);
	else
		sb_addf(sb, "%u /* AF_??? */", u.sa.sa_family);
	switch (u.sa.sa_family) {
	case AF_INET:
		inet_ntop(AF_INET, &u.in.sin_addr, ip, sizeof(ip));
		sb_addf(sb, ", sin_port=htons(%u), sin_addr=inet_addr(\"%s\")}", ntohs(u.in.sin_port), ip);
		return;
	case AF_INET6:
		inet_ntop(AF_INET6, &u.in6.sin6_addr, ip, sizeof(ip));
		sb_addf(sb, ", sin6_port=htons(%u), sin6_flowinfo=htonl(%u), inet_pton(AF_INET6, \"%s\", "
			    "&sin6_addr), sin6_scope_id=%u}",
			ntohs(u.in6.sin6_port), ntohl(u.in6.sin6_flowinfo), ip, u.in6.sin6_scope_id);
		return;
	case AF_UNIX: {
		size_t plen = (size_t)len - offsetof(struct sockaddr_un, sun_path), n;

		if ((size_t)len <= offsetof(struct sockaddr_un, sun_path)) {
			sb_addc(sb, '}');
			return;
		}
		sb_adds(sb, ", sun_path=");
		if (!u.un.sun_path[0] && plen > 1) {
			sb_addc(sb, '@');
			tk_fmt_bytes(sb, (unsigned char *)u.un.sun_path + 1, plen - 1, false, 0);
		} else {
			n = strnlen(u.un.sun_path, plen);
			tk_fmt_bytes(sb, (unsigned char *)u.un.sun_path, n, false, 0);
		}
		sb_addc(sb, '}');
		return;
	}
	case AF_NETLINK:
		sb_addf(sb, ", nl_pid=%u, nl_groups=%08x}", u.nl.nl_pid, u.nl.nl_groups);
		return;
	default:
		sb_adds(sb, ", sa_data=");
		tk_fmt_bytes(sb, (unsigned char *)u.sa.sa_data,
			     (size_t)len > sizeof(u.sa.sa_family) ? (size_t)len - sizeof(u.sa.sa_family) : 0,
			     false, 0);
		sb_addc(sb, '}');
	}
}

/* ---- the generic argument walk ---- */
bool tk_sys_erestart(int64_t ret)
{
	return ret == -512 || ret == -513 || ret == -514 || ret == -516;
}

static bool arg_at_exit(const struct tk_argdesc *a)
{
	return a->when == TK_AT_EXIT;
}

static void fmt_iov(struct tk_dec *d, uint64_t addr, uint64_t cnt, bool at_exit)
{
	struct {
		uint64_t base, len;
	} iov;
	int64_t left = at_exit ? d->sc->ret : INT64_MAX;
	uint64_t i;

	if (!addr || cnt > 1024) {
		tk_fmt_ptr(d->out, addr);
		return;
	}
	sb_addc(d->out, '[');
	for (i = 0; i < cnt; i++) {
		if (i)
			sb_adds(d->out, ", ");
		/* strace abbreviates arrays to -s elements unless -v */
		if (i >= 1024 || (!d->opt->verbose && i >= d->opt->strsize) ||
		    mem_read(d, addr + i * sizeof(iov), &iov, sizeof(iov)) < 0) {
			sb_adds(d->out, "...");
			break;
		}
		sb_adds(d->out, "{iov_base=");
		if (left > 0) {
			uint64_t n = (uint64_t)left < iov.len ? (uint64_t)left : iov.len;

			fmt_buf(d, iov.base, n);
			left -= (int64_t)n;
		} else {
			sb_adds(d->out, "\"\"");
		}
		sb_adds(d->out, ", iov_len=");
		sb_add_u64(d->out, iov.len);
		sb_addc(d->out, '}');
	}
	sb_addc(d->out, ']');
}

static void fmt_strarr(struct tk_dec *d, uint64_t addr, bool as_count)
{
	uint64_t p;
	unsigned i;

	if (!addr) {
		sb_adds(d->out, "NULL");
		return;
	}
	if (as_count) {
		for (i = 0; i < 4096; i++)
			if (mem_read(d, addr + i * 8, &p, 8) < 0 || !p)
				break;
		sb_addf(d->out, "%#" PRIx64 " /* %u var%s */", addr, i, i == 1 ? "" : "s");
		return;
	}
	sb_addc(d->out, '[');
	for (i = 0;; i++) {
		if (mem_read(d, addr + i * 8, &p, 8) < 0) {
			sb_adds(d->out, i ? ", ..." : "...");
			break;
		}
		if (!p)
			break;
		if (i)
			sb_adds(d->out, ", ");
		if (i >= 4096 || (!d->opt->verbose && i >= d->opt->strsize)) {
			sb_adds(d->out, "...");
			break;
		}
		tk_fmt_str(d, p, d->opt->strsize, false);
	}
	sb_addc(d->out, ']');
}

static int64_t len_value(struct tk_dec *d, const struct tk_argdesc *a, bool *ok)
{
	int64_t v = 0;

	*ok = true;
	if (a->len_arg == TK_LEN_RET)
		return d->sc->ret;
	if (a->len_arg < 0 || a->len_arg > 5) {
		*ok = false;
		return 0;
	}
	if (!a->len_ptr)
		return (int64_t)d->sc->args[a->len_arg];
	{
		int32_t l;

		if (mem_read(d, d->sc->args[a->len_arg], &l, sizeof(l)) < 0) {
			*ok = false;
			return 0;
		}
		v = l;
	}
	return v;
}

static void fmt_arg(struct tk_dec *d, int i)
{
	const struct tk_argdesc *a = &d->desc->args[i];
	uint64_t v = d->sc->args[i];
	struct strbuf *sb = d->out;
	int64_t len;
	bool ok;

	if (a->on_restart) {
		/* interrupted (-ERESTART*): the kernel wrote it, strace shows it though the call failed */
		if (d->exiting && tk_sys_erestart(d->sc->ret))
			tk_fmt_struct(d, i, a->aux, v, a->size);
		else
			tk_fmt_ptr(sb, v);
		return;
	}
	if (arg_at_exit(a) && a->kind != TK_ARG_CUSTOM && (d->failed || !d->exiting) &&
	    a->kind != TK_ARG_INT && a->kind != TK_ARG_UINT && a->kind != TK_ARG_LONG &&
	    a->kind != TK_ARG_ULONG && a->kind != TK_ARG_HEX) {
		tk_fmt_ptr(sb, v);
		return;
	}
	switch (a->kind) {
	case TK_ARG_INT:
		sb_add_i64(sb, (int)v);
		break;
	case TK_ARG_UINT:
		sb_add_u64(sb, (unsigned)v);
		break;
	case TK_ARG_LONG:
		sb_add_i64(sb, (int64_t)v);
		break;
	case TK_ARG_ULONG:
		sb_add_u64(sb, v);
		break;
	case TK_ARG_HEX:
		sb_add_hex(sb, v);
		break;
	case TK_ARG_OCT:
		sb_addf(sb, "%#03" PRIo64, v);
		break;
	case TK_ARG_PTR:
		tk_fmt_ptr(sb, v);
		break;
	case TK_ARG_FD:
		tk_fmt_fd(d, (int)v);
		break;
	case TK_ARG_DIRFD:
		if ((int)v == -100 && d->opt->xstyle == TK_XLAT_ABBREV)
			sb_adds(sb, "AT_FDCWD");
		else if ((int)v == -100 && d->opt->xstyle == TK_XLAT_VERBOSE)
			sb_adds(sb, "-100 /* AT_FDCWD */");
		else
			sb_add_i64(sb, (int)v);
		if ((int)v >= 0 || (int)v == -100)
			fmt_fd_path(d, (int)v);
		break;
	case TK_ARG_PATH:
		tk_fmt_str(d, v, PATH_MAX, true);
		break;
	case TK_ARG_STR:
		tk_fmt_str(d, v, d->opt->strsize, false);
		break;
	case TK_ARG_BUF:
		len = len_value(d, a, &ok);
		if (!ok || len < 0)
			tk_fmt_ptr(sb, v);
		else
			fmt_buf(d, v, (uint64_t)len);
		break;
	case TK_ARG_IOV:
		fmt_iov(d, v, d->sc->args[a->len_arg], arg_at_exit(a));
		break;
	case TK_ARG_STRARR:
		fmt_strarr(d, v, false);
		break;
	case TK_ARG_ENVP:
		fmt_strarr(d, v, !d->opt->verbose);
		break;
	case TK_ARG_FLAGS:
		tk_xlat_flags(sb, a->xlat, a->size == 4 ? (uint32_t)v : v, d->opt->xstyle);
		break;
	case TK_ARG_XVAL:
		tk_xlat_val(sb, a->xlat, a->size == 4 || a->dec ? (int64_t)(int)v : (int64_t)v, d->opt->xstyle,
			    a->dec);
		break;
	case TK_ARG_SIGNAL:
		fmt_signal(sb, (int)v);
		break;
	case TK_ARG_SIGSET: {
		uint64_t mask = 0;
		size_t n = a->len_arg >= 0 ? (size_t)d->sc->args[a->len_arg] : 8;

		if (!v) {
			sb_adds(sb, "NULL");
			break;
		}
		if (n > 8)
			n = 8;
		if (!n || mem_read(d, v, &mask, n) < 0) {
			tk_fmt_ptr(sb, v);
			break;
		}
		tk_fmt_sigset(sb, &mask, n);
		break;
	}
	case TK_ARG_STRUCT:
		tk_fmt_struct(d, i, a->aux, v, a->size);
		break;
	case TK_ARG_SOCKADDR:
		len = len_value(d, a, &ok);
		/* a socklen_t passed by value: the register's upper half is whatever the caller left */
		if (!a->len_ptr && a->len_arg >= 0)
			len = (int32_t)len;
		if (!ok)
			tk_fmt_ptr(sb, v);
		else
			tk_fmt_sockaddr(d, v, len);
		break;
	case TK_ARG_INTPTR: {
		int64_t x = 0;
		int32_t x32;

		if (!v)
			sb_adds(sb, "NULL");
		else if (a->size == 8 ? mem_read(d, v, &x, 8) < 0 : mem_read(d, v, &x32, 4) < 0)
			tk_fmt_ptr(sb, v);
		else
			sb_addf(sb, "[%" PRId64 "]", a->size == 8 ? x : x32);
		break;
	}
	case TK_ARG_CUSTOM:
		a->fmt(d, i);
		break;
	default:
		sb_add_hex(sb, v);
	}
}

static bool arg_shown(const struct tk_dec *d, int i)
{
	const struct tk_argdesc *a = &d->desc->args[i];

	return !a->shown || a->shown(d->sc);
}

/* Separators trail each argument (as strace prints "read(3, " at entry), so a line cut at entry
 * and resumed at exit reads the same as one printed whole. */
void tk_sys_format_args(struct tk_dec *d, int *next)
{
	int i, j;

	if (d->raw) {	/* all at entry: the registers, as they were passed */
		for (i = *next; i < d->desc->nargs; i++) {
			if (d->spans)
				d->spans[2 * i] = (long)d->out->len;
			sb_add_hex(d->out, d->sc->args[i]);
			if (d->spans)
				d->spans[2 * i + 1] = (long)d->out->len;
			if (i + 1 < d->desc->nargs)
				sb_adds(d->out, ", ");
		}
		*next = i;
		return;
	}
	for (i = *next; i < d->desc->nargs; i++) {
		if (!d->exiting && arg_at_exit(&d->desc->args[i]))
			break;
		if (!arg_shown(d, i))
			continue;
		if (d->spans)
			d->spans[2 * i] = (long)d->out->len;
		fmt_arg(d, i);
		if (d->spans)
			d->spans[2 * i + 1] = (long)d->out->len;
		for (j = i + 1; j < d->desc->nargs; j++)
			if (arg_shown(d, j)) {
				sb_adds(d->out, ", ");
				break;
			}
	}
	*next = i;
}

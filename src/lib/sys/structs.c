/* Struct formatters in strace's notation: {st_mode=S_IFREG|0644, st_size=1234, ...} and friends. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

#include "lib/sys/sysdesc.h"

static int rd(struct tk_dec *d, uint64_t addr, void *buf, size_t len)
{
	if (!addr)
		return -EFAULT;
	return d->mem->ops->read(d->mem->ctx, d->sc->tid, addr, buf, len);
}

static void fmt_mode(struct strbuf *sb, unsigned mode)
{
	const char *t = tk_xlat_name(&tk_xlat_file_types, mode & S_IFMT);

	if (t)
		sb_addf(sb, "%s|", t);
	else if (mode & S_IFMT)
		sb_addf(sb, "%#o|", mode & S_IFMT);
	if (mode & (S_ISUID | S_ISGID | S_ISVTX)) {
		tk_xlat_flags(sb, &tk_xlat_mode_bits, mode & (S_ISUID | S_ISGID | S_ISVTX), TK_XLAT_ABBREV);
		sb_addc(sb, '|');
	}
	sb_addf(sb, "%#03o", mode & 0777);
}

static void fmt_dev(struct strbuf *sb, uint64_t dev)
{
	unsigned maj = (unsigned)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff));
	unsigned min = (unsigned)(((dev >> 12) & 0xffffff00) | (dev & 0xff));

	sb_addf(sb, "makedev(%#x, %#x)", maj, min);
}

static void fmt_time(struct strbuf *sb, const char *name, int64_t sec, uint64_t nsec)
{
	struct tm tm;
	time_t t = (time_t)sec;
	char buf[64];

	sb_addf(sb, "%s=%" PRId64, name, sec);
	if (gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm)) {
		if (nsec)
			sb_addf(sb, " /* %s.%09" PRIu64 "+0000 */", buf, nsec);
		else	/* a whole second: strace leaves the fraction out */
			sb_addf(sb, " /* %s+0000 */", buf);
	}
	sb_addf(sb, ", %s_nsec=%" PRIu64, name, nsec);
}

static void fmt_stat(struct tk_dec *d, const struct stat *st)
{
	struct strbuf *sb = d->out;
	bool dev = S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode);

	if (!d->opt->verbose) {
		sb_adds(sb, "{st_mode=");
		fmt_mode(sb, st->st_mode);
		if (dev) {
			sb_adds(sb, ", st_rdev=");
			fmt_dev(sb, st->st_rdev);
		} else {
			sb_addf(sb, ", st_size=%" PRId64, (int64_t)st->st_size);
		}
		sb_adds(sb, ", ...}");
		return;
	}
	sb_adds(sb, "{st_dev=");
	fmt_dev(sb, st->st_dev);
	sb_addf(sb, ", st_ino=%" PRIu64 ", st_mode=", (uint64_t)st->st_ino);
	fmt_mode(sb, st->st_mode);
	sb_addf(sb, ", st_nlink=%" PRIu64 ", st_uid=%u, st_gid=%u, st_blksize=%" PRId64 ", st_blocks=%" PRId64,
		(uint64_t)st->st_nlink, st->st_uid, st->st_gid, (int64_t)st->st_blksize, (int64_t)st->st_blocks);
	if (dev) {
		sb_adds(sb, ", st_rdev=");
		fmt_dev(sb, st->st_rdev);
	} else {
		sb_addf(sb, ", st_size=%" PRId64, (int64_t)st->st_size);
	}
	sb_adds(sb, ", ");
	fmt_time(sb, "st_atime", st->st_atim.tv_sec, (uint64_t)st->st_atim.tv_nsec);
	sb_adds(sb, ", ");
	fmt_time(sb, "st_mtime", st->st_mtim.tv_sec, (uint64_t)st->st_mtim.tv_nsec);
	sb_adds(sb, ", ");
	fmt_time(sb, "st_ctime", st->st_ctim.tv_sec, (uint64_t)st->st_ctim.tv_nsec);
	sb_addc(sb, '}');
}

static void fmt_statx(struct tk_dec *d, const struct statx *st)
{
	struct strbuf *sb = d->out;

	sb_adds(sb, "{stx_mask=");
	tk_xlat_flags(sb, &tk_xlat_statx_mask, st->stx_mask, d->opt->xstyle);
	sb_adds(sb, ", stx_attributes=");
	tk_xlat_flags(sb, &tk_xlat_statx_attrs, st->stx_attributes, d->opt->xstyle);
	sb_adds(sb, ", stx_mode=");
	fmt_mode(sb, st->stx_mode);
	sb_addf(sb, ", stx_size=%" PRIu64 ", ...}", (uint64_t)st->stx_size);
}

static void fmt_rlim(struct strbuf *sb, uint64_t v)
{
	if (v == UINT64_MAX)
		sb_adds(sb, "RLIM64_INFINITY");
	else if (v > 1024 && v % 1024 == 0)
		sb_addf(sb, "%" PRIu64 "*1024", v / 1024);
	else
		sb_addf(sb, "%" PRIu64, v);
}

static void fmt_wait_status(struct strbuf *sb, int s)
{
	char buf[32];

	sb_adds(sb, "[{");
	if (WIFEXITED(s)) {
		sb_addf(sb, "WIFEXITED(s) && WEXITSTATUS(s) == %d", WEXITSTATUS(s));
	} else if (WIFSIGNALED(s)) {
		const char *n = tk_signal_name(WTERMSIG(s), buf, sizeof(buf));

		sb_addf(sb, "WIFSIGNALED(s) && WTERMSIG(s) == %s", n ? n : "?");
		if (WCOREDUMP(s))
			sb_adds(sb, " && WCOREDUMP(s)");
	} else if (WIFSTOPPED(s)) {
		const char *n = tk_signal_name(WSTOPSIG(s), buf, sizeof(buf));

		sb_addf(sb, "WIFSTOPPED(s) && WSTOPSIG(s) == %s", n ? n : "?");
	} else if (WIFCONTINUED(s)) {
		sb_adds(sb, "WIFCONTINUED(s)");
	} else {
		sb_addf(sb, "%#x", s);
	}
	sb_adds(sb, "}]");
}

static void fmt_handler(struct strbuf *sb, uint64_t h)
{
	if (h == 0)
		sb_adds(sb, "SIG_DFL");
	else if (h == 1)
		sb_adds(sb, "SIG_IGN");
	else
		sb_addf(sb, "%#" PRIx64, h);
}

static void fmt_tv(struct strbuf *sb, int64_t sec, int64_t usec)
{
	sb_addf(sb, "{tv_sec=%" PRId64 ", tv_usec=%" PRId64 "}", sec, usec);
}

static void fmt_ts(struct strbuf *sb, int64_t sec, int64_t nsec)
{
	sb_addf(sb, "{tv_sec=%" PRId64 ", tv_nsec=%" PRId64 "}", sec, nsec);
}

void tk_fmt_siginfo(struct strbuf *sb, const void *p, enum tk_xlat_style st)
{
	const siginfo_t *si = p;
	char buf[32];
	const char *n = tk_signal_name(si->si_signo, buf, sizeof(buf));
	const char *code = NULL;

	sb_adds(sb, "{si_signo=");
	if (n)
		sb_adds(sb, n);
	else
		sb_addf(sb, "%d", si->si_signo);
	sb_adds(sb, ", si_code=");
	if (si->si_code > 0 && si->si_signo == SIGCHLD)
		code = tk_xlat_name(&tk_xlat_cld_codes, si->si_code);
	else if (si->si_code > 0 && si->si_signo == SIGSEGV)
		code = tk_xlat_name(&tk_xlat_segv_codes, si->si_code);
	else if (si->si_code <= 0 || si->si_code == SI_KERNEL)
		code = tk_xlat_name(&tk_xlat_si_codes, si->si_code);
	if (code && st != TK_XLAT_RAW)
		sb_adds(sb, code);
	else
		sb_addf(sb, "%d", si->si_code);
	if (si->si_code == SI_USER || si->si_code == SI_TKILL) {
		sb_addf(sb, ", si_pid=%d, si_uid=%u}", si->si_pid, si->si_uid);
	} else if (si->si_code == SI_QUEUE || si->si_code == SI_MESGQ) {
		sb_addf(sb, ", si_pid=%d, si_uid=%u, si_int=%d, si_ptr=%p}", si->si_pid, si->si_uid,
			si->si_value.sival_int, si->si_value.sival_ptr);
	} else if (si->si_code == SI_TIMER) {
		sb_addf(sb, ", si_timerid=%#x, si_overrun=%d, si_int=%d, si_ptr=%p}", si->si_timerid,
			si->si_overrun, si->si_value.sival_int, si->si_value.sival_ptr);
	} else if (si->si_code > 0 && si->si_signo == SIGCHLD) {
		sb_addf(sb, ", si_pid=%d, si_uid=%u, si_status=", si->si_pid, si->si_uid);
		if (si->si_code == CLD_EXITED) {
			sb_addf(sb, "%d", si->si_status);
		} else {
			n = tk_signal_name(si->si_status, buf, sizeof(buf));
			if (n)
				sb_adds(sb, n);
			else
				sb_addf(sb, "%d", si->si_status);
		}
		sb_addf(sb, ", si_utime=%ld, si_stime=%ld}", (long)si->si_utime, (long)si->si_stime);
	} else if (si->si_code > 0 && (si->si_signo == SIGSEGV || si->si_signo == SIGBUS ||
				       si->si_signo == SIGILL || si->si_signo == SIGFPE)) {
		sb_adds(sb, ", si_addr=");
		tk_fmt_ptr(sb, (uint64_t)(uintptr_t)si->si_addr);
		sb_addc(sb, '}');
	} else if (si->si_code > 0 && si->si_signo == SIGPOLL) {
		sb_addf(sb, ", si_band=%ld, si_fd=%d}", (long)si->si_band, si->si_fd);
	} else {
		sb_addc(sb, '}');
	}
}

void tk_fmt_struct(struct tk_dec *d, int i, int id, uint64_t addr, size_t size)
{
	struct strbuf *sb = d->out;
	union {
		struct stat st;
		struct statx stx;
		struct statfs sfs;
		struct rlimit rl;
		struct utsname uts;
		struct sysinfo si;
		struct {
			uint64_t handler, flags, restorer, mask;
		} sa;
		stack_t ss;
		struct pollfd pfd[16];
		struct epoll_event ev[16];
		int fds[2];
		int status;
		struct rusage ru;
		struct open_how how;
		siginfo_t sinfo;
		int64_t t[4];
		unsigned char raw[512];
	} u;
	size_t want;
	unsigned k;

	(void)i;
	if (!addr) {
		sb_adds(sb, "NULL");
		return;
	}
	switch (id) {
	case TK_ST_STAT: want = sizeof(u.st); break;
	case TK_ST_STATX: want = sizeof(u.stx); break;
	case TK_ST_STATFS: want = sizeof(u.sfs); break;
	case TK_ST_TIMESPEC: case TK_ST_TIMEVAL: want = 16; break;
	case TK_ST_TIMEZONE: want = 8; break;
	case TK_ST_ITIMERSPEC: want = 32; break;
	case TK_ST_RLIMIT: want = sizeof(u.rl); break;
	case TK_ST_UTSNAME: want = sizeof(u.uts); break;
	case TK_ST_SYSINFO: want = sizeof(u.si); break;
	case TK_ST_SIGACTION: want = sizeof(u.sa); break;
	case TK_ST_STACK: want = sizeof(u.ss); break;
	case TK_ST_PIPEFDS: want = sizeof(u.fds); break;
	case TK_ST_WAIT_STATUS: case TK_ST_INT: want = sizeof(int); break;
	case TK_ST_RUSAGE: want = sizeof(u.ru); break;
	case TK_ST_OPEN_HOW: want = sizeof(u.how); break;
	case TK_ST_SIGINFO: want = sizeof(u.sinfo); break;
	case TK_ST_EPOLL_EVENT: want = sizeof(u.ev[0]); break;
	default: want = size < sizeof(u) ? size : sizeof(u);
	}
	if (size && size < want && id != TK_ST_STAT)
		want = size;
	memset(&u, 0, sizeof(u));
	if (rd(d, addr, &u, want) < 0) {
		tk_fmt_ptr(sb, addr);
		return;
	}
	switch (id) {
	case TK_ST_STAT:
		fmt_stat(d, &u.st);
		break;
	case TK_ST_STATX:
		fmt_statx(d, &u.stx);
		break;
	case TK_ST_STATFS:
		sb_addf(sb, "{f_type=%#lx, f_bsize=%ld, f_blocks=%lu, f_bfree=%lu, f_bavail=%lu, f_files=%lu, "
			    "f_ffree=%lu, f_fsid={val=[%#x, %#x]}, f_namelen=%ld, f_frsize=%ld, f_flags=%#lx}",
			(unsigned long)u.sfs.f_type, (long)u.sfs.f_bsize, (unsigned long)u.sfs.f_blocks,
			(unsigned long)u.sfs.f_bfree, (unsigned long)u.sfs.f_bavail,
			(unsigned long)u.sfs.f_files, (unsigned long)u.sfs.f_ffree,
			(unsigned)u.sfs.f_fsid.__val[0], (unsigned)u.sfs.f_fsid.__val[1],
			(long)u.sfs.f_namelen, (long)u.sfs.f_frsize, (unsigned long)u.sfs.f_flags);
		break;
	case TK_ST_TIMESPEC:
		fmt_ts(sb, u.t[0], u.t[1]);
		break;
	case TK_ST_TIMEVAL:
		fmt_tv(sb, u.t[0], u.t[1]);
		break;
	case TK_ST_TIMEZONE:
		sb_addf(sb, "{tz_minuteswest=%d, tz_dsttime=%d}", (int)u.t[0], (int)(u.t[0] >> 32));
		break;
	case TK_ST_ITIMERSPEC:
		sb_adds(sb, "{it_interval=");
		fmt_ts(sb, u.t[0], u.t[1]);
		sb_adds(sb, ", it_value=");
		fmt_ts(sb, u.t[2], u.t[3]);
		sb_addc(sb, '}');
		break;
	case TK_ST_RLIMIT:
		sb_adds(sb, "{rlim_cur=");
		fmt_rlim(sb, u.rl.rlim_cur);
		sb_adds(sb, ", rlim_max=");
		fmt_rlim(sb, u.rl.rlim_max);
		sb_addc(sb, '}');
		break;
	case TK_ST_UTSNAME:
		sb_adds(sb, "{sysname=");
		tk_fmt_bytes(sb, (unsigned char *)u.uts.sysname, strnlen(u.uts.sysname, 65), false, 0);
		sb_adds(sb, ", nodename=");
		tk_fmt_bytes(sb, (unsigned char *)u.uts.nodename, strnlen(u.uts.nodename, 65), false, 0);
		if (!d->opt->verbose) {
			sb_adds(sb, ", ...}");
			break;
		}
		sb_adds(sb, ", release=");
		tk_fmt_bytes(sb, (unsigned char *)u.uts.release, strnlen(u.uts.release, 65), false, 0);
		sb_adds(sb, ", version=");
		tk_fmt_bytes(sb, (unsigned char *)u.uts.version, strnlen(u.uts.version, 65), false, 0);
		sb_adds(sb, ", machine=");
		tk_fmt_bytes(sb, (unsigned char *)u.uts.machine, strnlen(u.uts.machine, 65), false, 0);
		sb_adds(sb, ", domainname=");
		tk_fmt_bytes(sb, (unsigned char *)u.uts.domainname, strnlen(u.uts.domainname, 65), false, 0);
		sb_addc(sb, '}');
		break;
	case TK_ST_SYSINFO:
		sb_addf(sb, "{uptime=%ld, loads=[%lu, %lu, %lu], totalram=%lu, freeram=%lu, sharedram=%lu, "
			    "bufferram=%lu, totalswap=%lu, freeswap=%lu, procs=%u, totalhigh=%lu, freehigh=%lu, "
			    "mem_unit=%u}",
			u.si.uptime, u.si.loads[0], u.si.loads[1], u.si.loads[2], u.si.totalram, u.si.freeram,
			u.si.sharedram, u.si.bufferram, u.si.totalswap, u.si.freeswap, u.si.procs,
			u.si.totalhigh, u.si.freehigh, u.si.mem_unit);
		break;
	case TK_ST_SIGACTION:
		sb_adds(sb, "{sa_handler=");
		fmt_handler(sb, u.sa.handler);
		sb_adds(sb, ", sa_mask=");
		tk_fmt_sigset(sb, &u.sa.mask, 8);
		sb_adds(sb, ", sa_flags=");
		tk_xlat_flags(sb, &tk_xlat_sa_flags, u.sa.flags, d->opt->xstyle);
		if (u.sa.flags & 0x04000000) {
			sb_adds(sb, ", sa_restorer=");
			tk_fmt_ptr(sb, u.sa.restorer);
		}
		sb_addc(sb, '}');
		break;
	case TK_ST_STACK:
		sb_adds(sb, "{ss_sp=");
		tk_fmt_ptr(sb, (uint64_t)(uintptr_t)u.ss.ss_sp);
		sb_adds(sb, ", ss_flags=");
		tk_xlat_flags(sb, &tk_xlat_sigaltstack_flags, (unsigned)u.ss.ss_flags, d->opt->xstyle);
		sb_addf(sb, ", ss_size=%zu}", u.ss.ss_size);
		break;
	case TK_ST_PIPEFDS:
		sb_addc(sb, '[');
		tk_fmt_fd(d, u.fds[0]);
		sb_adds(sb, ", ");
		tk_fmt_fd(d, u.fds[1]);
		sb_addc(sb, ']');
		break;
	case TK_ST_WAIT_STATUS:
		fmt_wait_status(sb, u.status);
		break;
	case TK_ST_INT:
		sb_addf(sb, "[%d]", u.status);
		break;
	case TK_ST_RUSAGE:
		sb_adds(sb, "{ru_utime=");
		fmt_tv(sb, u.ru.ru_utime.tv_sec, u.ru.ru_utime.tv_usec);
		sb_adds(sb, ", ru_stime=");
		fmt_tv(sb, u.ru.ru_stime.tv_sec, u.ru.ru_stime.tv_usec);
		sb_adds(sb, ", ...}");
		break;
	case TK_ST_OPEN_HOW:
		sb_adds(sb, "{flags=");
		tk_xlat_val(sb, &tk_xlat_open_access, u.how.flags & 3, d->opt->xstyle, true);
		if (u.how.flags & ~3ULL) {
			sb_addc(sb, '|');
			tk_xlat_flags(sb, &tk_xlat_open_flags, u.how.flags & ~3ULL, d->opt->xstyle);
		}
		if ((u.how.flags & O_CREAT) || (u.how.flags & O_TMPFILE) == O_TMPFILE)
			sb_addf(sb, ", mode=%#03" PRIo64, (uint64_t)u.how.mode);
		sb_addf(sb, ", resolve=%#" PRIx64 "}", (uint64_t)u.how.resolve);
		break;
	case TK_ST_SIGINFO:
		tk_fmt_siginfo(sb, &u.sinfo, d->opt->xstyle);
		break;
	case TK_ST_EPOLL_EVENT:
		sb_adds(sb, "{events=");
		tk_xlat_flags(sb, &tk_xlat_epoll_events, u.ev[0].events, d->opt->xstyle);
		sb_addf(sb, ", data={u32=%u, u64=%" PRIu64 "}}", u.ev[0].data.u32, (uint64_t)u.ev[0].data.u64);
		break;
	default:
		(void)k;
		tk_fmt_ptr(sb, addr);
	}
}

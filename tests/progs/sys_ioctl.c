/*
 * Exact output: the ioctls strace decodes (terminal, file and socket requests, on a pseudo-terminal
 * this program makes its controlling terminal), unknown requests in _IOC() form, sendfile's offset
 * in and out, sendmmsg/recvmmsg's message vectors.
 */
#include "sys_expect.h"

#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* the kernel's struct termios */
struct kernel_termios {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line, cc[19];
};

struct winsz {
	uint16_t row, col, xpixel, ypixel;
};

static const char *flags_of(const struct kernel_termios *t)
{
	/* what a fresh pty's slave starts with: the only termios this test sets or expects */
	static char b[512];

	if (t->iflag != 0x500 || t->oflag != 0x5 || t->cflag != 0xbf || t->lflag != 0x8a3b)
		return "unexpected termios";
	snprintf(b, sizeof(b), "{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, "
			       "c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}");
	return b;
}

static void ioctls(void)
{
	struct kernel_termios t;
	struct winsz ws = { 0 };
	struct ifreq ifr;
	int m, s, n = 0, pg, p[2], so;
	char name[64];
	long r;

	sigset_t winch;

	/* TIOCSWINSZ on our controlling terminal sends us SIGWINCH: keep it pending, out of the trace */
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	sigprocmask(SIG_BLOCK, &winch, NULL);
	m = (int)syscall(SYS_openat, AT_FDCWD, "/dev/ptmx", O_RDWR | O_NOCTTY);
	r = syscall(SYS_ioctl, m, 0x40045431 /* TIOCSPTLCK */, &n);
	expect(num(r), "ioctl(%d, TIOCSPTLCK, [0])", m);
	r = syscall(SYS_ioctl, m, 0x80045430 /* TIOCGPTN */, &n);
	expect(num(r), "ioctl(%d, TIOCGPTN, [%d])", m, n);
	/* a new session, so the slave becomes our controlling terminal and has our process group */
	syscall(SYS_setsid);
	snprintf(name, sizeof(name), "/dev/pts/%d", n);
	s = (int)syscall(SYS_openat, AT_FDCWD, name, O_RDWR);
	r = syscall(SYS_ioctl, s, 0x5401 /* TCGETS */, &t);
	expect(num(r), "ioctl(%d, TCGETS, %s)", s, flags_of(&t));
	r = syscall(SYS_ioctl, s, 0x5402 /* TCSETS */, &t);
	expect(num(r), "ioctl(%d, SNDCTL_TMR_START or TCSETS, %s)", s, flags_of(&t));
	r = syscall(SYS_ioctl, s, 0x5403 /* TCSETSW */, &t);
	expect(num(r), "ioctl(%d, SNDCTL_TMR_STOP or TCSETSW, %s)", s, flags_of(&t));
	r = syscall(SYS_ioctl, s, 0x5404 /* TCSETSF */, &t);
	expect(num(r), "ioctl(%d, SNDCTL_TMR_CONTINUE or TCSETSF, %s)", s, flags_of(&t));
	ws.row = 24;
	ws.col = 80;
	ws.xpixel = 3;
	r = syscall(SYS_ioctl, s, 0x5414 /* TIOCSWINSZ */, &ws);
	expect(num(r), "ioctl(%d, TIOCSWINSZ, {ws_row=24, ws_col=80, ws_xpixel=3, ws_ypixel=0})", s);
	memset(&ws, 0, sizeof(ws));
	r = syscall(SYS_ioctl, s, 0x5413 /* TIOCGWINSZ */, &ws);
	expect(num(r), "ioctl(%d, TIOCGWINSZ, {ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=0})", s, ws.row, ws.col,
	       ws.xpixel);
	r = syscall(SYS_ioctl, s, 0x540F /* TIOCGPGRP */, &pg);
	if (r == 0)
		expect(num(r), "ioctl(%d, TIOCGPGRP, [%d])", s, pg);
	else
		expect(err_ret("ENOTTY"), "ioctl(%d, TIOCGPGRP, %p)", s, (void *)&pg);
	r = syscall(SYS_ioctl, s, 0x5410 /* TIOCSPGRP */, &pg);
	expect(r ? err_ret("ENOTTY") : num(r), "ioctl(%d, TIOCSPGRP, [%d])", s, pg);
	/* an output request that fails shows the address; an input one still shows what it passed */
	r = syscall(SYS_ioctl, 99, 0x5413 /* TIOCGWINSZ */, &ws);
	expect(err_ret("EBADF"), "ioctl(99, TIOCGWINSZ, %p)", (void *)&ws);
	r = syscall(SYS_ioctl, 99, 0x5402 /* TCSETS */, &t);
	expect(err_ret("EBADF"), "ioctl(99, SNDCTL_TMR_START or TCSETS, %s)", flags_of(&t));

	syscall(SYS_pipe2, p, 0);
	syscall(SYS_write, p[1], "abcdef", 6);
	r = syscall(SYS_ioctl, p[0], 0x541B /* FIONREAD */, &n);
	expect(num(r), "ioctl(%d, FIONREAD, [6])", p[0]);
	n = 1;
	r = syscall(SYS_ioctl, p[0], 0x5421 /* FIONBIO */, &n);
	expect(num(r), "ioctl(%d, FIONBIO, [1])", p[0]);
	r = syscall(SYS_ioctl, p[0], 0x5451 /* FIOCLEX */);
	expect(num(r), "ioctl(%d, FIOCLEX)", p[0]);
	r = syscall(SYS_ioctl, p[0], 0x5450 /* FIONCLEX */);
	expect(num(r), "ioctl(%d, FIONCLEX)", p[0]);
	/* requests strace does not name: _IOC(dir, type, nr, size) and the argument as a number */
	r = syscall(SYS_ioctl, p[0], 0x1234, 0);
	expect(err_ret("ENOTTY"), "ioctl(%d, _IOC(_IOC_NONE, 0x12, 0x34, 0), 0)", p[0]);
	r = syscall(SYS_ioctl, p[0], 0x80045499, 0x10);
	expect(err_ret("ENOTTY"), "ioctl(%d, _IOC(_IOC_READ, 0x54, 0x99, 0x4), 0x10)", p[0]);

	so = (int)syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	r = syscall(SYS_ioctl, so, 0x8933 /* SIOCGIFINDEX */, &ifr);
	expect(num(r), "ioctl(%d, SIOCGIFINDEX, {ifr_name=\"lo\", ifr_ifindex=%d})", so, ifr.ifr_ifindex);
	strcpy(ifr.ifr_name, "nosuch0");
	r = syscall(SYS_ioctl, so, 0x8933 /* SIOCGIFINDEX */, &ifr);
	expect(err_ret("ENODEV"), "ioctl(%d, SIOCGIFINDEX, {ifr_name=\"nosuch0\"})", so);
}

static void sendfiles(void)
{
	int64_t off = 2;
	int in, p[2];
	long r;

	in = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/exe", O_RDONLY);
	syscall(SYS_pipe2, p, 0);
	r = syscall(SYS_sendfile, p[1], in, &off, 7);
	expect(num(r), "sendfile(%d, %d, [2] => [9], 7)", p[1], in);
	r = syscall(SYS_sendfile, p[1], in, NULL, 4);
	expect(num(r), "sendfile(%d, %d, NULL, 4)", p[1], in);
	r = syscall(SYS_sendfile, p[1], in, &off, 0);
	expect(num(r), "sendfile(%d, %d, [9], 0)", p[1], in);
	r = syscall(SYS_sendfile, 99, in, &off, 5);
	expect(err_ret("EBADF"), "sendfile(99, %d, [9], 5)", in);
}

static void mmsgs(void)
{
	struct mmsghdr mm[2];
	struct iovec iov[2];
	char a[] = "hello", b[] = "world!", r1[16], r2[16];
	int sv[2];
	long r;

	syscall(SYS_socketpair, AF_UNIX, SOCK_DGRAM, 0, sv);
	memset(mm, 0, sizeof(mm));
	iov[0].iov_base = a;
	iov[0].iov_len = 5;
	iov[1].iov_base = b;
	iov[1].iov_len = 6;
	mm[0].msg_hdr.msg_iov = &iov[0];
	mm[0].msg_hdr.msg_iovlen = 1;
	mm[1].msg_hdr.msg_iov = &iov[1];
	mm[1].msg_hdr.msg_iovlen = 1;
#define HDR(s, n)                                                                                          \
	"{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"" s "\", iov_len=" #n                \
	"}], msg_iovlen=1, msg_controllen=0, msg_flags=0}"
	r = syscall(SYS_sendmmsg, 99, mm, 2, 0);
	expect(err_ret("EBADF"), "sendmmsg(99, [" HDR("hello", 5) "}, " HDR("world!", 6) "}], 2, 0)");
	r = syscall(SYS_sendmmsg, sv[0], mm, 2, MSG_DONTWAIT);
	expect(num(r), "sendmmsg(%d, [" HDR("hello", 5) ", msg_len=5}, " HDR("world!", 6) ", msg_len=6}], 2, MSG_DONTWAIT)",
	       sv[0]);
	memset(mm, 0, sizeof(mm));
	iov[0].iov_base = r1;
	iov[0].iov_len = sizeof(r1);
	iov[1].iov_base = r2;
	iov[1].iov_len = sizeof(r2);
	mm[0].msg_hdr.msg_iov = &iov[0];
	mm[0].msg_hdr.msg_iovlen = 1;
	mm[1].msg_hdr.msg_iov = &iov[1];
	mm[1].msg_hdr.msg_iovlen = 1;
	r = syscall(SYS_recvmmsg, sv[1], mm, 2, MSG_DONTWAIT, NULL);
	expect(num(r), "recvmmsg(%d, [" HDR("hello", 16) ", msg_len=5}, " HDR("world!", 16) ", msg_len=6}], 2, MSG_DONTWAIT, NULL)",
	       sv[1]);
	r = syscall(SYS_recvmmsg, sv[1], mm, 2, MSG_DONTWAIT, NULL);
	expect(err_ret("EAGAIN"), "recvmmsg(%d, %p, 2, MSG_DONTWAIT, NULL)", sv[1], (void *)mm);
	r = syscall(SYS_sendmmsg, sv[0], mm, 0, 0);
	expect(num(r), "sendmmsg(%d, [], 0, 0)", sv[0]);
}

int main(int argc, char **argv)
{
	EXPECT_SET(argc, argv, "ioctl,sendfile,sendmmsg,recvmmsg");
	ioctls();
	sendfiles();
	mmsgs();
	return expect_done();
}

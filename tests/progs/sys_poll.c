/* Exact output: polling, event fds, timers, time and misc syscalls. */
#include "sys_expect.h"

#include <poll.h>
#include <sys/random.h>
#include <sys/select.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct epoll_event ev, out[4];
	struct pollfd pfd[2];
	struct itimerspec its;
	struct timespec ts, req;
	unsigned char rnd[4];
	int efd, ep, tfd;
	long r;

	EXPECT_SET(argc, argv, "poll,epoll_create1,epoll_ctl,epoll_wait,eventfd2,timerfd_create,timerfd_settime,"
			       "clock_gettime,clock_nanosleep,nanosleep,getrandom,pselect6,ppoll");
	efd = (int)syscall(SYS_eventfd2, 1, EFD_CLOEXEC | EFD_NONBLOCK);
	expect(num(efd), "eventfd2(1, EFD_CLOEXEC|EFD_NONBLOCK)");
	pfd[0].fd = efd;
	pfd[0].events = POLLIN | POLLOUT;
	pfd[1].fd = 0;
	pfd[1].events = 0;
	r = syscall(SYS_poll, pfd, 2, 0);
	{
		char ret[64];

		snprintf(ret, sizeof(ret), "%ld ([{fd=%d, revents=POLLIN|POLLOUT}])", r, efd);
		expect(ret, "poll([{fd=%d, events=POLLIN|POLLOUT}, {fd=0, events=0}], 2, 0)", efd);
	}
	ep = (int)syscall(SYS_epoll_create1, EPOLL_CLOEXEC);
	expect(num(ep), "epoll_create1(EPOLL_CLOEXEC)");
	ev.events = EPOLLIN | EPOLLET;
	ev.data.u64 = 3;
	r = syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd, &ev);
	expect(num(r), "epoll_ctl(%d, EPOLL_CTL_ADD, %d, {events=EPOLLIN|EPOLLET, data={u32=3, u64=3}})", ep, efd);
	r = syscall(SYS_epoll_wait, ep, out, 4, 0);
	expect(num(r), "epoll_wait(%d, [{events=EPOLLIN, data={u32=3, u64=3}}], 4, 0)", ep);
	tfd = (int)syscall(SYS_timerfd_create, CLOCK_MONOTONIC, TFD_CLOEXEC);
	expect(num(tfd), "timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC)");
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = 100;
	r = syscall(SYS_timerfd_settime, tfd, 0, &its, NULL);
	expect(num(r), "timerfd_settime(%d, 0, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=100, tv_nsec=0}}, NULL)",
	       tfd);
	r = syscall(SYS_clock_gettime, CLOCK_BOOTTIME, &ts);
	expect(num(r), "clock_gettime(CLOCK_BOOTTIME, {tv_sec=%ld, tv_nsec=%ld})", (long)ts.tv_sec, ts.tv_nsec);
	req.tv_sec = 0;
	req.tv_nsec = 1000;
	r = syscall(SYS_nanosleep, &req, NULL);
	expect(num(r), "nanosleep({tv_sec=0, tv_nsec=1000}, NULL)");
	r = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, NULL);
	expect(num(r), "clock_nanosleep(CLOCK_MONOTONIC, 0, {tv_sec=0, tv_nsec=1000}, NULL)");
	{
		/*
		 * select's sets and timeouts are inputs the call overwrites: the arguments must show
		 * what went in (an empty pipe's read end, 1000 ns), the return what came out
		 */
		struct timespec tmo = { 0, 0 };
		struct pollfd wfd;
		fd_set rd, wr;
		char ret[160];
		int p[2];

		if (pipe(p))
			return 1;
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		FD_SET(p[0], &rd);
		FD_SET(p[1], &wr);
		r = syscall(SYS_pselect6, p[1] + 1, &rd, &wr, NULL, &tmo, NULL);
		snprintf(ret, sizeof(ret), "%ld (out [%d], left {tv_sec=0, tv_nsec=0})", r, p[1]);
		expect(ret, "pselect6(%d, [%d], [%d], NULL, {tv_sec=0, tv_nsec=0}, NULL)", p[1] + 1, p[0], p[1]);
		FD_ZERO(&rd);
		FD_SET(p[0], &rd);
		tmo.tv_nsec = 1000;
		r = syscall(SYS_pselect6, p[0] + 1, &rd, NULL, NULL, &tmo, NULL);
		expect("0 (Timeout)", "pselect6(%d, [%d], NULL, NULL, {tv_sec=0, tv_nsec=1000}, NULL)", p[0] + 1, p[0]);
		wfd.fd = p[1];
		wfd.events = POLLOUT;
		tmo.tv_sec = 5;
		tmo.tv_nsec = 0;
		r = syscall(SYS_ppoll, &wfd, 1, &tmo, NULL, 8);
		snprintf(ret, sizeof(ret), "%ld ([{fd=%d, revents=POLLOUT}], left {tv_sec=%ld, tv_nsec=%ld})", r, p[1],
			 (long)tmo.tv_sec, tmo.tv_nsec);
		expect(ret, "ppoll([{fd=%d, events=POLLOUT}], 1, {tv_sec=5, tv_nsec=0}, NULL, 8)", p[1]);
		close(p[0]);
		close(p[1]);
	}
	r = syscall(SYS_getrandom, rnd, sizeof(rnd), GRND_NONBLOCK);
	expect(num(r), "getrandom(\"\\x%02x\\x%02x\\x%02x\\x%02x\", 4, GRND_NONBLOCK)", rnd[0], rnd[1], rnd[2], rnd[3]);
	return expect_done();
}

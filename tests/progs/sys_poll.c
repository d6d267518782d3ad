/* Exact output: polling, event fds, timers, time and misc syscalls. */
#include "sys_expect.h"

#include <poll.h>
#include <sys/random.h>
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
			       "clock_gettime,clock_nanosleep,nanosleep,getrandom");
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
	r = syscall(SYS_getrandom, rnd, sizeof(rnd), GRND_NONBLOCK);
	expect(num(r), "getrandom(\"\\x%02x\\x%02x\\x%02x\\x%02x\", 4, GRND_NONBLOCK)", rnd[0], rnd[1], rnd[2], rnd[3]);
	return expect_done();
}

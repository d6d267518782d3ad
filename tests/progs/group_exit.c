/*
 * Subject for a thread group's end: a thread waits in pause(); once /proc shows it there, the main
 * thread calls exit(3) (exit_group), or with "term" raises SIGTERM, which ends the thread with the
 * group's status.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile pid_t waiter_tid;

static void *waiter(void *arg)
{
	(void)arg;
	waiter_tid = (pid_t)syscall(SYS_gettid);
	pause();
	return NULL;
}

/* whether tid is inside pause(2) now, as /proc tells */
static int in_pause(pid_t tid)
{
	char path[64], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return atoi(buf) == SYS_pause && buf[0] != '-';
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (pthread_create(&t, NULL, waiter, NULL))
		return 1;
	while (!waiter_tid || !in_pause(waiter_tid))
		usleep(1000);
	if (argc > 1 && !strcmp(argv[1], "term"))
		raise(SIGTERM);
	exit(3);
}

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

#include "in_syscall.h"

static volatile pid_t waiter_tid;

static void *waiter(void *arg)
{
	(void)arg;
	waiter_tid = (pid_t)syscall(SYS_gettid);
	pause();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (pthread_create(&t, NULL, waiter, NULL))
		return 1;
	while (!waiter_tid || !in_syscall(waiter_tid, SYS_pause))
		usleep(1000);
	if (argc > 1 && !strcmp(argv[1], "term"))
		raise(SIGTERM);
	exit(3);
}

/*
 * Subject for "<unfinished ...>" with -f: a thread blocks in read(2) on a pipe; once the kernel
 * shows it there (/proc/self/task/TID/syscall starts with read's number) the main thread calls
 * getppid() and only then writes the byte that ends the read. Whatever the timing, the read is in
 * flight while getppid's line is printed. Only getppid and the thread's read are worth tracing:
 * the main thread reads /proc with pread, which shows up under another name.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "in_syscall.h"

static int pipefd[2];
static volatile pid_t reader_tid;

static void *reader(void *arg)
{
	char c;

	(void)arg;
	reader_tid = (pid_t)syscall(SYS_gettid);
	return read(pipefd[0], &c, 1) == 1 ? NULL : (void *)1;
}

int main(void)
{
	pthread_t t;
	void *ret;

	if (pipe(pipefd) || pthread_create(&t, NULL, reader, NULL))
		return 1;
	while (!reader_tid || !in_syscall(reader_tid, SYS_read))
		usleep(1000);
	getppid();
	if (write(pipefd[1], "x", 1) != 1 || pthread_join(t, &ret))
		return 1;
	return ret ? 1 : 0;
}

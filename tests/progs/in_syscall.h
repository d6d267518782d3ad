/* For subjects that must know another thread of theirs is blocked in a given syscall. */
#ifndef TK_TEST_IN_SYSCALL_H
#define TK_TEST_IN_SYSCALL_H
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* whether thread tid of this process is inside syscall nr now, as /proc/self/task/TID/syscall says */
static inline int in_syscall(pid_t tid, long nr)
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
	return buf[0] != '-' && atol(buf) == nr;
}
#endif

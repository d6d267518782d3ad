/*
 * bpf_same DIR: a fixed series of file, pipe, socket and time syscalls whose decoded text is the
 * same on every run (no addresses, pids or clocks in what a -e trace= subset shows). The subject of
 * the test that both trace backends print identical lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[64], cwd[4096];
	struct iovec iov[2] = { { "ab", 2 }, { "cdef", 4 } };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timespec ts = { 0, 1000 };
	struct stat st;
	int fd, p[2], sv[2];
	ssize_t n;

	if (argc != 2 || chdir(argv[1]))
		return 2;
	n = syscall(SYS_getcwd, cwd, sizeof(cwd));
	fd = openat(AT_FDCWD, "f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	n = write(fd, "hello\n", 6);
	n = pwrite(fd, "HE", 2, 0);
	n = writev(fd, iov, 2);
	close(fd);
	fd = open("f", O_RDONLY);
	n = read(fd, buf, sizeof(buf));
	lseek(fd, 1, SEEK_SET);
	n = pread(fd, buf, 3, 2);
	fstat(fd, &st);
	close(fd);
	close(fd);
	open("missing/file", O_RDONLY);
	mkdir("d", 0750);
	rename("f", "d/g");
	stat("d/g", &st);
	unlink("d/g");
	rmdir("d");
	if (pipe2(p, O_CLOEXEC) == 0) {
		dup2(p[1], 10);
		n = write(10, "through a pipe", 14);
		n = read(p[0], buf, 7);
		close(10);
		close(p[0]);
		close(p[1]);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
		n = send(sv[0], "ping", 4, 0);
		n = recv(sv[1], buf, sizeof(buf), 0);
		close(sv[0]);
		close(sv[1]);
	}
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	strcpy(sun.sun_path, "no-such-socket");
	connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	nanosleep(&ts, NULL);
	(void)n;
	return 0;
}

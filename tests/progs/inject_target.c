/*
 * A subject for -e inject= / -e fault=: five getppid calls, then three chdir(argv[1]) (syscalls
 * the dynamic loader never makes, so invocation counts are the program's); it prints what each
 * returned, a failure as -errno, so a test sees what the program got.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long r;
	int i;

	if (argc < 2)
		return 2;
	for (i = 0; i < 5; i++)
		printf("getppid %ld\n", syscall(SYS_getppid));
	for (i = 0; i < 3; i++) {
		r = syscall(SYS_chdir, argv[1]);
		printf("chdir %d\n", r < 0 ? -errno : 0);
	}
	return 0;
}

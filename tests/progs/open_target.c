/*
 * Subject for the ftrace record/report test: opens the file named in argv[1] with openat and
 * prints the address of the path string it passed, so the test can check that the report decodes
 * sys_enter_openat's filename field (a user pointer on kernels without user-string fetching) to
 * exactly that value.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/etc/hostname";
	int fd;

	printf("%p\n", (const void *)path);
	fflush(stdout);
	fd = openat(AT_FDCWD, path, O_RDONLY);
	if (fd < 0)
		return 1;
	close(fd);
	return 0;
}

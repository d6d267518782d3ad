/*
 * burst N: N rounds of read(2) of one byte from /dev/zero and write(2) of it to /dev/null, with a
 * getppid(2) every third round: a burst of syscalls whose trace records come in more than one size
 * (dd bs=1's come in one). The subject of the test that a long burst at the default ring size loses
 * nothing.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 100000;
	int in = open("/dev/zero", O_RDONLY), out = open("/dev/null", O_WRONLY);
	char c;

	if (in < 0 || out < 0)
		return 2;
	for (i = 0; i < n; i++) {
		if (read(in, &c, 1) != 1 || write(out, &c, 1) != 1)
			return 1;
		if (i % 3 == 0)
			getppid();
	}
	return 0;
}

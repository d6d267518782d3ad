/* Profiling subject: burns CPU for about 0.3 s in a known call chain main -> spin_outer -> spin_leaf. */
#include <stdio.h>
#include <time.h>

static volatile unsigned long sink;

void spin_leaf(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		sink += i * 7;
}

void spin_outer(unsigned long n)
{
	spin_leaf(n);
}

int main(void)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		spin_outer(1000000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 300000000L);
	printf("%lu\n", sink);
	return 0;
}

/*
 * A CPU-bound subject with a known hot function: hot_spin() takes ~90% of the time, warm_spin()
 * ~10%, both called from main via run(). Argument: seconds to run (default 1), or nROUNDS for a
 * fixed amount of work (benches compare wall times of the same work).
 */
#include <stdlib.h>
#include <time.h>

volatile unsigned long sink;

__attribute__((noinline)) void hot_spin(unsigned long n)
{
	unsigned long i, x = sink;

	for (i = 0; i < n; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	sink = x;
}

__attribute__((noinline)) void warm_spin(unsigned long n)
{
	unsigned long i, x = sink;

	for (i = 0; i < n; i++)
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	sink = x;
}

__attribute__((noinline)) void run_rounds(long rounds)
{
	while (rounds-- > 0) {
		hot_spin(900000);
		warm_spin(100000);
	}
}

__attribute__((noinline)) void run(double seconds)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		hot_spin(900000);
		warm_spin(100000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
}

int main(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == 'n')
		run_rounds(atol(argv[1] + 1));
	else
		run(argc > 1 ? atof(argv[1]) : 1.0);
	return 0;
}

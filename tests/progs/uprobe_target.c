/*
 * Subject for the uprobe and ELF tests: a known function, tk_target_func, called N times
 * (argv[1], default 1) so a probe on it must fire exactly N times. The result is printed so the
 * calls cannot be optimised away.
 */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline, used)) long tk_target_func(long x)
{
	__asm__ volatile("" ::: "memory");
	return x * 2 + 1;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1, i, sum = 0;

	for (i = 0; i < n; i++)
		sum += tk_target_func(i);
	printf("%ld\n", sum);
	return 0;
}

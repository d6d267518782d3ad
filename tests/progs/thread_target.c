/*
 * Subject for the thread -> process test: argv[1] threads (default 3) each make one getppid()
 * call; the main thread prints its pid (the thread group id the report must map them to).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *worker(void *arg)
{
	(void)arg;
	getppid();
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3, i;
	pthread_t t[64];

	if (n < 1 || n > 64)
		n = 3;
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker, NULL))
			return 1;
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("%d\n", (int)getpid());
	return 0;
}

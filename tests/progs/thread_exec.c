/* execve from a non-leader thread: the kernel turns the thread into the leader, kills the rest. */
#include <pthread.h>
#include <unistd.h>

static void *run(void *arg)
{
	char *const argv[] = { "true", NULL };

	(void)arg;
	execv("/bin/true", argv);
	return NULL;
}

int main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, run, NULL);
	for (;;)
		pause();
}

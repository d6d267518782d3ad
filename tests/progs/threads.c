/* A multithreaded subject for -f: four threads each write to /dev/null and read /dev/zero. */
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

static void *work(void *arg)
{
	char buf[16];
	int fd = open("/dev/zero", O_RDONLY), i;

	(void)arg;
	for (i = 0; i < 5; i++) {
		if (read(fd, buf, sizeof(buf)) < 0 || write(STDOUT_FILENO, "x", 1) < 0)
			break;
	}
	close(fd);
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	int i;

	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, work, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	return 0;
}

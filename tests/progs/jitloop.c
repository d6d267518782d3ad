/*
 * A JIT-like subject: copies a counting loop into anonymous executable memory, announces it in
 * /tmp/perf-PID.map as "jit_spin" (the convention JITs use for perf), and runs it for the given
 * number of seconds (default 1), then prints its pid. Like a real JIT it leaves the map file behind
 * (profilers read it after the process is gone): the caller removes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* x86-64: loop: sub rdi,1 ; jnz loop ; ret */
static const unsigned char code[] = { 0x48, 0x83, 0xef, 0x01, 0x75, 0xfa, 0xc3 };

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	struct timespec t0, t;
	void (*fn)(unsigned long);
	char map_path[64];
	FILE *f;
	void *mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memcpy(mem, code, sizeof(code));
	fn = (void (*)(unsigned long))mem;
	snprintf(map_path, sizeof(map_path), "/tmp/perf-%d.map", (int)getpid());
	f = fopen(map_path, "w");
	if (!f) {
		perror(map_path);
		return 1;
	}
	fprintf(f, "%lx %zx jit_spin\n", (unsigned long)mem, sizeof(code));
	fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		fn(1000000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	printf("%d\n", (int)getpid());
	return 0;
}

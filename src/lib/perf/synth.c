/* Synthesized side-band records from /proc; see synth.h. */
#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>

#include "lib/perf/synth.h"

/* Build a record in buf: header, body, and the sample_id trailer of the first event. */
struct rec {
	uint8_t buf[4096 + 256];
	size_t len;
};

static void put(struct rec *r, const void *p, size_t n)
{
	memcpy(r->buf + r->len, p, n);
	r->len += n;
}

static void put64(struct rec *r, uint64_t v)
{
	put(r, &v, 8);
}

static void put_str(struct rec *r, const char *s)
{
	size_t n = strlen(s) + 1, pad = (8 - n % 8) % 8;

	if (n > 4096 - 64)
		n = 4096 - 64;
	put(r, s, n - 1);
	memset(r->buf + r->len, 0, 1 + pad);
	r->len += 1 + pad;
}

static int finish(const struct tk_synth *s, struct rec *r, uint32_t type, uint16_t misc, uint32_t pid, uint32_t tid)
{
	struct perf_event_header h = { .type = type, .misc = misc };
	uint64_t st = s->sample_type;

	if (st & PERF_SAMPLE_TID)
		put64(r, (uint64_t)pid | (uint64_t)tid << 32);
	if (st & PERF_SAMPLE_TIME)
		put64(r, 0);
	if (st & PERF_SAMPLE_ID)
		put64(r, s->id);
	if (st & PERF_SAMPLE_STREAM_ID)
		put64(r, s->id);
	if (st & PERF_SAMPLE_CPU)
		put64(r, 0);
	if (st & PERF_SAMPLE_IDENTIFIER)
		put64(r, s->id);
	h.size = (uint16_t)r->len;
	memcpy(r->buf, &h, sizeof(h));
	return s->emit(s->arg, r->buf, r->len);
}

static int synth_comm(const struct tk_synth *s, pid_t pid, pid_t tid)
{
	char path[64], comm[64] = "";
	struct rec r = { .len = 8 };
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid, (int)tid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = 0;
	fclose(f);
	comm[strcspn(comm, "\n")] = 0;
	put64(&r, (uint64_t)(uint32_t)pid | (uint64_t)(uint32_t)tid << 32);
	put_str(&r, comm);
	return finish(s, &r, PERF_RECORD_COMM, 0, (uint32_t)pid, (uint32_t)tid);
}

static int synth_maps(const struct tk_synth *s, pid_t pid)
{
	char path[64], line[4096 + 128];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (!ret && fgets(line, sizeof(line), f)) {
		unsigned long long start, end, pgoff, ino;
		unsigned int maj, min;
		char perms[8], name[4096];
		struct rec r = { .len = 8 };
		uint32_t prot = 0, flags;
		int n;

		name[0] = 0;
		n = sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %4095[^\n]", &start, &end, perms, &pgoff, &maj, &min,
			   &ino, name);
		if (n < 7 || perms[2] != 'x')
			continue;
		if (n == 7 || !name[0])
			snprintf(name, sizeof(name), "//anon");
		prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) | PROT_EXEC;
		flags = perms[3] == 's' ? MAP_SHARED : MAP_PRIVATE;
		put64(&r, (uint64_t)(uint32_t)pid | (uint64_t)(uint32_t)pid << 32);
		put64(&r, start);
		put64(&r, end - start);
		put64(&r, pgoff);
		put64(&r, (uint64_t)maj | (uint64_t)min << 32);
		put64(&r, ino);
		put64(&r, 0);
		put64(&r, (uint64_t)prot | (uint64_t)flags << 32);
		put_str(&r, name);
		if (name[0] == '/' && s->on_file)
			s->on_file(s->arg, name);
		ret = finish(s, &r, PERF_RECORD_MMAP2, PERF_RECORD_MISC_USER, (uint32_t)pid, (uint32_t)pid);
	}
	fclose(f);
	return ret;
}

int tk_synth_process(const struct tk_synth *s, pid_t pid)
{
	char path[64];
	DIR *d;
	struct dirent *e;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? -ESRCH : -errno;
	while (!ret && (e = readdir(d))) {
		int c;
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		c = synth_comm(s, pid, (pid_t)atoi(e->d_name));
		if (c && c != -ENOENT)
			ret = c; /* a thread that exited meanwhile is not an error */
	}
	closedir(d);
	if (!ret) {
		ret = synth_maps(s, pid);
		if (ret == -ENOENT || ret == -ESRCH)
			ret = 0; /* exited meanwhile */
	}
	return ret;
}

int tk_synth_all(const struct tk_synth *s)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int ret = 0;

	if (!d)
		return -errno;
	while (!ret && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		ret = tk_synth_process(s, (pid_t)atoi(e->d_name));
		if (ret == -ESRCH || ret == -ENOENT || ret == -EACCES)
			ret = 0;
	}
	closedir(d);
	return ret;
}

int tk_synth_kernel(const struct tk_synth *s, uint64_t text_addr)
{
	struct rec r = { .len = 8 };

	put64(&r, (uint64_t)(uint32_t)-1);
	put64(&r, text_addr);
	put64(&r, ~0ULL - text_addr);
	put64(&r, text_addr);
	put_str(&r, "[kernel.kallsyms]_text");
	return finish(s, &r, PERF_RECORD_MMAP, PERF_RECORD_MISC_KERNEL, (uint32_t)-1, 0);
}

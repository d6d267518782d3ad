/* perf.data TRACING_DATA; see tracedata.h. */
#include <stdbool.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/perf/tracedata.h"

static int slurp(const char *path, struct strbuf *sb)
{
	FILE *f = fopen(path, "r");
	char buf[8192];
	size_t n;

	sb_reset(sb);
	if (!f)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(sb, buf, n);
	fclose(f);
	return sb_error(sb);
}

static void add_u32(struct strbuf *out, uint32_t v)
{
	sb_add(out, &v, 4);
}

static void add_u64(struct strbuf *out, uint64_t v)
{
	sb_add(out, &v, 8);
}

/* u64 size then the file */
static int add_file(struct strbuf *out, const char *path, struct strbuf *tmp)
{
	int r = slurp(path, tmp);

	if (r)
		return r;
	add_u64(out, tmp->len);
	sb_add(out, tmp->buf, tmp->len);
	return 0;
}

int tk_tracing_data(const char *dir, const char *const *names, size_t n, struct strbuf *out)
{
	static const char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	struct strbuf tmp = STRBUF_INIT;
	char path[1024];
	size_t i, j;
	uint32_t nsys = 0;
	int r;

	sb_add(out, magic, sizeof(magic));
	sb_add(out, "0.6", 4);
	sb_addc(out, 0);		/* little-endian */
	sb_addc(out, sizeof(long));
	add_u32(out, (uint32_t)sysconf(_SC_PAGESIZE));
	sb_add(out, "header_page", 12);
	snprintf(path, sizeof(path), "%s/events/header_page", dir);
	r = add_file(out, path, &tmp);
	if (!r) {
		sb_add(out, "header_event", 13);
		snprintf(path, sizeof(path), "%s/events/header_event", dir);
		r = add_file(out, path, &tmp);
	}
	/* ftrace's own formats only matter for ftrace:* events, which record does not sample */
	if (!r)
		add_u32(out, 0);
	/* the recorded events, grouped by subsystem in the order first named */
	for (i = 0; i < n && !r; i++) {
		size_t sl = strcspn(names[i], ":");
		bool first = true;
		for (j = 0; j < i; j++)
			if (!strncmp(names[j], names[i], sl) && names[j][sl] == ':')
				first = false;
		nsys += first;
	}
	if (!r)
		add_u32(out, nsys);
	for (i = 0; i < n && !r; i++) {
		size_t sl = strcspn(names[i], ":"), count_at;
		uint32_t cnt = 0;
		bool first = true;

		for (j = 0; j < i; j++)
			if (!strncmp(names[j], names[i], sl) && names[j][sl] == ':')
				first = false;
		if (!first)
			continue;
		sb_add(out, names[i], sl);
		sb_addc(out, 0);
		count_at = out->len;
		add_u32(out, 0);
		for (j = i; j < n && !r; j++) {
			if (strncmp(names[j], names[i], sl) || names[j][sl] != ':')
				continue;
			snprintf(path, sizeof(path), "%s/events/%.*s/%s/format", dir, (int)sl, names[j], names[j] + sl + 1);
			r = add_file(out, path, &tmp);
			cnt++;
		}
		if (!sb_error(out))
			memcpy(out->buf + count_at, &cnt, 4);
	}
	if (!r) {
		add_u32(out, 0);	/* kallsyms */
		add_u32(out, 0);	/* printk formats */
		add_u64(out, 0);	/* saved cmdlines */
	}
	sb_release(&tmp);
	return r ? r : sb_error(out);
}

/* Reader and writer of the `ftrace record` container (see rawfile.h). */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/tracefs/rawfile.h"

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

int tk_rf_parse(const void *buf, size_t len, struct tk_rf *rf)
{
	const uint8_t *p = buf;
	size_t off = 16, cap = 0;

	memset(rf, 0, sizeof(*rf));
	if (len < 16 || memcmp(p, TK_RF_MAGIC, 8))
		return -EINVAL;
	rf->version = get32(p + 8);
	if (rf->version != TK_RF_VERSION)
		return -EPROTO;
	while (off < len) {
		struct tk_rf_section s;

		if (len - off < 16)
			goto corrupt;
		s.type = get32(p + off);
		s.cpu = get32(p + off + 4);
		s.len = get64(p + off + 8);
		off += 16;
		if (s.len > len - off)
			goto corrupt;
		s.data = p + off;
		off += s.len;
		if (rf->nsecs == cap) {
			struct tk_rf_section *v = realloc(rf->secs, (cap = cap ? cap * 2 : 64) * sizeof(*v));

			if (!v) {
				tk_rf_free(rf);
				return -ENOMEM;
			}
			rf->secs = v;
		}
		rf->secs[rf->nsecs++] = s;
	}
	return 0;
corrupt:
	tk_rf_free(rf);
	return -EPROTO;
}

void tk_rf_free(struct tk_rf *rf)
{
	free(rf->secs);
	rf->secs = NULL;
	rf->nsecs = 0;
}

int tk_rf_meta(const struct tk_rf *rf, const char *key, char *buf, size_t len)
{
	size_t i, klen = strlen(key);

	for (i = 0; i < rf->nsecs; i++) {
		const char *p, *end;

		if (rf->secs[i].type != TK_RF_META)
			continue;
		p = (const char *)rf->secs[i].data;
		end = p + rf->secs[i].len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n;

			if (!nl)
				nl = end;
			if ((size_t)(nl - p) > klen && !memcmp(p, key, klen) && p[klen] == '=') {
				n = (size_t)(nl - p) - klen - 1;
				if (n >= len)
					n = len - 1;
				memcpy(buf, p + klen + 1, n);
				buf[n] = 0;
				return 0;
			}
			p = nl + 1;
		}
	}
	return -ENOENT;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int tk_rf_write_header(int fd)
{
	uint8_t h[16];
	uint32_t v = htole32(TK_RF_VERSION), z = 0;

	memcpy(h, TK_RF_MAGIC, 8);
	memcpy(h + 8, &v, 4);
	memcpy(h + 12, &z, 4);
	return write_all(fd, h, sizeof(h));
}

int tk_rf_write_section_header(int fd, uint32_t type, uint32_t cpu, uint64_t len)
{
	uint8_t h[16];
	uint32_t t = htole32(type), c = htole32(cpu);
	uint64_t l = htole64(len);

	memcpy(h, &t, 4);
	memcpy(h + 4, &c, 4);
	memcpy(h + 8, &l, 8);
	return write_all(fd, h, sizeof(h));
}

int tk_rf_write_section(int fd, uint32_t type, uint32_t cpu, const void *data, uint64_t len)
{
	int ret = tk_rf_write_section_header(fd, type, cpu, len);

	return ret ? ret : write_all(fd, data, len);
}

/* Line input over plain or gzip files: one growable buffer, zlib inflate when the magic says gzip. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "lib/stack/input.h"

/*
 * Plain files are read(), not mapped: on this machine kind (a paravirtualised guest) faulting a
 * mapping in costs more than the whole parse (measured on the 71 MB bench dump: 70 ms CPU just to walk
 * its lines mapped, 27 ms through read() into a buffer that stays in the L2 cache), and the buffer
 * keeps memory bounded without madvise.
 */
#define IN_BUF (256u << 10)
#define GZ_IN_BUF (256u << 10)

struct tk_input {
	int fd;
	bool own_fd, own_buf, eof, gzip;
	bool positioned;	/* plain reads use pread at pos (a second reader of the same file) */
	uint64_t pos;		/* file offset of the next plain read */
	uint64_t limit;		/* plain reads stop at this offset (UINT64_MAX: at the end) */
	char *buf;
	size_t cap, start, end;
	uint64_t bytes;
	z_stream zs;
	unsigned char *zin;
};

static ssize_t read_full(int fd, void *p, size_t n)
{
	ssize_t r;

	do
		r = read(fd, p, n);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* Inflate into buf[end..cap) until some output arrives; handles concatenated gzip members. */
static int fill_gzip(struct tk_input *in)
{
	size_t before = in->end;

	while (in->end == before && !in->eof) {
		int zr;

		if (in->zs.avail_in == 0) {
			ssize_t r = read_full(in->fd, in->zin, GZ_IN_BUF);

			if (r < 0)
				return (int)r;
			if (r == 0)
				return -EBADMSG;	/* the input ended inside a member: truncated */
			in->zs.next_in = in->zin;
			in->zs.avail_in = (uInt)r;
		}
		in->zs.next_out = (unsigned char *)in->buf + in->end;
		in->zs.avail_out = (uInt)(in->cap - in->end);
		zr = inflate(&in->zs, Z_NO_FLUSH);
		in->end = in->cap - in->zs.avail_out;
		if (zr == Z_STREAM_END) {
			/* another member may follow (as `cat a.gz b.gz` makes) */
			if (in->zs.avail_in == 0) {
				ssize_t r = read_full(in->fd, in->zin, GZ_IN_BUF);

				if (r < 0)
					return (int)r;
				in->zs.next_in = in->zin;
				in->zs.avail_in = (uInt)r;
			}
			if (in->zs.avail_in < 2 || in->zs.next_in[0] != 0x1f || in->zs.next_in[1] != 0x8b)
				in->eof = true;	/* bytes after the last member are ignored, as gzip does */
			else if (inflateReset(&in->zs) != Z_OK)
				return -EBADMSG;
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			return -EBADMSG;
		}
	}
	return 0;
}

static int fill(struct tk_input *in)
{
	if (in->eof)
		return 0;
	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->end == in->cap) {
		size_t ncap = in->cap * 2;
		char *p = realloc(in->buf, ncap);

		if (!p)
			return -ENOMEM;
		in->buf = p;
		in->cap = ncap;
	}
	if (in->gzip)
		return fill_gzip(in);
	{
		size_t want = in->cap - in->end;
		ssize_t r;

		if (in->limit - in->pos < want)
			want = (size_t)(in->limit - in->pos);
		if (!want) {
			in->eof = true;
			return 0;
		}
		if (in->positioned) {
			do
				r = pread(in->fd, in->buf + in->end, want, (off_t)in->pos);
			while (r < 0 && errno == EINTR);
			if (r < 0)
				r = -errno;
		} else {
			r = read_full(in->fd, in->buf + in->end, want);
		}
		if (r < 0)
			return (int)r;
		if (r == 0)
			in->eof = true;
		in->end += (size_t)r;
		in->pos += (uint64_t)r;
	}
	return 0;
}

int tk_input_open(struct tk_input **out, const char *path)
{
	struct tk_input *in = calloc(1, sizeof(*in));
	unsigned char magic[2];
	ssize_t r;
	int err;

	if (!in)
		return -ENOMEM;
	in->own_buf = true;
	in->limit = UINT64_MAX;
	if (!strcmp(path, "-")) {
		in->fd = 0;
	} else {
		in->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			err = -errno;
			free(in);
			return err;
		}
		in->own_fd = true;
	}
	in->cap = IN_BUF;
	in->buf = malloc(in->cap);
	if (!in->buf) {
		err = -ENOMEM;
		goto fail;
	}
	/* sniff two bytes; stdin cannot seek, so they are kept and fed to whichever reader follows */
	r = read_full(in->fd, magic, 2);
	if (r < 0) {
		err = (int)r;
		goto fail;
	}
	if (r == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		in->gzip = true;
		in->zin = malloc(GZ_IN_BUF);
		if (!in->zin) {
			err = -ENOMEM;
			goto fail;
		}
		memcpy(in->zin, magic, 2);
		in->zs.next_in = in->zin;
		in->zs.avail_in = 2;
		if (inflateInit2(&in->zs, 16 + MAX_WBITS) != Z_OK) {
			free(in->zin);
			in->zin = NULL;
			err = -ENOMEM;
			goto fail;
		}
	} else {
		memcpy(in->buf, magic, (size_t)r);
		in->end = (size_t)r;
		in->pos = (uint64_t)r;
		if (r < 2)
			in->eof = true;
	}
	while (!in->eof && in->end < 64) {
		size_t before = in->end;

		err = fill(in);
		if (err)
			goto fail;
		if (in->end == before && !in->gzip)
			break;
	}
	*out = in;
	return 0;
fail:
	tk_input_close(in);
	return err;
}

int tk_input_mem(struct tk_input **out, const void *data, size_t len)
{
	struct tk_input *in = calloc(1, sizeof(*in));

	if (!in)
		return -ENOMEM;
	in->fd = -1;
	in->limit = UINT64_MAX;
	in->buf = (char *)data;
	in->cap = in->end = len;
	in->eof = true;
	*out = in;
	return 0;
}

size_t tk_input_peek(struct tk_input *in, const char **p)
{
	*p = in->buf + in->start;
	return in->end - in->start;
}

int tk_input_line(struct tk_input *in, const char **line, size_t *len)
{
	size_t scanned = 0;

	for (;;) {
		size_t avail = in->end - in->start - scanned;
		char *nl = avail ? memchr(in->buf + in->start + scanned, '\n', avail) : NULL;
		int err;

		if (nl) {
			*line = in->buf + in->start;
			*len = (size_t)(nl - *line);
			in->start += *len + 1;
			in->bytes += *len + 1;
			return 1;
		}
		if (in->eof) {
			if (in->start == in->end)
				return 0;
			*line = in->buf + in->start;
			*len = in->end - in->start;
			in->bytes += *len;
			in->start = in->end;
			return 1;
		}
		scanned = in->end - in->start;
		err = fill(in);
		if (err)
			return err;
	}
}

int tk_input_block(struct tk_input *in, const char **block, size_t *len)
{
	for (;;) {
		size_t avail = in->end - in->start;
		const char *nl = avail ? memrchr(in->buf + in->start, '\n', avail) : NULL;
		int err;

		if (nl || (in->eof && avail)) {
			*block = in->buf + in->start;
			*len = nl ? (size_t)(nl + 1 - *block) : avail;
			in->start += *len;
			in->bytes += *len;
			return 1;
		}
		if (in->eof)
			return 0;
		err = fill(in);
		if (err)
			return err;
	}
}

/* The offset just after the first empty line ("\n\n") at or after from, or 0 when there is none. */
static uint64_t blank_line_after(int fd, uint64_t from, uint64_t size)
{
	char buf[1u << 16];
	uint64_t at = from - 1;	/* include the byte before: it may be the first '\n' */

	while (at < size) {
		ssize_t r, i;

		do
			r = pread(fd, buf, sizeof(buf), (off_t)at);
		while (r < 0 && errno == EINTR);
		if (r < 2)
			return 0;
		for (i = 0; i + 1 < r; i++)
			if (buf[i] == '\n' && buf[i + 1] == '\n')
				return at + (uint64_t)i + 2;
		at += (uint64_t)r - 1;
	}
	return 0;
}

int tk_input_split(struct tk_input *in, uint64_t min_size, struct tk_input **second)
{
	struct tk_input *b;
	struct stat st;
	uint64_t size, at;

	*second = NULL;
	if (in->gzip || in->fd < 0 || in->positioned || in->limit != UINT64_MAX || in->eof ||
	    fstat(in->fd, &st) || !S_ISREG(st.st_mode))
		return 0;
	size = (uint64_t)st.st_size;
	/* only a file read from its start: a redirected stdin may have begun elsewhere */
	if (size < min_size || size < 4 || lseek(in->fd, 0, SEEK_CUR) != (off_t)in->pos)
		return 0;
	at = blank_line_after(in->fd, size / 2, size);
	if (!at || at <= in->pos || at >= size)
		return 0;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->cap = IN_BUF;
	b->buf = malloc(b->cap);
	if (!b->buf) {
		free(b);
		return -ENOMEM;
	}
	b->fd = in->fd;
	b->own_buf = b->positioned = true;
	b->pos = at;
	b->limit = UINT64_MAX;
	in->limit = at;
	*second = b;
	return 1;
}

void tk_input_join(struct tk_input *in, struct tk_input *second)
{
	if (!second)
		return;
	in->bytes += second->bytes;
	tk_input_close(second);
}

uint64_t tk_input_bytes(const struct tk_input *in)
{
	return in->bytes;
}

int tk_input_is_gzip(const struct tk_input *in)
{
	return in->gzip;
}

void tk_input_close(struct tk_input *in)
{
	if (!in)
		return;
	if (in->gzip && in->zin) {
		inflateEnd(&in->zs);
		free(in->zin);
	}
	if (in->own_fd)
		close(in->fd);
	if (in->own_buf)
		free(in->buf);
	free(in);
}

/*
 * Exact output for `-P DIR/data -e read=all -e write=all`: only the calls that touch DIR/data (by
 * name, or by a descriptor open on it, duplicated or reused) are shown, each read and write
 * followed by strace's hex dump of the data. Calls on another file, a pipe and a descriptor number
 * reused for that other file must not show. Usage: paths_target DIR
 */
#include "sys_expect.h"

#include <fcntl.h>
#include <sys/uio.h>

/* strace's dump lines for n bytes at p */
static void expect_dump(const unsigned char *p, size_t n)
{
	size_t off, i;

	for (off = 0; off < n; off += 16) {
		expect_raw(" | %05zx  ", off);
		for (i = 0; i < 16; i++) {
			if (off + i < n)
				expect_raw("%02x ", p[off + i]);
			else
				expect_raw("   ");
			if (i == 7)
				expect_raw(" ");
		}
		expect_raw(" ");
		for (i = 0; i < 16; i++)
			expect_raw("%c", off + i < n ? (p[off + i] >= ' ' && p[off + i] < 0x7f ? p[off + i] : '.') : ' ');
		expect_raw(" |\n");
	}
}

int main(int argc, char **argv)
{
	static const char data[] = "hello, world\n\t\1\377 and a second line of dump, to wrap";
	size_t len = sizeof(data) - 1;
	char path[4096], other[4096], buf[128], a[5], b[80];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	int fd, fd2, o, p[2];
	long r;

	if (argc < 2)
		return 2;
	snprintf(path, sizeof(path), "%s/data", argv[1]);
	snprintf(other, sizeof(other), "%s/other", argv[1]);
	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	expect(num(fd), "openat(AT_FDCWD, \"%s\", O_WRONLY|O_CREAT|O_TRUNC, 0644)", path);
	r = syscall(SYS_write, fd, data, len);
	expect(num(r), "write(%d, \"hello, world\\n\\t\\1\\377 and a second li\"..., %zu)", fd, len);
	expect_dump((const unsigned char *)data, len);
	r = syscall(SYS_close, fd);
	expect(num(r), "close(%d)", fd);

	/* another file gets the same descriptor number: nothing of it shows */
	o = (int)syscall(SYS_openat, AT_FDCWD, other, O_RDWR | O_CREAT | O_TRUNC, 0644);
	syscall(SYS_write, o, "not this", 8);
	syscall(SYS_pipe2, p, 0);
	syscall(SYS_write, p[1], "nor this", 8);
	syscall(SYS_read, p[0], buf, sizeof(buf));
	syscall(SYS_close, o);

	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
	expect(num(fd), "openat(AT_FDCWD, \"%s\", O_RDONLY)", path);
	r = syscall(SYS_read, fd, buf, 10);
	expect(num(r), "read(%d, \"hello, wor\", 10)", fd);
	expect_dump((const unsigned char *)data, 10);
	fd2 = (int)syscall(SYS_dup, fd);
	expect(num(fd2), "dup(%d)", fd);
	r = syscall(SYS_close, fd);
	expect(num(r), "close(%d)", fd);
	r = syscall(SYS_lseek, fd2, 0, SEEK_SET);
	expect(num(r), "lseek(%d, 0, SEEK_SET)", fd2);
	r = syscall(SYS_readv, fd2, iov, 2);
	expect(num(r),
	       "readv(%d, [{iov_base=\"hello\", iov_len=5}, {iov_base=\", world\\n\\t\\1\\377 and a second line of\"..., "
	       "iov_len=80}], 2)",
	       fd2);
	expect_raw(" * 5 bytes in buffer 0\n");
	expect_dump((const unsigned char *)data, 5);
	expect_raw(" * %zu bytes in buffer 1\n", len - 5);
	expect_dump((const unsigned char *)data + 5, len - 5);
	r = syscall(SYS_close, fd2);
	expect(num(r), "close(%d)", fd2);
	r = syscall(SYS_access, path, R_OK);
	expect(num(r), "access(\"%s\", R_OK)", path);
	/* the other file again, on the number the data file had */
	o = (int)syscall(SYS_openat, AT_FDCWD, other, O_RDONLY);
	syscall(SYS_read, o, buf, sizeof(buf));
	syscall(SYS_close, o);
	return expect_done();
}

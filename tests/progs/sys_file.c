/* Exact output: file and descriptor syscalls. */
#include "sys_expect.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>

int main(int argc, char **argv)
{
	char dir[] = "/tmp/tk-sysfile-XXXXXX", path[256], path2[256], buf[64];
	struct iovec iov[2];
	int fd, fd2, p[2];
	long r;

	EXPECT_SET(argc, argv,
		   "openat,read,write,pread64,pwrite64,lseek,close,readv,writev,access,faccessat2,mkdirat,"
		   "unlinkat,renameat2,readlinkat,symlinkat,fcntl,dup,dup3,pipe2,fchmod,ftruncate,fsync,"
		   "newfstatat,getcwd,chdir,close_range,ioctl");
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/a", dir);
	snprintf(path2, sizeof(path2), "%s/b", dir);

	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	expect(num(fd), "openat(AT_FDCWD, \"%s\", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0640)", path);
	r = syscall(SYS_write, fd, "hello\tworld\n\1\0002", 15);
	expect(num(r), "write(%d, \"hello\\tworld\\n\\1\\0002\", 15)", fd);
	r = syscall(SYS_pwrite64, fd, "XY", 2, 100);
	expect(num(r), "pwrite64(%d, \"XY\", 2, 100)", fd);
	r = syscall(SYS_fsync, fd);
	expect(num(r), "fsync(%d)", fd);
	r = syscall(SYS_fchmod, fd, 0600);
	expect(num(r), "fchmod(%d, 0600)", fd);
	r = syscall(SYS_ftruncate, fd, 200);
	expect(num(r), "ftruncate(%d, 200)", fd);
	r = syscall(SYS_close, fd);
	expect(num(r), "close(%d)", fd);

	fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
	expect(num(fd), "openat(AT_FDCWD, \"%s\", O_RDONLY)", path);
	r = syscall(SYS_read, fd, buf, 5);
	expect(num(r), "read(%d, \"hello\", 5)", fd);
	r = syscall(SYS_lseek, fd, 0, SEEK_SET);
	expect(num(r), "lseek(%d, 0, SEEK_SET)", fd);
	r = syscall(SYS_read, fd, buf, 40);
	expect(num(r), "read(%d, \"hello\\tworld\\n\\1\\0002\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\"..., 40)", fd);
	r = syscall(SYS_pread64, fd, buf, 2, 100);
	expect(num(r), "pread64(%d, \"XY\", 2, 100)", fd);
	iov[0].iov_base = buf;
	iov[0].iov_len = 3;
	iov[1].iov_base = buf + 3;
	iov[1].iov_len = 4;
	syscall(SYS_lseek, fd, 0, SEEK_SET);
	expect("0", "lseek(%d, 0, SEEK_SET)", fd);
	r = syscall(SYS_readv, fd, iov, 2);
	expect(num(r), "readv(%d, [{iov_base=\"hel\", iov_len=3}, {iov_base=\"lo\\tw\", iov_len=4}], 2)", fd);
	r = syscall(SYS_read, fd, (void *)8, 1);
	expect(err_ret("EFAULT"), "read(%d, 0x8, 1)", fd);
	r = syscall(SYS_lseek, fd, (long)-1, SEEK_END);
	expect(num(r), "lseek(%d, -1, SEEK_END)", fd);
	fd2 = (int)syscall(SYS_dup, fd);
	expect(num(fd2), "dup(%d)", fd);
	r = syscall(SYS_dup3, fd, 20, O_CLOEXEC);
	expect(num(r), "dup3(%d, 20, O_CLOEXEC)", fd);
	r = syscall(SYS_fcntl, 20, F_GETFD);
	expect("0x1 (flags FD_CLOEXEC)", "fcntl(20, F_GETFD)");
	r = syscall(SYS_fcntl, fd, F_GETFD);
	expect("0", "fcntl(%d, F_GETFD)", fd);	/* no flags: a bare 0 */
	r = syscall(SYS_fcntl, fd2, F_SETFD, FD_CLOEXEC);
	expect(num(r), "fcntl(%d, F_SETFD, FD_CLOEXEC)", fd2);
	r = syscall(SYS_fcntl, fd2, F_SETFL, O_NONBLOCK);
	expect(num(r), "fcntl(%d, F_SETFL, O_RDONLY|O_NONBLOCK)", fd2);
	r = syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 30);
	expect(num(r), "fcntl(%d, F_DUPFD_CLOEXEC, 30)", fd);
	r = syscall(SYS_ioctl, fd, 0x5401 /* TCGETS */, buf);
	expect(err_ret("ENOTTY"), "ioctl(%d, TCGETS, %p)", fd, (void *)buf);
	r = syscall(SYS_close_range, 20, 30, 0);
	expect(num(r), "close_range(20, 30, 0)");
	r = syscall(SYS_close, fd2);
	expect(num(r), "close(%d)", fd2);
	r = syscall(SYS_close, fd);
	expect(num(r), "close(%d)", fd);
	r = syscall(SYS_close, 999);
	expect(err_ret("EBADF"), "close(999)");

	r = syscall(SYS_pipe2, p, O_CLOEXEC | O_NONBLOCK);
	expect(num(r), "pipe2([%d, %d], O_NONBLOCK|O_CLOEXEC)", p[0], p[1]);
	iov[0].iov_base = "ab";
	iov[0].iov_len = 2;
	iov[1].iov_base = "c";
	iov[1].iov_len = 1;
	r = syscall(SYS_writev, p[1], iov, 2);
	expect(num(r), "writev(%d, [{iov_base=\"ab\", iov_len=2}, {iov_base=\"c\", iov_len=1}], 2)", p[1]);
	r = syscall(SYS_read, p[0], buf, 10);
	expect(num(r), "read(%d, \"abc\", 10)", p[0]);
	r = syscall(SYS_read, p[0], buf, 10);
	expect(err_ret("EAGAIN"), "read(%d, %p, 10)", p[0], (void *)buf);
	/* more iovecs than -s (32): strace shows the first 32 and "..." */
	{
		struct iovec many[34];
		char line[2048];
		size_t len = 0;
		int i;

		for (i = 0; i < 34; i++) {
			many[i].iov_base = "x";
			many[i].iov_len = 1;
		}
		for (i = 0; i < 32; i++)
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s{iov_base=\"x\", iov_len=1}",
						i ? ", " : "");
		r = syscall(SYS_writev, p[1], many, 34);
		expect(num(r), "writev(%d, [%s, ...], 34)", p[1], line);
		r = syscall(SYS_read, p[0], buf, 34);
		expect(num(r), "read(%d, \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"..., 34)", p[0]);
	}
	syscall(SYS_close, p[0]);
	expect("0", "close(%d)", p[0]);
	syscall(SYS_close, p[1]);
	expect("0", "close(%d)", p[1]);

	r = syscall(SYS_access, path, R_OK | W_OK);
	expect(num(r), "access(\"%s\", R_OK|W_OK)", path);
	r = syscall(SYS_faccessat2, AT_FDCWD, "/nonexistent", F_OK, AT_SYMLINK_NOFOLLOW);
	expect(err_ret("ENOENT"), "faccessat2(AT_FDCWD, \"/nonexistent\", F_OK, AT_SYMLINK_NOFOLLOW)");
	r = syscall(SYS_symlinkat, "a", AT_FDCWD, path2);
	expect(num(r), "symlinkat(\"a\", AT_FDCWD, \"%s\")", path2);
	r = syscall(SYS_readlinkat, AT_FDCWD, path2, buf, sizeof(buf));
	expect(num(r), "readlinkat(AT_FDCWD, \"%s\", \"a\", 64)", path2);
	r = syscall(SYS_renameat2, AT_FDCWD, path2, AT_FDCWD, path, RENAME_NOREPLACE);
	expect(err_ret("EEXIST"), "renameat2(AT_FDCWD, \"%s\", AT_FDCWD, \"%s\", RENAME_NOREPLACE)", path2, path);
	r = syscall(SYS_unlinkat, AT_FDCWD, path2, 0);
	expect(num(r), "unlinkat(AT_FDCWD, \"%s\", 0)", path2);
	r = syscall(SYS_mkdirat, AT_FDCWD, path2, 0755);
	expect(num(r), "mkdirat(AT_FDCWD, \"%s\", 0755)", path2);
	r = syscall(SYS_unlinkat, AT_FDCWD, path2, AT_REMOVEDIR);
	expect(num(r), "unlinkat(AT_FDCWD, \"%s\", AT_REMOVEDIR)", path2);
	r = syscall(SYS_newfstatat, AT_FDCWD, path, (struct stat *)buf, 0);
	expect(num(r), "newfstatat(AT_FDCWD, \"%s\", {st_mode=S_IFREG|0600, st_size=200, ...}, 0)", path);
	r = syscall(SYS_newfstatat, AT_FDCWD, "/dev/null", (struct stat *)buf, 0);
	expect(num(r), "newfstatat(AT_FDCWD, \"/dev/null\", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}, 0)");
	r = syscall(SYS_chdir, dir);
	expect(num(r), "chdir(\"%s\")", dir);
	r = syscall(SYS_getcwd, buf, sizeof(buf));
	expect(num(r), "getcwd(\"%s\", 64)", dir);
	r = syscall(SYS_unlinkat, AT_FDCWD, "a", 0);
	r = syscall(SYS_unlinkat, AT_FDCWD, dir, AT_REMOVEDIR);
	expect("0", "unlinkat(AT_FDCWD, \"a\", 0)");
	expect(num(r), "unlinkat(AT_FDCWD, \"%s\", AT_REMOVEDIR)", dir);
	return expect_done();
}

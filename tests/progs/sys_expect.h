/*
 * Exact-output tests in strace's style: a subject program makes syscalls with known arguments and
 * prints, on stdout, the very lines `tracekit trace` must print for them. The bats test diffs the
 * two. Calls go through syscall(2) so libc cannot substitute one syscall for another.
 */
#ifndef SYS_EXPECT_H
#define SYS_EXPECT_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char expect_buf[1 << 16];
static size_t expect_len;

/* The line for a call: "name(args)", padded like strace, "= ret". */
__attribute__((format(printf, 2, 3))) static void expect(const char *ret, const char *fmt, ...)
{
	char call[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(call, sizeof(call), fmt, ap);
	va_end(ap);
	expect_len += (size_t)snprintf(expect_buf + expect_len, sizeof(expect_buf) - expect_len, "%s %*s= %s\n",
				       call, n + 1 < 40 ? 40 - (n + 1) : 0, "", ret);
}

/* Any other line (signals, exits). */
__attribute__((format(printf, 1, 2))) static void expect_raw(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	expect_len += (size_t)vsnprintf(expect_buf + expect_len, sizeof(expect_buf) - expect_len, fmt, ap);
	va_end(ap);
}

/* "-1 ENOENT (No such file or directory)" for the errno of the last call. */
__attribute__((unused)) static const char *err_ret(const char *name)
{
	static char buf[8][128];
	static int i;
	char *b = buf[i++ % 8];

	snprintf(b, sizeof(buf[0]), "-1 %s (%s)", name, strerror(errno));
	return b;
}

__attribute__((unused)) static const char *num(long v)
{
	static char buf[8][32];
	static int i;
	char *b = buf[i++ % 8];

	snprintf(b, sizeof(buf[0]), "%ld", v);
	return b;
}

/* Print everything at the end, after the traced calls: stdout's write() is not in the trace set. */
static int expect_done(void)
{
	expect_raw("+++ exited with 0 +++\n");
	fwrite(expect_buf, 1, expect_len, stdout);
	return 0;
}

/* argv[1] == "--set": print the -e trace= set the test must use, and exit. */
#define EXPECT_SET(argc, argv, set)                                   \
	do {                                                          \
		if ((argc) > 1 && !strcmp((argv)[1], "--set")) {      \
			puts(set);                                    \
			return 0;                                     \
		}                                                     \
	} while (0)
#endif

/*
 * Unit tests for src/lib/sys: generated tables, -e parsing, decoders over a fake memory reader
 * (no kernel involved), the -c table, and the printer's unfinished/resumed discipline.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/un.h>
#include <asm/unistd.h>
#include <cmocka.h>

#include "lib/sys/filter.h"
#include "lib/sys/launch.h"
#include "lib/sys/pathtrace.h"
#include "lib/sys/printer.h"
#include "lib/sys/summary.h"
#include "lib/sys/sysdesc.h"

/* ---- a fake tracee: a few regions of memory at made-up addresses ---- */
struct region {
	uint64_t addr;
	const void *data;
	size_t len;
};

static struct region regions[8];
static int nregions;

static void fake_reset(void)
{
	nregions = 0;
}

static uint64_t fake_put(uint64_t addr, const void *data, size_t len)
{
	regions[nregions++] = (struct region){ addr, data, len };
	return addr;
}

static int fake_read(void *ctx, int tid, uint64_t addr, void *buf, size_t len)
{
	int i;

	(void)ctx;
	(void)tid;
	for (i = 0; i < nregions; i++)
		if (addr >= regions[i].addr && addr + len <= regions[i].addr + regions[i].len) {
			memcpy(buf, (const char *)regions[i].data + (addr - regions[i].addr), len);
			return 0;
		}
	return -14;
}

static ssize_t fake_read_str(void *ctx, int tid, uint64_t addr, char *buf, size_t max, bool *complete)
{
	int i;

	(void)ctx;
	(void)tid;
	for (i = 0; i < nregions; i++)
		if (addr >= regions[i].addr && addr < regions[i].addr + regions[i].len) {
			const char *s = (const char *)regions[i].data + (addr - regions[i].addr);
			size_t avail = regions[i].len - (addr - regions[i].addr), n = strnlen(s, avail);

			*complete = n < avail && n <= max;
			if (n > max)
				n = max;
			memcpy(buf, s, n);
			buf[n] = 0;
			return (ssize_t)n;
		}
	return -14;
}

static const struct tk_mem_ops fake_ops = { fake_read, fake_read_str, NULL };
static struct tk_mem fake_mem = { &fake_ops, NULL };

/* Decode a whole call (entry and exit) to "name(args) = ret" without padding. */
static char *decode(long nr, const uint64_t *args, int64_t ret, unsigned strsize)
{
	static char out[1024];
	struct tk_fmt_opts opt = { .strsize = strsize };
	struct tk_syscall sc = { .tid = 1, .nr = nr, .ret = ret };
	struct strbuf sb = STRBUF_INIT;
	struct tk_dec d;
	int next = 0;

	memcpy(sc.args, args, sizeof(sc.args));
	d = (struct tk_dec){ .opt = &opt, .mem = &fake_mem, .sc = &sc, .desc = tk_sysdesc_get(nr), .out = &sb };
	sb_addf(&sb, "%s(", d.desc->name);
	tk_sys_format_args(&d, &next);
	d.exiting = true;
	d.failed = ret < 0 && ret >= -4095;
	tk_sys_format_args(&d, &next);
	sb_adds(&sb, ") = ");
	tk_sys_format_ret(&d);
	snprintf(out, sizeof(out), "%s", sb_str(&sb));
	sb_release(&sb);
	return out;
}

static void tables_come_from_the_headers(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_string_equal(tk_sys_name(__NR_openat), "openat");
	assert_int_equal(tk_sys_number("execve"), __NR_execve);
	assert_true(tk_sys_number("no_such_call") < 0);
	assert_string_equal(tk_errno_name(2), "ENOENT");
	assert_string_equal(tk_errno_name(512), "ERESTARTSYS");
	tk_xlat_flags(&sb, &tk_xlat_prot_flags, 3, TK_XLAT_ABBREV);
	assert_string_equal(sb_str(&sb), "PROT_READ|PROT_WRITE");
	sb_reset(&sb);
	tk_xlat_flags(&sb, &tk_xlat_prot_flags, 0, TK_XLAT_ABBREV);
	assert_string_equal(sb_str(&sb), "PROT_NONE");
	sb_reset(&sb);
	tk_xlat_flags(&sb, &tk_xlat_prot_flags, 0x1000001, TK_XLAT_ABBREV);
	assert_string_equal(sb_str(&sb), "PROT_READ|PROT_GROWSDOWN");
	sb_reset(&sb);
	tk_xlat_flags(&sb, &tk_xlat_msync_flags, 0x40 | 4, TK_XLAT_ABBREV);
	assert_string_equal(sb_str(&sb), "MS_SYNC|0x40");
	sb_reset(&sb);
	tk_xlat_flags(&sb, &tk_xlat_prot_flags, 3, TK_XLAT_VERBOSE);
	assert_string_equal(sb_str(&sb), "0x3 /* PROT_READ|PROT_WRITE */");
	sb_reset(&sb);
	tk_xlat_val(&sb, &tk_xlat_seek_whence, 77, TK_XLAT_ABBREV, true);
	assert_string_equal(sb_str(&sb), "77");
	sb_release(&sb);
}

static void filter_expressions(void **state)
{
	struct tk_sysfilter f;
	char err[256];

	(void)state;
	tk_sysfilter_init(&f);
	assert_true(tk_sysfilter_traces_all(&f));
	assert_int_equal(tk_sysfilter_parse(&f, "trace=open,close", err, sizeof(err)), 0);
	assert_true(tk_sysfilter_traced(&f, __NR_open));
	assert_false(tk_sysfilter_traced(&f, __NR_read));
	assert_false(tk_sysfilter_traced(&f, 999));

	tk_sysfilter_init(&f);
	assert_int_equal(tk_sysfilter_parse(&f, "!read,write", err, sizeof(err)), 0);
	assert_false(tk_sysfilter_traced(&f, __NR_read));
	assert_true(tk_sysfilter_traced(&f, __NR_openat));

	tk_sysfilter_init(&f);
	assert_int_equal(tk_sysfilter_parse(&f, "trace=%network", err, sizeof(err)), 0);
	assert_true(tk_sysfilter_traced(&f, __NR_connect));
	assert_false(tk_sysfilter_traced(&f, __NR_openat));
	assert_int_equal(tk_sysfilter_parse(&f, "trace=/^open", err, sizeof(err)), 0);
	assert_true(tk_sysfilter_traced(&f, __NR_openat2));
	assert_true(tk_sysfilter_traced(&f, __NR_connect));

	tk_sysfilter_init(&f);
	assert_int_equal(tk_sysfilter_parse(&f, "trace=opnat", err, sizeof(err)), -22);
	assert_non_null(strstr(err, "'opnat'"));
	assert_non_null(strstr(err, "'openat'"));
	assert_true(tk_sysfilter_traces_all(&f)); /* nothing applied on error */
	assert_int_equal(tk_sysfilter_parse(&f, "trace=?opnat", err, sizeof(err)), 0);
	assert_int_equal(tk_sysfilter_parse(&f, "trace=%nosuchclass", err, sizeof(err)), -22);
	assert_int_equal(tk_sysfilter_parse(&f, "trace=/(", err, sizeof(err)), -22);
	assert_int_equal(tk_sysfilter_parse(&f, "trace=", err, sizeof(err)), -22);
	assert_int_equal(tk_sysfilter_parse(&f, "bogus=1", err, sizeof(err)), -22);

	tk_sysfilter_init(&f);
	assert_int_equal(tk_sysfilter_parse(&f, "signal=!SIGCHLD,USR1", err, sizeof(err)), 0);
	assert_false(tk_sysfilter_signal(&f, 17));
	assert_false(tk_sysfilter_signal(&f, 10));
	assert_true(tk_sysfilter_signal(&f, 2));
	assert_int_equal(tk_sysfilter_parse(&f, "signal=SIGNOPE", err, sizeof(err)), -22);
	assert_int_equal(tk_sysfilter_parse(&f, "status=failed,unfinished", err, sizeof(err)), 0);
	assert_int_equal(f.status, TK_STATUS_FAILED | TK_STATUS_UNFINISHED);
	assert_int_equal(tk_sysfilter_parse(&f, "status=sometimes", err, sizeof(err)), -22);
}

static void strings_escape_like_strace(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char b[] = { 'a', '"', '\\', '\n', 0, '1', 0x7f, 0xff, '\t' };

	(void)state;
	tk_fmt_bytes(&sb, b, sizeof(b), true, 0);
	assert_string_equal(sb_str(&sb), "\"a\\\"\\\\\\n\\0001\\177\\377\\t\"...");
	/* -x: a string with a byte that is neither printable nor \t\n\v\f\r goes all hex; -xx: any */
	sb_reset(&sb);
	tk_fmt_bytes(&sb, b, sizeof(b), false, 1);
	assert_string_equal(sb_str(&sb), "\"\\x61\\x22\\x5c\\x0a\\x00\\x31\\x7f\\xff\\x09\"");
	sb_reset(&sb);
	tk_fmt_bytes(&sb, (const unsigned char *)"a\tb\n", 4, false, 1);
	assert_string_equal(sb_str(&sb), "\"a\\tb\\n\"");
	sb_reset(&sb);
	tk_fmt_bytes(&sb, (const unsigned char *)"ok", 2, true, 2);
	assert_string_equal(sb_str(&sb), "\"\\x6f\\x6b\"...");
	sb_release(&sb);
}

/* Every byte value, followed by a digit, a letter or nothing: the shortest octal unless a digit
 * follows (strace's rule, spelled out here with printf as the oracle). */
static void strings_escape_every_byte(void **state)
{
	static const char named[] = "\"\"\\\\\tt\nn\vv\ff\rr";
	struct strbuf sb = STRBUF_INIT;
	char want[32];
	unsigned c, k, j;

	(void)state;
	for (c = 0; c < 256; c++)
		for (k = 0; k < 3; k++) {
			unsigned char b[2] = { (unsigned char)c, k == 0 ? '7' : 'x' };
			size_t n = k == 2 ? 1 : 2;
			const char *e = NULL;

			for (j = 0; named[j]; j += 2)
				if ((unsigned char)named[j] == c)
					e = &named[j + 1];
			if (e)
				snprintf(want, sizeof(want), "\"\\%c%.*s\"", *e, (int)n - 1, (const char *)b + 1);
			else if (c >= ' ' && c < 0x7f)
				snprintf(want, sizeof(want), "\"%c%.*s\"", c, (int)n - 1, (const char *)b + 1);
			else
				snprintf(want, sizeof(want), k == 0 ? "\"\\%03o%.*s\"" : "\"\\%o%.*s\"", c, (int)n - 1,
					 (const char *)b + 1);
			sb_reset(&sb);
			sb_adds(&sb, "x=");
			tk_fmt_bytes(&sb, b, n, false, 0);
			assert_string_equal(sb_str(&sb) + 2, want);
			assert_int_equal(sb.len, strlen(want) + 2);
		}
	sb_release(&sb);
}

static void file_decoders(void **state)
{
	const char path[] = "/etc/passwd", data[] = "root:x:0:0:root:/root:/bin/bash\n";
	uint64_t a[6] = { 0 };

	(void)state;
	fake_reset();
	fake_put(0x1000, path, sizeof(path));
	fake_put(0x2000, data, sizeof(data) - 1);
	a[0] = (uint64_t)-100;
	a[1] = 0x1000;
	a[2] = 02000000 | 01 | 0100;
	a[3] = 0640;
	assert_string_equal(decode(__NR_openat, a, 3, 32),
			    "openat(AT_FDCWD, \"/etc/passwd\", O_WRONLY|O_CREAT|O_CLOEXEC, 0640) = 3");
	a[2] = 0;
	assert_string_equal(decode(__NR_openat, a, -2, 32),
			    "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY) = -1 ENOENT (No such file or directory)");
	memset(a, 0, sizeof(a));
	a[0] = 3;
	a[1] = 0x2000;
	a[2] = 4096;
	assert_string_equal(decode(__NR_read, a, 32, 8), "read(3, \"root:x:0\"..., 4096) = 32");
	assert_string_equal(decode(__NR_read, a, -9, 8), "read(3, 0x2000, 4096) = -1 EBADF (Bad file descriptor)");
	a[2] = 5;
	assert_string_equal(decode(__NR_write, a, 5, 32), "write(3, \"root:\", 5) = 5");
	a[1] = 0xdead0000;
	assert_string_equal(decode(__NR_write, a, -14, 32), "write(3, 0xdead0000, 5) = -1 EFAULT (Bad address)");
	/* unknown syscall numbers: name and raw arguments */
	a[0] = 1;
	assert_string_equal(decode(__NR_mknodat, a, 0, 32), "mknodat(0x1, 0xdead0000, 0x5, 0) = 0");
}

static void sockaddr_decoders(void **state)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons(8080) };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6, .sin6_port = htons(443) };
	struct sockaddr_un un = { .sun_family = AF_UNIX }, abs = { .sun_family = AF_UNIX };
	uint64_t a[6] = { 0 };

	(void)state;
	inet_pton(AF_INET, "10.1.2.3", &in.sin_addr);
	inet_pton(AF_INET6, "::1", &in6.sin6_addr);
	strcpy(un.sun_path, "/run/x.sock");
	memcpy(abs.sun_path, "\0tk", 3);
	fake_reset();
	fake_put(0x1000, &in, sizeof(in));
	fake_put(0x2000, &in6, sizeof(in6));
	fake_put(0x3000, &un, sizeof(un));
	fake_put(0x4000, &abs, sizeof(abs));
	a[0] = 5;
	a[1] = 0x1000;
	a[2] = sizeof(in);
	assert_string_equal(decode(__NR_connect, a, 0, 32),
			    "connect(5, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"10.1.2.3\")}, 16) = 0");
	a[1] = 0x2000;
	a[2] = sizeof(in6);
	assert_string_equal(decode(__NR_bind, a, 0, 32),
			    "bind(5, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), "
			    "inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}, 28) = 0");
	a[1] = 0x3000;
	a[2] = 110;
	assert_string_equal(decode(__NR_connect, a, -111, 32),
			    "connect(5, {sa_family=AF_UNIX, sun_path=\"/run/x.sock\"}, 110) = -1 ECONNREFUSED (Connection refused)");
	a[1] = 0x4000;
	a[2] = 5;
	assert_string_equal(decode(__NR_connect, a, 0, 32), "connect(5, {sa_family=AF_UNIX, sun_path=@\"tk\"}, 5) = 0");
}

static void summary_table(void **state)
{
	struct tk_summary *s = calloc(1, sizeof(*s));
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	tk_summary_add(s, __NR_read, 3000000, 0);
	tk_summary_add(s, __NR_read, 1000000, 1);
	tk_summary_add(s, __NR_write, 1000000, 0);
	tk_summary_format(s, TK_SORT_TIME, &sb);
	assert_string_equal(sb_str(&sb),
			    "% time     seconds  usecs/call     calls    errors syscall\n"
			    "------ ----------- ----------- --------- --------- ----------------\n"
			    " 80.00    0.004000        2000         2         1 read\n"
			    " 20.00    0.001000        1000         1           write\n"
			    "------ ----------- ----------- --------- --------- ----------------\n"
			    "100.00    0.005000        1666         3         1 total\n");
	sb_reset(&sb);
	tk_summary_format(s, TK_SORT_NAME, &sb);
	assert_non_null(strstr(sb_str(&sb), "read\n 20.00"));
	sb_release(&sb);
	free(s);
}

/* ---- the printer: two tasks interleaving, into a memory stream ---- */
static char *mem_out;
static size_t mem_len;
static FILE *mem_f;

static FILE *to_mem(void *ctx, int tid)
{
	(void)ctx;
	(void)tid;
	return mem_f;
}

static void printer_unfinished_and_resumed(void **state)
{
	struct tk_trace_opts o;
	struct tk_printer *p;
	struct tk_syscall r = { .tid = 100, .nr = __NR_read, .args = { 0, 0x2000, 10 } };
	struct tk_syscall c = { .tid = 101, .nr = __NR_close, .args = { 4 } };
	const char data[] = "hi";

	(void)state;
	memset(&o, 0, sizeof(o));
	o.fmt.strsize = 32;
	o.follow = 1;
	tk_sysfilter_init(&o.filter);
	fake_reset();
	fake_put(0x2000, data, 2);
	mem_f = open_memstream(&mem_out, &mem_len);
	p = tk_printer_new(&o, to_mem, NULL);
	tk_printer_task_new(p, 100);
	tk_printer_task_new(p, 101);
	tk_printer_enter(p, &r, &fake_mem);
	tk_printer_enter(p, &c, &fake_mem);
	tk_printer_exit(p, &c, &fake_mem);
	r.ret = 2;
	tk_printer_exit(p, &r, &fake_mem);
	tk_printer_task_exit(p, 101, 0, 0, 0);
	tk_printer_finish(p);
	tk_printer_free(p);
	fclose(mem_f);
	assert_string_equal(mem_out, "[pid   100] read(0,  <unfinished ...>\n"
				     "[pid   101] close(4)                    = 0\n"
				     "[pid   100] <... read resumed>\"hi\", 10) = 2\n"
				     "[pid   101] +++ exited with 0 +++\n");
	free(mem_out);
}

/* -e inject=/fault= (when= counting), -e read=/write= sets */
static void inject_and_dump_expressions(void **state)
{
	struct tk_sysfilter f;
	const struct tk_inject *in;
	char err[256];
	unsigned n, hits = 0;

	(void)state;
	tk_sysfilter_init(&f);
	assert_int_equal(tk_sysfilter_parse(&f, "inject=openat,close:error=ENOENT:when=2..6+2", err, sizeof(err)), 0);
	assert_true(tk_sysfilter_injects(&f, __NR_close));
	assert_false(tk_sysfilter_injects(&f, __NR_read));
	for (n = 1; n <= 8; n++) {
		in = tk_sysfilter_inject(&f, __NR_openat, n);
		if (in) {
			assert_int_equal(in->error, 2);
			assert_true(n == 2 || n == 4 || n == 6);
			hits++;
		}
	}
	assert_int_equal(hits, 3);
	assert_int_equal(tk_sysfilter_parse(&f, "fault=read:when=3", err, sizeof(err)), 0);
	assert_null(tk_sysfilter_inject(&f, __NR_read, 2));
	assert_int_equal(tk_sysfilter_inject(&f, __NR_read, 3)->error, 38); /* ENOSYS */
	assert_null(tk_sysfilter_inject(&f, __NR_read, 4));
	assert_int_equal(tk_sysfilter_parse(&f, "inject=getpid:retval=-7:when=5+", err, sizeof(err)), 0);
	assert_null(tk_sysfilter_inject(&f, __NR_getpid, 4));
	assert_int_equal(tk_sysfilter_inject(&f, __NR_getpid, 9)->retval, -7);
	assert_int_equal(tk_sysfilter_parse(&f, "inject=getpid", err, sizeof(err)), -22);
	assert_int_equal(tk_sysfilter_parse(&f, "inject=getpid:error=1:retval=2", err, sizeof(err)), -22);
	assert_int_equal(tk_sysfilter_parse(&f, "fault=getpid:when=3..2", err, sizeof(err)), -22);
	assert_int_equal(tk_sysfilter_parse(&f, "fault=getpid:retval=1", err, sizeof(err)), -22);
	assert_int_equal(tk_sysfilter_parse(&f, "fault=getpid:signal=SIGSEGV", err, sizeof(err)), -22);

	tk_sysfilter_init(&f);
	assert_false(f.dumps);
	assert_int_equal(tk_sysfilter_parse(&f, "read=3,5", err, sizeof(err)), 0);
	assert_int_equal(tk_sysfilter_parse(&f, "write=!1", err, sizeof(err)), 0);
	assert_true(f.dumps);
	assert_true(tk_fdset_has(&f.dump_read, 5));
	assert_false(tk_fdset_has(&f.dump_read, 4));
	assert_false(tk_fdset_has(&f.dump_write, 1));
	assert_true(tk_fdset_has(&f.dump_write, 2000));
	assert_false(tk_fdset_has(&f.dump_write, -1));
	assert_int_equal(tk_sysfilter_parse(&f, "read=-1", err, sizeof(err)), -22);
}

/* strace's dump lines, and -P over a fake tracee */
static void dumps_and_paths(void **state)
{
	static const char data[] = "hello, world\n\t\1\377!";
	struct tk_mem mem = { &fake_ops, NULL };
	struct tk_syscall sc = { .tid = 7, .nr = __NR_write, .args = { 4, 0x1000, 17 }, .ret = -9 };
	struct tk_sysfilter f;
	struct tk_pathtrace *pt;
	struct strbuf sb = STRBUF_INIT;
	char err[64];

	(void)state;
	fake_reset();
	fake_put(0x1000, data, 17);
	fake_put(0x2000, "/etc/x", 7);
	tk_sysfilter_init(&f);
	assert_int_equal(tk_sysfilter_parse(&f, "write=4", err, sizeof(err)), 0);
	/* a failed write is dumped as passed, as strace does */
	tk_sys_dump(&sb, &f, &sc, &mem);
	assert_string_equal(sb_str(&sb),
			    " | 00000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 0a 09 01 ff  hello, world.... |\n"
			    " | 00010  21                                                !                |\n");
	sb_reset(&sb);
	sc.args[0] = 5;
	tk_sys_dump(&sb, &f, &sc, &mem);
	assert_int_equal(sb.len, 0);
	sb_release(&sb);

	pt = tk_pathtrace_new();
	assert_non_null(pt);
	assert_int_equal(tk_pathtrace_add(pt, "/etc/x"), 0);
	sc = (struct tk_syscall){ .tid = 7, .nr = __NR_openat, .args = { (uint64_t)-100, 0x2000, 0 }, .ret = 3 };
	assert_int_equal(tk_pathtrace_match(pt, &sc, &mem), TK_PATH_BY_NAME);
	tk_pathtrace_exit(pt, &sc, &mem, TK_PATH_BY_NAME);
	/* no /proc here (fd_path NULL): what the trace saw opened answers */
	sc = (struct tk_syscall){ .tid = 7, .nr = __NR_read, .args = { 3, 0x1000, 17 }, .ret = 17 };
	assert_int_equal(tk_pathtrace_match(pt, &sc, &mem), TK_PATH_BY_FD);
	sc.tid = 8;
	assert_int_equal(tk_pathtrace_match(pt, &sc, &mem), 0);
	sc = (struct tk_syscall){ .tid = 7, .nr = __NR_close, .args = { 3 }, .ret = 0 };
	tk_pathtrace_exit(pt, &sc, &mem, TK_PATH_BY_FD);
	sc = (struct tk_syscall){ .tid = 7, .nr = __NR_read, .args = { 3, 0x1000, 17 }, .ret = 17 };
	assert_int_equal(tk_pathtrace_match(pt, &sc, &mem), 0);
	tk_pathtrace_free(pt);
}

static size_t env_count(char **env, const char *name_eq)
{
	size_t n = 0;

	for (; *env; env++)
		if (!strncmp(*env, name_eq, strlen(name_eq)))
			n++;
	return n;
}

/* -E: VAR=VAL replaces every VAR (once), VAR alone removes it, the rest is the inherited copy */
static void env_edits(void **state)
{
	char **env = NULL;
	size_t before;

	(void)state;
	assert_int_equal(setenv("TK_UNIT_A", "old", 1), 0);
	assert_int_equal(setenv("TK_UNIT_B", "b", 1), 0);
	assert_int_equal(tk_env_edit(&env, "=x"), -EINVAL);
	assert_null(env);
	assert_int_equal(tk_env_edit(&env, "TK_UNIT_A=new=1"), 0);
	assert_non_null(env);
	assert_int_equal(env_count(env, "TK_UNIT_A="), 1);
	assert_int_equal(env_count(env, "TK_UNIT_A=new=1"), 1);
	before = env_count(env, "");
	assert_int_equal(tk_env_edit(&env, "TK_UNIT_B"), 0);
	assert_int_equal(env_count(env, "TK_UNIT_B="), 0);
	assert_int_equal(env_count(env, ""), before - 1);
	assert_int_equal(tk_env_edit(&env, "TK_UNIT_C="), 0);	/* set to empty, not removed */
	assert_int_equal(env_count(env, "TK_UNIT_C="), 1);
	assert_int_equal(tk_env_edit(&env, "TK_UNIT"), 0);	/* a prefix of names is not a name */
	assert_int_equal(env_count(env, ""), before);
	/* our own environment is untouched */
	assert_string_equal(getenv("TK_UNIT_A"), "old");
	assert_string_equal(getenv("TK_UNIT_B"), "b");
	tk_env_free(env);
	unsetenv("TK_UNIT_A");
	unsetenv("TK_UNIT_B");
}

/* -u: names from /etc/passwd (root is on every machine), bare ids, unknown names */
static void runas_lookup(void **state)
{
	struct tk_runas ra;

	(void)state;
	assert_int_equal(tk_runas_lookup("root", &ra), 0);
	assert_true(ra.set);
	assert_int_equal(ra.uid, 0);
	assert_int_equal(ra.gid, 0);
	assert_true(ra.ngroups >= 1);
	assert_int_equal(ra.groups[0], 0);
	assert_int_equal(tk_runas_lookup("0", &ra), 0);	/* an id that /etc/passwd names */
	assert_int_equal(ra.uid, 0);
	assert_int_equal(ra.gid, 0);
	assert_int_equal(tk_runas_lookup("4000123:4000456", &ra), 0);
	assert_int_equal(ra.uid, 4000123);
	assert_int_equal(ra.gid, 4000456);
	assert_int_equal(ra.ngroups, 1);
	assert_int_equal(ra.groups[0], 4000456);
	assert_int_equal(tk_runas_lookup("4000123", &ra), 0);
	assert_int_equal(ra.gid, 4000123);
	assert_int_equal(tk_runas_lookup("no-such-user-tk", &ra), -ENOENT);
	assert_false(ra.set);
	assert_int_equal(tk_runas_lookup("", &ra), -ENOENT);
	assert_int_equal(tk_runas_lookup("12:x", &ra), -ENOENT);
	assert_int_equal(tk_runas_lookup("99999999999", &ra), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tables_come_from_the_headers),
		cmocka_unit_test(filter_expressions),
		cmocka_unit_test(inject_and_dump_expressions),
		cmocka_unit_test(dumps_and_paths),
		cmocka_unit_test(strings_escape_like_strace),
		cmocka_unit_test(strings_escape_every_byte),
		cmocka_unit_test(file_decoders),
		cmocka_unit_test(sockaddr_decoders),
		cmocka_unit_test(summary_table),
		cmocka_unit_test(printer_unfinished_and_resumed),
		cmocka_unit_test(env_edits),
		cmocka_unit_test(runas_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

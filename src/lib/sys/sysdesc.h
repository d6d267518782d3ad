/*
 * The syscall decoder core shared by every syscall backend (ptrace, eBPF).
 *
 * Three contracts live here:
 *
 * 1. Memory. Decoders never touch the tracee directly: they read through struct tk_mem, an ops
 *    table a backend implements. ptrace reads live memory (process_vm_readv); the eBPF backend
 *    answers from the bytes its kernel half captured, keyed by address.
 *
 * 2. Declarations. tk_sysdesc_get(nr) describes every argument of syscall nr: its kind (fd, path,
 *    buffer whose length is in arg k or is the return value, struct of N bytes, sockaddr with a
 *    length arg or length pointer, iovec array with a count arg, string array, flags of table T...)
 *    and WHEN the memory behind it holds the value to show (entry or exit). A backend that must
 *    capture memory in advance (eBPF) turns these declarations into capture directives: "at exit,
 *    copy min(ret, cap) bytes at args[1]". Arguments decoded by custom code (fcntl's third argument,
 *    ioctl's, futex's) still declare the kind and size of what they read.
 *
 * 3. Events. A backend reports each syscall as a struct tk_syscall at entry and again at exit
 *    (same struct, ret filled in) to the printer (printer.h), which formats strace lines, JSON Lines
 *    or accumulates the -c summary (summary.h). A backend that only sees the exit may report both
 *    back to back.
 */
#ifndef TK_SYS_SYSDESC_H
#define TK_SYS_SYSDESC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/sys/xlat.h"
#include "lib/util/strbuf.h"

/* ---- 1. memory reader --------------------------------------------------------------------- */
struct tk_mem_ops {
	/* Copy exactly len bytes at addr of thread tid into buf: 0, or -errno (-EFAULT unreadable). */
	int (*read)(void *ctx, int tid, uint64_t addr, void *buf, size_t len);
	/*
	 * Copy a NUL-terminated string of at most max bytes (NUL excluded) into buf (max + 1 bytes):
	 * returns its length and sets *complete when the NUL was found within max; -errno when
	 * nothing at addr is readable.
	 */
	ssize_t (*read_str)(void *ctx, int tid, uint64_t addr, char *buf, size_t max, bool *complete);
	/* The path behind fd in tid's process, for -y: length, or -errno. NULL if unsupported. */
	int (*fd_path)(void *ctx, int tid, int fd, char *buf, size_t size);
};

/* An fd_path for tk_mem_ops: the live /proc/TID/fd/FD link (both backends use it). */
int tk_mem_proc_fd_path(void *ctx, int tid, int fd, char *buf, size_t size);

struct tk_mem {
	const struct tk_mem_ops *ops;
	void *ctx;
};

/* ---- 3. events ----------------------------------------------------------------------------- */
#define TK_IP_UNKNOWN UINT64_MAX /* -i prints "[????????????????]" */
/*
 * rt_sigreturn's mask: x86_64's handler returned with `ret`, popping the frame's pretcode, so the
 * stack pointer is at its struct ucontext, whose uc_sigmask follows uc_flags, uc_link, uc_stack
 * and the 256-byte sigcontext.
 */
#define TK_SIGFRAME_MASK_OFF (8 + 8 + 24 + 256)

struct tk_syscall {
	int tid;
	long nr;
	uint64_t args[6];
	int64_t ret;	   /* at exit: the raw return value, -errno on failure */
	uint64_t ts_enter; /* CLOCK_REALTIME, ns */
	uint64_t ts_exit;  /* CLOCK_REALTIME, ns; 0 at entry */
	uint64_t mono_enter, mono_exit; /* CLOCK_MONOTONIC, ns: -T, -r and -c durations */
	uint64_t sp;	   /* user stack pointer at entry (rt_sigreturn's frame); 0 unknown */
	uint64_t ip;	   /* -i: user instruction pointer after the syscall instruction; TK_IP_UNKNOWN */
	/* system CPU time of the tracee at entry and exit, ns, when the backend knows it (ptrace: the
	 * rusage wait4 returns); strace -c sums this difference unless -w asks for wall time */
	uint64_t stime_enter, stime_exit;
	bool has_stime;
	bool injected;	   /* -e inject=: the backend made the call fail (or return) without running it */
};

/* ---- 2. declarations ---------------------------------------------------------------------- */
enum tk_arg_kind {
	TK_ARG_NONE = 0,
	TK_ARG_INT,	  /* int, decimal */
	TK_ARG_UINT,	  /* unsigned int, decimal */
	TK_ARG_LONG,	  /* long, decimal */
	TK_ARG_ULONG,	  /* unsigned long / size_t, decimal */
	TK_ARG_HEX,	  /* printed 0x... */
	TK_ARG_OCT,	  /* mode_t: 0644 */
	TK_ARG_PTR,	  /* an address shown as NULL or 0x... (memory not decoded) */
	TK_ARG_FD,	  /* file descriptor; -y appends <path> */
	TK_ARG_DIRFD,	  /* fd or AT_FDCWD */
	TK_ARG_PATH,	  /* NUL-terminated path, up to PATH_MAX, not cut by -s */
	TK_ARG_STR,	  /* NUL-terminated string, cut by -s */
	TK_ARG_BUF,	  /* bytes; count in args[len_arg], or the return value (TK_LEN_RET) */
	TK_ARG_IOV,	  /* struct iovec[args[len_arg]]; the bytes total the return value at exit */
	TK_ARG_STRARR,	  /* NULL-terminated char *[] (execve argv) */
	TK_ARG_ENVP,	  /* NULL-terminated char *[] shown as address and count (execve envp) */
	TK_ARG_FLAGS,	  /* bit set of table xlat */
	TK_ARG_XVAL,	  /* one value of table xlat (decimal when unnamed and dec flag set) */
	TK_ARG_SIGNAL,	  /* signal number */
	TK_ARG_SIGSET,	  /* sigset_t *, size in args[len_arg] */
	TK_ARG_STRUCT,	  /* fixed-size struct (size bytes) formatted by struct id aux */
	TK_ARG_SOCKADDR,  /* struct sockaddr *; length in args[len_arg] (value or pointer, len_ptr) */
	TK_ARG_INTPTR,	  /* int *: [value] */
	TK_ARG_CUSTOM,	  /* formatted by fmt(); size says how many bytes it may read */
};

enum tk_arg_when {
	TK_AT_ENTRY = 0, /* the value (or the memory it points to) is an input: show it at entry */
	TK_AT_EXIT = 1,	 /* the kernel fills the memory: show it at exit, only when the call succeeded */
};

/* len_arg values besides an argument index */
#define TK_LEN_NONE (-2)
#define TK_LEN_RET (-1)

/* Structs TK_ARG_STRUCT knows (aux). */
enum tk_struct_id {
	TK_ST_NONE = 0,
	TK_ST_STAT,	    /* struct stat */
	TK_ST_STATX,	    /* struct statx */
	TK_ST_STATFS,	    /* struct statfs */
	TK_ST_TIMESPEC,	    /* struct timespec */
	TK_ST_TIMEVAL,	    /* struct timeval */
	TK_ST_TIMEZONE,	    /* struct timezone */
	TK_ST_ITIMERSPEC,   /* struct itimerspec */
	TK_ST_RLIMIT,	    /* struct rlimit */
	TK_ST_UTSNAME,	    /* struct utsname */
	TK_ST_SYSINFO,	    /* struct sysinfo */
	TK_ST_SIGACTION,    /* struct kernel_sigaction (handler, flags, restorer, mask) */
	TK_ST_STACK,	    /* stack_t */
	TK_ST_POLLFD,	    /* struct pollfd[args[len_arg]] */
	TK_ST_EPOLL_EVENT,  /* struct epoll_event (one, or [ret] at exit for epoll_wait) */
	TK_ST_PIPEFDS,	    /* int[2] */
	TK_ST_WAIT_STATUS,  /* int * wait status: [{WIFEXITED(s) && WEXITSTATUS(s) == 0}] */
	TK_ST_RUSAGE,	    /* struct rusage */
	TK_ST_MSGHDR,	    /* struct msghdr (iov contents, name) */
	TK_ST_CLONE_ARGS,   /* struct clone_args, size in args[len_arg] */
	TK_ST_FDSET,	    /* fd_set, nfds in args[len_arg] */
	TK_ST_LINUX_DIRENT, /* struct linux_dirent64[] summed to the return value */
	TK_ST_OPEN_HOW,	    /* struct open_how */
	TK_ST_SIGINFO,	    /* siginfo_t */
	TK_ST_INT,	    /* int (socket option value) */
	TK_ST_COUNT
};

struct tk_dec;
typedef void tk_argfmt_fn(struct tk_dec *d, int i);

struct tk_argdesc {
	uint8_t kind;	 /* enum tk_arg_kind */
	uint8_t when;	 /* enum tk_arg_when */
	int8_t len_arg;	 /* index of the argument holding the length, TK_LEN_RET, or TK_LEN_NONE */
	uint8_t len_ptr; /* the length argument is a pointer (socklen_t *, int *) */
	uint8_t aux;	 /* enum tk_struct_id for TK_ARG_STRUCT */
	uint8_t dec;	 /* XVAL: print unnamed values in decimal */
	/*
	 * TK_AT_EXIT memory the kernel writes only when the call is interrupted (-ERESTART*):
	 * nanosleep's remaining time; otherwise only its address is shown, as strace does
	 */
	uint8_t on_restart;
	uint16_t size;	 /* bytes a STRUCT / CUSTOM argument may read (capture size) */
	/*
	 * TK_AT_EXIT memory that is an input too: this many bytes (<= 8) are read at entry as well,
	 * for the decoder's "in => out" (tk_dec.peek): socklen_t's "[128 => 16]"
	 */
	uint8_t peek;
	const struct tk_xlat *xlat; /* FLAGS / XVAL table */
	tk_argfmt_fn *fmt;	    /* CUSTOM formatter */
	/* NULL, or says whether the argument appears at all (open's mode only with O_CREAT) */
	bool (*shown)(const struct tk_syscall *sc);
	const char *name;	    /* the argument's name (JSON, docs) */
};

/* Syscall classes for -e trace=%class (strace's own groups). */
enum {
	TK_CLS_FILE = 1 << 0,	/* %file: takes a file name */
	TK_CLS_PROCESS = 1 << 1, /* %process */
	TK_CLS_NETWORK = 1 << 2, /* %network, %net */
	TK_CLS_SIGNAL = 1 << 3,	/* %signal */
	TK_CLS_IPC = 1 << 4,	/* %ipc */
	TK_CLS_DESC = 1 << 5,	/* %desc: takes or returns a file descriptor */
	TK_CLS_MEMORY = 1 << 6,	/* %memory */
	TK_CLS_STAT = 1 << 7,	/* %stat */
	TK_CLS_LSTAT = 1 << 8,	/* %lstat */
	TK_CLS_FSTAT = 1 << 9,	/* %fstat */
	TK_CLS_STATFS = 1 << 10, /* %%statfs */
	TK_CLS_CREDS = 1 << 11,	/* %creds */
	TK_CLS_CLOCK = 1 << 12,	/* %clock */
	TK_CLS_PURE = 1 << 13,	/* %pure: no arguments, always succeed */
	TK_CLS_FSTATFS = 1 << 14, /* %fstatfs */
};

/* How the return value prints. */
enum tk_ret_kind {
	TK_RET_INT = 0, /* decimal */
	TK_RET_HEX,	/* address (mmap, brk) */
	TK_RET_FD,	/* new file descriptor; -y appends <path> */
	TK_RET_NONE,	/* never returns on success (exit, execve's = 0 is still shown) */
	TK_RET_OCT,	/* umask */
};

struct tk_sysdesc {
	const char *name;
	uint8_t nargs;
	uint8_t ret;	  /* enum tk_ret_kind */
	uint16_t classes; /* TK_CLS_* */
	struct tk_argdesc args[6];
	/* NULL, or formats a successful return value itself (fcntl's "0x1 (flags FD_CLOEXEC)") */
	void (*retfmt)(struct tk_dec *d);
};

/*
 * The descriptor of syscall nr: decoded ones from the table, others a name with nargs = 6 raw hex
 * arguments (as strace prints syscalls it does not know); NULL only for nr outside 0..TK_SYS_NR_MAX.
 */
const struct tk_sysdesc *tk_sysdesc_get(long nr);
/* The number of the syscall named name, -ENOENT if none. */
long tk_sys_number(const char *name);
/* The syscall name of nr, NULL if none. */
const char *tk_sys_name(long nr);
/* true when nr has a hand-written declaration (not just a name) */
bool tk_sys_decoded(long nr);
/* A return the kernel restarts or turns into EINTR (-ERESTARTSYS/NOINTR/NOHAND/_RESTARTBLOCK). */
bool tk_sys_erestart(int64_t ret);

/* Formatting settings (strace's -s, -y, -X, -v). */
struct tk_fmt_opts {
	unsigned strsize;	    /* -s: bytes of strings and buffers shown (32) */
	unsigned char fd_paths;	    /* -y: 1; -yy: 2, sockets and devices described */
	bool verbose;		    /* -v: unabbreviated structs, argv, envp */
	enum tk_xlat_style xstyle;  /* -X */
	unsigned char hex;	    /* -x: strings holding non-printables in \xNN; -xx: every string */
};

/* One argument being decoded: where the text goes and where memory comes from. */
struct tk_dec {
	const struct tk_fmt_opts *opt;
	struct tk_mem *mem;
	const struct tk_syscall *sc;
	const struct tk_sysdesc *desc;
	struct strbuf *out;
	bool exiting;	/* decoding at exit (ret valid) */
	/* optional: where each argument's text starts and ends in out ([2*i], [2*i+1]; -1 = not shown) */
	long *spans;
	bool failed;	/* the call failed: exit-time memory is not shown, the address is */
	/* the entry-time values of the arguments with a peek (bit i of peek_ok: peek[i] is read) */
	const uint64_t *peek;
	unsigned peek_ok;
	bool raw;	/* -e raw=: every argument and the result in hex, nothing decoded */
};

/*
 * Append arguments from *next up to the first argument whose value is only known at exit (when
 * exiting is false), or all remaining ones (exiting true); each but the last shown one is followed
 * by ", ". *next advances. The line's "name(" and the closing ")" are the caller's.
 */
void tk_sys_format_args(struct tk_dec *d, int *next);
/* Append " = <ret>" material: "0", "-1 ENOENT (No such file or directory)", "0x7f..", "?" */
void tk_sys_format_ret(struct tk_dec *d);
/* Append the errno name of err (ENOENT), or "E???" style fallbacks; strace's text is strerror's. */
const char *tk_errno_name(int err);
/* strace's name for signal sig: SIGINT, SIGRTMIN, SIGRT_3; NULL when out of range. */
const char *tk_signal_name(int sig, char *buf, size_t size);
int tk_signal_number(const char *name);

/* Building blocks for custom formatters and the printer. */
void tk_fmt_str(struct tk_dec *d, uint64_t addr, unsigned max, bool path);
void tk_fmt_bytes(struct strbuf *sb, const unsigned char *p, size_t n, bool more, unsigned hex);
void tk_fmt_fd(struct tk_dec *d, int64_t fd);
void tk_fmt_ptr(struct strbuf *sb, uint64_t addr);
void tk_fmt_struct(struct tk_dec *d, int i, int id, uint64_t addr, size_t size);
void tk_fmt_siginfo(struct strbuf *sb, const void *siginfo, enum tk_xlat_style st);
void tk_fmt_sigset(struct strbuf *sb, const uint64_t *mask, size_t bytes);
void tk_fmt_sockaddr(struct tk_dec *d, uint64_t addr, int64_t len);
/* ioctl's request and argument (ioctl.c) */
void tk_fmt_ioctl_req(struct tk_dec *d, int i);
void tk_fmt_ioctl_arg(struct tk_dec *d, int i);
bool tk_ioctl_has_arg(const struct tk_syscall *sc);

#endif

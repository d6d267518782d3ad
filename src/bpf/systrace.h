/*
 * systrace: the eBPF syscall tracer's records, shared by the kernel half (systrace.bpf.c) and the user
 * half (src/lib/bpf/systrace.c). Plain __u32/__u64, no includes: both sides define them.
 */
#ifndef TK_BPF_SYSTRACE_H
#define TK_BPF_SYSTRACE_H

#define SYSTRACE_NR_MAX 512		/* syscall numbers tracked (x86_64 tops out near 470) */
#define SYSTRACE_MAX_CAPS 8		/* user-memory captures per syscall (select: 4 at entry, 4 at exit) */
#define SYSTRACE_SCRATCH 32768		/* per-CPU record scratch; a record is at most half of it */
#define SYSTRACE_REC_MAX (SYSTRACE_SCRATCH / 2)
#define SYSTRACE_CAP_MAX 8192		/* one capture's byte limit */
#define SYSTRACE_STRV_MAX 32		/* strings captured from an argv-like array */
#define SYSTRACE_PTRV_MAX 1024		/* pointers counted in an envp-like array */
#define SYSTRACE_VEC_MAX 1024		/* iovec entries captured (UIO_MAXIOV), at most -s of them */
#define SYSTRACE_MMSG_MAX 4		/* messages of a sendmmsg/recvmmsg captured */
#define SYSTRACE_HIST_SLOTS 40		/* log2(ns) latency buckets */
#define SYSTRACE_RING_DEFAULT (4 * 1024 * 1024)	/* the ring buffer's bytes without --buffer-size */

/* What the in-kernel capture engine reads, per pointer argument (struct systrace_cap.kind). */
enum systrace_cap_kind {
	SYSTRACE_CAP_NONE = 0,
	SYSTRACE_CAP_STR,	/* NUL-terminated string, at most `max` bytes */
	SYSTRACE_CAP_FIXED,	/* exactly `max` bytes (a struct) */
	SYSTRACE_CAP_ARGLEN,	/* args[len_arg] * mul bytes, at most `max` */
	SYSTRACE_CAP_RETLEN,	/* ret * mul bytes when ret > 0, at most `max` */
	SYSTRACE_CAP_PTRLEN,	/* *(u32 *)args[len_arg] bytes (socklen_t *), at most `max` */
	SYSTRACE_CAP_STRV,	/* NULL-terminated array of string pointers and the strings (execve argv) */
	SYSTRACE_CAP_PTRV,	/* NULL-terminated array of pointers only (envp: counted, not printed) */
	SYSTRACE_CAP_IOV,	/* struct iovec[args[len_arg]] and each buffer, `max` bytes in all */
	SYSTRACE_CAP_MSGHDR,	/* struct msghdr, its name, iovec array and buffers, its control data */
	SYSTRACE_CAP_MMSGHDR,	/* struct mmsghdr[args[len_arg]]: the array, then each MSGHDR's memory */
	/*
	 * -y: the inode numbers of the descriptors the call made (pipes, sockets: /proc names them by
	 * it), read from the task's file table at exit; `max` of them: 1, the return value; 2, the
	 * int[2] at args[arg]. A capture of struct systrace_fdino, flagged SYSTRACE_CAPF_FDINO.
	 */
	SYSTRACE_CAP_FDINO,
	SYSTRACE_CAP_STACK,	/* `max` bytes at the user stack pointer + `mul` (rt_sigreturn's frame) */
};

/* The fd-to-inode walk's offsets (tk_systrace_open finds them in the kernel's BTF), in this order. */
enum systrace_fdino_off {
	SYSTRACE_OFF_TASK_FILES,	/* task_struct.files */
	SYSTRACE_OFF_FILES_FDT,		/* files_struct.fdt */
	SYSTRACE_OFF_FDT_MAX_FDS,	/* fdtable.max_fds */
	SYSTRACE_OFF_FDT_FD,		/* fdtable.fd */
	SYSTRACE_OFF_FILE_INODE,	/* file.f_inode */
	SYSTRACE_OFF_INODE_INO,		/* inode.i_ino */
	SYSTRACE_OFF_FDINO_N,
};

struct systrace_fdino {
	__s32 fd;
	__u32 pad;
	__u64 ino;		/* 0: not found */
};

enum systrace_cap_when {
	SYSTRACE_AT_EXIT = 0,	/* read after the call: results, and inputs still in memory */
	SYSTRACE_AT_ENTRY = 1,	/* read before the call: memory the call replaces (execve's argv) */
};

struct systrace_cap {
	__u8 kind;		/* enum systrace_cap_kind */
	__u8 arg;		/* which argument holds the pointer */
	__u8 len_arg;		/* ARGLEN/PTRLEN/IOV: which argument holds the length or count */
	__u8 when;		/* enum systrace_cap_when */
	__u16 max;		/* byte limit (-s where the decoder wants it); IOV: per buffer */
	__u16 mul;		/* ARGLEN/RETLEN: bytes per unit of the length (0 means 1) */
};

/* sysdesc map value, indexed by syscall number. */
enum systrace_sys_flags {
	SYSTRACE_SYS_SELECTED = 1,	/* -e trace= selects it */
	SYSTRACE_SYS_ENTRY = 2,		/* emit an entry record (entry captures, or it never returns) */
	SYSTRACE_SYS_NORETURN = 4,	/* exit/exit_group: the entry record is all there is */
	SYSTRACE_SYS_ANY_STATUS = 8,	/* exit reported whatever -z/-Z say: -y replays what it did */
	SYSTRACE_SYS_ENTRY_CAPS = 16,	/* its entry record is there for its captures: none taken, none sent */
};

struct systrace_sysdesc {
	__u8 flags;
	__u8 ncaps;
	__u16 pad;
	__u32 pad2;
	struct systrace_cap caps[SYSTRACE_MAX_CAPS];
};

enum systrace_task_state {
	SYSTRACE_UNTRACED = 0,
	SYSTRACE_TRACED = 1,
	SYSTRACE_AWAIT_EXEC = 2,	/* a launched command: traced from its execve on */
	SYSTRACE_SELF = 3,		/* -a: tracekit itself, never traced */
};

/* Per-task state (task storage); its presence with `traced` set is the pid filter. */
struct systrace_task {
	__u32 traced;		/* enum systrace_task_state */
	__s32 nr;		/* syscall in flight, -1 when none */
	__u64 ts;		/* its entry time */
};

enum systrace_rec_type {
	SYSTRACE_REC_ENTER = 1,	/* syscall entry: args and entry captures */
	SYSTRACE_REC_EXIT = 2,	/* syscall exit: args re-read from the saved registers, exit captures */
	SYSTRACE_REC_SIGNAL = 3,	/* signal delivery: nr is the signal, args the siginfo's 48 bytes */
	SYSTRACE_REC_TASKEXIT = 4,	/* a traced task ends: ret is its wait status (task_struct.exit_code) */
};

/* A SIGNAL record's ret: the kernel discarded the signal at once (its default action is to ignore
 * it); it shows at the target's next return to user space, where ptrace would have reported it. */
#define SYSTRACE_SIG_DISCARDED 1
/*
 * A SIGNAL record's ret: a signal whose default action ends the target was sent to it. The kernel
 * may end the target's thread group at once (SIGKILL to each thread) without delivering it; the
 * target's end record then says it ended by this signal, and the reader shows it delivered there.
 */
#define SYSTRACE_SIG_GENERATED 2

/* One ring-buffer record: this header, then `ncap` captures, each 8-byte aligned. */
struct systrace_rec {
	__u16 size;		/* the whole record, captures included */
	__u8 type;		/* enum systrace_rec_type */
	__u8 ncap;
	__s32 nr;
	__u32 tid;
	__u32 tgid;
	__u64 ts_enter;		/* 0 when entry time was not taken */
	__u64 ts;		/* time of this record (CLOCK_MONOTONIC ns) */
	__s64 ret;		/* exit only */
	/*
	 * -i: the user instruction pointer (after the syscall instruction; for a signal or a task's
	 * end, where the task is in user space); 0 when not taken
	 */
	__u64 ip;
	__u64 sp;		/* syscalls: the user stack pointer (rt_sigreturn's frame); 0 for others */
	__u64 args[6];
	char comm[16];
};

enum systrace_capture_flags {
	SYSTRACE_CAPF_TRUNC = 1,	/* the memory went on past what was captured */
	SYSTRACE_CAPF_FAULT = 2,	/* reading it faulted: nothing captured */
	SYSTRACE_CAPF_STR = 4,		/* a string: data ends with its NUL when not TRUNC */
	SYSTRACE_CAPF_FDINO = 8,	/* not user memory: struct systrace_fdino[] (SYSTRACE_CAP_FDINO) */
};

struct systrace_capture {
	__u64 addr;		/* user address the bytes came from */
	__u16 len;		/* bytes following this header (then padding to 8) */
	__u8 arg;		/* the argument this capture belongs to */
	__u8 flags;		/* enum systrace_capture_flags */
	__u32 pad;
};

/* -c in the kernel: per-syscall totals, per CPU (summed by the reader). */
struct systrace_stat {
	__u64 calls;
	__u64 errors;
	__u64 ns;
	__u64 hist[SYSTRACE_HIST_SLOTS];
};

#endif

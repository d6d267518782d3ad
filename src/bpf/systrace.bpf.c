// SPDX-License-Identifier: GPL-2.0
/*
 * systrace: `tracekit trace` on eBPF. raw_syscalls sys_enter/sys_exit raw tracepoints; per-task state in
 * task storage (its presence is the pid filter, so untraced tasks pay one failed lookup); a per-syscall
 * description map says whether the syscall is selected and which user memory to capture, when.
 *
 * Why raw_tp and not tp_btf, and no CO-RE field access: either makes libbpf load and parse the whole
 * vmlinux BTF at start, 90-140 ms here, against a 20 ms start-to-attached budget. Registers are read
 * from struct pt_regs at its fixed x86_64 layout (the ptrace ABI, which cannot change).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "systrace.h"

const volatile __u32 self_tgid = 0;
const volatile __u8 all_tasks = 0;	/* -a: every task but ours */
const volatile __u8 want_time = 0;	/* take the entry time (-T, -t, -r, --json) */
const volatile __u8 want_comm = 0;	/* fill in comm (-a prints it) */
const volatile __u8 want_ip = 0;	/* -i: user instruction pointers in signal and task-end records */
const volatile __u8 use_cgroup = 0;	/* --cgroup: only tasks under cgroup_filter[0] */
const volatile __u8 status_filter = 0;	/* 1: successful calls only (-z), 2: failed only (-Z) */
const volatile char comm_filter[16] = {};
const volatile __u64 wakeup_bytes = 256 * 1024;
/*
 * task_struct.pid, from the kernel's BTF by the user half (one member, not CO-RE: see above): the
 * thread id of a task the raw tracepoints name by pointer (a signal's target, a new child).
 */
const volatile __u32 task_pid_off = 0;
const volatile __u32 task_exit_code_off = 0;	/* 0: tasks' ends are not reported */
/* -y: offsets for the walk from the task to a descriptor's inode (enum systrace_fdino_off) */
const volatile __u32 fdino_off[SYSTRACE_OFF_FDINO_N] = {};
const volatile __s32 execve_nr = 59;	/* from the user half's syscall table */
const volatile __s32 execveat_nr = 322;

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct systrace_task);
} tasks SEC(".maps");

/*
 * The same state in an array indexed by thread id, when pid_max is small enough for one (it is
 * 32768 on many machines): an inlined array lookup instead of a task-storage call on every
 * syscall of every task. Entries are cleared when their task exits, before the id is reused.
 */
const volatile __u8 by_tid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);		/* pid_max, set before load when by_tid */
	__type(key, __u32);
	__type(value, struct systrace_task);
} task_by_tid SEC(".maps");

/* Indexed by syscall number; filled in by the user half before load (no map updates at start). */
struct systrace_sysdesc sysdesc[SYSTRACE_NR_MAX] = {};

struct systrace_scratch {
	__u32 busy;
	__u32 pad;
	__u8 buf[SYSTRACE_SCRATCH];
};

/* One slot per CPU, indexed by CPU number: a per-CPU array cannot hold 32 KiB values. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);		/* set to the number of possible CPUs before load */
	__type(key, __u32);
	__type(value, struct systrace_scratch);
} scratch SEC(".maps");

/*
 * -c totals, one slot per CPU and syscall (cpu * SYSTRACE_NR_MAX + nr): a plain mappable array, not a
 * per-CPU one, which allocates each of its 512 values apart (~1 ms at start here) and is read back
 * with one bpf() call per syscall number; this one is read through one mapping.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);		/* possible CPUs * SYSTRACE_NR_MAX, set before load when counting */
	__type(key, __u32);
	__type(value, struct systrace_stat);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SYSTRACE_RING_DEFAULT);	/* --buffer-size resizes it */
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup_filter SEC(".maps");

/* Children forked by traced tasks (-f), adopted at their first syscall. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* a preallocated one costs milliseconds at start */
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u32);
} newborn SEC(".maps");

__u64 newborn_pending = 0;

/* Thread ids of traced tasks, for signal_generate, which names its target only by pid. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u32);
} traced_tids SEC(".maps");

static __always_inline void count_lost(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&lost, &zero);

	if (n)
		*n += 1;
}

static __always_inline bool comm_matches(void)
{
	char comm[16];
	int i;

	if (!comm_filter[0])
		return true;
	bpf_get_current_comm(comm, sizeof(comm));
	for (i = 0; i < 16; i++) {
		if (comm[i] != comm_filter[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

/* The traced state of the current task, or NULL when it is not traced. */
static __always_inline struct systrace_task *current_traced(void)
{
	struct task_struct *task;
	struct systrace_task *st;
	__u64 id;
	__u32 tid;

	if (by_tid) {
		id = bpf_get_current_pid_tgid();
		tid = (__u32)id;
		st = bpf_map_lookup_elem(&task_by_tid, &tid);
		if (!st)
			return NULL;
		if (!st->traced && all_tasks) {
			st->nr = -1;
			st->traced = (id >> 32) != self_tgid ? SYSTRACE_TRACED : SYSTRACE_SELF;
		}
		if (!st->traced || st->traced == SYSTRACE_SELF)
			return NULL;
		goto filters;
	}
	task = bpf_get_current_task_btf();
	st = bpf_task_storage_get(&tasks, task, 0, 0);
	if (!st) {
		id = bpf_get_current_pid_tgid();
		tid = (__u32)id;
		if (all_tasks) {
			st = bpf_task_storage_get(&tasks, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
			if (!st)
				return NULL;
			st->nr = -1;
			st->traced = (id >> 32) != self_tgid;
		} else if (newborn_pending && bpf_map_lookup_elem(&newborn, &tid)) {
			bpf_map_delete_elem(&newborn, &tid);
			__sync_fetch_and_add(&newborn_pending, -1);
			bpf_map_update_elem(&traced_tids, &tid, &tid, BPF_ANY);
			st = bpf_task_storage_get(&tasks, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
			if (!st)
				return NULL;
			st->nr = -1;
			st->traced = SYSTRACE_TRACED;
		} else {
			return NULL;
		}
	}
	if (!st->traced)
		return NULL;
filters:
	if (use_cgroup && bpf_current_task_under_cgroup(&cgroup_filter, 0) != 1)
		return NULL;
	if (!comm_matches())
		return NULL;
	return st;
}

/* A raw tracepoint's arguments, declared here: vmlinux.h's copy would be a CO-RE relocation. */
struct systrace_raw_args {
	__u64 args[5];
};

/*
 * Batched wake-ups: the reader polls with a timeout and is woken only by the record that takes the
 * unread data across the threshold. Not by every record past it: while the reader is busy catching
 * up, each of those would cost the traced task an interrupt to another CPU. The crossing is judged
 * on the ring's own accounting (a record takes its size plus an 8-byte header, rounded to 8): with
 * the bare size, a record could step over the window, the reader was never woken and the ring
 * filled up. reserved: the record is already counted in the unread data (bpf_ringbuf_reserve).
 */
static __always_inline __u64 wakeup_flags(__u64 size, bool reserved)
{
	__u64 avail = bpf_ringbuf_query(&rb, BPF_RB_AVAIL_DATA);
	__u64 took = (size + BPF_RINGBUF_HDR_SZ + 7) & ~7ull;

	if (reserved)
		avail = avail > took ? avail - took : 0;
	return avail < wakeup_bytes && avail + took >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* x86_64 struct pt_regs from r10 to orig_ax: the slice holding the six arguments and the number. */
struct systrace_regs {
	__u64 r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp;
};
#define PT_REGS_R10_OFF 56
#define PT_REGS_IP_OFF 128

#define HDR_SZ ((__u32)sizeof(struct systrace_capture))
/*
 * Mask a length on the very register the next helper call gets: a bound the verifier can see.
 * Without the asm clang tests a copy of the value and passes the unbounded original on. The
 * value is already below the mask wherever this is used, so it changes nothing at run time.
 */
#define bound_rec(x) asm volatile("%0 &= 0x3fff" : "+r"(x))
#define REC_MASK (SYSTRACE_REC_MAX - 1)

/*
 * Append one capture of up to n bytes from user address addr. Returns the new record length.
 * The masks keep every offset provably inside the scratch buffer for the verifier; the checks
 * before them are the real bounds.
 */
enum { PUT_STR = 1 << 8, PUT_TRUNC = 1 << 9 };	/* put_cap's meta: argument index | these */

/* A global function: the verifier checks it once, not once per call site and loop iteration. */
__noinline int put_cap(struct systrace_scratch *s, __u32 off, __u64 addr, __u32 n, __u32 meta)
{
	struct systrace_capture *c;
	struct systrace_rec *r;
	bool str = meta & PUT_STR, trunc = meta & PUT_TRUNC;
	__u8 *data;
	long got;

	if (!s)
		return off;
	r = (void *)s->buf;

	if (off + HDR_SZ + 8 > SYSTRACE_REC_MAX)
		return off;
	if (n > SYSTRACE_REC_MAX - HDR_SZ - off) {
		n = SYSTRACE_REC_MAX - HDR_SZ - off;
		trunc = true;
	}
	if (n > SYSTRACE_CAP_MAX) {
		n = SYSTRACE_CAP_MAX;
		trunc = true;
	}
	bound_rec(n);
	c = (void *)(s->buf + (off & REC_MASK));
	data = s->buf + ((off + HDR_SZ) & REC_MASK);
	c->addr = addr;
	c->arg = meta & 0xff;
	c->pad = 0;
	c->flags = 0;
	if (str) {
		got = bpf_probe_read_user_str(data, n, (void *)addr);
		if (got > 0) {
			c->flags = SYSTRACE_CAPF_STR;
			/* a full buffer means the string may go on: no NUL was seen inside it */
			if ((__u32)got == n) {
				c->flags |= SYSTRACE_CAPF_TRUNC;
				got--;
			}
			n = got;
		}
	} else {
		got = bpf_probe_read_user(data, n, (void *)addr);
		if (got < 0 && n > 4096 - (addr & 4095)) {
			/* a buffer declared bigger than what is mapped: keep what its page holds */
			n = 4096 - (addr & 4095);
			bound_rec(n);
			got = bpf_probe_read_user(data, n, (void *)addr);
			trunc = true;
		}
		if (trunc)
			c->flags = SYSTRACE_CAPF_TRUNC;
	}
	if (got < 0) {
		c->flags = SYSTRACE_CAPF_FAULT;
		n = 0;
	}
	c->len = n;
	r->ncap++;
	return (off + HDR_SZ + n + 7) & ~7u;
}

static __always_inline __u32 put(struct systrace_scratch *s, __u32 off, __u64 addr, __u32 n, __u32 arg,
				 bool str, bool trunc)
{
	return put_cap(s, off, addr, n, arg | (str ? PUT_STR : 0) | (trunc ? PUT_TRUNC : 0));
}

static __always_inline __u64 arg_of(struct systrace_rec *r, __u32 i)
{
	if (i > 5)
		return 0;
	return r->args[i];
}

struct vec_walk {
	struct systrace_scratch *s;
	__u64 addr;
	__u32 off, meta, max, n;
};

static long vec_step(__u64 i, void *data)
{
	struct vec_walk *w = data;
	__u64 p;

	if (bpf_probe_read_user(&p, 8, (void *)(w->addr + 8 * i)))
		return 1;
	w->n = i + 1;	/* the NULL that ends the array is part of it */
	if (!p)
		return 1;
	/* strings for the first STRV_MAX; one pointer more shows whether the list goes on */
	if (w->max && i < SYSTRACE_STRV_MAX)
		w->off = put_cap(w->s, w->off, p, w->max, w->meta);
	return 0;
}

/*
 * argv-style arrays: each string of up to max bytes (none when max is 0), then the pointer array as
 * one capture (envp: only counted). bpf_loop keeps the verifier's work to one pass over the body.
 */
__noinline int cap_vec(struct systrace_scratch *s, __u32 off, __u64 addr, __u32 arg, __u32 max)
{
	struct vec_walk w = { .s = s, .addr = addr, .off = off, .meta = (arg & 0xff) | PUT_STR, .max = max };

	if (!s)
		return off;
	bpf_loop(max ? SYSTRACE_STRV_MAX + 1 : SYSTRACE_PTRV_MAX, vec_step, &w, 0);
	return put(s, w.off, addr, w.n * 8, arg, false, false);
}

#define IOV_ANY (1u << 23)	/* cap_iov's argmax: the return value is not a byte count */

/*
 * struct iovec[count] and each buffer: at most `each` bytes of one buffer (-s), at most `total` over
 * all of them (the bytes a readv returned). argmax packs the argument index and `each` as in cap_vec.
 */
struct iov_walk {
	struct systrace_scratch *s;
	__u64 addr, total;
	__u32 off, count, arg, each;
};

static long iov_step(__u64 i, void *data)
{
	struct iov_walk *w = data;
	struct {
		__u64 base, len;
	} iov;
	__u32 n;

	if (i >= w->count || !w->total)
		return 1;
	if (bpf_probe_read_user(&iov, sizeof(iov), (void *)(w->addr + 16 * i)))
		return 1;
	n = iov.len > w->each ? w->each : iov.len;
	if (n > w->total)
		n = w->total;
	w->total -= iov.len < w->total ? iov.len : w->total;
	w->off = put(w->s, w->off, iov.base, n, w->arg, false, n < iov.len);
	return 0;
}

/*
 * The buffers in a bpf_loop: as a plain loop the verifier walked each of its 8 turns with every
 * combination of the clamps before (2000 of the exit program's 3400 instructions, ~1 ms at start).
 */
__noinline int cap_iov(struct systrace_scratch *s, __u32 off, __u64 addr, __u32 count, __u32 argmax)
{
	struct iov_walk w = { .s = s, .addr = addr, .total = ~0ull, .arg = argmax & 0xff,
			      .each = (argmax >> 8) & 0x7fff };
	struct systrace_rec *r;
	__u32 start = off;

	if (!s)
		return off;
	r = (void *)s->buf;
	/* the return counts bytes, except for sendmmsg/recvmmsg's messages (IOV_ANY) */
	if (r->type == SYSTRACE_REC_EXIT && r->ret >= 0 && !(argmax & IOV_ANY))
		w.total = r->ret;
	/* what strace shows: -s elements (the per-buffer limit is -s too) */
	if (count > w.each)
		count = w.each;
	if (count > SYSTRACE_VEC_MAX)
		count = SYSTRACE_VEC_MAX;
	off = put(s, off, addr, count * 16, w.arg, false, false);
	if (off == start)
		return off;
	w.off = off;
	w.count = count;
	bpf_loop(SYSTRACE_VEC_MAX, iov_step, &w, 0);
	return w.off;
}

/* struct msghdr: the header, the address, the iovec array with its buffers, the control data. */
__noinline int cap_msghdr(struct systrace_scratch *s, __u32 off, __u64 addr, __u32 arg, __u32 max)
{
	struct {
		__u64 name;
		__u32 namelen, pad;
		__u64 iov, iovlen, control, controllen;
		__u32 flags, pad2;
	} m;
	__u32 start = off;

	if (!s)
		return off;
	if (bpf_probe_read_user(&m, sizeof(m), (void *)addr))
		return put(s, off, addr, sizeof(m), arg, false, false);
	off = put(s, off, addr, sizeof(m), arg, false, false);
	if (off == start)
		return off;
	if (m.name && m.namelen)
		off = put(s, off, m.name, m.namelen > 128 ? 128 : m.namelen, arg, false, false);
	if (m.control && m.controllen)
		off = put(s, off, m.control, m.controllen > 512 ? 512 : m.controllen, arg, false,
			  m.controllen > 512);
	if (m.iov && m.iovlen)
		off = cap_iov(s, off, m.iov, m.iovlen, arg | max << 8);
	return off;
}

/* struct mmsghdr[count] (64 bytes each), then each message's memory as cap_msghdr takes it. */
__noinline int cap_mmsghdr(struct systrace_scratch *s, __u32 off, __u64 addr, __u32 count, __u32 argmax)
{
	__u32 i, start = off;

	if (!s)
		return off;
	if (count > SYSTRACE_MMSG_MAX)
		count = SYSTRACE_MMSG_MAX;
	off = put(s, off, addr, count * 64, argmax & 0xff, false, false);
	if (off == start)
		return off;
	for (i = 0; i < SYSTRACE_MMSG_MAX && i < count; i++)
		off = cap_msghdr(s, off, addr + 64 * i, argmax & 0xff, ((argmax >> 8) & 0x7fff) | IOV_ANY >> 8);
	return off;
}

/*
 * Strings, string/pointer arrays and fixed-size structs: all that entry records capture unless every
 * syscall has one (split mode, -f: systrace_enter_all_caps), as tk_systrace_plan() makes them for
 * execve and execveat (a path, argv, envp) and for the inputs select, pselect6 and ppoll overwrite. A dispatcher of its own keeps systrace_enter from carrying
 * the whole capture engine (see there). cap_one hands these kinds over too.
 */
__noinline int cap_entry(struct systrace_scratch *s, __u32 off, const struct systrace_cap *cap)
{
	struct systrace_rec *r;
	__u64 addr;

	if (!s || !cap)
		return off;
	r = (void *)s->buf;
	if (cap->kind == SYSTRACE_CAP_STACK)
		return r->sp ? put(s, off, r->sp + cap->mul, cap->max, cap->arg, false, false) : off;
	addr = arg_of(r, cap->arg);
	if (!addr)
		return off;
	switch (cap->kind) {
	case SYSTRACE_CAP_STR:
		return put(s, off, addr, cap->max, cap->arg, true, false);
	case SYSTRACE_CAP_FIXED:	/* inputs the call overwrites (select's sets, timeouts) */
		return put(s, off, addr, cap->max, cap->arg, false, false);
	case SYSTRACE_CAP_STRV:
		return cap_vec(s, off, addr, cap->arg, cap->max);
	case SYSTRACE_CAP_PTRV:
		return cap_vec(s, off, addr, cap->arg, 0);
	default:
		return off;
	}
}

/* The inode number of the current task's descriptor fd, or 0. */
static __always_inline __u64 fd_ino(__s32 fd)
{
	__u64 p = bpf_get_current_task(), ino = 0;
	__u32 max_fds;

	if (fd < 0 || bpf_probe_read_kernel(&p, 8, (void *)(p + fdino_off[SYSTRACE_OFF_TASK_FILES])) || !p ||
	    bpf_probe_read_kernel(&p, 8, (void *)(p + fdino_off[SYSTRACE_OFF_FILES_FDT])) || !p ||
	    bpf_probe_read_kernel(&max_fds, 4, (void *)(p + fdino_off[SYSTRACE_OFF_FDT_MAX_FDS])) ||
	    (__u32)fd >= max_fds ||
	    bpf_probe_read_kernel(&p, 8, (void *)(p + fdino_off[SYSTRACE_OFF_FDT_FD])) || !p ||
	    bpf_probe_read_kernel(&p, 8, (void *)(p + 8 * (__u64)fd)) || !p ||
	    bpf_probe_read_kernel(&p, 8, (void *)(p + fdino_off[SYSTRACE_OFF_FILE_INODE])) || !p ||
	    bpf_probe_read_kernel(&ino, 8, (void *)(p + fdino_off[SYSTRACE_OFF_INODE_INO])))
		return 0;
	return ino;
}

/*
 * -y: the descriptors a pipe/socket call made, with their inode numbers (see SYSTRACE_CAP_FDINO).
 * Not user memory, so not put_cap: the pairs are written into the record directly.
 */
__noinline int cap_fdino(struct systrace_scratch *s, __u32 off, __u64 addr, __u32 two)
{
	struct systrace_capture *c;
	struct systrace_fdino *e;
	struct systrace_rec *r;
	__s32 fds[2] = { -1, -1 };
	__u32 i, n = two ? 2 : 1;

	if (!s)
		return off;
	r = (void *)s->buf;
	if (r->ret < 0 || off + HDR_SZ + 2 * sizeof(*e) > SYSTRACE_REC_MAX)
		return off;
	if (two) {
		if (!addr || bpf_probe_read_user(fds, sizeof(fds), (void *)addr))
			return off;
	} else {
		fds[0] = (__s32)r->ret;
	}
	c = (void *)(s->buf + (off & REC_MASK));
	c->addr = 0;
	c->arg = 0;
	c->flags = SYSTRACE_CAPF_FDINO;
	c->pad = 0;
	c->len = n * sizeof(*e);
	for (i = 0; i < 2 && i < n; i++) {
		e = (void *)(s->buf + ((off + HDR_SZ + i * sizeof(*e)) & REC_MASK));
		if ((void *)(e + 1) > (void *)(s->buf + SYSTRACE_SCRATCH))
			return off;
		e->fd = fds[i];
		e->pad = 0;
		e->ino = fd_ino(fds[i]);
	}
	r->ncap++;
	return off + HDR_SZ + n * sizeof(*e);
}

__noinline int cap_one(struct systrace_scratch *s, __u32 off, const struct systrace_cap *cap)
{
	struct systrace_rec *r;
	__u64 addr, want = 0;
	__u32 len32;

	if (!s || !cap)
		return off;
	if (cap->kind == SYSTRACE_CAP_STR || cap->kind == SYSTRACE_CAP_STRV || cap->kind == SYSTRACE_CAP_PTRV ||
	    cap->kind == SYSTRACE_CAP_STACK)
		return cap_entry(s, off, cap);
	r = (void *)s->buf;
	/* only planned with -y, when the offsets were found: dead code for the verifier otherwise */
	if (fdino_off[SYSTRACE_OFF_INODE_INO] && cap->kind == SYSTRACE_CAP_FDINO)
		return cap_fdino(s, off, cap->max == 2 ? arg_of(r, cap->arg) : 0, cap->max == 2);
	addr = arg_of(r, cap->arg);
	if (!addr)
		return off;
	switch (cap->kind) {
	case SYSTRACE_CAP_FIXED:
		return put(s, off, addr, cap->max, cap->arg, false, false);
	case SYSTRACE_CAP_ARGLEN:
		want = arg_of(r, cap->len_arg) * (cap->mul ? cap->mul : 1);
		break;
	case SYSTRACE_CAP_RETLEN:
		if (r->ret <= 0)
			return off;
		want = r->ret * (cap->mul ? cap->mul : 1);
		break;
	case SYSTRACE_CAP_PTRLEN:
		if (!arg_of(r, cap->len_arg) ||
		    bpf_probe_read_user(&len32, 4, (void *)arg_of(r, cap->len_arg)))
			return off;
		off = put(s, off, arg_of(r, cap->len_arg), 4, cap->len_arg, false, false);
		want = len32;
		break;
	case SYSTRACE_CAP_IOV:
		want = arg_of(r, cap->len_arg);
		return cap_iov(s, off, addr, want > 1024 ? 1024 : want, cap->arg | cap->max << 8);
	case SYSTRACE_CAP_MSGHDR:
		return cap_msghdr(s, off, addr, cap->arg, cap->max);
	case SYSTRACE_CAP_MMSGHDR:
		return cap_mmsghdr(s, off, addr, (__u32)arg_of(r, cap->len_arg), cap->arg | cap->max << 8);
	default:
		return off;
	}
	return put(s, off, addr, want > cap->max ? cap->max : want, cap->arg, false, want > cap->max);
}

static __always_inline void emit(struct systrace_raw_args *ctx, struct systrace_task *st,
				 struct systrace_sysdesc *desc, __u8 type, __s32 nr, __s64 ret, bool all_caps)
{
	__u32 cpu = bpf_get_smp_processor_id(), off, i;
	struct systrace_scratch *s = bpf_map_lookup_elem(&scratch, &cpu);
	struct systrace_regs regs;
	struct systrace_rec *r;
	__u64 flags, id, size;

	if (!s)
		return;
	if (s->busy) {		/* another record on this CPU was preempted half-way */
		count_lost();
		return;
	}
	s->busy = 1;
	r = (void *)s->buf;
	if (bpf_probe_read_kernel(&regs, sizeof(regs), (void *)(ctx->args[0] + PT_REGS_R10_OFF)))
		__builtin_memset(&regs, 0, sizeof(regs));
	id = bpf_get_current_pid_tgid();
	r->type = type;
	r->ncap = 0;
	r->nr = nr;
	r->tid = (__u32)id;
	r->tgid = id >> 32;
	/* clock reads cost real time in this guest: only when a timestamp will be shown */
	r->ts = want_time ? bpf_ktime_get_ns() : 0;
	r->ts_enter = type == SYSTRACE_REC_ENTER ? r->ts : st->ts;
	r->ret = ret;
	r->ip = regs.ip;
	r->sp = regs.sp;
	r->args[0] = regs.di;
	r->args[1] = regs.si;
	r->args[2] = regs.dx;
	r->args[3] = regs.r10;
	r->args[4] = regs.r8;
	r->args[5] = regs.r9;
	if (want_comm)
		bpf_get_current_comm(r->comm, sizeof(r->comm));
	else
		r->comm[0] = 0;
	off = sizeof(*r);
	for (i = 0; i < SYSTRACE_MAX_CAPS; i++) {
		if (i >= desc->ncaps)
			break;
		if (desc->caps[i].when != (type == SYSTRACE_REC_ENTER ? SYSTRACE_AT_ENTRY : SYSTRACE_AT_EXIT))
			continue;
		if (type == SYSTRACE_REC_ENTER && !all_caps)
			off = cap_entry(s, off, &desc->caps[i]);
		else
			off = cap_one(s, off, &desc->caps[i]);
	}
	if (type == SYSTRACE_REC_ENTER && off == sizeof(*r) && (desc->flags & SYSTRACE_SYS_ENTRY_CAPS)) {
		s->busy = 0;	/* recv()'s NULL address and length: the exit record says it all */
		return;
	}
	size = off > SYSTRACE_REC_MAX ? SYSTRACE_REC_MAX : off;
	/* a bound the verifier sees on the very register passed on (clang tests a copy otherwise) */
	asm volatile("%0 &= 0x7fff" : "+r"(size));
	r->size = size;
	flags = wakeup_flags(size, false);
	if (bpf_ringbuf_output(&rb, s->buf, size, flags))
		count_lost();
	s->busy = 0;
}

/*
 * The traced state of the current task at a syscall's entry, with its number, or NULL when the call
 * is not followed (st->nr says -1 to its exit then).
 */
static __always_inline struct systrace_task *enter_traced(struct systrace_raw_args *ctx, __u32 *nrp)
{
	struct systrace_task *st = current_traced();
	__u32 nr;

	if (!st)
		return NULL;
	nr = (__u32)ctx->args[1];
	if (nr >= SYSTRACE_NR_MAX) {
		st->nr = -1;
		return NULL;
	}
	if (st->traced == SYSTRACE_AWAIT_EXEC) {
		/* a command we launch: traced from its execve on, like strace's first line */
		if (nr != execve_nr && nr != execveat_nr) {
			st->nr = -1;
			return NULL;
		}
		st->traced = SYSTRACE_TRACED;
	}
	*nrp = nr;
	return st;
}

static __always_inline int enter(struct systrace_raw_args *ctx, bool all_caps)
{
	struct systrace_sysdesc *desc;
	struct systrace_task *st;
	__u32 nr;

	st = enter_traced(ctx, &nr);
	if (!st)
		return 0;
	asm volatile("%0 &= 0x1ff" : "+r"(nr));	/* < SYSTRACE_NR_MAX, checked above; for the verifier */
	desc = &sysdesc[nr];
	/* (an unselected exit_group still goes on: it reports the task's end) */
	if (!(desc->flags & (SYSTRACE_SYS_SELECTED | SYSTRACE_SYS_NORETURN))) {
		st->nr = -1;
		return 0;
	}
	st->nr = nr;
	st->ts = want_time ? bpf_ktime_get_ns() : 0;
	if (desc->flags & SYSTRACE_SYS_ENTRY)
		emit(ctx, st, desc, SYSTRACE_REC_ENTER, nr, 0, all_caps);
	return 0;
}

/*
 * Three entry programs, one loaded: entry records with execve's kinds of capture only (strings and
 * string arrays), with every kind (split mode, -f: tk_systrace_plan() puts inputs at entry), or none
 * at all (-c). The verifier's time goes with the code a program carries, not only with the paths it
 * walks: the whole capture engine (cap_one) in the first costs ~0.8 ms more at start; the counting
 * pair is ~100 instructions instead of ~1100.
 */
SEC("raw_tp/sys_enter")
int systrace_enter(struct systrace_raw_args *ctx)
{
	return enter(ctx, false);
}

SEC("raw_tp/sys_enter")
int systrace_enter_all_caps(struct systrace_raw_args *ctx)
{
	return enter(ctx, true);
}

SEC("raw_tp/sys_enter")
int systrace_count_enter(struct systrace_raw_args *ctx)
{
	struct systrace_task *st;
	__u32 nr;

	st = enter_traced(ctx, &nr);
	if (!st)
		return 0;
	asm volatile("%0 &= 0x1ff" : "+r"(nr));
	if (!(sysdesc[nr].flags & SYSTRACE_SYS_SELECTED)) {
		st->nr = -1;
		return 0;
	}
	if (sysdesc[nr].flags & SYSTRACE_SYS_NORETURN) {
		/* strace -c counts calls at their exit: exit/exit_group, which have none, are not listed */
		st->nr = -1;
		return 0;
	}
	st->nr = nr;
	st->ts = bpf_ktime_get_ns();
	return 0;
}

/* log2 without __builtin_clzll, which crashes clang 14's BPF backend */
static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r;
}

/* A followed syscall's exit: its number, or -1 when the call is not reported (-z/-Z filter it out). */
static __always_inline __s32 exit_traced(struct systrace_task *st, __s64 ret)
{
	__s32 nr;

	if (!st || st->nr < 0)	/* not traced, or no entry seen (a new child's first return) */
		return -1;
	nr = st->nr;
	st->nr = -1;
	if (status_filter && (sysdesc[nr & (SYSTRACE_NR_MAX - 1)].flags & SYSTRACE_SYS_ANY_STATUS))
		return nr;	/* the printer applies -z/-Z to its line, if it has one */
	if (status_filter == 1 && ret < 0 && ret >= -4095)
		return -1;
	if (status_filter == 2 && !(ret < 0 && ret >= -4095))
		return -1;
	return nr;
}

SEC("raw_tp/sys_exit")
int systrace_exit(struct systrace_raw_args *ctx)
{
	struct systrace_task *st = current_traced();
	__s64 ret = (__s64)ctx->args[1];
	__s32 nr = exit_traced(st, ret);
	__u32 key;

	if (nr < 0 || !st)
		return 0;
	key = nr;
	if (key >= SYSTRACE_NR_MAX)
		return 0;
	emit(ctx, st, &sysdesc[key], SYSTRACE_REC_EXIT, nr, ret, true);
	return 0;
}

SEC("raw_tp/sys_exit")
int systrace_count_exit(struct systrace_raw_args *ctx)
{
	struct systrace_task *st = current_traced();
	__s64 ret = (__s64)ctx->args[1];
	__s32 nr = exit_traced(st, ret);
	struct systrace_stat *stat;
	__u32 key;
	__u64 d;

	if (nr < 0 || !st || nr >= SYSTRACE_NR_MAX)
		return 0;
	key = bpf_get_smp_processor_id() * SYSTRACE_NR_MAX + nr;
	stat = bpf_map_lookup_elem(&stats, &key);
	if (!stat)
		return 0;
	d = bpf_ktime_get_ns() - st->ts;
	stat->calls++;
	stat->ns += d;
	if (ret < 0 && ret >= -4095)
		stat->errors++;
	key = log2_u64(d);
	if (key < SYSTRACE_HIST_SLOTS)
		stat->hist[key]++;
	return 0;
}

/*
 * A signal about to be delivered to a traced task (it runs in that task): the record carries the
 * first 48 bytes of its siginfo (struct kernel_siginfo, the uapi siginfo_t's fields) in args.
 */
/* -i: where the current task is in user space, from the registers it entered the kernel with. */
static __always_inline __u64 current_user_ip(void)
{
	__u64 ip = 0;

	if (!want_ip)
		return 0;
	if (bpf_probe_read_kernel(&ip, sizeof(ip),
				  (char *)bpf_task_pt_regs(bpf_get_current_task_btf()) + PT_REGS_IP_OFF))
		return 0;
	return ip;
}

SEC("raw_tp/signal_deliver")
int systrace_signal(struct systrace_raw_args *ctx)
{
	struct systrace_task *st = current_traced();
	struct systrace_rec *r;
	__u64 id, flags;

	if (!st || st->traced != SYSTRACE_TRACED)
		return 0;
	r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);
	if (!r) {
		count_lost();
		return 0;
	}
	id = bpf_get_current_pid_tgid();
	r->size = sizeof(*r);
	r->type = SYSTRACE_REC_SIGNAL;
	r->ncap = 0;
	r->nr = (__s32)ctx->args[0];
	r->tid = (__u32)id;
	r->tgid = id >> 32;
	r->ts = r->ts_enter = want_time ? bpf_ktime_get_ns() : 0;
	r->ret = 0;
	r->ip = current_user_ip();
	r->sp = 0;
	if (bpf_probe_read_kernel(r->args, sizeof(r->args), (void *)ctx->args[1]))
		__builtin_memset(r->args, 0, sizeof(r->args));
	r->comm[0] = 0;
	if (want_comm)
		bpf_get_current_comm(r->comm, sizeof(r->comm));
	flags = wakeup_flags(sizeof(*r), true);
	bpf_ringbuf_submit(r, flags);
	return 0;
}

/*
 * A signal the kernel discards at once (SIGCHLD with its default action, ...) is never delivered,
 * so signal_deliver misses it; strace shows it because ptrace keeps it queued. signal_generate sees
 * it, in the sender: its raw arguments are sig, info, the target task, group, result; the target's
 * thread id is read at task_pid_off. (The classic tracepoint has the pid as a field, but its
 * perf-event link costs ~10-30 ms to close: perf's tracepoint detach waits for RCU.)
 */
#define TRACE_SIGNAL_IGNORED 1

/* The thread id of a task_struct pointer a raw tracepoint passed, 0 if unreadable. */
static __always_inline __u32 task_tid(__u64 task)
{
	__u32 tid = 0;

	if (bpf_probe_read_kernel(&tid, 4, (void *)(task + task_pid_off)))
		return 0;
	return tid;
}

#define TRACE_SIGNAL_DELIVERED 0
/* signal(7)'s Term and Core signals but SIGKILL (which ptrace never shows), as bits 1..31 */
#define FATAL_DEFAULT_MASK (0xfffffffeu & ~((1u << 9) | (1u << 17) | (1u << 18) | (1u << 19) | (1u << 20) | \
					    (1u << 21) | (1u << 22) | (1u << 23) | (1u << 28)))

SEC("raw_tp/signal_generate")
int systrace_siggen(struct systrace_raw_args *ctx)
{
	struct systrace_rec *r;
	__u32 tid, sig = (__u32)ctx->args[0];
	__s64 kind;
	__u64 id;

	if (ctx->args[4] == TRACE_SIGNAL_IGNORED)
		kind = SYSTRACE_SIG_DISCARDED;
	else if (ctx->args[4] == TRACE_SIGNAL_DELIVERED && task_exit_code_off &&
		 (sig >= 32 ? sig <= 64 : (FATAL_DEFAULT_MASK >> sig) & 1))
		kind = SYSTRACE_SIG_GENERATED;
	else
		return 0;
	tid = task_tid(ctx->args[2]);
	if (!tid)
		return 0;
	if (by_tid) {
		struct systrace_task *st = bpf_map_lookup_elem(&task_by_tid, &tid);

		if (!st || st->traced != SYSTRACE_TRACED)
			return 0;
	} else if (!all_tasks && !bpf_map_lookup_elem(&traced_tids, &tid)) {
		return 0;
	}
	r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);
	if (!r) {
		count_lost();
		return 0;
	}
	r->size = sizeof(*r);
	r->type = SYSTRACE_REC_SIGNAL;
	r->ncap = 0;
	r->nr = (__s32)ctx->args[0];
	r->tid = tid;
	r->tgid = 0;
	r->ts = r->ts_enter = want_time ? bpf_ktime_get_ns() : 0;
	r->ret = kind;
	r->ip = 0;	/* the sender runs here, not the target: its place is known where it is shown */
	r->sp = 0;
	/*
	 * SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) are not pointers: the siginfo the kernel
	 * makes of them, si_code SI_USER with the sender's pid and uid, or SI_KERNEL
	 */
	if (ctx->args[1] < 4096 || bpf_probe_read_kernel(r->args, sizeof(r->args), (void *)ctx->args[1])) {
		__builtin_memset(r->args, 0, sizeof(r->args));
		r->args[0] = sig;
		if (ctx->args[1] == 1) {
			r->args[1] = 0x80;	/* SI_KERNEL */
		} else if (ctx->args[1] == 0) {
			id = bpf_get_current_pid_tgid();
			r->args[2] = (id >> 32) | (bpf_get_current_uid_gid() << 32 & 0xffffffff00000000ull);
		}
	}
	r->comm[0] = 0;
	bpf_ringbuf_submit(r, wakeup_flags(sizeof(*r), true));
	return 0;
}

/* -f: a traced task's new child or thread is traced from its first syscall (autoload off otherwise). */
SEC("raw_tp/sched_process_fork")
int systrace_fork(struct systrace_raw_args *ctx)
{
	struct systrace_task *st, *cst;
	__u32 child, one = 1, tid;

	if (by_tid) {
		tid = (__u32)bpf_get_current_pid_tgid();
		st = bpf_map_lookup_elem(&task_by_tid, &tid);
	} else {
		st = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0, 0);
	}
	if (!st || st->traced != SYSTRACE_TRACED)
		return 0;
	child = task_tid(ctx->args[1]);	/* its raw arguments: parent, child */
	if (!child)
		return 0;
	if (by_tid) {
		cst = bpf_map_lookup_elem(&task_by_tid, &child);
		if (cst) {
			cst->nr = -1;
			cst->ts = 0;
			cst->traced = SYSTRACE_TRACED;
		}
		return 0;
	}
	if (!bpf_map_update_elem(&newborn, &child, &one, BPF_NOEXIST))
		__sync_fetch_and_add(&newborn_pending, 1);
	return 0;
}

/*
 * by_tid, -f: execve from a non-leader thread gives the thread the leader's id (the leader's slot
 * was cleared when it was killed); the thread's state moves to its new id, so the execve's exit and
 * all that follows are still traced. (Task storage follows the task itself: nothing to do there.)
 */
SEC("raw_tp/sched_process_exec")
int systrace_exec(struct systrace_raw_args *ctx)
{
	__u32 old = (__u32)ctx->args[1], tid = (__u32)bpf_get_current_pid_tgid();
	struct systrace_task *from, *to;

	if (old == tid)
		return 0;
	from = bpf_map_lookup_elem(&task_by_tid, &old);
	to = bpf_map_lookup_elem(&task_by_tid, &tid);
	if (!from || !to || from->traced != SYSTRACE_TRACED)
		return 0;
	*to = *from;
	from->traced = SYSTRACE_UNTRACED;
	from->nr = -1;
	return 0;
}

/*
 * A traced task ends: its wait status (task_struct.exit_code, set before this tracepoint: the
 * group's status for threads a group exit or a fatal signal ends) goes to the reader, which reports
 * it as ptrace does ("+++ exited with 3 +++", "+++ killed by SIGTERM +++"); without the record a
 * signal's shortcut to a group exit shows only as SIGKILL. by_tid: the slot is cleared for
 * whoever gets the thread id next.
 */
SEC("raw_tp/sched_process_exit")
int systrace_task_exit(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct systrace_task *st;
	struct systrace_rec *r;
	int code = 0;

	(void)ctx;
	if (by_tid)
		st = bpf_map_lookup_elem(&task_by_tid, &tid);
	else
		st = bpf_task_storage_get(&tasks, bpf_get_current_task_btf(), 0, 0);
	if (!st || !st->traced)
		return 0;
	if (task_exit_code_off && st->traced == SYSTRACE_TRACED &&
	    !bpf_probe_read_kernel(&code, 4, (void *)(bpf_get_current_task() + task_exit_code_off))) {
		r = bpf_ringbuf_reserve(&rb, sizeof(*r), 0);
		if (r) {
			r->size = sizeof(*r);
			r->type = SYSTRACE_REC_TASKEXIT;
			r->ncap = 0;
			r->nr = -1;
			r->tid = tid;
			r->tgid = id >> 32;
			r->ts = r->ts_enter = want_time ? bpf_ktime_get_ns() : 0;
			r->ret = code;
			r->ip = current_user_ip();
			r->sp = 0;
			__builtin_memset(r->args, 0, sizeof(r->args));
			r->comm[0] = 0;
			bpf_ringbuf_submit(r, wakeup_flags(sizeof(*r), true));
		} else {
			count_lost();
		}
	}
	if (by_tid) {
		st->traced = SYSTRACE_UNTRACED;
		st->nr = -1;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

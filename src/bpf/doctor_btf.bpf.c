// SPDX-License-Identifier: GPL-2.0
/*
 * doctor's probes for the BTF-typed attach kinds. Each program is loaded on its own (the others'
 * autoload switched off), so a kernel that refuses one kind does not hide the others.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

const volatile __u32 target_tgid = 0;
__u64 hits = 0;

/* BTF-typed raw tracepoint: the cheapest syscall hook (no tracepoint argument copying). */
SEC("tp_btf/sys_enter")
int BPF_PROG(doctor_tp_btf, struct pt_regs *regs, long id)
{
	if ((bpf_get_current_pid_tgid() >> 32) == target_tgid && id == 110 /* getppid */)
		__sync_fetch_and_add(&hits, 1);
	return 0;
}

/* BPF trampoline on a kernel function: refused under some lockdown configurations. */
SEC("fentry/__do_sys_getppid")
int BPF_PROG(doctor_fentry)
{
	if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
		__sync_fetch_and_add(&hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

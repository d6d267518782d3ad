// SPDX-License-Identifier: GPL-2.0
/* doctor's proof that BPF works here: count our own getppid() calls from a syscall tracepoint. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid = 0;
__u64 hits = 0;

SEC("tracepoint/syscalls/sys_enter_getppid")
int doctor_getppid(void *ctx)
{
	if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	__sync_fetch_and_add(&hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

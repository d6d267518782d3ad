#!/usr/bin/env python3
"""Write a synthetic `perf script` dump shaped like the issue's reference recording: about 64 MB,
118k samples, 12.5k distinct stacks (user frames with offsets and dsos, kernel frames under some,
[unknown] frames, several processes and threads). Deterministic (fixed seed).
usage: gen-perf-script.py OUT [SAMPLES] [STACKS]"""
import random
import sys
import zlib

out_path = sys.argv[1]
samples = int(sys.argv[2]) if len(sys.argv) > 2 else 118000
nstacks = int(sys.argv[3]) if len(sys.argv) > 3 else 12500
rng = random.Random(42)

comms = [("java", 4100), ("postgres", 5200), ("nginx: worker", 6300), ("python3", 7400), ("node", 8500)]
dsos = ["/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so",
        "/usr/lib/postgresql/15/bin/postgres", "/usr/sbin/nginx", "/usr/bin/python3.11", "/usr/bin/node"]
words = ["alloc", "hash", "parse", "read", "write", "scan", "sort", "merge", "send", "recv", "lock", "wait",
         "copy", "insert", "lookup", "flush", "encode", "decode", "visit", "eval", "emit", "poll"]
kernel = ["entry_SYSCALL_64_after_hwframe", "do_syscall_64", "__x64_sys_read", "ksys_read", "vfs_read",
          "new_sync_read", "sock_read_iter", "tcp_recvmsg", "__x64_sys_write", "vfs_write", "ext4_file_write_iter",
          "generic_perform_write", "copy_user_enhanced_fast_string", "native_queued_spin_lock_slowpath",
          "__schedule", "schedule", "futex_wait", "do_futex", "__x64_sys_futex", "asm_exc_page_fault",
          "exc_page_fault", "do_user_addr_fault", "handle_mm_fault", "clear_page_erms"]
funcs = ["%s_%s_%d" % (rng.choice(words), rng.choice(words), i) for i in range(4000)]

stacks = set()
stack_list = []
while len(stack_list) < nstacks:
    ci = rng.randrange(len(comms))
    depth = rng.randint(3, 10)
    unknown_leaf = rng.random() < 0.1
    # callers near the root come from small pools, so stacks share prefixes as real ones do
    user = [funcs[rng.randrange(min(len(funcs), 8 * (d + 1) ** 2))] for d in range(depth)]
    kern = []
    if rng.random() < 0.3:
        k0 = rng.randrange(0, len(kernel) - 4)
        kern = kernel[k0:k0 + rng.randint(2, 5)]
    key = (ci, tuple(user), tuple(kern), unknown_leaf)
    if key in stacks:
        continue
    stacks.add(key)
    stack_list.append(key)

weights = [1.0 / (i + 1) ** 0.8 for i in range(nstacks)]
with open(out_path, "w") as f:
    f.write("# ========\n# captured on: synthetic\n# cmdline : /usr/bin/perf record -F 99 -a -g\n# ========\n#\n")
    t = 1000.0
    for n, idx in enumerate(rng.choices(range(nstacks), weights=weights, k=samples)):
        ci, user, kern, unknown_leaf = stack_list[idx]
        comm, pid = comms[ci]
        tid = pid + rng.randrange(8)
        t += 0.000101
        f.write("%s %d/%d [%03d] %.6f: %d cpu-clock:pppH: \n" % (comm, pid, tid, n % 4, t, 10101010))
        for k in reversed(kern):
            f.write("\tffffffff8%07x %s+0x%x ([kernel.kallsyms])\n" % (zlib.crc32(k.encode()) & 0xfffffff, k, len(k) * 7))
        dso = dsos[ci % len(dsos)]
        for d, fn in enumerate(reversed(user)):
            if d == 0 and unknown_leaf:
                f.write("\t    %x [unknown] (%s)\n" % (0x7f0000000000 + d * 4096, dso))
            else:
                c = zlib.crc32(fn.encode())
                f.write("\t    %x %s+0x%x (%s)\n" % (0x55d5c0000000 + (c & 0xffffff), fn, c % 251 + 5, dso))
        f.write("\n")

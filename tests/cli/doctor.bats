#!/usr/bin/env bats
# tracekit doctor on the real kernel. The expectations about this machine kind's kernel (BPF yes,
# kprobes no, ...) are asserted only when the kernel really is that way, which doctor must prove.
load helpers

@test "doctor --json parses and has every check" {
	run tk doctor --json
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for k in ["kernel","root","cap_bpf","cap_perfmon","cap_sys_ptrace","tracefs","btf","bpf","ringbuf","tp_btf","fentry",
          "kprobes","uprobes","function_tracer","function_graph_tracer","perf_event_paranoid",
          "hardware_pmu","software_clock","ptrace"]:
    c = d["checks"][k]
    assert c["state"] in ("yes","no","warn"), k
    assert c["detail"], k
assert "doctor" not in d["commands"]
'
}

@test "doctor proves BPF by loading a program (root)" {
	require_root
	run tk doctor --json
	[ "$status" -eq 0 ]
	echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)["checks"]
if d["bpf"]["ok"]:
    assert "saw 3 of 3" in d["bpf"]["detail"], d["bpf"]
'
}

@test "doctor agrees with the kernel config about kprobes" {
	[ -r /proc/config.gz ] || skip "no /proc/config.gz to compare with"
	run tk doctor --json
	kp=$(echo "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)["checks"]["kprobes"]["ok"])')
	if zgrep -q '^CONFIG_KPROBES=y' /proc/config.gz; then
		[ "$kp" = True ]
	else
		[ "$kp" = False ]
		[[ "$output" == *"CONFIG_KPROBES is not enabled in this kernel"* ]]
	fi
}

@test "doctor: hardware PMU absent means software fallback is named" {
	run tk doctor --json
	echo "$output" | python3 -c '
import json, sys
c = json.load(sys.stdin)["checks"]
if not c["hardware_pmu"]["ok"]:
    assert c["software_clock"]["ok"]
    assert "software clock used instead" in c["hardware_pmu"]["detail"]
'
}

@test "doctor: function_graph listed only when available_tracers has it" {
	require_root
	run tk doctor --json
	g=$(echo "$output" | python3 -c 'import json,sys; print(json.load(sys.stdin)["checks"]["function_graph_tracer"]["ok"])')
	if grep -qw function_graph /sys/kernel/tracing/available_tracers; then
		:
	else
		[ "$g" = False ]
	fi
}

# The mount tests run in a private mount namespace: unmounting tracefs there cannot disturb any other
# tracer on the machine (nor the host's mounts if the test dies half-way).
in_private_mounts() {
	unshare -m --propagation private sh -c '
		for m in $(awk "\$3 == \"tracefs\" { print \$2 }" /proc/self/mounts | sort -r); do
			umount "$m" || exit 97
		done
		grep -q " tracefs " /proc/self/mounts && exit 98
		"$@"' sh "$@"
}

@test "doctor mounts tracefs when it is absent and says so" {
	require_root
	require_cmd unshare
	run in_private_mounts sh -c '"$0" doctor && grep " tracefs " /proc/self/mounts' "$TRACEKIT"
	[ "$status" -ne 97 ] || skip "cannot unmount tracefs even in a private mount namespace"
	[ "$status" -eq 0 ]
	[[ "$output" == *"was not mounted; mounted it at /sys/kernel/tracing"* ]]
	[[ "$output" == *"/sys/kernel/tracing tracefs"* ]]
}

@test "doctor --no-mount leaves tracefs unmounted" {
	require_root
	require_cmd unshare
	# only /sys/kernel/tracing counts: where debugfs is mounted, libbpf's tracepoint lookup may
	# trigger the kernel's own tracefs automount under /sys/kernel/debug/tracing, which is not ours
	run in_private_mounts sh -c '"$0" doctor --no-mount --json > "$1"; grep -c " /sys/kernel/tracing tracefs " /proc/self/mounts' \
		"$TRACEKIT" "$BATS_TEST_TMPDIR/out.json"
	[ "$status" -ne 97 ] || skip "cannot unmount tracefs even in a private mount namespace"
	[ "$output" = 0 ]
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert not d["checks"]["tracefs"]["ok"], d' \
		"$BATS_TEST_TMPDIR/out.json"
}

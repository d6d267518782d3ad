#!/usr/bin/env bats
# tracekit doctor on the real kernel. The expectations about this machine kind's kernel (BPF yes,
# kprobes no, ...) are asserted only when the kernel really is that way, which doctor must prove.
load helpers

# Whatever a test did to tracefs, leave it mounted as we found it.
teardown() {
	if [ "$(id -u)" = 0 ] && ! grep -q ' tracefs ' /proc/mounts; then
		mount -t tracefs nodev /sys/kernel/tracing
	fi
}

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

@test "doctor mounts tracefs when it is absent and says so" {
	require_root
	grep -q ' /sys/kernel/tracing tracefs ' /proc/mounts || tk doctor >/dev/null
	# Unmount (refused when something holds it open, e.g. another tracer: then we cannot test this)
	umount /sys/kernel/tracing 2>/dev/null || skip "tracefs is busy; cannot unmount it to test"
	if grep -q ' tracefs ' /proc/mounts; then
		skip "tracefs is mounted elsewhere too"
	fi
	run tk doctor
	grep -q ' /sys/kernel/tracing tracefs ' /proc/mounts   # restored, whatever happened
	[ "$status" -eq 0 ]
	[[ "$output" == *"was not mounted; mounted it at /sys/kernel/tracing"* ]]
	run tk doctor --no-mount
	[[ "$output" != *"mounted it"* ]]
}

@test "doctor --no-mount leaves tracefs unmounted" {
	require_root
	umount /sys/kernel/tracing 2>/dev/null || skip "tracefs is busy; cannot unmount it to test"
	run tk doctor --no-mount --json
	mounted=$(grep -c ' tracefs ' /proc/mounts || true)
	mount -t tracefs nodev /sys/kernel/tracing   # restore
	[ "$status" -eq 0 ]
	[ "$mounted" -eq 0 ]
	echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert not d["checks"]["tracefs"]["ok"]'
}

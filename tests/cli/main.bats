#!/usr/bin/env bats
# The top-level binary: command table, help, version, unknown commands.
load helpers

@test "tracekit help lists commands, one line each" {
	run tk help
	[ "$status" -eq 0 ]
	[[ "$output" == *"doctor"* ]]
}

@test "every command in 'tracekit help' answers -h with exit 0 and empty stderr" {
	local cmds n=0
	cmds=$(tk help | awk '/^commands:/{on=1; next} on && /^    [a-z]/{print $1}')
	[ -n "$cmds" ]
	for c in $cmds; do
		err=$("$TRACEKIT" "$c" -h 2>&1 >/dev/null) || { echo "$c -h failed"; return 1; }
		[ -z "$err" ] || { echo "$c -h wrote to stderr: $err"; return 1; }
		out=$("$TRACEKIT" "$c" -h)
		[[ "$out" == usage:* ]] || { echo "$c -h does not start with usage:"; return 1; }
		# `help CMD` is the same text as `CMD -h`
		[ "$("$TRACEKIT" help "$c")" = "$out" ] || { echo "help $c differs from $c -h"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 1 ]
}

@test "unknown command exits 2 with a one-line hint" {
	run tk doctr
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"'doctr' is not a tracekit command; did you mean 'doctor'?"* ]]
}

@test "unknown option of a command exits 2 naming it" {
	run tk doctor --bogus
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown option '--bogus'"* ]]
}

@test "--version prints a version" {
	run tk --version
	[ "$status" -eq 0 ]
	[[ "$output" == "tracekit "* ]]
}

@test "no command prints usage to stderr and exits 2" {
	run tk
	[ "$status" -eq 2 ]
}

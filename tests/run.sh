#!/bin/sh
# Run the whole suite through one prove call: cmocka unit binaries and bats CLI tests, one summary.
set -eu
B=${1:-build}
TK_BUILD=$(cd "$B" && pwd)
TK_SRC=$(pwd)
TRACEKIT="$TK_BUILD/tracekit"
CMOCKA_MESSAGE_OUTPUT=TAP
export TK_BUILD TK_SRC TRACEKIT CMOCKA_MESSAGE_OUTPUT
exec prove --timer --failures --comments -e "$TK_SRC/tests/tap-exec" $(ls "$TK_BUILD"/tests/unit/test_* 2>/dev/null | grep -v '\.d$') \
	"$TK_SRC"/tests/cli/*.bats

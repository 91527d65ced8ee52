#!/usr/bin/env bash
# check_cli.sh EXPECTED_EXIT PATTERN -- COMMAND [ARGS...]
# Runs COMMAND; passes when its exit code is EXPECTED_EXIT and its stdout+stderr match PATTERN
# (extended regular expression, newlines folded to spaces so a pattern may span lines).
set -u
expected=$1
pattern=$2
shift 3
output=$("$@" 2>&1)
status=$?
folded=$(printf '%s' "$output" | tr '\n' ' ')
if [[ $status -ne $expected ]]; then
    printf 'exit code %d, expected %d\n--- output ---\n%s\n' "$status" "$expected" "$output"
    exit 1
fi
if ! grep -Eq -- "$pattern" <<<"$folded"; then
    printf 'output does not match /%s/\n--- output ---\n%s\n' "$pattern" "$output"
    exit 1
fi
echo "ok: exit $status, output matches /$pattern/"

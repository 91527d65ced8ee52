#!/usr/bin/env bash
# check_clean_output.sh EXPECTED_EXIT -- COMMAND [ARGS...]
# Runs COMMAND; passes when its exit code is EXPECTED_EXIT and its stdout+stderr are valid UTF-8
# holding no control character but newline and tab (file names, tensor names and metadata from
# files must not reach a terminal or a JSON parser raw), and no text of a C++ standard library
# exception.
set -u
expected=$1
shift 2
output_file=$(mktemp)
trap 'rm -f "$output_file"' EXIT
"$@" >"$output_file" 2>&1
status=$?
if [[ $status -ne $expected ]]; then
    printf 'exit code %d, expected %d\n--- output ---\n' "$status" "$expected"
    head -c 2000 "$output_file"
    exit 1
fi
if ! iconv -f UTF-8 -t UTF-8 "$output_file" >/dev/null 2>&1; then
    echo "output is not valid UTF-8"
    exit 1
fi
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$output_file"; then
    echo "output holds a raw control character:"
    LC_ALL=C grep -n $'[\x01-\x08\x0b-\x1f\x7f]' "$output_file" | head -c 2000 | cat -v
    exit 1
fi
if grep -Eq 'std::|vector::|basic_string|bad_alloc|max_size\(\)|_M_' "$output_file"; then
    echo "output holds the text of a C++ exception:"
    head -c 2000 "$output_file"
    exit 1
fi
echo "ok: exit $status, clean output"

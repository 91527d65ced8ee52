#!/usr/bin/env bash
# check_help_lists_loaders.sh CLI UNKNOWN_FILE
# The FILE part of every file command's help lists exactly the loaders, in order, that the
# unrecognised-format error names for UNKNOWN_FILE: both come from the loader registry, so a
# help text written out by hand would drift from it. Help lines read "name .ext .ext description";
# the error lists "name (.ext .ext), ...".
set -u
cli=$1
unknown=$2
error=$("$cli" info "$unknown" 2>&1)
listed=$(sed -n 's/.*; known formats: //p' <<<"$error")
if [[ -z $listed ]]; then
    printf 'the error lists no known formats:\n%s\n' "$error"
    exit 1
fi
for command in info analyze quantize sweep; do
    help=$("$cli" $command --help 2>&1)
    # The lines between the FILE heading's first line and "  or".
    shown=$(sed -n '/^FILE:$/,/^  or$/p' <<<"$help" | sed '1,2d;$d' |
        awk '{ ext = ""; for (i = 2; i <= NF && substr($i, 1, 1) == "."; ++i) ext = ext (ext == "" ? "" : " ") $i;
               printf "%s%s (%s)", (NR > 1 ? ", " : ""), $1, ext }')
    if [[ $shown != "$listed" ]]; then
        printf '%s --help lists\n  %s\nthe error lists\n  %s\n' "$command" "$shown" "$listed"
        exit 1
    fi
done
echo "ok: every help lists $listed"

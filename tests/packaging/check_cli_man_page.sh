#!/usr/bin/env bash
# check_cli_man_page.sh CLI
# quantscope-cli's man page (--help-man) documents every command its --help lists, each with
# the usage its COMMAND --help prints, and renders without a groff warning (lintian checks the
# same).
set -u
cli=$1
page=$("$cli" --help-man) || { echo "--help-man failed"; exit 1; }
commands=$("$cli" --help | sed -n '/^Commands:$/,/^$/p' | awk '/^  [a-z]/ { print $1 }' |
    grep -vx help)
if [[ -z $commands ]]; then
    echo "--help lists no commands"
    exit 1
fi
status=0
for command in $commands; do
    if ! grep -qx ".SS \"$command\"" <<<"$page"; then
        echo "the man page has no section for '$command'"
        status=1
    fi
    # The command's usage line, as roff writes it (a '-' is '\-').
    usage=$("$cli" "$command" --help | head -n 1 | sed 's/-/\\-/g')
    if ! grep -qxF -- "$usage" <<<"$page"; then
        echo "the man page lacks '$command --help''s line: $usage"
        status=1
    fi
done
warnings=$(groff -man -ww -Tutf8 -z <<<"$page" 2>&1)
if [[ -n $warnings ]]; then
    printf 'groff warns:\n%s\n' "$warnings"
    status=1
fi
[[ $status -eq 0 ]] && echo "ok: the man page documents" $commands
exit $status

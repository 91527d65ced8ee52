#!/usr/bin/env bash
# check_gui_man_page.sh PAGE.gz
# help2man's page of the GUI: named after the command, listing its options, and holding nothing
# the app logs on stderr. Skipped (77) when the page was not built (no help2man).
set -u
[[ -f $1 ]] || exit 77
page=$(zcat "$1")
status=0
grep -q '^quantscope \\- ' <<<"$page" || { echo "NAME is not 'quantscope \\- ...'"; status=1; }
grep -q '^\.TH QUANTSCOPE ' <<<"$page" || { echo "the title is not QUANTSCOPE"; status=1; }
grep -q 'screenshot' <<<"$page" || { echo "--screenshot is not documented"; status=1; }
if grep -q 'QStandardPaths\|XDG_RUNTIME_DIR' <<<"$page"; then
    echo "the page holds the app's log output"
    status=1
fi
[[ $status -eq 0 ]] || printf -- '--- page ---\n%s\n' "$page"
exit $status

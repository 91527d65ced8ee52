#!/usr/bin/env bash
# Installs the .deb (scripts/package.sh) in a clean Debian 12 chroot with apt, as a user would:
# apt must find every library it needs from its Depends alone (recommends left out). Then runs
# both commands there: --version, an analysis, and the window rendered offscreen on the sample
# and on a file given on the command line. Needs root (mmdebstrap builds the chroot).
# QUANTSCOPE_DEBIAN_MIRROR picks another mirror. Screenshots land beside the .deb.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${1:-}" == "--inside" ]]; then
    # In the chroot (mmdebstrap's customize hook).
    set -x
    cd /tmp/quantscope
    apt-get install -y -q --no-install-recommends ./quantscope_*.deb >/dev/null
    quantscope-cli --version >version.txt
    cat version.txt
    grep -qx "quantscope-cli $(dpkg-query -W -f '${Version}' quantscope)" version.txt
    quantscope-cli analyze gen:sample --json | grep -q '"sqnr_db": 26\.9'
    export QT_QPA_PLATFORM=offscreen
    quantscope --screenshot shots/sample.png | grep -q 'saved screenshot'
    # A file named on the command line (as the menu entry's Exec=quantscope %F passes it) is
    # opened: a good one is shown, a broken one is refused naming the file.
    quantscope-cli quantize gen:sine:frequency=5,duration=1 --out sine.npy >/dev/null
    quantscope --screenshot shots/sine.png sine.npy | grep -q 'saved screenshot'
    printf 'not a tensor' >broken.npy
    if quantscope --screenshot shots/never.png broken.npy 2>error.txt; then
        echo "a broken file given on the command line was not refused" >&2
        exit 1
    fi
    grep -q 'cannot load: .*broken\.npy' error.txt
    test -s /usr/share/man/man1/quantscope.1.gz -a -s /usr/share/man/man1/quantscope-cli.1.gz
    exit 0
fi

deb=${1:-$(echo build/dist/package/quantscope_*.deb)}
if [[ ! -f $deb ]]; then
    echo "check-package: no package at $deb: run scripts/package.sh first" >&2
    exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
    echo "check-package: mmdebstrap needs root to build the chroot" >&2
    exit 1
fi
shots=$(dirname "$deb")/screenshots
rm -rf "$shots"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/quantscope/shots"
cp "$deb" "${BASH_SOURCE[0]}" "$work/quantscope/"

mirrors=()
if [[ -n "${QUANTSCOPE_DEBIAN_MIRROR:-}" ]]; then
    mirrors=("$QUANTSCOPE_DEBIAN_MIRROR")
fi
# The chroot lives only as long as mmdebstrap runs (target /dev/null): every step is a hook.
mmdebstrap --variant=apt --quiet \
    --customize-hook="copy-in $work/quantscope /tmp" \
    --customize-hook='chroot "$1" bash /tmp/quantscope/check-package.sh --inside' \
    --customize-hook="copy-out /tmp/quantscope/shots $work" \
    bookworm /dev/null "${mirrors[@]}"
mv "$work/shots" "$shots"
echo "check-package: $(basename "$deb") installs and runs in a clean Debian 12; screenshots in $shots"

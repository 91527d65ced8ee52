#!/usr/bin/env bash
# Builds the Debian package build/dist/package/quantscope_VERSION_amd64.deb from the `dist`
# preset (the x86-64-v2 baseline every x86-64 machine runs) and checks it with lintian, whose
# errors fail the script. scripts/check-package.sh then installs it in a clean Debian 12 chroot.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh --packaging
cmake --preset dist >/dev/null
# Only what the package holds; the dist tests are the test script's business.
cmake --build --preset dist -j "$(nproc)" --target quantscope quantscope-cli quantscope_desktop_files
rm -f build/dist/package/quantscope_*.deb
cpack --preset dist >/dev/null
deb=$(echo build/dist/package/quantscope_*.deb)

echo "=== lintian"
# Root is fine for reading a .deb; lintian only says it is not recommended.
lintian --display-info --fail-on error "$deb" 2>&1 | grep -v 'running with root privileges' || true
if ! lintian --fail-on error "$deb" >/dev/null 2>&1; then
    echo "package: lintian reports errors on $deb" >&2
    exit 1
fi
echo "package: $deb ($(stat -c %s "$deb") bytes)"
dpkg-deb --field "$deb" Depends | sed 's/^/package: Depends: /'

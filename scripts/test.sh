#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test twice: in Release, and under
# AddressSanitizer + UndefinedBehaviorSanitizer; then builds the .deb and installs it in a clean
# Debian 12 chroot; then runs each fuzzer for a bounded time. The Release build holds the kernels
# at every instruction-set level (runtime dispatch) and runs the core suites at each level the CPU
# has, the plain C++ paths included (docs/design.md, "Testing"). Exits non-zero if any build or
# test fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# With the packaging tools: the desktop-entry and metainfo validators run among the tests.
scripts/install-deps.sh --packaging
jobs=$(nproc)
status=0
# The tests run on the build that ships (dist: the x86-64-v2 baseline with every kernel level
# chosen at run time), so the package step below only packs it.
presets=(dist asan-ubsan)
for preset in "${presets[@]}"; do
    echo "=== $preset: configure and build"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$jobs"
    echo "=== $preset: test"
    if ! ctest --preset "$preset" -j "$jobs"; then
        status=1
    fi
done
# The .deb (dist preset), checked by lintian, then installed with apt in a clean Debian 12
# chroot and run there; the chroot needs root.
echo "=== package: build, lintian, install and run in Debian 12"
package_start=$SECONDS
if ! scripts/package.sh; then
    status=1
elif [[ $(id -u) -eq 0 ]]; then
    scripts/check-package.sh || status=1
else
    echo "package: not root, so the package is not installed in a chroot (scripts/check-package.sh)"
fi
echo "=== package: $((SECONDS - package_start)) s"
if [[ -x scripts/run-fuzzers.sh ]]; then
    echo "=== fuzz: each loader fuzzer for a bounded time"
    scripts/run-fuzzers.sh "${QUANTSCOPE_FUZZ_SECONDS:-20}" || status=1
fi
exit "$status"

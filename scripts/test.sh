#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test twice: in Release, and under
# AddressSanitizer + UndefinedBehaviorSanitizer; then runs each fuzzer for a bounded time. The
# Release build holds the kernels at every instruction-set level (runtime dispatch) and runs the
# core suites at each level the CPU has, the plain C++ paths included (docs/design.md,
# "Testing"). Exits non-zero if any build or test fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/install-deps.sh
jobs=$(nproc)
status=0
presets=(release asan-ubsan)
for preset in "${presets[@]}"; do
    echo "=== $preset: configure and build"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$jobs"
    echo "=== $preset: test"
    if ! ctest --preset "$preset" -j "$jobs"; then
        status=1
    fi
done
if [[ -x scripts/run-fuzzers.sh ]]; then
    echo "=== fuzz: each loader fuzzer for a bounded time"
    scripts/run-fuzzers.sh "${QUANTSCOPE_FUZZ_SECONDS:-20}" || status=1
fi
exit "$status"

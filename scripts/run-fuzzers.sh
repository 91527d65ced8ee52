#!/usr/bin/env bash
# Builds the libFuzzer targets (the "fuzz" preset: clang, ASan + UBSan) and runs each loader's
# fuzzer for SECONDS (default 20; as many at once as there are cores), seeded from the test
# fixtures and the hostile corpus, and the engine's (fuzz_quantize: random small tensors and
# configs into quantize) from no seed; tests/data/fuzz/FORMAT holds seeds of a loader's own
# (gguf: a small file per ggml block type). The
# seeds are copied into build/fuzz/corpus/, so the checked-in files never change; crash inputs
# are kept in build/fuzz/artifacts/. Exits non-zero if a fuzzer finds a crash, a leak, a
# sanitizer report, a timeout or an out-of-memory.
#   scripts/run-fuzzers.sh [SECONDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${1:-20}"
build=build/fuzz
jobs="${QUANTSCOPE_FUZZ_JOBS:-$(nproc)}"

echo "run-fuzzers: configure and build (preset fuzz)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"

# Seeds per loader: file name patterns in tests/data/io and tests/data/hostile.
declare -A seeds=(
    [npy]="*.npy"
    [npz]="*.npz"
    [safetensors]="*.safetensors"
    [onnx]="*.onnx"
    [gguf]="*.gguf"
    [wav]="*.wav"
    [csv]="*.csv *.txt"
    [raw]="*.bin"
    [quantize]=""
)
mkdir -p "$build/artifacts"
formats=(npy npz safetensors onnx gguf wav csv raw quantize)
for format in "${formats[@]}"; do
    corpus="$build/corpus/$format"
    mkdir -p "$corpus"
    for pattern in ${seeds[$format]}; do
        for folder in tests/data/io tests/data/hostile "tests/data/fuzz/$format"; do
            for seed in "$folder"/$pattern; do
                [[ -f "$seed" ]] || continue
                if [[ "$format" == raw ]]; then
                    # raw inputs start with two option bytes (dtype, endian/shape flags).
                    { printf '\x03\x01'; cat "$seed"; } >"$corpus/seed-$(basename "$seed")"
                else
                    cp "$seed" "$corpus/seed-$(basename "$seed")"
                fi
            done
        done
    done
done

# Each fuzzer is one process on one core: run as many at once as there are jobs.
fuzz_one() {
    local format=$1 corpus="$build/corpus/$1" log="$build/fuzz_$1.log"
    if "$build/fuzz/fuzz_$format" "$corpus" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/${format}-" >"$log" 2>&1; then
        echo ok >"$build/fuzz_$format.result"
    else
        echo failed >"$build/fuzz_$format.result"
    fi
}
for format in "${formats[@]}"; do
    while (($(jobs -rp | wc -l) >= jobs)); do
        wait -n || true
    done
    echo "=== fuzz_$format for ${seconds}s ($(ls "$build/corpus/$format" | wc -l) inputs in the corpus)"
    rm -f "$build/fuzz_$format.result"
    fuzz_one "$format" &
done
wait

status=0
failed=()
for format in "${formats[@]}"; do
    log="$build/fuzz_$format.log"
    if [[ "$(cat "$build/fuzz_$format.result" 2>/dev/null)" == ok ]]; then
        echo "fuzz_$format: $(grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)" "$log" | tr -s '\n ' ' ')"
    else
        echo "fuzz_$format FAILED; the end of its log ($log):"
        tail -n 40 "$log"
        failed+=("$format")
        status=1
    fi
done
if ((status != 0)); then
    echo "run-fuzzers: failures in: ${failed[*]} (inputs in $build/artifacts/)"
else
    echo "run-fuzzers: no crashes in 9 fuzzers x ${seconds}s"
fi
exit "$status"

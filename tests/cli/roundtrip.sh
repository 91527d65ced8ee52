#!/usr/bin/env bash
# roundtrip.sh CLI WORKDIR: quantize a generated tensor to .npy, then check with info and analyze
# that the file holds the same shape and that quantizing Q(x) again under the same config
# reproduces it exactly (Q is idempotent: SQNR inf, zero error).
set -euo pipefail
cli=$1
dir=$2
mkdir -p "$dir"
out="$dir/q.npy"
rm -f "$out"
# Outputs are captured before grep: grep -q stops reading early, and under pipefail the
# writer's SIGPIPE would fail the test at random.
said=$("$cli" quantize gen:gaussian:n=6000,seed=5 --out "$out" --format int4 --calibration minmax)
grep -Eq "wrote .*q\.npy: gaussian.* \[6000\] as int4 symmetric minmax" <<<"$said"
said=$("$cli" info "$out")
grep -Eq "float32 \[6000\]" <<<"$said"
json=$("$cli" analyze "$out" --format int4 --json)
grep -Eq '"sqnr_db": "inf"' <<<"$json" || { echo "not idempotent: $json"; exit 1; }
grep -Eq '"max_abs_error": 0,' <<<"$json" || { echo "error not zero: $json"; exit 1; }
# Block formats too: MXFP4 of its own output is exact.
"$cli" quantize "$out" --out "$dir/mx.npy" --format mxfp4 >/dev/null
json=$("$cli" analyze "$dir/mx.npy" --format mxfp4 --json)
grep -Eq '"sqnr_db": "inf"' <<<"$json"
# A ggml block type to .gguf: the file holds q4_K blocks (4.5 bits a value), which the loader
# decodes to the Q(x) the .npy holds, bit for bit.
said=$("$cli" quantize gen:gaussian:n=4096,seed=5 --out "$dir/q4k.gguf" --format q4_K)
grep -Eq "wrote .*q4k\.gguf: .* as q4_K \(ggml\), sqnr .* dB \(q4_K blocks in GGUF\)" <<<"$said"
said=$("$cli" info "$dir/q4k.gguf")
grep -Eq "q4_K \[4096\]  4096 values, 2304 bytes" <<<"$said"
"$cli" quantize gen:gaussian:n=4096,seed=5 --out "$dir/q4k.npy" --format q4_K >/dev/null
"$cli" quantize "$dir/q4k.gguf" --out "$dir/q4k-read.npy" --format fp32 >/dev/null
cmp <(tail -c 16384 "$dir/q4k.npy") <(tail -c 16384 "$dir/q4k-read.npy")
echo "ok: quantize -> info -> analyze round trip"

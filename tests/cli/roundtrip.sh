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
echo "ok: quantize -> info -> analyze round trip"

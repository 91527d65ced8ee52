#!/usr/bin/env bash
# Compares Google Benchmark binaries on a machine whose speed drifts: runs them alternately,
# ROUNDS times (default 8), and prints each benchmark's best and median real time per binary.
# Usage: scripts/bench-ab.sh FILTER BINARY... (e.g. an old build's bench_quantize and the new).
set -euo pipefail
if [[ $# -lt 2 ]]; then
    echo "usage: $0 FILTER BINARY..." >&2
    exit 2
fi
filter=$1
shift
rounds=${ROUNDS:-8}
for ((r = 0; r < rounds; ++r)); do
    for b in "$@"; do
        "$b" --benchmark_min_time=0.3 --benchmark_filter="$filter" --benchmark_format=csv 2>/dev/null |
            grep '^"' | sed "s|^|$b,|"
    done
done | awk -F, '
    {
        name = $2; gsub(/"/, "", name); sub(/\/real_time$/, "", name)
        key = name SUBSEP $1
        if (!(name in seen)) { seen[name] = 1; names[++n_names] = name }
        if (!($1 in bin_seen)) { bin_seen[$1] = 1; bins[++n_bins] = $1 }
        times[key, ++count[key]] = $4
    }
    function median(key,    i, j, k, t, m, a) {
        m = count[key]
        for (i = 1; i <= m; ++i) a[i] = times[key, i] + 0
        for (i = 2; i <= m; ++i) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; --j) a[j + 1] = a[j]; a[j + 1] = t }
        return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    function best(key,    i, b) {
        b = times[key, 1] + 0
        for (i = 2; i <= count[key]; ++i) if (times[key, i] + 0 < b) b = times[key, i] + 0
        return b
    }
    END {
        printf "%-44s", "benchmark (best / median real time)"
        for (b = 1; b <= n_bins; ++b) printf "  %-22s", substr(bins[b], length(bins[b]) - 21)
        printf "\n"
        for (i = 1; i <= n_names; ++i) {
            printf "%-44s", names[i]
            for (b = 1; b <= n_bins; ++b) {
                key = names[i] SUBSEP bins[b]
                printf "  %9.2f / %-10.2f", best(key), median(key)
            }
            printf "\n"
        }
    }'

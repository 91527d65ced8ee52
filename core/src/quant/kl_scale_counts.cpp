#include "kl_scale_counts.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <optional>

#include "../common/prefetch.h"
#include "histogram_slots.h"
#include "quantscope/common/parallel.h"

// Why it is exact: a scale's slot, kl_slot(x, x * inv + z), never decreases as x grows (each
// float operation is monotone and inv >= 0), so neither does the sum S(x) of a value's slots
// under all the scales. Let B[k] be the smallest float whose slot under scale c is at least k
// (found by bisection on the slot function itself). For x >= B[k], S(x) >= S(B[k]); for
// x < B[k], scale c's term is smaller and no other term is larger, so S(x) < S(B[k]). Hence the
// values with slot >= k under c are exactly those with S(x) >= S(B[k]): one histogram of S,
// counted with one increment per value, gives every scale's histogram.

namespace quantscope::detail {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

inline std::uint32_t slot_of(float x, float inv_scale, float zero_point, const KlGrid& g) {
    return kl_slot(x, x * inv_scale + zero_point, g);  // KlCounts::add's arithmetic
}

// Floats in order as integers (-0 and +0 share 0).
inline std::int64_t order_key(float x) {
    const auto bits = std::bit_cast<std::int32_t>(x);
    return bits >= 0 ? bits : std::int64_t{std::numeric_limits<std::int32_t>::min()} - bits;
}
inline float from_order_key(std::int64_t key) {
    const auto bits = static_cast<std::int32_t>(
        key >= 0 ? key : std::int64_t{std::numeric_limits<std::int32_t>::min()} - key);
    return std::bit_cast<float>(bits);
}

// B[k] for k = 1 .. kKlBins-1: -inf when every finite value reaches slot k, +inf when none does.
std::vector<float> slot_boundaries(float inv, float zero_point, const KlGrid& g) {
    const std::int64_t lowest = order_key(-std::numeric_limits<float>::max());
    const std::int64_t highest = order_key(std::numeric_limits<float>::max());
    auto reaches = [&](std::int64_t key, std::uint32_t k) {
        return slot_of(from_order_key(key), inv, zero_point, g) >= k;
    };
    std::vector<float> b(kKlBins, -kInf);
    for (std::uint32_t k = 1; k < kKlBins; ++k) {
        if (reaches(lowest, k)) {
            continue;
        }
        if (!reaches(highest, k)) {
            b[k] = kInf;
            continue;
        }
        // below: slot < k, at: slot >= k. Start from where the real arithmetic puts the edge,
        // widen by doubling steps, then bisect.
        double guess = ((static_cast<double>(k) / g.scale + g.origin) - zero_point) / inv;
        guess = std::isnan(guess) ? 0.0 : guess;
        guess = std::clamp(guess, -static_cast<double>(std::numeric_limits<float>::max()),
                           static_cast<double>(std::numeric_limits<float>::max()));
        std::int64_t below = order_key(static_cast<float>(guess));
        std::int64_t at = below;
        std::int64_t step = 1;
        if (reaches(at, k)) {
            do {
                at = below;
                below = std::max(lowest, at - step);
                step *= 2;
            } while (reaches(below, k));
        } else {
            do {
                below = at;
                at = std::min(highest, below + step);
                step *= 2;
            } while (!reaches(at, k));
        }
        while (at - below > 1) {
            const std::int64_t mid = below + (at - below) / 2;
            (reaches(mid, k) ? at : below) = mid;
        }
        b[k] = from_order_key(at);
    }
    return b;
}

}  // namespace

KlScaleCounts count_kl_scales(std::span<const float> values, const KlGrid& grid,
                              std::span<const float> inv_scale, std::span<const float> zero_point) {
    const std::size_t scales = inv_scale.size();
    // The sum of a value's slots under every scale, computed scale by scale a run at a time.
    const auto trash = static_cast<std::uint32_t>(scales * (kKlBins - 1) + 1);
    std::vector<std::optional<ScatterCounts>> parts(max_chunks());
    parallel_for(values.size(), 4096, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        ScatterCounts& counts = parts[chunk].emplace(trash + 1);
        const KlGrid g = grid;
        constexpr std::size_t kRun = 2048;
        constexpr std::size_t kAtOnce = 6;  // kl_candidates' most
        std::uint32_t sums[kRun];
        for (std::size_t b = begin; b < end; b += kRun) {
            const std::size_t n = std::min(kRun, end - b);
            const float* x = values.data() + b;
            for (std::size_t i = 0; i < n; i += kValuesPerLine) {
                prefetch_ahead(x + i);
            }
            std::fill(sums, sums + n, 0U);
            // kAtOnce scales per value in registers (missing ones add slot 0 to finite values).
            for (std::size_t first = 0; first < scales; first += kAtOnce) {
                float inv[kAtOnce];
                float z[kAtOnce];
                for (std::size_t c = 0; c < kAtOnce; ++c) {
                    const bool real = first + c < scales;
                    inv[c] = real ? inv_scale[first + c] : 0.0f;
                    z[c] = real ? zero_point[first + c] : -std::numeric_limits<float>::max();
                }
#pragma omp simd
                for (std::size_t i = 0; i < n; ++i) {
                    std::uint32_t sum = 0;
                    for (std::size_t c = 0; c < kAtOnce; ++c) {
                        sum += slot_of(x[i], inv[c], z[c], g);  // kKlBins for non-finite x
                    }
                    sums[i] += sum;
                }
            }
            for (std::size_t i = 0; i < n; ++i) {
                sums[i] = sums[i] < trash ? sums[i] : trash;
            }
            counts.add(sums, n);
        }
    });
    // below[s]: the finite values whose slot sum is under s.
    std::vector<std::int64_t> below(trash + 1, 0);
    for (std::size_t s = 0; s < trash; ++s) {
        std::int64_t count = 0;
        for (const std::optional<ScatterCounts>& part : parts) {
            count += part ? part->count(s) : 0;
        }
        below[s + 1] = below[s] + count;
    }
    KlScaleCounts result;
    result.finite = below[trash];
    result.counts.assign(scales, std::vector<double>(kKlBins, 0.0));
    for (std::size_t c = 0; c < scales; ++c) {
        const std::vector<float> bounds = slot_boundaries(inv_scale[c], zero_point[c], grid);
        // at_least(k): the values whose slot is k or more, those whose sum reaches the sum at
        // B[k].
        auto at_least = [&](std::size_t k) -> std::int64_t {
            if (k >= kKlBins) {
                return 0;  // finite values have slots below kKlBins; bounds has no entry here
            }
            if (k == 0 || bounds[k] == -kInf) {
                return result.finite;
            }
            if (bounds[k] == kInf) {
                return 0;
            }
            std::size_t sum = 0;
            for (std::size_t other = 0; other < scales; ++other) {
                sum += slot_of(bounds[k], inv_scale[other], zero_point[other], grid);
            }
            return result.finite - below[sum];
        };
        std::int64_t from = result.finite;
        for (std::size_t k = 0; k < kKlBins; ++k) {
            const std::int64_t next = at_least(k + 1);
            result.counts[c][k] = static_cast<double>(from - next);
            from = next;
        }
    }
    return result;
}

}  // namespace quantscope::detail

#include "error_sums.h"
#include "../common/prefetch.h"

#include <algorithm>
#include <cmath>

namespace quantscope::detail {

void accumulate_error_sums_scalar(const float* x, const float* y, std::size_t n, MetricSums& sums) {
    for (std::size_t i = 0; i < n; ++i) {
        const float xi = x[i];
        if (!std::isfinite(xi)) {
            ++(std::isnan(xi) ? sums.nan_count : sums.inf_count);
            continue;
        }
        const float yi = y[i];
        const double e = static_cast<double>(xi) - yi;
        ++sums.count;
        sums.sum_x2 += static_cast<double>(xi) * xi;
        sums.sum_y2 += static_cast<double>(yi) * yi;
        sums.sum_xy += static_cast<double>(xi) * yi;
        sums.sum_e += e;
        sums.sum_e2 += e * e;
        sums.max_abs_e = std::max(sums.max_abs_e, std::fabs(e));
        sums.zeroed += (yi == 0 && xi != 0) ? 1 : 0;
    }
}

// kSumLanes float accumulators per sum stay in vector registers (error_sums.h); callers pass
// blocks of at most a few thousand values, so float partial sums lose nothing that matters
// before they are added in double.
void accumulate_error_sums(const float* __restrict x, const float* __restrict y, std::size_t n,
                           MetricSums& sums) {
    constexpr std::size_t kLanes = kSumLanes;
    alignas(64) float x2[kLanes] = {};
    alignas(64) float y2[kLanes] = {};
    alignas(64) float xy[kLanes] = {};
    alignas(64) float se[kLanes] = {};
    alignas(64) float se2[kLanes] = {};
    alignas(64) float emax[kLanes] = {};
    alignas(64) float zeroed[kLanes] = {};
    alignas(64) float bad[kLanes] = {};
    const std::size_t whole = n / kLanes * kLanes;
    for (std::size_t i = 0; i < whole; i += kLanes) {
        if (i % kValuesPerLine == 0) {
            prefetch_ahead(x + i);  // y was just written
        }
        for (std::size_t j = 0; j < kLanes; ++j) {
            const float xi = x[i + j];
            const float yi = y[i + j];
            const float e = xi - yi;
            const float ae = __builtin_fabsf(e);
            x2[j] += xi * xi;
            y2[j] += yi * yi;
            xy[j] += xi * yi;
            se[j] += e;
            se2[j] += e * e;
            emax[j] = ae > emax[j] ? ae : emax[j];
            zeroed[j] += ((yi == 0.0f) & (xi != 0.0f)) ? 1.0f : 0.0f;
            bad[j] += __builtin_fabsf(xi) <= 3.40282347e38f ? 0.0f : 1.0f;
        }
    }
    float bad_total = 0;
    for (std::size_t j = 0; j < kLanes; ++j) {
        bad_total += bad[j];
    }
    if (bad_total != 0) {
        accumulate_error_sums_scalar(x, y, n,
                                     sums);  // NaN or Inf inside: redo exactly, skipping them
        return;
    }
    for (std::size_t j = 0; j < kLanes; ++j) {
        sums.sum_x2 += x2[j];
        sums.sum_y2 += y2[j];
        sums.sum_xy += xy[j];
        sums.sum_e += se[j];
        sums.sum_e2 += se2[j];
        sums.max_abs_e = std::max<double>(sums.max_abs_e, emax[j]);
        sums.zeroed += static_cast<std::int64_t>(zeroed[j]);
    }
    sums.count += static_cast<std::int64_t>(whole);
    accumulate_error_sums_scalar(x + whole, y + whole, n - whole, sums);
}

}  // namespace quantscope::detail

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

void accumulate_error_sums(const float* __restrict x, const float* __restrict y, std::size_t n,
                           MetricSums& sums) {
    LaneSums lanes;
    const std::size_t whole = n / kSumLanes * kSumLanes;
    for (std::size_t i = 0; i < whole; i += kSumLanes) {
        if (i % kValuesPerLine == 0) {
            prefetch_ahead(x + i);  // y was just written
        }
#pragma omp simd
        for (std::size_t j = 0; j < kSumLanes; ++j) {
            lanes.add(j, x[i + j], y[i + j]);
        }
    }
    if (!lanes.fold_into(sums, whole)) {
        accumulate_error_sums_scalar(x, y, n,
                                     sums);  // NaN or Inf inside: redo exactly, skipping them
        return;
    }
    accumulate_error_sums_scalar(x + whole, y + whole, n - whole, sums);
}

}  // namespace quantscope::detail

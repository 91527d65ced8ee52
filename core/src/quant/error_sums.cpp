#include "error_sums.h"
#include "../common/prefetch.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "quantscope/common/parallel.h"

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

void make_sums_exact(std::span<const float> x, const float* y, MetricSums& sums) {
    constexpr double kTiny = 0x1.0p-80;  // a sum of squares of values below 2^-40
    const bool finite = std::isfinite(sums.sum_x2) && std::isfinite(sums.sum_y2) &&
                        std::isfinite(sums.sum_xy) && std::isfinite(sums.sum_e) &&
                        std::isfinite(sums.sum_e2) && std::isfinite(sums.max_abs_e);
    const bool tiny = sums.count > 0 && (sums.sum_x2 < kTiny || sums.sum_y2 < kTiny ||
                                         (sums.max_abs_e > 0 && sums.max_abs_e < 0x1.0p-40));
    if (finite && !tiny) {
        return;
    }
    std::vector<MetricSums> partial(max_chunks());
    parallel_for(x.size(), 4096, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        accumulate_error_sums_scalar(x.data() + begin, y + begin, end - begin, partial[chunk]);
    });
    MetricSums exact;
    for (const MetricSums& s : partial) {
        exact += s;
    }
    exact.clipped = sums.clipped;
    sums = exact;
}

}  // namespace quantscope::detail

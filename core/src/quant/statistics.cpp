#include "quantscope/quant/statistics.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "quantscope/common/parallel.h"
#include "quantscope/quant/calibration.h"

namespace quantscope {

ValueStatistics value_statistics(std::span<const float> values) {
    ValueStatistics s;
    s.count = static_cast<std::int64_t>(values.size());
    const FiniteMoments m = finite_moments(values);
    s.finite = m.count;
    s.min = m.min;
    s.max = m.max;
    s.mean = m.mean;
    s.stddev = m.stddev;
    s.absmax = std::max(std::fabs(m.min), std::fabs(m.max));
    if (s.finite == s.count) {
        return s;
    }
    std::vector<std::int64_t> nans(max_chunks(), 0);
    parallel_for(values.size(), 4096, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        std::int64_t n = 0;
        for (std::size_t i = begin; i < end; ++i) {
            n += std::isnan(values[i]) ? 1 : 0;
        }
        nans[chunk] = n;
    });
    for (std::int64_t n : nans) {
        s.nan_count += n;
    }
    s.inf_count = s.count - s.finite - s.nan_count;
    return s;
}

}  // namespace quantscope

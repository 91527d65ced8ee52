// quantize() with each of ggml's block types pinned to the bit on an awkward tensor: NaN, +-Inf,
// subnormals, constant and zero blocks, blocks whose FP16 scale overflows or underflows, spikes
// beyond the outlier threshold, on two threads with a last window that is not whole. Q(x), the
// codes, the groups and the clip range must equal the whole-tensor reference's, and every metric
// the sums of (x, Q(x)) taken in quantize()'s own order (windows of 2048 values of each thread's
// chunk, error_sums.h's lanes), so that any change of the route's arithmetic or summation order
// fails here, at every instruction-set level, with codes kept or not, outliers kept in FP16 or not.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "../../../core/src/quant/error_sums.h"
#include "quantscope/common/parallel.h"
#include "quantscope/common/simd.h"
#include "quantscope/quant/ggml_config.h"
#include "quantscope/quant/reference_quantizer.h"
#include "result_checks.h"

namespace quantscope {
namespace ggml_pin {
namespace {

constexpr std::int64_t kCols = 256;  // whole blocks of every type
constexpr float kThreshold = 80;
// 2051 rows of 256: above kParallelThreshold, 525056 values, so the last window holds 768.
// 67 rows: one thread, 17152 values, each row kind once and a last window of 768 as well.
constexpr std::int64_t kTwoThreadRows = 2051;
constexpr std::int64_t kOneThreadRows = 67;

// Every 64 rows: a row with a NaN block, a NaN row, an Inf row, subnormals (an FP16 scale of
// 0), constant blocks (0, -0, 3.5, -2, 1), tiny normals, exact quarter ties; the rest Gaussian
// of a row-dependent size (0.01 .. 100), with spikes beyond the threshold, at it, and scattered
// NaN and +-Inf. With `overflow`, a row whose FP16 scales overflow (1e6, +-3e38): Q(x) then holds
// Inf and NaN and quantize() redoes every sum in double (make_sums_exact), so the tensors
// without it are the ones that pin the float lanes' order.
std::vector<float> awkward_values(std::int64_t rows, bool overflow) {
    constexpr float kInf = std::numeric_limits<float>::infinity();
    constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
    std::mt19937 rng(11);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    std::vector<float> x(static_cast<std::size_t>(rows * kCols));
    for (std::size_t i = 0; i < x.size(); ++i) {
        const std::size_t row = i / kCols;
        const std::size_t col = i % kCols;
        const float sign = col % 2 == 0 ? 1.0f : -1.0f;
        float v = gauss(rng) * std::pow(10.0f, static_cast<float>(row % 5) - 2.0f);
        switch (row % 64) {
            case 3:
                v = col < 32 ? kNaN : v;
                break;
            case 4:
                v = kNaN;
                break;
            case 5:
                v = sign * kInf;
                break;
            case 6:
                v = sign * std::numeric_limits<float>::denorm_min() * static_cast<float>(col % 5);
                break;
            case 7:
                v = col < 32 ? 0.0f : col < 64 ? 3.5f : col < 96 ? -2.0f : col < 128 ? -0.0f : 1.0f;
                break;
            case 8:
                v = !overflow  ? v
                    : col < 32 ? 1e6f
                    : col < 64 ? sign * (col % 4 == 0 ? 3e38f : 2e38f)
                               : v * 1e3f;
                break;
            case 9:
                v *= 1e-30f;
                break;
            case 10:
                v = static_cast<float>(static_cast<int>(i % 509) - 254) * 0.25f;
                break;
            default:
                if (i % 997 == 13) {
                    v = sign * (100.0f + static_cast<float>(i % 200));
                } else if (i % 991 == 0) {
                    v = sign * kThreshold;
                } else if (i % 4099 == 7) {
                    v = kNaN;
                } else if (i % 5003 == 11) {
                    v = sign * kInf;
                }
        }
        x[i] = v;
    }
    return x;
}

// The metrics quantize() takes from (x, Q(x)): per thread chunk, windows of 2048 values summed
// by accumulate_error_sums, the chunks' sums added in order, then made exact where floats
// overflow or underflow; the clipped count, KL and outlier fraction are the reference's (counts,
// or one formula over counts).
Metrics metrics_in_route_order(const std::vector<float>& x, const QuantResult& reference) {
    constexpr std::size_t kWindow = 2048;
    const float* y = reference.dequantized.data();
    std::vector<MetricSums> partial(max_chunks());
    parallel_for(x.size(), kWindow, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        for (std::size_t w = begin; w < end; w += kWindow) {
            detail::accumulate_error_sums(x.data() + w, y + w, std::min(kWindow, end - w),
                                          partial[chunk]);
        }
    });
    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    const Metrics& r = reference.metrics;
    total.clipped = std::llround(r.clipped_fraction * static_cast<double>(r.count));
    detail::make_sums_exact(x, y, total);
    Metrics m = finish_metrics(total);
    m.kl_divergence = r.kl_divergence;
    m.kl_sampling_floor = r.kl_sampling_floor;
    m.kl_below_sampling_floor = r.kl_below_sampling_floor;
    m.outlier_fraction = r.outlier_fraction;
    return m;
}

// (type index in ggml_config_types(), rows, outliers kept in FP16)
using Case = std::tuple<std::size_t, std::int64_t, bool>;

class GgmlRoutePin : public testing::TestWithParam<Case> {};

TEST_P(GgmlRoutePin, QuantizeEqualsTheReferenceToTheBit) {
    const auto [type, rows, outliers] = GetParam();
    QuantConfig config;
    apply_format(config, ggml_config_types()[type].type->name);
    config.outlier_threshold = outliers ? kThreshold : 0;
    const std::vector<float> x = awkward_values(rows, rows == kOneThreadRows);
    const std::vector<std::int64_t> shape{rows, kCols};
    QuantResult expected = reference_quantize(x, shape, config);
    expected.metrics = metrics_in_route_order(x, expected);
    EXPECT_GT(expected.metrics.kl_divergence, 0.0);
    if (rows == kTwoThreadRows) {  // the float lanes' sums stand (make_sums_exact keeps them)
        EXPECT_TRUE(std::isfinite(expected.metrics.mse));
    }
    const std::vector<std::int32_t> codes = std::move(expected.codes);
    for (SimdLevel level : available_simd_levels()) {
        SCOPED_TRACE(to_string(level));
        const result_checks::AtLevel at(level);
        for (bool keep_codes : {false, true}) {
            SCOPED_TRACE(keep_codes ? "codes kept" : "no codes");
            expected.codes = keep_codes ? codes : std::vector<std::int32_t>{};
            result_checks::expect_identical(quantize(x, shape, config, {.keep_codes = keep_codes}),
                                            expected);
        }
        expected.codes.clear();
        SCOPED_TRACE("with a value summary");
        result_checks::expect_identical(quantize(x, shape, config, {}, summarize_values(x)),
                                        expected);
    }
}

std::string case_name(const testing::TestParamInfo<Case>& info) {
    const auto [type, rows, outliers] = info.param;
    return std::string(ggml_config_types()[type].type->name) +
           (rows * kCols >= static_cast<std::int64_t>(kParallelThreshold) ? "_two_threads"
                                                                          : "_one_thread") +
           (outliers ? "_outliers" : "");
}

INSTANTIATE_TEST_SUITE_P(
    EveryType, GgmlRoutePin,
    testing::Combine(testing::Range<std::size_t>(0, ggml_config_types().size()),
                     testing::Values(kTwoThreadRows, kOneThreadRows), testing::Bool()),
    case_name);

}  // namespace
}  // namespace ggml_pin
}  // namespace quantscope

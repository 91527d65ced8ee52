#pragma once
// Bit-for-bit comparison of two quantize() results and a scope that runs at one instruction-set
// level, for the suites that pin a fast route to a reference (reference_routes_test.cpp,
// ggml_route_pin_test.cpp).

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <tuple>

#include "quantscope/common/simd.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope::result_checks {

inline bool same_bits(double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

inline bool same_float(float a, float b) {
    return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b) ||
           (std::isnan(a) && std::isnan(b));
}

// Everything a result holds, to the bit: what two instruction-set levels must agree on.
inline void expect_identical(const QuantResult& a, const QuantResult& b) {
    ASSERT_EQ(a.groups.size(), b.groups.size());
    for (std::size_t g = 0; g < a.groups.size(); ++g) {
        ASSERT_TRUE(same_bits(a.groups[g].scale, b.groups[g].scale) &&
                    a.groups[g].zero_point == b.groups[g].zero_point &&
                    same_bits(a.groups[g].clip_min, b.groups[g].clip_min) &&
                    same_bits(a.groups[g].clip_max, b.groups[g].clip_max))
            << "group " << g;
    }
    ASSERT_EQ(a.dequantized.size(), b.dequantized.size());
    ASSERT_EQ(a.codes.size(), b.codes.size());
    for (std::size_t i = 0; i < a.dequantized.size(); ++i) {
        ASSERT_TRUE(same_float(a.dequantized[i], b.dequantized[i])) << "Q(x) at " << i;
    }
    EXPECT_TRUE(a.codes == b.codes);
    const Metrics& m = a.metrics;
    const Metrics& n = b.metrics;
    for (auto [x, y, name] : {std::tuple{m.mse, n.mse, "mse"},
                              {m.rmse, n.rmse, "rmse"},
                              {m.max_abs_error, n.max_abs_error, "max|E|"},
                              {m.mean_error, n.mean_error, "mean error"},
                              {m.sqnr_db, n.sqnr_db, "sqnr"},
                              {m.cosine_similarity, n.cosine_similarity, "cosine"},
                              {m.clipped_fraction, n.clipped_fraction, "clipped"},
                              {m.zero_fraction, n.zero_fraction, "zeroed"},
                              {m.outlier_fraction, n.outlier_fraction, "outliers"},
                              {m.kl_divergence, n.kl_divergence, "kl"},
                              {m.kl_sampling_floor, n.kl_sampling_floor, "kl floor"},
                              {a.clip_min, b.clip_min, "clip min"},
                              {a.clip_max, b.clip_max, "clip max"}}) {
        EXPECT_TRUE(same_bits(x, y) || (std::isnan(x) && std::isnan(y)))
            << name << ": " << x << " vs " << y;
    }
    EXPECT_EQ(m.count, n.count);
    EXPECT_EQ(m.nan_count, n.nan_count);
    EXPECT_EQ(m.inf_count, n.inf_count);
    EXPECT_EQ(m.kl_below_sampling_floor, n.kl_below_sampling_floor);
    EXPECT_EQ(a.notes, b.notes);
}

// Runs at `level` while in scope.
class AtLevel {
public:
    explicit AtLevel(SimdLevel level) : previous_(active_simd_level()) { set_simd_level(level); }
    ~AtLevel() { set_simd_level(previous_); }
    AtLevel(const AtLevel&) = delete;
    AtLevel& operator=(const AtLevel&) = delete;

private:
    SimdLevel previous_;
};

}  // namespace quantscope::result_checks

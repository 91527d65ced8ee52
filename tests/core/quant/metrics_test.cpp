#include "quantscope/quant/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace quantscope {
namespace {

// x = [1, 2, 3, 4], y = [1, 2, 3, 3]: E = [0, 0, 0, 1]; sum x^2 = 30, sum E^2 = 1,
// SQNR = 10 log10(30) = 14.771 dB; MSE = 0.25; mean error 0.25; cos = 26 / sqrt(30 * 23).
TEST(Metrics, HandComputed) {
    const std::vector<float> x{1, 2, 3, 4};
    const std::vector<float> y{1, 2, 3, 3};
    const Metrics m = finish_metrics(reference_metric_sums(x, y, 0.0, 3.5));
    EXPECT_DOUBLE_EQ(m.mse, 0.25);
    EXPECT_DOUBLE_EQ(m.rmse, 0.5);
    EXPECT_NEAR(m.sqnr_db, 14.7712125, 1e-6);
    EXPECT_DOUBLE_EQ(m.max_abs_error, 1.0);
    EXPECT_DOUBLE_EQ(m.mean_error, 0.25);
    EXPECT_NEAR(m.cosine_similarity, 26.0 / std::sqrt(30.0 * 23.0), 1e-12);
    EXPECT_DOUBLE_EQ(m.clipped_fraction, 0.25);  // 4 lies outside [0, 3.5]
    EXPECT_DOUBLE_EQ(m.zero_fraction, 0.0);
}

TEST(Metrics, ZeroedValuesAndPerfectReconstruction) {
    const std::vector<float> x{0.1f, 0.0f, 5.0f};
    const std::vector<float> y{0.0f, 0.0f, 5.0f};
    EXPECT_NEAR(finish_metrics(reference_metric_sums(x, y, -10, 10)).zero_fraction, 1.0 / 3, 1e-12);
    const Metrics same = finish_metrics(reference_metric_sums(x, x, -10, 10));
    EXPECT_TRUE(std::isinf(same.sqnr_db) && same.sqnr_db > 0);
}

TEST(MetricSums, AddUp) {
    MetricSums a;
    a.count = 2;
    a.sum_e2 = 1;
    a.max_abs_e = 0.5;
    MetricSums b;
    b.count = 3;
    b.sum_e2 = 2;
    b.max_abs_e = 0.25;
    a += b;
    EXPECT_EQ(a.count, 5);
    EXPECT_DOUBLE_EQ(a.sum_e2, 3);
    EXPECT_DOUBLE_EQ(a.max_abs_e, 0.5);
}

}  // namespace
}  // namespace quantscope

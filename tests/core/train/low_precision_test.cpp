#include "quantscope/train/low_precision.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/train/update_comparison.h"

namespace quantscope {
namespace {

// In bf16 (8 significant bits) the neighbours of 1 are 1 + 2^-7 above and 1 - 2^-8 below, so
// an update vanishes under nearest rounding below 2^-8 upward and below 2^-9 downward.
TEST(VanishingUpdates, HalfTheGapToTheNeighbourInTheUpdatesDirection) {
    const Format bf16 = parse_format("bf16");
    EXPECT_TRUE(vanishes_under_nearest(bf16, 1.0, 0.0038));       // < 2^-8 = 0.00390625
    EXPECT_FALSE(vanishes_under_nearest(bf16, 1.0, 0.0040));      // > 2^-8
    EXPECT_FALSE(vanishes_under_nearest(bf16, 1.0, 0.00390625));  // the tie is not counted
    EXPECT_TRUE(vanishes_under_nearest(bf16, 1.0, -0.0019));      // < 2^-9 = 0.001953125
    EXPECT_FALSE(vanishes_under_nearest(bf16, 1.0, -0.0020));     // > 2^-9
    EXPECT_FALSE(vanishes_under_nearest(bf16, 1.0, 0.0));         // not an update
    const std::vector<float> w = {1, 1, 1, 1, 1, -2};
    // -2: the gap outward (to -2 - 2^-6) is 2^-6, so -0.007 (< 2^-7) vanishes.
    const std::vector<float> d = {0.0038f, 0.004f, -0.0019f, -0.002f, 0.0f, -0.007f};
    const UpdateCount count = count_vanishing(bf16, w, d);
    EXPECT_EQ(count.updates, 5);
    EXPECT_EQ(count.vanishing, 3);
    EXPECT_DOUBLE_EQ(count.fraction(), 0.6);
    EXPECT_THROW(count_vanishing(bf16, w, std::vector<float>(2)), UsageError);
}

// An inner optimizer that moves every weight by a constant: the update the storage sees.
class ConstantUpdate final : public Optimizer {
public:
    explicit ConstantUpdate(float d) : d_(d) {}
    void step(std::span<float> weights, std::span<const float>, std::size_t,
              std::int64_t) override {
        for (float& w : weights) {
            w += d_;
        }
    }
    std::string name() const override { return "constant"; }

private:
    float d_;
};

TEST(VanishingUpdates, CountedExactlyWhereNearestRoundingGivesTheWeightBack) {
    const Format fp8 = parse_format("fp8_e4m3");
    for (float d : {0.01f, 0.03f, 0.07f, -0.01f, -0.03f, -0.05f}) {
        ConstantUpdate inner(d);
        LowPrecisionStorage storage(inner, fp8, Rounding::NearestEven, 0);
        std::vector<float> w = {0.5f, 1.0f, 1.125f, 2.0f, -0.75f, 0.0f, 3.0f, -1.0f};
        storage.store(w);
        const std::vector<float> before = w;
        storage.begin_step(1);
        storage.step(w, std::vector<float>(w.size()), 0, 1);
        std::int64_t unchanged = 0;
        for (std::size_t i = 0; i < w.size(); ++i) {
            unchanged += w[i] == before[i] ? 1 : 0;
        }
        ASSERT_EQ(storage.step_counts().size(), 1u);
        EXPECT_EQ(storage.step_counts()[0].updates, 8);
        EXPECT_EQ(storage.step_counts()[0].vanishing, unchanged) << "d = " << d;
    }
}

// Stochastic rounding moves a weight by the update on average. Each draw lands on the lower or
// upper neighbour, so over K steps inside one binade (gap u) a weight's displacement has
// variance at most K u^2 / 4, and the mean over N weights a standard deviation at most
// u sqrt(K) / (2 sqrt(N)). The test allows 5 of those (a chance below 1e-6 for a fair coin;
// the hash is fixed, so the outcome is too), plus the rule's own bias below 2^-24 u per step.
TEST(StochasticRounding, MeanUpdateIsUnbiasedWithinFiveStandardErrors) {
    const Format bf16 = parse_format("bf16");
    const double u = std::ldexp(1.0, -7);  // bf16's gap in [1, 2)
    constexpr std::size_t kN = 1 << 16;
    constexpr int kSteps = 5;
    for (const double fraction : {0.1, 0.3, 0.5}) {
        const auto d = static_cast<float>(fraction * u);
        ConstantUpdate inner(d);
        LowPrecisionStorage stochastic(inner, bf16, Rounding::Stochastic, 42);
        LowPrecisionStorage nearest(inner, bf16, Rounding::NearestEven, 42);
        std::vector<float> ws(kN, 1.25f);
        std::vector<float> wn(kN, 1.25f);
        const std::vector<float> g(kN);
        for (int s = 1; s <= kSteps; ++s) {
            stochastic.begin_step(s);
            stochastic.step(ws, g, 0, s);
            nearest.begin_step(s);
            nearest.step(wn, g, 0, s);
        }
        double sum = 0;
        for (float w : ws) {
            sum += static_cast<double>(w) - 1.25;
        }
        const double mean = sum / kN;
        const double expected = kSteps * static_cast<double>(d);
        const double bound = 5 * u * std::sqrt(double(kSteps)) / (2 * std::sqrt(double(kN))) +
                             kSteps * std::ldexp(u, -24);
        EXPECT_NEAR(mean, expected, bound) << "d = " << fraction << " ulp";
        // Nearest loses every update below half a gap: the weights never move.
        if (fraction < 0.5) {
            EXPECT_EQ(wn, std::vector<float>(kN, 1.25f));
            EXPECT_DOUBLE_EQ(nearest.step_counts().back().fraction(), 1.0);
        }
    }
}

TEST(UpdateComparison, NearestStallsWhereStochasticFollowsFloat) {
    const TrainSettings settings;
    const UpdateComparison r =
        run_update_comparison(TaskSpec{}, settings, parse_format("fp8_e4m3"));
    ASSERT_FALSE(r.cancelled);
    EXPECT_EQ(r.nearest.label, "fp8_e4m3 nearest");
    const std::size_t steps = r.fp32.step_losses.size();
    EXPECT_EQ(r.nearest.step_losses.size(), steps);
    EXPECT_EQ(r.stochastic.vanishing_fraction.size(), steps);
    EXPECT_TRUE(r.fp32.vanishing_fraction.empty());
    // Most of fp8's updates vanish under nearest rounding, and its loss stays far above.
    double mean = 0;
    for (double f : r.nearest.vanishing_fraction) {
        mean += f / static_cast<double>(steps);
    }
    EXPECT_GT(mean, 0.5);
    EXPECT_GT(r.nearest.final.loss, 2 * r.stochastic.final.loss);
    EXPECT_NEAR(r.stochastic.final.accuracy, r.fp32.final.accuracy, 0.05);
    EXPECT_THROW(run_update_comparison(TaskSpec{}, settings, parse_format("int8")), UsageError);
}

}  // namespace
}  // namespace quantscope

// The 8-bit optimizer states view on the demo model (adam_comparison.h): deterministic, FP32
// stores exactly, the 8-bit runs report their errors, the bytes are exact, and on the demo's
// blobs the dynamic map trains as FP32 does while linear int8 flushes v to zero and falls behind.

#include <gtest/gtest.h>

#include <cstdio>

#include "quantscope/common/error.h"
#include "quantscope/train/adam_comparison.h"
#include "quantscope/train/adam_optimizer.h"

namespace quantscope {
namespace {

const AdamComparison& demo() {
    static const AdamComparison result =
        run_adam_comparison(adam_demo_task(), adam_demo_settings(), adam_demo_optimizer());
    return result;
}

TEST(AdamComparison, ThreeRunsOfTheSameSteps) {
    const AdamComparison& c = demo();
    ASSERT_EQ(c.runs.size(), 3u);
    EXPECT_FALSE(c.cancelled);
    for (std::size_t i = 0; i < 3; ++i) {
        const AdamRun& run = c.runs[i];
        EXPECT_EQ(run.format, state_formats()[i]);
        EXPECT_EQ(run.step_losses.size(), 342u);  // 1800 training points / 32, 6 epochs
        EXPECT_EQ(run.first_error.size(), 342u);
        EXPECT_EQ(run.second_zeroed.size(), 342u);
        EXPECT_EQ(run.epochs.size(), 6u);
    }
}

TEST(AdamComparison, DeterministicForASeed) {
    const AdamComparison again =
        run_adam_comparison(adam_demo_task(), adam_demo_settings(), adam_demo_optimizer());
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(again.runs[i].step_losses, demo().runs[i].step_losses);
        EXPECT_EQ(again.runs[i].second_error, demo().runs[i].second_error);
    }
}

// The MLP 2-64-4: w1 128, b1 64, w2 256, b2 4 = 452 parameters, each tensor one block.
TEST(AdamComparison, StateBytes) {
    const AdamRun& fp32 = demo().runs[0];
    EXPECT_EQ(fp32.parameters, 452);
    EXPECT_EQ(fp32.state_bytes, 8 * 452);
    EXPECT_DOUBLE_EQ(fp32.bytes_per_parameter(), 8.0);
    for (std::size_t i = 1; i < 3; ++i) {
        EXPECT_EQ(demo().runs[i].state_bytes, 2 * (452 + 4 * 4));
    }
}

TEST(AdamComparison, ErrorsAndLosses) {
    const AdamRun& fp32 = demo().runs[0];
    const AdamRun& int8 = demo().runs[1];
    const AdamRun& dyn = demo().runs[2];
    EXPECT_EQ(AdamRun::mean(fp32.first_error), 0.0);
    EXPECT_EQ(AdamRun::mean(fp32.second_drift), 0.0);
    EXPECT_GT(AdamRun::mean(int8.first_error), 0.0);
    EXPECT_GT(AdamRun::mean(dyn.second_error), 0.0);
    // Linear int8 flushes a share of v to zero (0.13 on a native AVX-512 build, 0.048 on the
    // x86-64-v2 baseline: Eigen's products sum in another order, and the run diverges once a
    // flushed v turns an update into m / eps), the dynamic map next to none; the dynamic map
    // ends where FP32 does. Where linear int8 ends depends on those flushes: after them it
    // recovered to 100 % on the baseline and stayed at 85.5 % on AVX-512, so no bound on it.
    EXPECT_GT(AdamRun::mean(int8.second_zeroed), 0.02);
    EXPECT_GT(AdamRun::mean(int8.second_zeroed), 100 * AdamRun::mean(dyn.second_zeroed));
    EXPECT_LT(AdamRun::mean(dyn.second_zeroed), 0.001);
    EXPECT_GT(fp32.final.accuracy, 0.99);
    EXPECT_GT(dyn.final.accuracy, 0.99);
    EXPECT_NEAR(dyn.step_losses.back(), fp32.step_losses.back(), 0.01);
    for (const AdamRun& run : demo().runs) {
        std::printf(
            "%-8s loss %.4f acc %.3f m err %.5f v err %.5f m drift %.5f v drift %.5f "
            "v zeroed %.4f bytes/param %.4f\n",
            std::string(to_string(run.format)).c_str(), run.step_losses.back(), run.final.accuracy,
            AdamRun::mean(run.first_error), AdamRun::mean(run.second_error),
            AdamRun::mean(run.first_drift), AdamRun::mean(run.second_drift),
            AdamRun::mean(run.second_zeroed), run.bytes_per_parameter());
    }
}

TEST(AdamComparison, CancelStops) {
    std::atomic<bool> cancel{true};
    const AdamComparison c = run_adam_comparison(adam_demo_task(), adam_demo_settings(),
                                                 adam_demo_optimizer(), {}, &cancel);
    EXPECT_TRUE(c.cancelled);
}

TEST(AdamComparison, RefusesBadSettings) {
    AdamSettings bad = adam_demo_optimizer();
    bad.beta1 = 1.5;
    EXPECT_THROW(run_adam_comparison(adam_demo_task(), adam_demo_settings(), bad), UsageError);
}

}  // namespace
}  // namespace quantscope

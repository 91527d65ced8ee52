// The helpers both quantizers (and the bulk float rounder) share instead of writing them again:
// the rounding-mode dispatch, the finiteness test, the union of ranges and the one choice of how
// a path counts the KL histogram. Internal headers, tested directly.

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "../../../core/src/common/finite_float.h"
#include "../../../core/src/common/rounding_dispatch.h"
#include "../../../core/src/quant/kl_counts.h"
#include "../../../core/src/quant/value_range.h"

namespace quantscope::detail {
namespace {

TEST(RoundingDispatch, CallsTheInstantiationOfEachMode) {
    for (Rounding r : {Rounding::NearestEven, Rounding::NearestAway, Rounding::TowardZero,
                       Rounding::Stochastic}) {
        const Rounding seen = with_rounding(r, []<Rounding R>() { return R; });
        EXPECT_EQ(seen, r) << to_string(r);
    }
}

TEST(FiniteFloat, OnlyNumbersUpToTheLargestFloat) {
    constexpr float kMax = std::numeric_limits<float>::max();
    for (float v : {0.0f, -0.0f, 1.0f, -2.5f, kMax, -kMax, std::numeric_limits<float>::denorm_min(),
                    std::numeric_limits<float>::min()}) {
        EXPECT_TRUE(is_finite_float(v)) << v;
    }
    for (float v :
         {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
          std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::quiet_NaN()}) {
        EXPECT_FALSE(is_finite_float(v)) << v;
    }
}

TEST(IncludeRange, UnionOfFiniteRangesIgnoresEmptyOnes) {
    ValueRange all;
    include_range(all, ValueRange{});
    EXPECT_FALSE(all.any_finite);
    include_range(all, ValueRange{2.0, 3.0, true});
    EXPECT_TRUE(all.any_finite);
    EXPECT_EQ(all.lo, 2.0);
    EXPECT_EQ(all.hi, 3.0);
    include_range(all, ValueRange{-1.0, 2.5, true});
    include_range(all, ValueRange{-100.0, 100.0, false});  // no finite value: adds nothing
    EXPECT_EQ(all.lo, -1.0);
    EXPECT_EQ(all.hi, 3.0);
}

TEST(KlCounting, OneChoiceForEveryPath) {
    KlCounts counts(KlGrid{});
    EXPECT_EQ(kl_counting(nullptr, true), KlCounting::None);
    EXPECT_EQ(kl_counting(nullptr, false), KlCounting::None);
    EXPECT_EQ(kl_counting(&counts, true), KlCounting::KernelSlots);
    EXPECT_EQ(kl_counting(&counts, false), KlCounting::ScaledValues);
}

// A grid of one bin per code unit from 0: value u lands in bin floor(u).
KlCounts unit_counts() {
    return KlCounts(KlGrid{0.0f, 1.0f});
}

TEST(KlCounting, KernelSlotsTakeTheSlotsThenTheTailAtItsPosition) {
    KlCounts counts = unit_counts();
    const std::vector<float> x{1, 1, 1, 1, 1, std::numeric_limits<float>::quiet_NaN()};
    const std::vector<std::uint32_t> slots{7, 7, 9, 0};  // what a kernel wrote for 4 values
    // The tail (x[4], x[5]) at position 3 * i: x[4] at 12; x[5] is not finite (the trash slot).
    count_kl_window(&counts, KlCounting::KernelSlots, slots.data(), 4, x.data(), x.size(),
                    [](std::size_t i) { return 3.0f * static_cast<float>(i); });
    EXPECT_EQ(counts.count(7), 2);
    EXPECT_EQ(counts.count(9), 1);
    EXPECT_EQ(counts.count(0), 1);
    EXPECT_EQ(counts.count(12), 1);
    EXPECT_EQ(counts.count(kKlBins), 1);
}

TEST(KlCounting, ScaledValuesCountEveryValueAtItsPosition) {
    KlCounts counts = unit_counts();
    const std::vector<float> x{1, 1, 1};
    const std::vector<float> t{5.5f, 5.25f, 100.0f};
    count_kl_window(&counts, KlCounting::ScaledValues, nullptr, 0, x.data(), x.size(),
                    [&](std::size_t i) { return t[i]; });
    EXPECT_EQ(counts.count(5), 2);
    EXPECT_EQ(counts.count(100), 1);
}

TEST(KlCounting, NoneCountsNothing) {
    const std::vector<float> x{1, 2};
    // No counts to count into: None must not touch them.
    count_kl_window(nullptr, KlCounting::None, nullptr, 0, x.data(), x.size(),
                    [](std::size_t) { return 0.0f; });
    SUCCEED();
}

}  // namespace
}  // namespace quantscope::detail

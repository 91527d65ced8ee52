#include "quantscope/quant/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "quantscope/common/generators.h"
#include "quantscope/common/parallel.h"

namespace quantscope {
namespace {

TEST(Histogram, CountsIntoEqualBinsWithEdgesAndOutsiders) {
    const std::vector<float> v{0.0f, 0.1f,  0.5f, 0.99f,
                               1.0f, -0.5f, 2.0f, std::numeric_limits<float>::quiet_NaN()};
    const Histogram h = make_histogram(v, 0.0, 1.0, 4);
    EXPECT_EQ(h.counts, (std::vector<std::int64_t>{2, 0, 1, 2}));  // 1.0 joins the last bin
    EXPECT_EQ(h.below, 1);
    EXPECT_EQ(h.above, 1);
    EXPECT_DOUBLE_EQ(h.bin_width(), 0.25);
    EXPECT_DOUBLE_EQ(h.bin_left(2), 0.5);
}

TEST(Histogram, ParallelCountsMatchSerial) {
    const Tensor t = generate("gaussian:n=1500000,seed=9");
    ASSERT_GT(t.values.size(), kParallelThreshold);
    const Histogram h = make_histogram(t.values, -3.0, 3.0, 64);
    // The same counts from pieces small enough to be counted on one thread.
    std::vector<std::int64_t> expected(64, 0);
    std::int64_t below = 0;
    std::int64_t above = 0;
    const std::span<const float> all(t.values.data(), t.values.size());
    for (std::size_t begin = 0; begin < all.size(); begin += 100000) {
        const std::size_t n = std::min<std::size_t>(100000, all.size() - begin);
        const Histogram piece = make_histogram(all.subspan(begin, n), -3.0, 3.0, 64);
        for (std::size_t b = 0; b < 64; ++b) {
            expected[b] += piece.counts[b];
        }
        below += piece.below;
        above += piece.above;
    }
    EXPECT_EQ(h.counts, expected);
    EXPECT_EQ(h.below, below);
    EXPECT_EQ(h.above, above);
    // And the bins are where the arithmetic says, but for values within float rounding of an edge.
    std::int64_t misplaced = 0;
    std::vector<std::int64_t> exact(64, 0);
    for (float x : t.values) {
        const double pos = (x + 3.0) * 64 / 6.0;
        if (pos >= 0 && pos <= 64) {
            ++exact[std::min<std::size_t>(63, static_cast<std::size_t>(pos))];
        }
    }
    for (std::size_t b = 0; b < 64; ++b) {
        misplaced += std::abs(exact[b] - h.counts[b]);
    }
    EXPECT_LE(misplaced, 20);  // of 1.5M values
}

TEST(Histogram, EdgesAreExactComparisons) {
    // lo and hi that are not floats: below / above follow the exact comparison.
    const double lo = 0.1;  // 0.1f > 0.1
    const double hi = 0.7;  // 0.7f < 0.7
    const std::vector<float> v{0.1f, std::nextafter(0.1f, 0.0f), 0.7f, std::nextafter(0.7f, 1.0f)};
    const Histogram h = make_histogram(v, lo, hi, 3);
    EXPECT_EQ(h.below, 1);
    EXPECT_EQ(h.above, 1);
    EXPECT_EQ(h.counts.front(), 1);
    EXPECT_EQ(h.counts.back(), 1);
    // A range too narrow for a float scale still counts every value somewhere.
    const std::vector<float> tiny{1e-45f, 0.0f};
    const Histogram t = make_histogram(tiny, 0.0, 1e-300, 4);
    EXPECT_EQ(t.total() + t.below + t.above, 2);
}

TEST(Histogram, FiniteRangeSkipsNanAndInf) {
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> v{inf, -3.0f, std::numeric_limits<float>::quiet_NaN(), 7.0f, -inf};
    const ValueRange r = finite_range(v);
    EXPECT_TRUE(r.any_finite);
    EXPECT_EQ(r.lo, -3.0);
    EXPECT_EQ(r.hi, 7.0);
    EXPECT_FALSE(finite_range(std::vector<float>{inf}).any_finite);
}

TEST(Histogram, DegenerateRangeIsWidened) {
    const Histogram h = make_histogram(std::vector<float>(5, 2.0f), 2.0, 2.0, 3);
    EXPECT_EQ(h.total(), 5);
    EXPECT_EQ(h.counts[1], 5);
}

// P = [1 2 3 0 | 4 4] in cells of 4 and 2 bins. Cell 1: mass 6 spread over its 3 non-empty
// bins, Q~ = [2 2 2 0]; cell 2: Q~ = P. KL = (1 log(1/2) + 2 log 1 + 3 log(3/2)) / 14. Degrees:
// (3 - 1) + (2 - 1).
TEST(CellDivergence, SpreadsEachCellsMassOverItsNonEmptyBins) {
    const std::vector<double> p{1, 2, 3, 0, 4, 4};
    const std::vector<std::size_t> cells{4, 6};
    const CellDivergence d = cell_divergence(p, cells);
    EXPECT_NEAR(d.kl, (std::log(0.5) + 3 * std::log(1.5)) / 14, 1e-15);
    EXPECT_EQ(d.degrees, 3);
    // One bin per cell: nothing lost. No mass: all zero.
    const std::vector<std::size_t> singles{1, 2, 3, 4, 5, 6};
    EXPECT_EQ(cell_divergence(p, singles).kl, 0.0);
    EXPECT_EQ(cell_divergence(p, singles).degrees, 0);
    const std::vector<double> empty(6, 0.0);
    EXPECT_EQ(cell_divergence(empty, cells).kl, 0.0);
    EXPECT_EQ(cell_divergence(empty, cells).degrees, 0);
}

TEST(Histogram, AutomaticBinCount) {
    EXPECT_EQ(automatic_bin_count(10), 16u);
    EXPECT_EQ(automatic_bin_count(1000000), 200u);
    EXPECT_EQ(automatic_bin_count(1u << 30), 512u);
}

}  // namespace
}  // namespace quantscope

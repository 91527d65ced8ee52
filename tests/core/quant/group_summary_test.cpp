#include "quantscope/quant/group_summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "quantscope/common/generators.h"

namespace quantscope {
namespace {

LargeVector<GroupParameters> groups_of(const std::vector<double>& scales,
                                       const std::vector<std::int32_t>& zero_points) {
    LargeVector<GroupParameters> groups;
    for (std::size_t i = 0; i < scales.size(); ++i) {
        GroupParameters g;
        g.scale = scales[i];
        g.zero_point = zero_points[i];
        groups.push_back(g);
    }
    return groups;
}

// Scales 1 .. 100 span two decades: log-spaced bins.
TEST(GroupSummary, SpreadsAndALogSpacedHistogram) {
    const GroupSummary s = summarize_groups(groups_of({4, 1, 100, 2, 3}, {5, -3, 0, 7, 0}));
    EXPECT_EQ(s.groups, 5);
    EXPECT_EQ(s.scale.min, 1.0);
    EXPECT_EQ(s.scale.median, 3.0);
    EXPECT_EQ(s.scale.max, 100.0);
    EXPECT_EQ(s.zero_point.min, -3.0);
    EXPECT_EQ(s.zero_point.median, 0.0);
    EXPECT_EQ(s.zero_point.max, 7.0);
    ASSERT_EQ(s.scales.counts.size(), kScaleHistogramBins);
    EXPECT_TRUE(s.scales.log_spaced);
    EXPECT_EQ(s.scales.counts[0], 1);
    EXPECT_EQ(s.scales.counts[4], 1);   // 2: 32 log 2 / log 100 = 4.8
    EXPECT_EQ(s.scales.counts[7], 1);   // 3: 32 log 3 / log 100 = 7.6
    EXPECT_EQ(s.scales.counts[9], 1);   // 4: 9.6
    EXPECT_EQ(s.scales.counts[31], 1);  // the largest in the last bin
    EXPECT_EQ(std::accumulate(s.scales.counts.begin(), s.scales.counts.end(), std::int64_t{0}), 5);
}

// Within a decade: equal bins; an even count's median is the mean of the middle two; one
// scale for all: one bin.
TEST(GroupSummary, LinearBinsEvenMedianAndOneScale) {
    const GroupSummary s = summarize_groups(groups_of({1, 2, 3, 4}, {0, 0, 0, 0}));
    EXPECT_FALSE(s.scales.log_spaced);
    EXPECT_EQ(s.scale.median, 2.5);
    EXPECT_EQ(s.scales.counts[0], 1);
    EXPECT_EQ(s.scales.counts[10], 1);  // (2 - 1) / 3 * 32 = 10.7
    EXPECT_EQ(s.scales.counts[21], 1);  // 21.3
    EXPECT_EQ(s.scales.counts[31], 1);
    const GroupSummary same = summarize_groups(groups_of({0.5, 0.5, 0.5}, {1, 1, 1}));
    ASSERT_EQ(same.scales.counts.size(), 1u);
    EXPECT_EQ(same.scales.counts[0], 3);
    EXPECT_EQ(same.scale.median, 0.5);
    EXPECT_EQ(summarize_groups({}).groups, 0);
}

// A per-block result: every group counted once, the first group's scale among them.
TEST(GroupSummary, OfABlockResult) {
    const Tensor t = generate("student-t:n=65536,dof=3,seed=4");
    QuantConfig c;
    apply_format(c, "int4");
    c.granularity = parse_granularity("block:32");
    const QuantResult r = quantize(t.values, c);
    const GroupSummary s = summarize_groups(r.groups);
    EXPECT_EQ(s.groups, 2048);
    EXPECT_LE(s.scale.min, r.groups[0].scale);
    EXPECT_GE(s.scale.max, r.groups[0].scale);
    EXPECT_LT(s.scale.min, s.scale.median);
    EXPECT_LT(s.scale.median, s.scale.max);
    EXPECT_EQ(std::accumulate(s.scales.counts.begin(), s.scales.counts.end(), std::int64_t{0}),
              2048);
}

}  // namespace
}  // namespace quantscope

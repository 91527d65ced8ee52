#include "quantscope/common/generators.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>

#include "quantscope/common/error.h"

namespace quantscope {
namespace {

double mean_of(std::span<const float> v) {
    return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double std_of(std::span<const float> v) {
    const double m = mean_of(v);
    double s = 0;
    for (float x : v) {
        s += (x - m) * (x - m);
    }
    return std::sqrt(s / static_cast<double>(v.size()));
}

TEST(Generators, SameSpecSameValuesOtherSeedOtherValues) {
    const Tensor a = generate("gaussian:n=1000,seed=3");
    const Tensor b = generate("gaussian:n=1000,seed=3");
    const Tensor c = generate("gaussian:n=1000,seed=4");
    EXPECT_EQ(a.values, b.values);
    EXPECT_NE(a.values, c.values);
    EXPECT_EQ(a.info.shape, (Shape{1000}));
    EXPECT_EQ(a.info.dtype, "float32");
    EXPECT_EQ(a.info.name, "gaussian:n=1000,mean=0,std=1,seed=3");
}

TEST(Generators, MomentsMatchTheirDistribution) {
    const Tensor g = generate("gaussian:n=200000,mean=2,std=3");
    EXPECT_NEAR(mean_of(g.values), 2.0, 0.05);
    EXPECT_NEAR(std_of(g.values), 3.0, 0.05);
    const Tensor l = generate("laplace:n=200000,scale=1");
    EXPECT_NEAR(std_of(l.values), std::sqrt(2.0), 0.03);
    const Tensor u = generate("uniform:n=200000,low=-2,high=4");
    EXPECT_GE(*std::min_element(u.values.begin(), u.values.end()), -2.0f);
    EXPECT_LT(*std::max_element(u.values.begin(), u.values.end()), 4.0f);
    EXPECT_NEAR(mean_of(u.values), 1.0, 0.03);
    const Tensor t = generate("student-t:n=200000,dof=5");
    EXPECT_NEAR(std_of(t.values), std::sqrt(5.0 / 3.0), 0.05);
}

TEST(Generators, MixtureInjectsOutliers) {
    const Tensor m = generate("mixture:n=100000,std=1,outliers=0.01,outlier-scale=20");
    const auto big = std::count_if(m.values.begin(), m.values.end(),
                                   [](float x) { return std::fabs(x) >= 10.0f; });
    EXPECT_NEAR(static_cast<double>(big), 1000.0, 150.0);
}

TEST(Generators, MatrixHasAShapeAndOutlierColumns) {
    const Tensor w = generate("matrix:rows=300,cols=64,std=0.5,outlier-columns=3,outlier-scale=10");
    EXPECT_EQ(w.info.shape, (Shape{300, 64}));
    ASSERT_EQ(w.values.size(), 300u * 64u);
    // Each column's std: three near 5, the rest near 0.5.
    int outliers = 0;
    for (std::size_t c = 0; c < 64; ++c) {
        std::vector<float> column;
        for (std::size_t r = 0; r < 300; ++r) {
            column.push_back(w.values[r * 64 + c]);
        }
        const double s = std_of(column);
        outliers += s > 3.5 ? 1 : 0;
        EXPECT_TRUE((s > 4.0 && s < 6.0) || (s > 0.4 && s < 0.6)) << c << " " << s;
    }
    EXPECT_EQ(outliers, 3);
    EXPECT_EQ(generate("matrix:rows=2,cols=3,outlier-columns=0").info.shape, (Shape{2, 3}));
    EXPECT_THROW(generate("matrix:rows=2,cols=3,outlier-columns=4"), UsageError);
    EXPECT_THROW(generate("matrix:rows=0,cols=3"), UsageError);
}

TEST(Generators, SineHasItsFrequencyAmplitudeAndRate) {
    const Tensor s = generate("sine:frequency=1000,amplitude=0.5,rate=8000,duration=0.01");
    ASSERT_EQ(s.values.size(), 80u);
    // 8 samples per period: sample 2 is the quarter period, the peak.
    EXPECT_NEAR(s.values[2], 0.5f, 1e-6f);
    EXPECT_NEAR(s.values[4], 0.0f, 1e-6f);
    EXPECT_DOUBLE_EQ(generator_sample_rate("sine:rate=8000"), 8000.0);
    EXPECT_DOUBLE_EQ(generator_sample_rate("gaussian"), 0.0);
}

TEST(Generators, BuiltinSampleHasOutliers) {
    const Tensor s = builtin_sample();
    ASSERT_EQ(s.values.size(), 65536u);
    EXPECT_EQ(*std::max_element(s.values.begin(), s.values.end()), 20.0f);
    EXPECT_EQ(*std::min_element(s.values.begin(), s.values.end()), -18.5f);
    EXPECT_EQ(generate("sample").values, s.values);
}

TEST(Generators, BadSpecsAreUsageErrors) {
    EXPECT_THROW(generate("nosuch"), UsageError);
    EXPECT_THROW(generate("gaussian:n=abc"), UsageError);
    EXPECT_THROW(generate("gaussian:n=-5"), UsageError);
    EXPECT_THROW(generate("gaussian:n=1e12"), UsageError);
    EXPECT_THROW(generate("gaussian:foo=1"), UsageError);
    EXPECT_THROW(generate("gaussian:n"), UsageError);
    EXPECT_THROW(generate("gaussian:std=0"), UsageError);
    EXPECT_THROW(generate("uniform:low=1,high=1"), UsageError);
    EXPECT_THROW(generate("sine:rate=0"), UsageError);
}

}  // namespace
}  // namespace quantscope

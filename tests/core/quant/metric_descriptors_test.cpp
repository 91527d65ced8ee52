// The metrics list every face shows (metric_descriptors) and the one helper that formats them,
// with its special cases: percentages, infinities, KL below its sampling floor.

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "quantscope/quant/metric_descriptors.h"

namespace quantscope {
namespace {

TEST(MetricDescriptors, KeysAreUniqueAndEachReadsItsOwnMetric) {
    Metrics m;
    m.sqnr_db = 1;
    m.mse = 2;
    m.rmse = 3;
    m.max_abs_error = 4;
    m.mean_error = 5;
    m.cosine_similarity = 6;
    m.clipped_fraction = 7;
    m.zero_fraction = 8;
    m.kl_divergence = 9;
    m.outlier_fraction = 10;
    std::set<std::string_view> keys;
    std::set<double> values;
    for (const MetricDescriptor& d : metric_descriptors()) {
        EXPECT_TRUE(keys.insert(d.key).second) << d.key;
        EXPECT_TRUE(values.insert(d.value(m)).second) << d.key;
        EXPECT_FALSE(d.label.empty()) << d.key;
        EXPECT_FALSE(d.description.empty()) << d.key;
        EXPECT_EQ(find_metric(d.key), &d);
    }
    // Every double metric of Metrics is listed, SQNR first.
    EXPECT_EQ(values.size(), 10u);
    EXPECT_EQ(metric_descriptors().front().key, "sqnr_db");
    EXPECT_EQ(find_metric("no_such_metric"), nullptr);
}

TEST(MetricDescriptors, TextHasTheUnitAndPercentages) {
    Metrics m;
    m.sqnr_db = 26.93541;
    m.clipped_fraction = 0.000125;
    EXPECT_EQ(metric_text(*find_metric("sqnr_db"), m, 4), "26.94 dB");
    EXPECT_EQ(metric_text(*find_metric("clipped_fraction"), m, 4), "0.0125 %");
    m.sqnr_db = INFINITY;
    EXPECT_EQ(metric_text(*find_metric("sqnr_db"), m, 4), "inf dB");
    EXPECT_EQ(metric_text(*find_metric("sqnr_db"), m, 4, NumberSymbols::Unicode), "∞ dB");
    m.sqnr_db = -INFINITY;
    EXPECT_EQ(metric_text(*find_metric("sqnr_db"), m, 4), "-inf dB");
}

TEST(MetricDescriptors, KlBelowItsSamplingFloorSaysSo) {
    Metrics m;
    m.kl_divergence = 0.0123456;
    m.kl_sampling_floor = 0.015;
    const MetricDescriptor& kl = *find_metric("kl_divergence");
    EXPECT_TRUE(kl.has_sampling_floor);
    EXPECT_EQ(metric_text(kl, m, 4), "0.01235");
    m.kl_below_sampling_floor = true;
    EXPECT_EQ(metric_text(kl, m, 4), "0.01235 (below the sampling floor 0.015)");
    for (const MetricDescriptor& d : metric_descriptors()) {
        EXPECT_EQ(d.has_sampling_floor, &d == &kl) << d.key;
        // Only KL has a floor: no other metric says so.
        if (&d != &kl) {
            EXPECT_EQ(metric_text(d, m, 4).find("floor"), std::string::npos) << d.key;
        }
    }
}

TEST(MetricDescriptors, ExactNumbersReadBackAndNameWhatJsonCannotHold) {
    for (const double v : {0.1, 1.0 / 3.0, 26.935412345678, -4.4092673107343217e-05, 0.0}) {
        EXPECT_EQ(std::stod(exact_number_text(v)), v);
    }
    EXPECT_EQ(exact_number_text(0.1), "0.1");
    EXPECT_EQ(exact_number_text(INFINITY), "inf");
    EXPECT_EQ(exact_number_text(-INFINITY), "-inf");
    EXPECT_EQ(exact_number_text(NAN), "nan");
}

}  // namespace
}  // namespace quantscope

#pragma once
// Error metrics, one definition everywhere (DESIGN.md "Metrics"); E = x - Q(x).

#include <cstdint>
#include <span>
#include <string>

namespace quantscope {

struct Metrics {
    std::int64_t count = 0;      // finite values measured
    std::int64_t nan_count = 0;  // excluded from every metric
    std::int64_t inf_count = 0;  // excluded from every metric
    double mse = 0;
    double rmse = 0;
    double sqnr_db = 0;  // 10 log10(sum x^2 / sum E^2); +Inf when E is all zero
    double max_abs_error = 0;
    double mean_error = 0;  // bias
    double cosine_similarity = 1;
    // Values beyond the outermost cells, more than half a step beyond the end levels (DESIGN.md
    // "Clipping"): the range, not rounding, set their error. Never a value min-max covers.
    double clipped_fraction = 0;
    double zero_fraction = 0;  // non-zero values that became zero
    // KL(P || Q~) of the values' histogram in code units (DESIGN.md "KL divergence"), and the
    // value a quantizer that loses nothing the histogram can resolve would still show on a
    // sample of this size; below it, KL measures the sample rather than the quantizer.
    double kl_divergence = 0;
    double kl_sampling_floor = 0;
    bool kl_below_sampling_floor = false;
    double outlier_fraction = 0;  // values kept in FP16 by an outlier threshold
};

// Sums a pass over (x, Q(x)) accumulates; partial sums from several threads add up.
struct MetricSums {
    std::int64_t count = 0;
    std::int64_t nan_count = 0;
    std::int64_t inf_count = 0;
    std::int64_t clipped = 0;
    std::int64_t zeroed = 0;
    double sum_x2 = 0;
    double sum_y2 = 0;
    double sum_xy = 0;
    double sum_e = 0;
    double sum_e2 = 0;
    double max_abs_e = 0;

    MetricSums& operator+=(const MetricSums& other);
};

// Turns sums into metrics (the KL fields are left 0: they need a histogram). Every input has a
// defined value (docs/design.md "Metrics for degenerate inputs"): no finite value gives mse 0,
// sqnr +Inf and cosine 1; a zero error gives sqnr +Inf; an all-zero x with an error gives sqnr
// -Inf; cosine is 1 for two zero vectors and 0 for one.
Metrics finish_metrics(const MetricSums& sums);

// The name of the first metric whose value docs/design.md "Metrics for degenerate inputs" does
// not allow (NaN anywhere, an infinite mse, a fraction outside [0, 1], ...), or an empty string.
std::string undefined_metric(const Metrics& m);

// Scalar reference: metrics of y against x, where values of x outside [clip_min, clip_max] count
// as clipped (clipping_bounds gives a group's). Used by tests.
MetricSums reference_metric_sums(std::span<const float> x, std::span<const float> y,
                                 double clip_min, double clip_max);

}  // namespace quantscope

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
    double clipped_fraction = 0;  // values outside the clipping range
    double zero_fraction = 0;     // non-zero values that became zero
    double kl_divergence = 0;     // between histograms of x and Q(x) on the same bins
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

// Turns sums into metrics (kl_divergence is left 0: it needs histograms). Every input has a
// defined value (docs/design.md "Metrics for degenerate inputs"): no finite value gives mse 0,
// sqnr +Inf and cosine 1; a zero error gives sqnr +Inf; an all-zero x with an error gives sqnr
// -Inf; cosine is 1 for two zero vectors and 0 for one.
Metrics finish_metrics(const MetricSums& sums);

// The name of the first metric whose value docs/design.md "Metrics for degenerate inputs" does
// not allow (NaN anywhere, an infinite mse, a fraction outside [0, 1], ...), or an empty string.
std::string undefined_metric(const Metrics& m);

// Scalar reference: metrics of y against x, where values of x outside [clip_min, clip_max] count
// as clipped. Used by tests and by paths that produce Q(x) without the fused kernel.
MetricSums reference_metric_sums(std::span<const float> x, std::span<const float> y,
                                 double clip_min, double clip_max);

}  // namespace quantscope

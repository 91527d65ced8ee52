#pragma once
// Choosing the clipping range (DESIGN.md "Calibration"). Every method returns the range it
// chose so that views can draw it. NaN and Inf never take part.
//   minmax        the observed range (the absmax for symmetric schemes)
//   percentile:P  the P-th percentile of |x| (symmetric) or the (100-P, P) pair (affine), with
//                 NumPy's default linear interpolation between order statistics
//   kl            the threshold with the smallest KL metric (DESIGN.md "KL divergence"): TensorRT's
//                 entropy search on a 2048-bin histogram of |x| proposes one, then the KL metric,
//                 counted exactly, picks among it, 2^(+-1/3) and 2^(+-2/3) times it and the
//                 absmax (groups of fewer than kKlRefinedGroup values keep TensorRT's choice)
//   mse           the threshold with the smallest mean squared quantization error: a grid
//                 search on the |x| histogram, then a golden-section refinement on the data
//   sigma:K       mean +- K standard deviations, capped at the observed range
// kl and mse search a threshold T on |x|; an affine scheme then uses [max(min, -T), min(max, T)].

#include <span>
#include <vector>

#include "quantscope/quant/histogram.h"
#include "quantscope/quant/quant_config.h"

namespace quantscope {

struct ClipRange {
    double lo = 0;
    double hi = 0;
};

ClipRange calibrate(std::span<const float> values, const QuantConfig& config);
// What min-max calibration chooses for values of this finite range (a range already known saves
// calibrate() its pass over the values).
ClipRange minmax_range(const ValueRange& range, const QuantConfig& config);

// Building blocks, exposed for tests and for sweeps that share them.
struct FiniteMoments {
    std::int64_t count = 0;
    double min = 0;
    double max = 0;
    double mean = 0;
    double stddev = 0;  // population standard deviation
};
FiniteMoments finite_moments(std::span<const float> values);

// NumPy-compatible percentile (method "linear") of the finite values, or of their absolute
// values. Exact: a histogram narrows the search, then only one bin's values are selected.
double percentile(std::span<const float> values, double p, bool of_absolute_values);

// The TensorRT entropy threshold for `target_bins` quantized bins, from a histogram of |x| over
// [0, absmax]. Returned in units of the histogram's value axis.
double kl_threshold(std::span<const std::int64_t> abs_histogram, double absmax,
                    std::size_t target_bins);

// The thresholds on |x| the kl calibration chooses among by their KL metric (ascending; one for
// small groups, whose KL is mostly their sampling floor; none when every finite value is 0).
inline constexpr std::size_t kKlRefinedGroup = 65536;
std::vector<double> kl_candidates(std::span<const float> values, const QuantConfig& config);
// The KL metric quantize() reports for each threshold on |x| (the range kl_search would give it),
// counted exactly in one pass with one increment per value; m needs min and max.
std::vector<double> kl_metrics_at(std::span<const float> values, const std::vector<double>& t,
                                  const FiniteMoments& m, const QuantConfig& config);
// The kl calibration's threshold on |x|.
double kl_search(std::span<const float> values, const FiniteMoments& m, const QuantConfig& config);

}  // namespace quantscope

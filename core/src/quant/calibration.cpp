#include "quantscope/quant/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "../common/finite_float.h"
#include "../common/prefetch.h"
#include "../simd/kernel_table.h"
#include "histogram_slots.h"
#include "kl_counts.h"
#include "kl_scale_counts.h"
#include "quantscope/common/error.h"
#include "quantscope/common/parallel.h"
#include "quantscope/quant/histogram.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope {
namespace {

using detail::is_finite_float;

inline double transformed(float v, bool absolute) {
    return absolute ? std::fabs(static_cast<double>(v)) : static_cast<double>(v);
}

// Counts of finite (optionally absolute) values in `bins` equal bins over [lo, hi].
std::vector<std::int64_t> count_bins(std::span<const float> values, double lo, double hi,
                                     std::size_t bins, bool absolute) {
    std::vector<std::vector<std::int64_t>> partial(max_chunks(),
                                                   std::vector<std::int64_t>(bins, 0));
    const double scale = hi > lo ? static_cast<double>(bins) / (hi - lo) : 0.0;
    const double last = static_cast<double>(bins - 1);
    constexpr std::uint32_t kSkip = 0xFFFFFFFFU;
    parallel_for(values.size(), 4096, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        std::vector<std::int64_t>& counts = partial[chunk];
        // Bins for a block at a time in a branch-free loop (it vectorizes), then counted.
        constexpr std::size_t kChunk = 1024;
        std::uint32_t slots[kChunk];
        for (std::size_t b = begin; b < end; b += kChunk) {
            const std::size_t n = std::min(kChunk, end - b);
            for (std::size_t i = 0; i < n; ++i) {
                if (i % detail::kValuesPerLine == 0) {
                    detail::prefetch_ahead(values.data() + b + i);
                }
                const float v = values[b + i];
                const double position = (transformed(v, absolute) - lo) * scale;
                const double bin = std::min(position <= 0 ? 0.0 : std::floor(position), last);
                slots[i] = is_finite_float(v)
                               ? static_cast<std::uint32_t>(is_finite_float(v) ? bin : 0.0)
                               : kSkip;
            }
            for (std::size_t i = 0; i < n; ++i) {
                if (slots[i] != kSkip) {
                    ++counts[slots[i]];
                }
            }
        }
    });
    std::vector<std::int64_t> total(bins, 0);
    for (const auto& counts : partial) {
        for (std::size_t b = 0; b < bins; ++b) {
            total[b] += counts[b];
        }
    }
    return total;
}

// Counts of finite |x| on `bins` equal bins over [0, absmax], for the KL and MSE searches: the
// histogram builders' float arithmetic (histogram_slots.h), 8 wide, much faster than
// count_bins' double arithmetic. (order_statistics keeps count_bins: its selection pass repeats
// that exact bin arithmetic value by value.)
std::vector<std::int64_t> abs_bin_counts(std::span<const float> values, double absmax,
                                         std::size_t bins) {
    const Histogram shape = detail::empty_histogram(0, absmax, bins);
    std::vector<std::optional<detail::SlotCounts>> partial(max_chunks());
    parallel_for(values.size(), 4096, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        detail::SlotCounts& counts = partial[chunk].emplace(shape);
        float magnitude[detail::SlotCounts::kRun];
        for (std::size_t b = begin; b < end; b += detail::SlotCounts::kRun) {
            const std::size_t n = std::min(detail::SlotCounts::kRun, end - b);
            const float* x = values.data() + b;
            for (std::size_t i = 0; i < n; i += detail::kValuesPerLine) {
                detail::prefetch_ahead(x + i);
            }
            for (std::size_t i = 0; i < n; ++i) {
                magnitude[i] = __builtin_fabsf(x[i]);  // NaN stays NaN, Inf Inf: both skipped
            }
            counts.add(magnitude, n, false);
        }
    });
    Histogram h = shape;
    for (const std::optional<detail::SlotCounts>& counts : partial) {
        if (counts) {
            counts->add_to(h);
        }
    }
    // Nothing lies outside [0, absmax] but rounding at the ends: those join the edge bins.
    h.counts.front() += h.below;
    h.counts.back() += h.above;
    return h.counts;
}

// The k-th and (k+1)-th smallest finite (absolute) values, 0-based. A histogram finds the bins
// that hold them; only the values of those bins are copied and selected.
std::pair<double, double> order_statistics(std::span<const float> values, bool absolute,
                                           std::int64_t k, std::int64_t count, double lo,
                                           double hi) {
    constexpr std::size_t kBins = 4096;
    const std::vector<std::int64_t> counts = count_bins(values, lo, hi, kBins, absolute);
    const std::int64_t k2 = std::min(k + 1, count - 1);
    std::int64_t before = 0;
    std::size_t first = 0;
    while (before + counts[first] <= k) {
        before += counts[first++];
    }
    std::size_t last = first;
    std::int64_t through = before + counts[first];
    while (through <= k2) {
        through += counts[++last];
    }
    const double scale = hi > lo ? static_cast<double>(kBins) / (hi - lo) : 0.0;
    std::vector<double> candidates;
    candidates.reserve(static_cast<std::size_t>(through - before));
    for (float v : values) {
        if (!is_finite_float(v)) {
            continue;
        }
        const double t = transformed(v, absolute);
        const double position = (t - lo) * scale;
        const std::size_t b =
            std::min(kBins - 1, position <= 0 ? 0 : static_cast<std::size_t>(position));
        if (b >= first && b <= last) {
            candidates.push_back(t);
        }
    }
    std::sort(candidates.begin(), candidates.end());
    return {candidates[static_cast<std::size_t>(k - before)],
            candidates[static_cast<std::size_t>(k2 - before)]};
}

ClipRange range_for_threshold(double threshold, const FiniteMoments& m, Scheme scheme) {
    if (scheme == Scheme::Symmetric) {
        return {-threshold, threshold};
    }
    return {std::max(m.min, -threshold), std::min(m.max, threshold)};
}

double exact_mse(std::span<const float> values, double threshold, const FiniteMoments& m,
                 const QuantConfig& config) {
    const GroupParameters g =
        parameters_for_range(range_for_threshold(threshold, m, config.scheme), config);
    return finish_metrics(measure_quantization(values, g, config)).mse;
}

// Small groups (blocks): the exact MSE of every candidate threshold, computed value by value
// with the scalar reference (identical to the kernels). Candidates: each |x| of the group and a
// grid of 32 fractions of the absmax.
constexpr std::size_t kSmallGroup = 256;

double small_group_mse_threshold(std::span<const float> values, const FiniteMoments& m,
                                 const QuantConfig& config, double absmax) {
    std::vector<double> candidates;
    for (float v : values) {
        if (std::isfinite(v) && v != 0) {
            candidates.push_back(std::fabs(v));
        }
    }
    for (int j = 1; j <= 32; ++j) {
        candidates.push_back(absmax * j / 32);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    double best = absmax;
    double best_sse = std::numeric_limits<double>::infinity();
    for (double threshold : candidates) {
        const GroupParameters g =
            parameters_for_range(range_for_threshold(threshold, m, config.scheme), config);
        double sse = 0;
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (std::isfinite(values[i])) {
                const double e = static_cast<double>(values[i]) -
                                 quantize_value_reference(values[i], g, config, i);
                sse += e * e;
            }
        }
        if (sse < best_sse) {
            best_sse = sse;
            best = threshold;
        }
    }
    return best;
}

double mse_threshold(std::span<const float> values, const FiniteMoments& m,
                     const QuantConfig& config) {
    const double absmax = std::max(std::fabs(m.min), std::fabs(m.max));
    if (absmax == 0) {
        return 0;
    }
    if (values.size() <= kSmallGroup) {
        return small_group_mse_threshold(values, m, config, absmax);
    }
    // Grid search on a histogram of |x|: unclipped values cost s^2/12 (uniform rounding noise),
    // clipped ones their distance to the top level.
    constexpr std::size_t kBins = 2048;
    constexpr int kGrid = 256;
    const std::vector<std::int64_t> hist = abs_bin_counts(values, absmax, kBins);
    const double width = absmax / kBins;
    const bool integer =
        config.format.kind() == FormatKind::Integer && config.block_scaling == BlockScaling::None;
    int best_j = kGrid;
    double best_estimate = std::numeric_limits<double>::infinity();
    for (int j = 1; j <= kGrid; ++j) {
        const double threshold = absmax * j / kGrid;
        const GroupParameters g =
            parameters_for_range(range_for_threshold(threshold, m, config.scheme), config);
        const double top = std::max(std::fabs(g.clip_min), g.clip_max);
        const double noise = g.scale * g.scale / 12;
        double estimate = 0;
        for (std::size_t b = 0; b < kBins; ++b) {
            if (hist[b] == 0) {
                continue;
            }
            const double centre = (static_cast<double>(b) + 0.5) * width;
            double e2 = noise;
            if (centre > top) {
                e2 = (centre - top) * (centre - top);
            } else if (!integer) {
                // Float and lookup grids are not uniform: the step depends on the value.
                const double step = config.format.ulp(centre / g.scale) * g.scale;
                e2 = step * step / 12;
            }
            estimate += static_cast<double>(hist[b]) * e2;
        }
        if (estimate < best_estimate) {
            best_estimate = estimate;
            best_j = j;
        }
    }
    // Golden-section refinement on the exact MSE around the best grid point.
    double a = absmax * std::max(best_j - 1, 0) / kGrid;
    double b = absmax * std::min(best_j + 1, kGrid) / kGrid;
    const double ratio = (std::sqrt(5.0) - 1) / 2;
    double c = b - ratio * (b - a);
    double d = a + ratio * (b - a);
    double fc = exact_mse(values, c, m, config);
    double fd = exact_mse(values, d, m, config);
    for (int iteration = 0; iteration < 24; ++iteration) {
        if (fc < fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - ratio * (b - a);
            fc = exact_mse(values, c, m, config);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + ratio * (b - a);
            fd = exact_mse(values, d, m, config);
        }
    }
    // Keep the best point actually measured, the grid point included.
    double best = fc < fd ? c : d;
    double best_mse = std::min(fc, fd);
    const double grid_point = absmax * best_j / kGrid;
    if (const double f = exact_mse(values, grid_point, m, config); f < best_mse) {
        best = grid_point;
    }
    return best;
}

}  // namespace

FiniteMoments finite_moments(std::span<const float> values) {
    struct Partial {
        std::int64_t count = 0;
        double sum = 0;
        double min = std::numeric_limits<double>::infinity();
        double max = -std::numeric_limits<double>::infinity();
    };
    std::vector<Partial> partial(max_chunks());
    parallel_for(values.size(), 4096, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        Partial p;
        for (std::size_t i = begin; i < end; ++i) {
            if (is_finite_float(values[i])) {
                const double v = values[i];
                ++p.count;
                p.sum += v;
                p.min = std::min(p.min, v);
                p.max = std::max(p.max, v);
            }
        }
        partial[chunk] = p;
    });
    Partial total;
    for (const Partial& p : partial) {
        total.count += p.count;
        total.sum += p.sum;
        total.min = std::min(total.min, p.min);
        total.max = std::max(total.max, p.max);
    }
    FiniteMoments m;
    m.count = total.count;
    if (m.count == 0) {
        return m;
    }
    m.min = total.min;
    m.max = total.max;
    m.mean = total.sum / static_cast<double>(m.count);
    // Second pass around the mean: no cancellation, unlike sum of squares minus squared sum.
    std::vector<double> squares(max_chunks(), 0.0);
    parallel_for(values.size(), 4096, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        double s = 0;
        for (std::size_t i = begin; i < end; ++i) {
            if (is_finite_float(values[i])) {
                const double d = values[i] - m.mean;
                s += d * d;
            }
        }
        squares[chunk] = s;
    });
    double sum_squares = 0;
    for (double s : squares) {
        sum_squares += s;
    }
    m.stddev = std::sqrt(sum_squares / static_cast<double>(m.count));
    return m;
}

double percentile(std::span<const float> values, double p, bool of_absolute_values) {
    const FiniteMoments m = finite_moments(values);
    if (m.count == 0) {
        return 0;
    }
    const double lo = of_absolute_values ? 0.0 : m.min;
    const double hi = of_absolute_values ? std::max(std::fabs(m.min), std::fabs(m.max)) : m.max;
    const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(m.count - 1);
    const auto k = static_cast<std::int64_t>(std::floor(rank));
    const auto [a, b] = order_statistics(values, of_absolute_values, k, m.count, lo, hi);
    return a + (rank - static_cast<double>(k)) * (b - a);
}

namespace {

// The entropy objective of threshold candidate i (the first i bins): P is those bins with
// everything beyond folded into the last one, cut into target_bins cells of equal bins (the last
// takes the remainder), whose masses come from the bins before the fold (TensorRT's choice:
// with the fold in Q~ too, the narrowest candidate, a bin per cell, would cost nothing however
// much it clips). Infinity when P is empty. p and cell_ends: scratch of hist.size() and
// target_bins; `counts`: hist as doubles.
double candidate_kl(const std::vector<double>& counts, const std::vector<double>& suffix,
                    std::size_t i, std::size_t target_bins, std::vector<double>& p,
                    std::vector<std::size_t>& cell_ends) {
    std::copy(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(i), p.begin());
    p[i - 1] += suffix[i];
    const std::size_t merged = i / target_bins;
    for (std::size_t j = 0; j + 1 < target_bins; ++j) {
        cell_ends[j] = (j + 1) * merged;
    }
    cell_ends[target_bins - 1] = i;
    if (suffix[0] == 0) {
        return std::numeric_limits<double>::infinity();
    }
    if (suffix[0] == suffix[i]) {
        return std::numeric_limits<double>::infinity();  // all of it in the tail
    }
    return cell_divergence(std::span<const double>(p.data(), i), cell_ends,
                           std::span<const double>(counts.data(), i))
        .kl;
}

}  // namespace

double kl_threshold(std::span<const std::int64_t> hist, double absmax, std::size_t target_bins) {
    const std::size_t bins = hist.size();
    if (bins == 0 || target_bins == 0 || target_bins >= bins) {
        return absmax;
    }
    const double width = absmax / static_cast<double>(bins);
    const std::vector<double> counts(hist.begin(), hist.end());
    std::vector<double> suffix(bins + 1, 0.0);  // suffix[i] = sum of hist[i..]
    for (std::size_t i = bins; i-- > 0;) {
        suffix[i] = suffix[i + 1] + static_cast<double>(hist[i]);
    }
    // The candidates are independent: the cores take every other one (the cost of a candidate
    // grows with i, so contiguous halves would leave one core with three quarters of the work).
    // Each keeps its first smallest KL; across cores the smallest KL wins, the smaller i on a tie:
    // the serial loop's choice.
    struct Best {
        double kl = std::numeric_limits<double>::infinity();
        std::size_t i = 0;
    };
    const std::size_t candidates = bins - target_bins + 1;
    const std::size_t ways = std::min<std::size_t>(max_chunks(), candidates);
    std::vector<Best> best(ways);
    parallel_for_tasks(
        ways, candidates * bins, [&](std::size_t, std::size_t begin, std::size_t end) {
            std::vector<double> p(bins);
            std::vector<std::size_t> cell_ends(target_bins);
            for (std::size_t way = begin; way < end; ++way) {
                Best& mine = best[way];
                mine.i = bins + 1;
                for (std::size_t i = target_bins + way; i <= bins; i += ways) {
                    const double kl = candidate_kl(counts, suffix, i, target_bins, p, cell_ends);
                    if (kl < mine.kl) {
                        mine.kl = kl;
                        mine.i = i;
                    }
                }
            }
        });
    double best_kl = std::numeric_limits<double>::infinity();
    std::size_t best_i = bins;
    for (const Best& b : best) {
        if (b.kl < best_kl || (b.kl == best_kl && b.i < best_i)) {
            best_kl = b.kl;
            best_i = b.i;
        }
    }
    return static_cast<double>(best_i) * width;
}

namespace {

// TensorRT's threshold: its entropy search on the 2048-bin histogram of |x|, with as many cells
// as the format has positive levels (128 for INT8).
double tensorrt_threshold(std::span<const float> values, double absmax, const QuantConfig& config) {
    constexpr std::size_t kBins = 2048;
    const std::vector<std::int64_t> hist = abs_bin_counts(values, absmax, kBins);
    const std::size_t target = std::size_t{1} << (config.format.bits() - 1);
    return kl_threshold(hist, absmax, target);
}

}  // namespace

std::vector<double> kl_metrics_at(std::span<const float> values, const std::vector<double>& t,
                                  const FiniteMoments& m, const QuantConfig& config) {
    const std::size_t candidates = t.size();
    const bool integer =
        config.format.kind() == FormatKind::Integer && config.block_scaling == BlockScaling::None;
    std::vector<float> inv(candidates);
    std::vector<float> zero_point(candidates);
    for (std::size_t c = 0; c < candidates; ++c) {
        const GroupParameters g =
            parameters_for_range(range_for_threshold(t[c], m, config.scheme), config);
        const auto scale = static_cast<float>(g.scale);
        inv[c] = scale > 0 ? static_cast<float>(1.0 / static_cast<double>(scale)) : 0.0f;
        zero_point[c] = integer ? static_cast<float>(g.zero_point) : 0.0f;
    }
    const detail::KlCounter counter(config);
    const detail::KlScaleCounts counts =
        detail::count_kl_scales(values, counter.grid(), inv, zero_point);
    std::vector<double> kl(candidates, 0.0);
    for (std::size_t c = 0; c < candidates; ++c) {
        Metrics metrics;
        metrics.count = counts.finite;
        counter.finish(counts.counts[c], metrics);
        kl[c] = metrics.kl_divergence;
    }
    return kl;
}

std::vector<double> kl_candidates(std::span<const float> values, const QuantConfig& config) {
    const ValueRange r = finite_range(values);
    const double absmax = r.any_finite ? std::max(std::fabs(r.lo), std::fabs(r.hi)) : 0.0;
    if (absmax == 0) {
        return {};
    }
    const double trt = tensorrt_threshold(values, absmax, config);
    if (values.size() < kKlRefinedGroup) {
        return {trt};
    }
    std::vector<double> candidates;
    for (int k = -2; k <= 2; ++k) {  // 0.63 .. 1.59 of it, geometric
        candidates.push_back(std::min(absmax, trt * std::exp2(k / 3.0)));
    }
    candidates.push_back(absmax);
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    return candidates;
}

double kl_search(std::span<const float> values, const FiniteMoments& m, const QuantConfig& config) {
    const std::vector<double> candidates = kl_candidates(values, config);
    if (candidates.size() <= 1) {
        return candidates.empty() ? 0.0 : candidates.front();
    }
    const std::vector<double> kl = kl_metrics_at(values, candidates, m, config);
    double best = candidates.back();
    double best_kl = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < candidates.size(); ++c) {
        if (kl[c] < best_kl) {
            best_kl = kl[c];
            best = candidates[c];
        }
    }
    return best;
}

ClipRange minmax_range(const ValueRange& range, const QuantConfig& config) {
    const double absmax = std::max(std::fabs(range.lo), std::fabs(range.hi));
    return config.scheme == Scheme::Symmetric ? ClipRange{-absmax, absmax}
                                              : ClipRange{range.lo, range.hi};
}

namespace per_level {

ClipRange calibrate(std::span<const float> values, const QuantConfig& config) {
    const Calibration& c = config.calibration;
    if (c.method == CalibrationMethod::Manual) {
        if (!(std::isfinite(c.manual_min) && std::isfinite(c.manual_max) &&
              c.manual_min <= c.manual_max)) {
            throw UsageError("manual range needs finite min <= max");
        }
        return {c.manual_min, c.manual_max};
    }
    const bool symmetric = config.scheme == Scheme::Symmetric;
    if (c.method == CalibrationMethod::MinMax) {
        // One vectorized pass: no mean or deviation needed.
        return minmax_range(finite_range(values), config);
    }
    // Only sigma needs the mean and deviation (two passes); the others need the range (one).
    FiniteMoments m;
    if (c.method == CalibrationMethod::Sigma) {
        m = finite_moments(values);
    } else {
        const ValueRange r = finite_range(values);
        m.count = r.any_finite ? 1 : 0;  // only tested against zero below
        m.min = r.lo;
        m.max = r.hi;
    }
    if (m.count == 0) {
        return {0, 0};
    }
    const double absmax = std::max(std::fabs(m.min), std::fabs(m.max));
    switch (c.method) {
        case CalibrationMethod::MinMax:
            return symmetric ? ClipRange{-absmax, absmax} : ClipRange{m.min, m.max};
        case CalibrationMethod::Percentile:
            if (symmetric) {
                const double t = percentile(values, c.parameter, true);
                return {-t, t};
            }
            return {percentile(values, 100 - c.parameter, false),
                    percentile(values, c.parameter, false)};
        case CalibrationMethod::Sigma: {
            const double lo = std::max(m.min, m.mean - c.parameter * m.stddev);
            const double hi = std::min(m.max, m.mean + c.parameter * m.stddev);
            if (symmetric) {
                const double t = std::max(std::fabs(lo), std::fabs(hi));
                return {-t, t};
            }
            return {lo, hi};
        }
        case CalibrationMethod::KL: {
            if (absmax == 0) {
                return {0, 0};
            }
            return range_for_threshold(kl_search(values, m, config), m, config.scheme);
        }
        case CalibrationMethod::MSE:
            return range_for_threshold(mse_threshold(values, m, config), m, config.scheme);
        case CalibrationMethod::Manual:
            break;
    }
    return {m.min, m.max};
}

}  // namespace per_level

}  // namespace quantscope

#include "quantscope/quant/quantizer.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>

#include "quantscope/common/error.h"
#include "quantscope/common/parallel.h"
#include "quantscope/quant/calibration.h"

namespace quantscope {
namespace {

using ArrayF = Eigen::Array<float, Eigen::Dynamic, 1>;
using MapF = Eigen::Map<ArrayF>;
using ConstMapF = Eigen::Map<const ArrayF>;

// Work in blocks that fit in L1/L2 so that the several reductions below re-read cached data.
constexpr std::size_t kBlock = 2048;

// Counter-based uniform in [0, 1) for stochastic rounding: the same (seed, index) always gives
// the same number, whatever the thread split.
inline float uniform_from_index(std::uint64_t seed, std::uint64_t index) {
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (index + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<float>(z >> 40) * 0x1.0p-24f;
}

inline float round_scalar(float t, Rounding rounding, std::uint64_t seed, std::uint64_t index) {
    switch (rounding) {
        case Rounding::NearestEven:
            return std::nearbyint(t);  // the default FE_TONEAREST mode: ties to even
        case Rounding::NearestAway:
            return std::round(t);
        case Rounding::TowardZero:
            return std::trunc(t);
        case Rounding::Stochastic:
            return std::floor(t + uniform_from_index(seed, index));
    }
    return t;
}

struct KernelParams {
    float scale;
    float inv_scale;
    float zero_point;
    float qmin;
    float qmax;
    float clip_min;
    float clip_max;
    Rounding rounding;
    std::uint64_t seed;
};

// Rounds t = x / s in place, vectorized.
void round_block(Eigen::Ref<ArrayF> t, const KernelParams& p, std::uint64_t first_index) {
    switch (p.rounding) {
        case Rounding::NearestEven:
            t = t.rint();
            break;
        case Rounding::NearestAway:
            t = t.round();
            break;
        case Rounding::TowardZero:
            t = (t < 0).select(t.ceil(), t.floor());
            break;
        case Rounding::Stochastic:
            for (Eigen::Index i = 0; i < t.size(); ++i) {
                t[i] += uniform_from_index(p.seed, first_index + static_cast<std::uint64_t>(i));
            }
            t = t.floor();
            break;
    }
}

// Scalar path for blocks that hold NaN or Inf: excluded from the sums, passed through.
void quantize_block_scalar(const float* x, float* y, std::int32_t* codes, std::size_t n,
                           std::uint64_t first_index, const KernelParams& p, MetricSums& sums) {
    for (std::size_t i = 0; i < n; ++i) {
        const float xi = x[i];
        if (!std::isfinite(xi)) {
            y[i] = xi;
            if (codes != nullptr) {
                codes[i] = 0;
            }
            ++(std::isnan(xi) ? sums.nan_count : sums.inf_count);
            continue;
        }
        const float r = round_scalar(xi * p.inv_scale, p.rounding, p.seed, first_index + i);
        const float q = std::clamp(r + p.zero_point, p.qmin, p.qmax);
        const float yi = (q - p.zero_point) * p.scale;
        y[i] = yi;
        if (codes != nullptr) {
            codes[i] = static_cast<std::int32_t>(q);
        }
        const double e = static_cast<double>(xi) - yi;
        ++sums.count;
        sums.sum_x2 += static_cast<double>(xi) * xi;
        sums.sum_y2 += static_cast<double>(yi) * yi;
        sums.sum_xy += static_cast<double>(xi) * yi;
        sums.sum_e += e;
        sums.sum_e2 += e * e;
        sums.max_abs_e = std::max(sums.max_abs_e, std::fabs(e));
        sums.clipped += (xi < p.clip_min || xi > p.clip_max) ? 1 : 0;
        sums.zeroed += (yi == 0 && xi != 0) ? 1 : 0;
    }
}

// The hot loop: quantize + dequantize + every metric sum for one cache-sized block.
void quantize_block(const float* x, float* y, std::int32_t* codes, std::size_t n,
                    std::uint64_t first_index, const KernelParams& p, MetricSums& sums) {
    const ConstMapF xb(x, static_cast<Eigen::Index>(n));
    if (!(xb.abs() <= std::numeric_limits<float>::max()).all()) {
        quantize_block_scalar(x, y, codes, n, first_index, p, sums);
        return;
    }
    MapF yb(y, static_cast<Eigen::Index>(n));
    yb = xb * p.inv_scale;
    round_block(yb, p, first_index);
    yb = (yb + p.zero_point).max(p.qmin).min(p.qmax);
    if (codes != nullptr) {
        for (std::size_t i = 0; i < n; ++i) {
            codes[i] = static_cast<std::int32_t>(y[i]);
        }
    }
    yb = (yb - p.zero_point) * p.scale;
    sums.count += static_cast<std::int64_t>(n);
    sums.sum_x2 += static_cast<double>(xb.square().sum());
    sums.sum_y2 += static_cast<double>(yb.square().sum());
    sums.sum_xy += static_cast<double>((xb * yb).sum());
    sums.sum_e += static_cast<double>((xb - yb).sum());
    sums.sum_e2 += static_cast<double>((xb - yb).square().sum());
    sums.max_abs_e = std::max(sums.max_abs_e, static_cast<double>((xb - yb).abs().maxCoeff()));
    sums.clipped += ((xb < p.clip_min) || (xb > p.clip_max)).count();
    sums.zeroed += ((yb == 0.0f) && (xb != 0.0f)).count();
}

KernelParams kernel_params(const GroupParameters& g, const QuantConfig& config) {
    KernelParams p;
    p.scale = static_cast<float>(g.scale);
    // 1/s rounded once from double: keeps exact ties (x/s = 42.5) exact in float.
    p.inv_scale = static_cast<float>(1.0 / static_cast<double>(p.scale));
    p.zero_point = static_cast<float>(g.zero_point);
    p.qmin = static_cast<float>(config.format.min_code());
    p.qmax = static_cast<float>(config.format.max_code());
    p.clip_min = static_cast<float>(g.clip_min);
    p.clip_max = static_cast<float>(g.clip_max);
    p.rounding = config.rounding;
    p.seed = config.seed;
    return p;
}

Storage storage_for(std::int64_t count, std::int64_t groups, const QuantConfig& config) {
    const int k = config.format.bits;
    // Scales are stored as FP32; an affine zero point takes one K-bit code.
    const std::int64_t param_bits_per_group = 32 + (config.scheme == Scheme::Affine ? k : 0);
    const std::int64_t bits = count * k + groups * param_bits_per_group;
    Storage s;
    s.bytes = (bits + 7) / 8;
    s.bits_per_value = count > 0 ? static_cast<double>(bits) / static_cast<double>(count) : 0.0;
    return s;
}

}  // namespace

GroupParameters parameters_for_range(const ClipRange& range, const QuantConfig& config) {
    double lo = range.lo;
    double hi = range.hi;
    const IntegerFormat& f = config.format;
    GroupParameters g;
    if (config.scheme == Scheme::Symmetric) {
        const double threshold = std::max(std::fabs(lo), std::fabs(hi));
        const int levels_half = f.is_signed ? (1 << (f.bits - 1)) - 1 : (1 << f.bits) - 1;
        // An all-zero tensor has no range; any positive scale reproduces it exactly.
        g.scale = threshold > 0 ? threshold / levels_half : 1.0;
        g.zero_point = 0;
    } else {
        lo = std::min(lo, 0.0);
        hi = std::max(hi, 0.0);
        const double span = hi - lo;
        g.scale = span > 0 ? span / ((1 << f.bits) - 1) : 1.0;
        g.zero_point = static_cast<std::int32_t>(
            std::clamp(static_cast<double>(f.min_code()) - std::nearbyint(lo / g.scale),
                       static_cast<double>(f.min_code()), static_cast<double>(f.max_code())));
    }
    // Scales are applied in float32: store the float32 value so that every path agrees.
    g.scale = static_cast<float>(g.scale);
    if (!(g.scale > 0) || !std::isfinite(g.scale)) {
        // A range too small or too large for a float32 step.
        g.scale =
            g.scale > 0 ? std::numeric_limits<float>::max() : std::numeric_limits<float>::min();
    }
    // The range the codes cover, in the kernel's float arithmetic (equal to the end levels).
    g.clip_min = static_cast<float>(f.min_code() - g.zero_point) * static_cast<float>(g.scale);
    g.clip_max = static_cast<float>(f.max_code() - g.zero_point) * static_cast<float>(g.scale);
    return g;
}

GroupParameters choose_parameters(std::span<const float> values, const QuantConfig& config) {
    return parameters_for_range(calibrate(values, config), config);
}

MetricSums measure_quantization(std::span<const float> values, const GroupParameters& params,
                                const QuantConfig& config) {
    const KernelParams p = kernel_params(params, config);
    std::vector<MetricSums> partial(max_chunks());
    parallel_for(values.size(), kBlock, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        MetricSums sums;
        std::vector<float> scratch(kBlock);
        for (std::size_t b = begin; b < end; b += kBlock) {
            const std::size_t n = std::min(kBlock, end - b);
            quantize_block(values.data() + b, scratch.data(), nullptr, n, b, p, sums);
        }
        partial[chunk] = sums;
    });
    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    return total;
}

std::vector<double> quantization_levels(const GroupParameters& params,
                                        const IntegerFormat& format) {
    std::vector<double> levels;
    levels.reserve(static_cast<std::size_t>(format.max_code() - format.min_code() + 1));
    for (std::int32_t q = format.min_code(); q <= format.max_code(); ++q) {
        // Same float arithmetic as the kernel, so levels equal the dequantized values exactly.
        levels.push_back(static_cast<float>(q - params.zero_point) *
                         static_cast<float>(params.scale));
    }
    return levels;
}

float quantize_value_reference(float x, const GroupParameters& params, const QuantConfig& config,
                               std::uint64_t index) {
    if (!std::isfinite(x)) {
        return x;
    }
    const float scale = static_cast<float>(params.scale);
    const float inv_scale = static_cast<float>(1.0 / static_cast<double>(scale));
    const float r = round_scalar(x * inv_scale, config.rounding, config.seed, index);
    const float q = std::clamp(r + static_cast<float>(params.zero_point),
                               static_cast<float>(config.format.min_code()),
                               static_cast<float>(config.format.max_code()));
    return (q - static_cast<float>(params.zero_point)) * scale;
}

QuantResult quantize(std::span<const float> values, const QuantConfig& config,
                     const QuantizeOptions& options) {
    QuantResult result;
    const GroupParameters g = choose_parameters(values, config);
    result.groups = {g};
    result.clip_min = g.clip_min;
    result.clip_max = g.clip_max;
    result.dequantized.resize(values.size());
    if (options.keep_codes) {
        result.codes.resize(values.size());
    }
    const KernelParams p = kernel_params(g, config);
    std::vector<MetricSums> partial(max_chunks());
    parallel_for(values.size(), kBlock, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        MetricSums sums;
        for (std::size_t b = begin; b < end; b += kBlock) {
            const std::size_t n = std::min(kBlock, end - b);
            quantize_block(values.data() + b, result.dequantized.data() + b,
                           options.keep_codes ? result.codes.data() + b : nullptr, n, b, p, sums);
        }
        partial[chunk] = sums;
    });
    MetricSums total;
    for (const MetricSums& s : partial) {
        total += s;
    }
    result.metrics = finish_metrics(total);
    // KL between the value distributions of x and Q(x) on shared bins spanning both.
    const ValueRange rx = finite_range(values);
    if (rx.any_finite) {
        const double lo = std::min<double>(rx.lo, g.clip_min);
        const double hi = std::max<double>(rx.hi, g.clip_max);
        const std::size_t bins = automatic_bin_count(values.size());
        result.metrics.kl_divergence = kl_divergence(
            make_histogram(values, lo, hi, bins), make_histogram(result.dequantized, lo, hi, bins));
    }
    result.storage = storage_for(static_cast<std::int64_t>(values.size()), 1, config);
    return result;
}

HistogramPlot make_histogram_plot(std::span<const float> values, const QuantResult& result,
                                  const QuantConfig& config, std::size_t bins) {
    HistogramPlot plot;
    const ValueRange range = finite_range(values);
    double lo = std::min(range.any_finite ? range.lo : 0.0, result.clip_min);
    double hi = std::max(range.any_finite ? range.hi : 0.0, result.clip_max);
    if (result.groups.size() == 1) {
        plot.levels = quantization_levels(result.groups.front(), config.format);
    }
    if (bins == 0 && !plot.levels.empty() && plot.levels.size() <= kMaxAlignedLevels) {
        // Bins aligned to the rounding cells: k bins per step with the level at the centre of
        // the middle one, so the dequantized histogram holds exactly the count of each level.
        const double step = result.groups.front().scale;
        const std::size_t per_step = std::max<std::size_t>(1, (128 / plot.levels.size()) | 1);
        const double width = step / static_cast<double>(per_step);
        const double first_edge = plot.levels.front() - step / 2;
        const double below = std::ceil(std::max(0.0, first_edge - lo) / width);
        const double above = std::ceil(std::max(0.0, hi - (plot.levels.back() + step / 2)) / width);
        const double total = below + above + static_cast<double>(plot.levels.size() * per_step);
        if (total <= static_cast<double>(kMaxAlignedBins)) {
            lo = first_edge - below * width;
            hi = lo + total * width;
            bins = static_cast<std::size_t>(total);
        }
    }
    if (bins == 0) {
        bins = automatic_bin_count(values.size());
    }
    plot.original = make_histogram(values, lo, hi, bins);
    plot.dequantized = make_histogram(result.dequantized, lo, hi, bins);
    plot.clip_min = result.clip_min;
    plot.clip_max = result.clip_max;
    return plot;
}

}  // namespace quantscope

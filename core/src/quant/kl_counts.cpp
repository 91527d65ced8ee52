#include "kl_counts.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "quantscope/common/parallel.h"
#include "quantscope/quant/histogram.h"
#include "quantscope/quant/quantizer.h"
#include "scaled_quantizer.h"

namespace quantscope::detail {

CodeRange code_range(const QuantConfig& config) {
    if (config.format.kind() == FormatKind::Integer &&
        (config.block_scaling == BlockScaling::None || config.ggml != nullptr)) {
        const IntegerFormat& f = config.format.integer_format();
        return {f.min_code() - 0.5, f.max_code() + 0.5};
    }
    GroupParameters unit;
    unit.scale = 1;
    std::vector<double> levels = quantization_levels(unit, config);
    std::sort(levels.begin(), levels.end());
    levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
    if (levels.size() >= 2) {
        const std::size_t n = levels.size();
        return {levels[0] - (levels[1] - levels[0]) / 2,
                levels[n - 1] + (levels[n - 1] - levels[n - 2]) / 2};
    }
    // Too many levels to list (more than 12 bits): a symmetric float format.
    const double top = element_max(config);
    const double half_step = (top - config.format.next_down(top)) / 2;
    return {-top - half_step, top + half_step};
}

KlCounter::KlCounter(const QuantConfig& config) : parts_(max_chunks()) {
    const CodeRange range = code_range(config);
    constexpr double kLowest = -std::numeric_limits<float>::max();
    const double width = (range.hi - range.lo) / static_cast<double>(kKlBins);
    grid_.origin = static_cast<float>(std::max(range.lo, kLowest));
    grid_.scale = static_cast<float>(1.0 / width);
    // The cells: runs of bins whose centres the quantizer sends to one level, with the config's
    // rounding (nearest-even for stochastic rounding, whose cells are random).
    QuantConfig unit = config;
    if (unit.rounding == Rounding::Stochastic) {
        unit.rounding = Rounding::NearestEven;
    }
    GroupParameters params;
    params.scale = 1;
    float previous = 0;
    for (std::size_t b = 0; b < kKlBins; ++b) {
        const auto centre = static_cast<float>(range.lo + (static_cast<double>(b) + 0.5) * width);
        const float level = quantize_value_reference(centre, params, unit, 0);
        if (b > 0 && level != previous) {
            cell_ends_.push_back(b);
        }
        previous = level;
    }
    cell_ends_.push_back(kKlBins);
}

void KlCounter::finish(Metrics& metrics) const {
    std::vector<double> p(kKlBins, 0.0);
    for (const std::optional<KlCounts>& part : parts_) {
        if (part) {
            for (std::size_t b = 0; b < kKlBins; ++b) {
                p[b] += static_cast<double>(part->count(b));
            }
        }
    }
    finish(p, metrics);
}

void KlCounter::finish(std::span<const double> p, Metrics& metrics) const {
    double counted = 0;
    for (double v : p) {
        counted += v;
    }
    metrics.kl_divergence = 0;
    metrics.kl_sampling_floor = 0;
    metrics.kl_below_sampling_floor = false;
    if (metrics.count == 0 || counted == 0) {
        return;
    }
    const auto n = static_cast<double>(metrics.count);
    const CellDivergence d = cell_divergence(p, cell_ends_);
    // Values not counted (outliers kept in FP16) are exact: they weigh in with a divergence of 0.
    metrics.kl_divergence = d.kl * counted / n;
    const auto degrees = static_cast<double>(d.degrees);
    metrics.kl_sampling_floor = (degrees + 3 * std::sqrt(2 * degrees)) / (2 * n);
    metrics.kl_below_sampling_floor = metrics.kl_divergence < metrics.kl_sampling_floor;
}

}  // namespace quantscope::detail

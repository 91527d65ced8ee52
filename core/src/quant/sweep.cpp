#include "quantscope/quant/sweep.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "quantscope/common/error.h"
#include "quantscope/common/parallel.h"

namespace quantscope {

double ErrorHistogram::edge(std::size_t b) {
    return b == 0 ? 0.0 : std::ldexp(1.0, static_cast<int>(b) - 8);
}

namespace {

// The RMS of the finite values.
double finite_rms(std::span<const float> x) {
    std::vector<double> sums(max_chunks(), 0.0);
    std::vector<std::int64_t> counts(max_chunks(), 0);
    parallel_for(x.size(), 4096, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            if (std::isfinite(x[i])) {
                sums[chunk] += static_cast<double>(x[i]) * x[i];
                ++counts[chunk];
            }
        }
    });
    double sum = 0;
    std::int64_t n = 0;
    for (std::size_t c = 0; c < sums.size(); ++c) {
        sum += sums[c];
        n += counts[c];
    }
    return n > 0 ? std::sqrt(sum / static_cast<double>(n)) : 0.0;
}

ErrorHistogram count_errors(std::span<const float> x, std::span<const float> y, double unit) {
    ErrorHistogram h;
    h.unit = unit;
    h.counts.assign(kErrorBins, 0);
    std::vector<std::vector<std::int64_t>> parts(max_chunks(),
                                                 std::vector<std::int64_t>(kErrorBins, 0));
    parallel_for(x.size(), 4096, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        std::vector<std::int64_t>& counts = parts[chunk];
        for (std::size_t i = begin; i < end; ++i) {
            if (!std::isfinite(x[i])) {
                continue;
            }
            const double e = std::fabs(static_cast<double>(x[i]) - y[i]);
            std::size_t b = unit > 0 ? kErrorBins - 1 : 0;
            while (b > 0 && !(e >= ErrorHistogram::edge(b) * unit)) {
                --b;
            }
            ++counts[b];
        }
    });
    for (const std::vector<std::int64_t>& part : parts) {
        for (std::size_t b = 0; b < kErrorBins; ++b) {
            h.counts[b] += part[b];
        }
    }
    return h;
}

}  // namespace

SweepResult sweep(std::span<const float> values, std::span<const std::int64_t> shape,
                  const std::vector<QuantConfig>& configs, const SweepProgress& progress,
                  const std::atomic<bool>* cancel, bool error_histograms) {
    SweepResult result;
    for (const QuantConfig& config : configs) {
        check_config(config);  // fail before any work on a config that cannot run
    }
    const ValueSummary summary = summarize_values(values);
    const double rms = error_histograms ? finite_rms(values) : 0.0;
    QuantizeOptions options;
    options.cancel = cancel;
    for (std::size_t i = 0; i < configs.size(); ++i) {
        QuantResult r;
        try {
            r = quantize(values, shape, configs[i], options, summary);
        } catch (const Cancelled&) {
            result.cancelled = true;
            break;
        }
        result.rows.push_back({configs[i],
                               r.metrics,
                               r.storage,
                               r.clip_min,
                               r.clip_max,
                               r.groups.size(),
                               std::move(r.notes),
                               {}});
        if (error_histograms) {
            result.rows.back().errors = count_errors(values, r.dequantized, rms);
        }
        if (progress && !progress(i + 1, configs.size())) {
            result.cancelled = i + 1 < configs.size();
            break;
        }
    }
    return result;
}

std::vector<QuantConfig> sweep_grid(const QuantConfig& base,
                                    const std::vector<std::string>& formats,
                                    const std::vector<std::string>& calibrations) {
    std::vector<QuantConfig> grid;
    for (const std::string& format : formats) {
        for (const std::string& calibration : calibrations) {
            QuantConfig c = base;
            apply_format(c, format);
            if (c.block_scaling != BlockScaling::None) {
                // MX and NVFP4 fix their scales from each block's absmax: one row.
                if (&calibration == &calibrations.front()) {
                    grid.push_back(c);
                }
                continue;
            }
            if (c.block_scaling == BlockScaling::None && c.format.kind() != FormatKind::Lookup) {
                c.granularity = base.granularity;
            }
            c.calibration = parse_calibration(calibration);
            if (c.calibration.method == CalibrationMethod::KL &&
                c.granularity.kind == Granularity::Kind::Block) {
                continue;  // the entropy method needs a whole tensor or channel (check_config)
            }
            grid.push_back(c);
        }
    }
    return grid;
}

bool is_worse(const SweepRow& a, const SweepRow& b) {
    if (a.metrics.sqnr_db != b.metrics.sqnr_db) {
        return a.metrics.sqnr_db < b.metrics.sqnr_db;
    }
    return a.metrics.mse > b.metrics.mse;
}

void sort_worst_first(std::vector<SweepRow>& rows) {
    std::stable_sort(rows.begin(), rows.end(), is_worse);
}

}  // namespace quantscope

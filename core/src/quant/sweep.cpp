#include "quantscope/quant/sweep.h"

#include <algorithm>
#include <utility>

#include "quantscope/common/error.h"

namespace quantscope {

SweepResult sweep(std::span<const float> values, std::span<const std::int64_t> shape,
                  const std::vector<QuantConfig>& configs, const SweepProgress& progress,
                  const std::atomic<bool>* cancel) {
    SweepResult result;
    for (const QuantConfig& config : configs) {
        check_config(config);  // fail before any work on a config that cannot run
    }
    const ValueSummary summary = summarize_values(values);
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
        result.rows.push_back({configs[i], r.metrics, r.storage, r.clip_min, r.clip_max,
                               r.groups.size(), std::move(r.notes)});
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

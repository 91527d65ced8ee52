#pragma once
// One tensor under many configurations in one call: formats x calibrations (x bit widths, which
// are formats: int2 .. int16). Work every config shares is done once: the value summary (range
// and the histogram the KL metric compares against). Progress is reported after each config;
// the callback can stop the sweep.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "quantscope/quant/quantizer.h"

namespace quantscope {

struct SweepRow {
    QuantConfig config;
    Metrics metrics;
    Storage storage;
    double clip_min = 0;
    double clip_max = 0;
    std::size_t groups = 0;
    std::vector<std::string> notes;  // QuantResult::notes
};

struct SweepResult {
    std::vector<SweepRow> rows;  // in the order of the configs given
    bool cancelled = false;      // the callback stopped the sweep; rows holds what was done
};

// Called after each config with (configs done, total); return false to stop.
using SweepProgress = std::function<bool(std::size_t done, std::size_t total)>;

// `cancel`, when set, also stops the config that runs (QuantizeOptions::cancel): the result is
// then cancelled with the rows done before it.
SweepResult sweep(std::span<const float> values, std::span<const std::int64_t> shape,
                  const std::vector<QuantConfig>& configs, const SweepProgress& progress = {},
                  const std::atomic<bool>* cancel = nullptr);

// The grid formats x calibrations, each applied to `base` (its granularity, rounding, seed and
// outlier threshold kept; apply_format sets each format's scheme and, for block formats, the
// granularity). kl is left out where the granularity is block (nf4, block:N): it needs a whole
// tensor or channel. Throws UsageError on an unknown name.
std::vector<QuantConfig> sweep_grid(const QuantConfig& base,
                                    const std::vector<std::string>& formats,
                                    const std::vector<std::string>& calibrations);

// Worst first: lower SQNR, then higher MSE. One ordering for every table of results.
bool is_worse(const SweepRow& a, const SweepRow& b);
void sort_worst_first(std::vector<SweepRow>& rows);

}  // namespace quantscope

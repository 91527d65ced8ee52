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

// |E| = |x - Q(x)| of the finite values on bins shared by every row of a sweep, as llama.cpp's
// quantize-stats prints them: halving widths in units of the tensor's RMS r, [0, r/128),
// [r/128, r/64), ..., [r/4, r/2), then [r/2, r) and [r, inf): kErrorBins bins.
inline constexpr std::size_t kErrorBins = 9;
struct ErrorHistogram {
    double unit = 0;                   // r: the RMS of the tensor's finite values
    std::vector<std::int64_t> counts;  // kErrorBins counts; empty when not asked for
    // The left edge of bin b in units of r (0, 1/128, 1/64, ..., 1/2, 1).
    static double edge(std::size_t b);
};

struct SweepRow {
    QuantConfig config;
    Metrics metrics;
    Storage storage;
    double clip_min = 0;
    double clip_max = 0;
    std::size_t groups = 0;
    std::vector<std::string> notes;  // QuantResult::notes
    ErrorHistogram errors;           // when sweep() was asked for it
};

struct SweepResult {
    std::vector<SweepRow> rows;  // in the order of the configs given
    bool cancelled = false;      // the callback stopped the sweep; rows holds what was done
};

// Called after each config with (configs done, total); return false to stop.
using SweepProgress = std::function<bool(std::size_t done, std::size_t total)>;

// `cancel`, when set, also stops the config that runs (QuantizeOptions::cancel): the result is
// then cancelled with the rows done before it. `error_histograms`: also count each row's
// ErrorHistogram.
SweepResult sweep(std::span<const float> values, std::span<const std::int64_t> shape,
                  const std::vector<QuantConfig>& configs, const SweepProgress& progress = {},
                  const std::atomic<bool>* cancel = nullptr, bool error_histograms = false);

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

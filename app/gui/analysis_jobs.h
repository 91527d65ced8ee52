#pragma once
// The work behind every view, as plain functions that run on a worker thread (QtConcurrent)
// and return everything the views draw: the GUI thread only copies points into series.
// Nothing here touches a widget.

#include <QList>
#include <QString>
#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "background_job.h"
#include "density_image_view.h"
#include "error_spectra.h"
#include "quantscope/common/tensor.h"
#include "quantscope/quant/quantizer.h"
#include "quantscope/quant/sweep.h"
#include "signal_chart_view.h"

namespace quantscope::app {

// One analysis of the current tensor under the current config.
struct AnalysisOutcome {
    std::shared_ptr<const Tensor> tensor;
    QuantConfig config;
    QuantResult result;
    HistogramPlot plot;
    widgets::DensityImage errorDensity;  // E against x
    QString error;                       // non-empty when the job failed
    bool cancelled = false;              // superseded while running; nothing to show
    // The tensor's value summary (range and histogram of x), computed by the first job on a
    // tensor and handed to the next ones so that a config change does not redo it.
    std::shared_ptr<const ValueSummary> summary;
    double sampleRate = 0;  // of the tensor's source (0: none, x is the index)
    // The signal view's unzoomed traces, for tensors that are signals (signalData).
    std::shared_ptr<const widgets::SignalOverview> signalOverview;
    // The Signal tab's spectra of E (with dither on and off), for signals with a sample rate.
    std::shared_ptr<const ErrorSpectra> errorSpectra;
};

// The signal the Signal tab draws for an outcome (1-D tensors, channel 0 of audio), without its
// titles; nullopt for other shapes. keepAlive holds `outcome`.
std::optional<widgets::SignalData> signalData(std::shared_ptr<const AnalysisOutcome> outcome);
// Columns of the overview the job decimates the whole signal to: about a plot's width in pixels
// (every point costs the painter more than the decimation).
inline constexpr int kSignalOverviewColumns = 1000;

// Cells of the error-against-value density image.
inline constexpr int kDensityColumns = 400;
inline constexpr int kDensityRows = 200;

// `summary` may be null (it is computed then); `cancel`, when set, stops the job early;
// `histogramBins` 0 lets make_histogram_plot choose.
std::shared_ptr<AnalysisOutcome> runAnalysis(std::shared_ptr<const Tensor> tensor,
                                             const QuantConfig& config,
                                             std::shared_ptr<const ValueSummary> summary = {},
                                             const std::atomic<bool>* cancel = nullptr,
                                             double sampleRate = 0, std::size_t histogramBins = 0);

// The 2-D histogram of (x, x - Q(x)): the sawtooth of rounding error inside the clipping range,
// the straight lines of the clipped tails outside it.
widgets::DensityImage errorDensity(std::span<const float> values,
                                   std::span<const float> dequantized, double clipMin,
                                   double clipMax);

// One config of the comparison: its metrics and the dequantized histogram on shared bins.
struct ComparisonRow {
    QuantConfig config;
    Metrics metrics;
    Storage storage;
    double clipMin = 0;
    double clipMax = 0;
    Histogram dequantized;         // on the bins of ComparisonOutcome::original
    Histogram centralDequantized;  // on the bins of ComparisonOutcome::central
    QString error;                 // the config does not fit this tensor
};

struct ComparisonOutcome {
    Histogram original;  // every finite value
    // The values between the 0.05th and 99.95th percentiles, where the compared levels can be
    // told apart when a few outliers stretch the whole range (the overlay's default).
    Histogram central;
    std::vector<ComparisonRow> rows;  // in the order of the compared configs
};

// Reports progress (one step per config) and stops when cancelled (then returns null).
std::shared_ptr<ComparisonOutcome> runComparison(JobControl& job,
                                                 std::shared_ptr<const Tensor> tensor,
                                                 const std::vector<QuantConfig>& configs);

// SQNR against bit width: intK for K = 2..16 under each calibration.
struct BitSweepOutcome {
    std::vector<int> bits;
    std::vector<std::string> calibrations;
    // sqnr[c][b]: calibration c at bits[b]; NaN where the config was not run.
    std::vector<std::vector<double>> sqnr;
    QString error;
    bool cancelled = false;
};

inline constexpr int kSweepMinBits = 2;
inline constexpr int kSweepMaxBits = 16;
const std::vector<std::string>& sweepCalibrations();
// The integer config the sweep varies: the current one when it is an integer format, else int8
// symmetric per tensor.
QuantConfig sweepBase(const QuantConfig& current);
// What a bit-width sweep was computed for: the tensor and the config it varies, compared with ==
// (its calibration left at the default: the sweep sets its own).
struct SweepKey {
    quint64 tensor = 0;
    QuantConfig base;
    bool operator==(const SweepKey& other) const = default;
};

// Reports progress (one step per config) and stops early when cancelled.
std::shared_ptr<BitSweepOutcome> runBitSweep(JobControl& job, std::shared_ptr<const Tensor> tensor,
                                             const QuantConfig& base);

}  // namespace quantscope::app

#include "analysis_jobs.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <tuple>

#include "nice_axis.h"
#include "quantscope/common/cancel.h"
#include "quantscope/common/error.h"

namespace quantscope::app {

namespace {

// The job boundary: whatever a job throws reaches the window as words about the tensor, never
// as a standard library's internal text.
QString failureMessage(const std::exception& failure, const Tensor& tensor) {
    return QString::fromStdString(describe_failure(failure, "tensor '" + tensor.info.name + "'"));
}

}  // namespace

std::shared_ptr<AnalysisOutcome> runAnalysis(std::shared_ptr<const Tensor> tensor,
                                             const QuantConfig& config,
                                             std::shared_ptr<const ValueSummary> summary,
                                             const std::atomic<bool>* cancel, double sampleRate,
                                             std::size_t histogramBins) {
    auto outcome = std::make_shared<AnalysisOutcome>();
    outcome->tensor = tensor;
    outcome->config = config;
    outcome->sampleRate = sampleRate;
    try {
        check_config(config);
        if (!summary) {
            summary = std::make_shared<const ValueSummary>(summarize_values(tensor->values));
        }
        outcome->summary = summary;
        QuantizeOptions options;
        options.cancel = cancel;
        outcome->result = quantize(tensor->values, tensor->info.shape, config, options, *summary);
        // A request superseded now need not pay for the views' data either.
        throw_if_cancelled(cancel);
        outcome->plot = make_histogram_plot(tensor->values, outcome->result, config, histogramBins);
        throw_if_cancelled(cancel);
        outcome->errorDensity = errorDensity(tensor->values, outcome->result.dequantized,
                                             outcome->result.clip_min, outcome->result.clip_max);
        throw_if_cancelled(cancel);
        if (const auto signal = signalData(outcome)) {
            // Decimated here, not on the GUI thread: a 16M-sample trace is 50 ms of work.
            outcome->signalOverview = std::make_shared<const widgets::SignalOverview>(
                widgets::signalOverview(*signal, kSignalOverviewColumns));
            // Sound only (WAV, sines): the spectra quantize the signal a second time.
            if (sampleRate > 0) {
                if (auto spectra =
                        app::errorSpectra(*tensor, outcome->result, config, sampleRate, cancel)) {
                    outcome->errorSpectra =
                        std::make_shared<const ErrorSpectra>(std::move(*spectra));
                }
            }
        }
    } catch (const Cancelled&) {
        outcome->cancelled = true;
    } catch (const std::exception& e) {
        outcome->error = failureMessage(e, *tensor);
    }
    return outcome;
}

std::optional<widgets::SignalData> signalData(std::shared_ptr<const AnalysisOutcome> outcome) {
    const auto layout =
        widgets::signalLayout(outcome->tensor->info.shape, outcome->tensor->values.size());
    if (!layout || outcome->result.dequantized.size() != outcome->tensor->values.size()) {
        return std::nullopt;
    }
    widgets::SignalData signal;
    signal.samples = layout->samples;
    signal.stride = layout->stride;
    signal.original = outcome->tensor->values;
    signal.quantized = outcome->result.dequantized;
    signal.dx = outcome->sampleRate > 0 ? 1.0 / outcome->sampleRate : 1.0;
    signal.overview = outcome->signalOverview;
    signal.keepAlive = std::move(outcome);
    return signal;
}

widgets::DensityImage errorDensity(std::span<const float> values,
                                   std::span<const float> dequantized, double clipMin,
                                   double clipMax) {
    widgets::DensityImage density;
    const ValueRange range = finite_range(values);
    if (!range.any_finite || dequantized.size() != values.size()) {
        return density;
    }
    double maxError = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double e = static_cast<double>(values[i]) - static_cast<double>(dequantized[i]);
        if (std::isfinite(e)) {
            maxError = std::max(maxError, std::abs(e));
        }
    }
    if (maxError == 0) {
        maxError = 1;
    }
    // Beyond the clipping range and the data by a margin: the first and last columns, where
    // the clipped values' errors are largest, stay clear of the frame.
    std::tie(density.xLo, density.xHi) =
        widgets::displayRange(std::min(range.lo, clipMin), std::max(range.hi, clipMax), 0.04);
    density.clipLo = clipMin;
    density.clipHi = clipMax;
    density.yLo = -maxError * 1.05;
    density.yHi = maxError * 1.05;
    std::vector<std::int64_t> counts(static_cast<std::size_t>(kDensityColumns * kDensityRows));
    const double xScale = kDensityColumns / (density.xHi - density.xLo);
    const double yScale = kDensityRows / (density.yHi - density.yLo);
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double x = values[i];
        const double e = x - static_cast<double>(dequantized[i]);
        if (!std::isfinite(x) || !std::isfinite(e)) {
            continue;
        }
        const int column =
            std::clamp(static_cast<int>((x - density.xLo) * xScale), 0, kDensityColumns - 1);
        const int row =
            std::clamp(static_cast<int>((e - density.yLo) * yScale), 0, kDensityRows - 1);
        ++counts[static_cast<std::size_t>(row * kDensityColumns + column)];
    }
    density.image =
        widgets::densityToImage(counts, kDensityColumns, kDensityRows, &density.maxCount);
    return density;
}

std::shared_ptr<ComparisonOutcome> runComparison(JobControl& job,
                                                 std::shared_ptr<const Tensor> tensor,
                                                 const std::vector<QuantConfig>& configs) {
    auto outcome = std::make_shared<ComparisonOutcome>();
    job.setProgressRange(0, static_cast<int>(configs.size()));
    const ValueSummary summary = summarize_values(tensor->values);
    const double lo = summary.range.lo;
    const double hi = summary.range.hi;
    constexpr std::size_t kOverlayBins = 256;
    outcome->original = make_histogram(tensor->values, lo, hi, kOverlayBins);
    double centralLo = lo;
    double centralHi = hi;
    if (summary.range.any_finite) {
        centralLo = percentile(tensor->values, 0.05, false);
        centralHi = percentile(tensor->values, 99.95, false);
    }
    outcome->central = make_histogram(tensor->values, centralLo, centralHi, kOverlayBins);
    for (std::size_t i = 0; i < configs.size(); ++i) {
        if (job.isCancelled()) {
            return nullptr;
        }
        ComparisonRow row;
        row.config = configs[i];
        try {
            check_config(row.config);
            QuantizeOptions options;
            options.cancel = job.cancelFlag();  // Esc stops the config that runs too
            const QuantResult result =
                quantize(tensor->values, tensor->info.shape, row.config, options, summary);
            row.metrics = result.metrics;
            row.storage = result.storage;
            row.clipMin = result.clip_min;
            row.clipMax = result.clip_max;
            row.dequantized = make_histogram(result.dequantized, lo, hi, kOverlayBins);
            row.centralDequantized = make_histogram(result.dequantized, outcome->central.lo,
                                                    outcome->central.hi, kOverlayBins);
        } catch (const Cancelled&) {
            return nullptr;
        } catch (const std::exception& e) {
            row.error = failureMessage(e, *tensor);
        }
        outcome->rows.push_back(std::move(row));
        job.setProgressValue(static_cast<int>(i + 1));
    }
    return outcome;
}

const std::vector<std::string>& sweepCalibrations() {
    static const std::vector<std::string> names{"minmax", "percentile:99.9", "kl", "mse"};
    return names;
}

QuantConfig sweepBase(const QuantConfig& current) {
    QuantConfig base = current;
    if (current.format.kind() != FormatKind::Integer ||
        current.block_scaling != BlockScaling::None) {
        base = QuantConfig{};
        base.rounding = current.rounding;
        base.seed = current.seed;
        base.outlier_threshold = current.outlier_threshold;
    }
    return base;
}

std::shared_ptr<BitSweepOutcome> runBitSweep(JobControl& job, std::shared_ptr<const Tensor> tensor,
                                             const QuantConfig& base) {
    auto outcome = std::make_shared<BitSweepOutcome>();
    outcome->calibrations = sweepCalibrations();
    const bool isSigned = !base.format.as_integer() || base.format.integer_format().is_signed;
    std::vector<std::string> formats;
    for (int bits = kSweepMinBits; bits <= kSweepMaxBits; ++bits) {
        outcome->bits.push_back(bits);
        formats.push_back((isSigned ? "int" : "uint") + std::to_string(bits));
    }
    outcome->sqnr.assign(
        outcome->calibrations.size(),
        std::vector<double>(outcome->bits.size(), std::numeric_limits<double>::quiet_NaN()));
    try {
        const std::vector<QuantConfig> configs = sweep_grid(base, formats, outcome->calibrations);
        job.setProgressRange(0, static_cast<int>(configs.size()));
        const SweepResult result = sweep(
            tensor->values, tensor->info.shape, configs,
            [&](std::size_t done, std::size_t) {
                job.setProgressValue(static_cast<int>(done));
                return !job.isCancelled();
            },
            job.cancelFlag());
        outcome->cancelled = result.cancelled;
        for (const SweepRow& row : result.rows) {
            const std::string calibration = to_string(row.config.calibration);
            const auto c =
                std::find(outcome->calibrations.begin(), outcome->calibrations.end(), calibration);
            const int bits = row.config.format.bits();
            if (c != outcome->calibrations.end() && bits >= kSweepMinBits &&
                bits <= kSweepMaxBits) {
                outcome->sqnr[static_cast<std::size_t>(c - outcome->calibrations.begin())]
                             [static_cast<std::size_t>(bits - kSweepMinBits)] = row.metrics.sqnr_db;
            }
        }
    } catch (const std::exception& e) {
        outcome->error = failureMessage(e, *tensor);
    }
    return outcome;
}

}  // namespace quantscope::app

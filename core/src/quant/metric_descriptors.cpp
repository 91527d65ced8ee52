#include "quantscope/quant/metric_descriptors.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace quantscope {

namespace {

constexpr MetricDescriptor kMetrics[] = {
    {"sqnr_db", "SQNR", "dB", 4,
     "10 log10(Σx² / ΣE²), E = x − Q(x). Higher is better; each bit adds about 6.02 dB.",
     [](const Metrics& m) { return m.sqnr_db; }, false},
    {"mse", "MSE", "", 5, "Mean of E².", [](const Metrics& m) { return m.mse; }, false},
    {"rmse", "RMSE", "", 5, "Square root of the MSE.", [](const Metrics& m) { return m.rmse; },
     false},
    {"max_abs_error", "Max |error|", "", 5,
     "Largest |x − Q(x)|: half a step unless values are clipped.",
     [](const Metrics& m) { return m.max_abs_error; }, false},
    {"mean_error", "Mean error", "", 5, "Mean of E: the bias rounding introduces.",
     [](const Metrics& m) { return m.mean_error; }, false},
    {"cosine_similarity", "Cosine similarity", "", 7, "x·Q(x) / (|x||Q(x)|).",
     [](const Metrics& m) { return m.cosine_similarity; }, false},
    {"clipped_fraction", "Clipped", "%", 4,
     "Share of values outside the calibrated clipping range (never counted under min-max).",
     [](const Metrics& m) { return m.clipped_fraction; }, false},
    {"zero_fraction", "Zeroed", "%", 4, "Share of non-zero values that became exactly 0.",
     [](const Metrics& m) { return m.zero_fraction; }, false},
    {"kl_divergence", "KL divergence", "", 4,
     "KL(P‖Q̃) in nats, the KL calibration's own objective: P is the 2048-bin histogram of the "
     "values in code units (x / s + z, every group on one grid) over the quantizer's cells, "
     "clipped values in the edge bins; Q̃ spreads each cell's mass evenly over its non-empty "
     "bins. It compares configs on one tensor; below its sampling floor, about (non-empty bins "
     "− cells) / 2n, it measures the sample.",
     [](const Metrics& m) { return m.kl_divergence; }, true},
    {"outlier_fraction", "Outliers kept", "%", 4,
     "Share of values kept in FP16 by the outlier threshold.",
     [](const Metrics& m) { return m.outlier_fraction; }, false},
};

}  // namespace

std::span<const MetricDescriptor> metric_descriptors() {
    return kMetrics;
}

const MetricDescriptor* find_metric(std::string_view key) {
    for (const MetricDescriptor& d : kMetrics) {
        if (d.key == key) {
            return &d;
        }
    }
    return nullptr;
}

std::string significant_text(double v, int digits, NumberSymbols symbols) {
    if (std::isinf(v)) {
        const bool unicode = symbols == NumberSymbols::Unicode;
        return v > 0 ? (unicode ? "∞" : "inf") : (unicode ? "-∞" : "-inf");
    }
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
    return buffer;
}

std::string metric_text(const MetricDescriptor& metric, const Metrics& m, int digits,
                        NumberSymbols symbols) {
    const double shown = metric.unit == "%" ? 100 * metric.value(m) : metric.value(m);
    std::string text = significant_text(shown, digits, symbols);
    if (!metric.unit.empty()) {
        text += ' ';
        text += metric.unit;
    }
    if (metric.has_sampling_floor && m.kl_below_sampling_floor) {
        text += " (below the sampling floor " +
                significant_text(m.kl_sampling_floor, digits, symbols) + ")";
    }
    return text;
}

std::string exact_number_text(double v) {
    if (std::isnan(v)) {
        return "nan";
    }
    if (std::isinf(v)) {
        return v > 0 ? "inf" : "-inf";
    }
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, end);
}

}  // namespace quantscope

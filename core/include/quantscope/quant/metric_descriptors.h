#pragma once
// The error metrics as every face shows them, one entry each: key, label, unit, how to format.
// The CLI's JSON, CSV and text output, the window's Metrics dock and its Compare table all
// iterate this list, so a metric added here reaches every face (docs/design.md "Metrics").

#include <span>
#include <string>
#include <string_view>

#include "quantscope/quant/metrics.h"

namespace quantscope {

struct MetricDescriptor {
    std::string_view key;          // JSON and CSV key: "sqnr_db"
    std::string_view label;        // "SQNR"; text output writes it in lower case
    std::string_view unit;         // after the number: "dB", "%" (the value times 100) or ""
    int digits;                    // significant digits on screen
    std::string_view description;  // what it measures, for tooltips
    double (*value)(const Metrics& m);
    // KL: below Metrics::kl_sampling_floor it measures the sample, not the quantizer; faces say
    // so (metric_text) and JSON carries the floor beside the value.
    bool has_sampling_floor;
};

// In the order every face lists them: SQNR first, the headline number.
std::span<const MetricDescriptor> metric_descriptors();
// The entry for a key, or null.
const MetricDescriptor* find_metric(std::string_view key);

enum class NumberSymbols { Ascii, Unicode };  // infinity as "inf" / "∞"

// `digits` significant digits (%g); infinities as "inf" and "-inf" (or "∞" and "-∞").
std::string significant_text(double v, int digits, NumberSymbols symbols = NumberSymbols::Ascii);

// A metric as people read it: "26.93 dB", "0.0137 %", and KL below its sampling floor, where it
// measures the sample rather than the quantizer, as "0.0123 (below the sampling floor 0.015)".
std::string metric_text(const MetricDescriptor& metric, const Metrics& m, int digits,
                        NumberSymbols symbols = NumberSymbols::Ascii);

// A number for machines (JSON, CSV): the shortest text that reads back to the same double; the
// values a JSON number cannot hold as "inf", "-inf" and "nan", which JSON writes as strings.
std::string exact_number_text(double v);

}  // namespace quantscope

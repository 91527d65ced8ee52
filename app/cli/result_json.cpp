#include "result_json.h"

#include <charconv>
#include <string_view>
#include <unordered_map>

#include "cli_support.h"
#include "quantscope/quant/metric_descriptors.h"

namespace quantscope::cli {

namespace {

void write_spread(JsonWriter& w, const Spread& s) {
    w.key("min").value(s.min);
    w.key("median").value(s.median);
    w.key("max").value(s.max);
}

}  // namespace

void write_shape(JsonWriter& w, const Shape& shape) {
    w.begin_array();
    for (std::int64_t d : shape) {
        w.value(d);
    }
    w.end_array();
}

void write_config(JsonWriter& w, const QuantConfig& c) {
    w.begin_object();
    for (const ConfigField& field : config_fields()) {
        const std::string text = field.get(c);
        w.key(field.name);
        if (field.json_number) {
            double number = 0;
            std::from_chars(text.data(), text.data() + text.size(), number);
            w.value(number);
        } else {
            w.value(text);
        }
    }
    w.end_object();
}

// QuantResult::notes: an array of sentences.
void write_notes(JsonWriter& w, const std::vector<std::string>& notes) {
    w.begin_array();
    for (const std::string& note : notes) {
        w.value(note);
    }
    w.end_array();
}

void write_metrics(JsonWriter& w, const Metrics& m) {
    w.begin_object();
    for (const MetricDescriptor& metric : metric_descriptors()) {
        w.key(metric.key).value(metric.value(m));
        if (metric.has_sampling_floor) {
            w.key("kl_sampling_floor").value(m.kl_sampling_floor);
            w.key("kl_below_sampling_floor").value(m.kl_below_sampling_floor);
        }
    }
    w.key("nan_count").value(m.nan_count);
    w.key("inf_count").value(m.inf_count);
    w.end_object();
}

// The groups' scales and zero points at a glance (group_summary.h).
void write_group_summary(JsonWriter& w, const GroupSummary& s) {
    w.key("scale_summary").begin_object();
    w.key("count").value(s.groups);
    write_spread(w, s.scale);
    w.key("histogram").begin_object();
    w.key("lo").value(s.scales.lo);
    w.key("hi").value(s.scales.hi);
    w.key("log_spaced").value(s.scales.log_spaced);
    w.key("counts").begin_array();
    for (std::int64_t c : s.scales.counts) {
        w.value(c);
    }
    w.end_array();
    w.end_object();
    w.end_object();
    w.key("zero_point_summary").begin_object();
    write_spread(w, s.zero_point);
    w.end_object();
}

void write_storage(JsonWriter& w, const Storage& s) {
    w.begin_object();
    w.key("bits_per_value").value(s.bits_per_value);
    w.key("bytes").value(s.bytes);
    w.end_object();
}

// metadata: {KEY: VALUE} in file order; a key the file repeats maps to the list of its values
// (GGUF and ONNX metadata_props may repeat keys, and JSON objects must not).
void write_metadata(JsonWriter& w, const std::vector<std::pair<std::string, std::string>>& pairs) {
    std::unordered_map<std::string_view, std::vector<std::size_t>> by_key;
    std::vector<std::string_view> order;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        auto& indices = by_key[pairs[i].first];
        if (indices.empty()) {
            order.push_back(pairs[i].first);
        }
        indices.push_back(i);
    }
    w.begin_object();
    for (const std::string_view key : order) {
        const std::vector<std::size_t>& indices = by_key[key];
        w.key(key);
        if (indices.size() == 1) {
            w.value(pairs[indices.front()].second);
            continue;
        }
        w.begin_array();
        for (const std::size_t i : indices) {
            w.value(pairs[i].second);
        }
        w.end_array();
    }
    w.end_object();
}

}  // namespace quantscope::cli

// info, analyze, quantize and sweep: the commands that open a FILE (any supported file or a
// gen: spec) and run core's analyses on its tensors.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <initializer_list>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "cli_support.h"
#include "quant_flags.h"
#include "quantscope/common/json_writer.h"
#include "quantscope/common/text.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/loader_registry.h"
#include "quantscope/io/source.h"
#include "quantscope/quant/group_summary.h"
#include "quantscope/quant/metric_descriptors.h"
#include "quantscope/quant/quantized_file.h"
#include "quantscope/quant/statistics.h"
#include "quantscope/quant/sweep.h"
#include "result_json.h"

namespace quantscope::cli {

// The loaders' part comes from the registry, so that it lists every format open_source reads.
std::string file_help() {
    std::ostringstream text;
    text << "FILE:\n  a file, recognised by its magic bytes, else by its extension:\n";
    std::size_t name_width = 0;
    std::size_t extension_width = 0;
    for (const LoaderInfo& loader : file_loaders()) {
        name_width = std::max(name_width, loader.name.size() + 2);
        extension_width = std::max(extension_width, extension_list(loader).size() + 2);
    }
    for (const LoaderInfo& loader : file_loaders()) {
        text << "    " << std::left << std::setw(static_cast<int>(name_width)) << loader.name
             << std::setw(static_cast<int>(extension_width)) << extension_list(loader)
             << loader.description << "\n";
    }
    return text.str() + R"(  or
  raw:PATH?dtype=D&shape=A,B   headerless binary with a dtype and shape you give
  gen:NAME[:KEY=VALUE,...]     a generated tensor, e.g. gen:gaussian:n=1000000,seed=1
                               ('quantscope-cli generators' lists them; gen:sample is the
                               built-in sample)
)";
}

namespace {

// The sweep's CSV header: the tensor, every config field, every metric, storage, clip range.
std::string csv_columns() {
    std::string columns = "tensor";
    for (const ConfigField& field : config_fields()) {
        columns += ",";
        columns += field.name;
    }
    for (const MetricDescriptor& metric : metric_descriptors()) {
        columns += ",";
        columns += metric.key;
    }
    return columns + ",bits_per_value,bytes,clip_min,clip_max";
}

// "format, scheme, ..." for the help's description of the JSON objects.
std::string config_keys() {
    std::string keys;
    for (const ConfigField& field : config_fields()) {
        keys += (keys.empty() ? "" : ", ") + std::string(field.name);
    }
    return keys;
}

std::string metric_keys() {
    std::string keys;
    for (const MetricDescriptor& metric : metric_descriptors()) {
        keys += (keys.empty() ? "" : ", ") + std::string(metric.key);
        if (metric.has_sampling_floor) {
            keys +=
                ", kl_sampling_floor, kl_below_sampling_floor (true: KL measures the sample, "
                "not the quantizer)";
        }
    }
    return keys + ", nan_count, inf_count";
}

// Breaks a help paragraph into lines of at most 96 characters after a space or a comma, each
// line after the first indented by `indent` spaces.
std::string wrap(const std::string& text, std::size_t indent) {
    std::string out;
    std::size_t line = 0;  // characters on the current line
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = std::min(text.find_first_of(" ,", start), text.size() - 1) + 1;
        std::string piece = text.substr(start, end - start);
        start = end;
        if (line > indent && line + piece.size() - (piece.back() == ' ') > 96) {
            while (!out.empty() && out.back() == ' ') {
                out.pop_back();
            }
            out += '\n' + std::string(indent, ' ');
            line = indent;
            if (piece == " ") {
                continue;
            }
        }
        out += piece;
        line += piece.size();
    }
    return out;
}

}  // namespace

Tensor read_tensor(const Source& source, const std::optional<std::string>& name,
                   std::string_view help, std::int64_t stride) {
    if (source.tensors().empty()) {
        throw LoadError(source.path(), 0, "holds no tensor");
    }
    std::size_t index = 0;
    if (name) {
        const auto found = source.find(*name);
        if (!found) {
            throw Usage{source.path() + " has no tensor named '" + *name + "'", help};
        }
        index = *found;
    }
    return source.read(index, ReadOptions{stride, {}});
}

const std::string kAnalyzeUsage =
    std::string(
        R"(Usage: quantscope-cli analyze FILE [--tensor NAME] [--sample-stride K] [QUANT] [--json]

Quantize one tensor (the named one, or the first) under one configuration and print its
metrics, parameters and storage.

)") +
    file_help() + R"(
Sample:
  --sample-stride K every K-th value only (0, K, 2K, ...), read straight from the file: memory
                    holds the sample, never the whole tensor (for a tensor larger than RAM).
                    The sample is 1-D; the output says "sample: every K-th of N values".

)" + std::string(kQuantHelp) +
    R"(
Output:
)" +
    wrap(
        "  --json            one object: tensor, shape, count, sample {stride, of} (a sample "
        "only), config {" +
            config_keys() + "}, metrics {" + metric_keys() + "},",
        20) +
    R"(
                    params {scale, zero_point (numbers for one group, arrays otherwise),
                    clip_min, clip_max, groups, scale_summary {count, min, median, max,
                    histogram {lo, hi, log_spaced, counts (32 bins, one when every scale is
                    the same)}}, zero_point_summary {min, median, max}},
                    storage {bits_per_value, bytes}, notes [strings: an empty tensor, no
                    finite value, a zero or subnormal range and the scale it got, levels capped
                    below the float32 maximum, a calibration the format does not use].
                    Infinite values are written as the strings "inf" / "-inf".
)";

const std::string kInfoUsage = std::string(R"(Usage: quantscope-cli info FILE [--json]

List every tensor of FILE with its dtype, shape, element count and bytes, and the statistics of
its values: min, max, mean, std, absmax (over finite values) and the counts of NaN and Inf.
Tensors that cannot be read (unsupported dtypes, missing external data) are listed with why.

)") + file_help() + R"(
JSON: {file, format, sample_rate, metadata: {KEY: VALUE}, tensors: [{name, dtype, shape,
count, bytes, readable, note, min, max, mean, std, absmax, nan_count, inf_count}]}; the
statistics are null for a tensor that cannot be read. A key the file repeats in its metadata
(GGUF keys, ONNX metadata_props) maps to the list of its values, in file order.
Text from the file: bytes that are not valid UTF-8 are written as U+FFFD in JSON and as \xNN
in text output, where control characters are escaped too (\e, \x07, ...).
)";

const std::string kQuantizeUsage =
    std::string(
        R"(Usage: quantscope-cli quantize FILE --out OUT.npy|OUT.gguf [--tensor NAME] [QUANT]

Quantize one tensor and write it, atomically (a temporary file renamed into place):
  OUT.gguf   a GGUF v3 file of that tensor. Under one of ggml's block types (--format q4_K,
             ...) it holds the type's blocks, the bytes llama.cpp would store (non-finite
             values quantized as 0); under any other config, the dequantized values Q(x) as f32.
  otherwise  the dequantized values Q(x) as a float32 .npy of the same shape.

)") +
    file_help() + "\n" + std::string(kQuantHelp);

const std::string kSweepUsage =
    std::string(
        R"(Usage: quantscope-cli sweep FILE [--tensor NAME] [--formats LIST] [--calibrations LIST]
                           [--granularity G] [--rounding R] [--seed S] [--error-histogram]
                           [--csv|--json]

Quantize every tensor (or the named one) under every format x calibration and print one row
each, worst SQNR first. Progress goes to stderr when a sweep runs longer than a second.

  --formats LIST        comma-separated (default int8,int4,fp8_e4m3,fp8_e5m2,fp4_e2m1,nf4,mxfp4)
                        Formats include ggml's block types (q4_0 q4_1 q5_0 q5_1 q8_0 q2_K
                        q3_K q4_K q5_K q6_K iq4_nl); int4 in blocks of 32 is int4 with
                        --granularity block:32.
  --calibrations LIST   comma-separated (default minmax,percentile:99.9,kl,mse; kl is left
                        out for block granularity). Block-scaled formats (MX, NVFP4, ggml's
                        types) take one row: their scales are their own.
  --error-histogram     also count |x - Q(x)| on bins shared by every row, as llama.cpp's
                        quantize-stats does: in units of the tensor's RMS r, [0, r/128),
                        [r/128, r/64), ..., [r/2, r), [r, inf) (text: percent per bin; JSON:
                        "errors" {"unit", "edges" (in units of r), "counts"})

)") +
    file_help() + R"(
)" + wrap("CSV columns: " + csv_columns(), 0) +
    R"(
JSON: an array of {tensor, config {...}, metrics {...}, storage {...}, clip_min, clip_max,
notes [...]} (notes as analyze --json has them).
)";

int run_info(const std::vector<std::string_view>& args) {
    std::optional<std::string> file;
    bool json = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << kInfoUsage;
            return kExitOk;
        } else if (a == "--json") {
            json = true;
        } else if (a.starts_with("--")) {
            throw Usage{"unknown option " + std::string(a), kInfoUsage};
        } else if (file) {
            throw Usage{"info takes one FILE, got a second: " + std::string(a), kInfoUsage};
        } else {
            file = std::string(a);
        }
    }
    if (!file) {
        throw Usage{"info needs a FILE", kInfoUsage};
    }
    current_file() = *file;
    const auto source = parse_or_usage([&] { return open_source(*file); }, kInfoUsage);
    const std::vector<TensorInfo>& tensors = source->tensors();
    // Every tensor is read before anything is printed, so that a bad one fails the command
    // without half an output. Statistics are kept only for tensors that hold values: a file
    // may list a million empty tensors, whose statistics are all those of no values.
    std::map<std::size_t, ValueStatistics> value_stats;
    for (std::size_t t = 0; t < tensors.size(); ++t) {
        if (source->readable(t)) {
            const Tensor tensor = source->read(t);
            if (!tensor.values.empty()) {
                value_stats.emplace(t, value_statistics(tensor.values));
            }
        }
    }
    const ValueStatistics no_values = value_statistics({});
    const auto statistics = [&](std::size_t t) -> std::optional<ValueStatistics> {
        if (!source->readable(t)) {
            return std::nullopt;
        }
        const auto found = value_stats.find(t);
        return found == value_stats.end() ? no_values : found->second;
    };
    if (json) {
        JsonWriter w;
        w.begin_object();
        w.key("file").value(source->path());
        w.key("format").value(source->format_name());
        w.key("sample_rate").value(source->sample_rate());
        w.key("metadata");
        write_metadata(w, source->metadata());
        w.key("tensors").begin_array();
        for (std::size_t t = 0; t < tensors.size(); ++t) {
            const TensorInfo& info = tensors[t];
            w.begin_object();
            w.key("name").value(info.name);
            w.key("dtype").value(info.dtype);
            w.key("shape");
            write_shape(w, info.shape);
            w.key("count").value(info.count);
            w.key("bytes").value(info.bytes);
            w.key("readable").value(source->readable(t));
            w.key("note").value(source->note(t));
            const auto number_or_null = [&](const char* key, std::optional<double> v) {
                w.key(key);
                if (v) {
                    w.value(*v);
                } else {
                    w.null();
                }
            };
            const std::optional<ValueStatistics> s = statistics(t);
            number_or_null("min", s ? std::optional<double>(s->min) : std::nullopt);
            number_or_null("max", s ? std::optional<double>(s->max) : std::nullopt);
            number_or_null("mean", s ? std::optional<double>(s->mean) : std::nullopt);
            number_or_null("std", s ? std::optional<double>(s->stddev) : std::nullopt);
            number_or_null("absmax", s ? std::optional<double>(s->absmax) : std::nullopt);
            number_or_null("nan_count", s ? std::optional<double>(static_cast<double>(s->nan_count))
                                          : std::nullopt);
            number_or_null("inf_count", s ? std::optional<double>(static_cast<double>(s->inf_count))
                                          : std::nullopt);
            w.end_object();
            std::cout << w.take();  // a file may list a million tensors: stream them
        }
        w.end_array();
        w.end_object();
        std::cout << w.take() << '\n';
        return kExitOk;
    }
    std::cout << visible_text(source->path()) << " (" << source->format_name() << ", "
              << tensors.size() << (tensors.size() == 1 ? " tensor" : " tensors") << ")\n";
    if (source->sample_rate() > 0) {
        std::cout << "sample rate " << format_number(source->sample_rate()) << " Hz\n";
    }
    for (const auto& [key, value] : source->metadata()) {
        std::cout << "  " << visible_text(key) << ": " << visible_text(value) << '\n';
    }
    for (std::size_t t = 0; t < tensors.size(); ++t) {
        const TensorInfo& info = tensors[t];
        std::cout << visible_text(info.name) << "  " << visible_text(info.dtype) << " "
                  << shape_to_string(info.shape) << "  " << info.count << " values, " << info.bytes
                  << " bytes\n";
        if (const std::optional<ValueStatistics> s = statistics(t)) {
            std::cout << "    min " << format_number(s->min) << "  max " << format_number(s->max)
                      << "  mean " << format_number(s->mean) << "  std " << format_number(s->stddev)
                      << "  absmax " << format_number(s->absmax) << "  nan " << s->nan_count
                      << "  inf " << s->inf_count << '\n';
        }
        if (!source->note(t).empty()) {
            std::cout << "    " << visible_text(source->note(t)) << '\n';
        }
    }
    return kExitOk;
}

int run_analyze(const std::vector<std::string_view>& args) {
    std::optional<std::string> file;
    std::optional<std::string> tensor_name;
    QuantFlags flags;
    bool json = false;
    std::int64_t stride = 1;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << kAnalyzeUsage;
            return kExitOk;
        } else if (a == "--json") {
            json = true;
        } else if (a == "--sample-stride") {
            const std::string value = next_value(args, i, kAnalyzeUsage);
            const auto [end, error] =
                std::from_chars(value.data(), value.data() + value.size(), stride);
            if (error != std::errc() || end != value.data() + value.size() || stride < 1) {
                throw Usage{
                    "--sample-stride needs a positive integer, got '" + std::string(value) + "'",
                    kAnalyzeUsage};
            }
        } else if (a == "--tensor") {
            tensor_name = next_value(args, i, kAnalyzeUsage);
        } else if (flags.take(args, i, kAnalyzeUsage)) {
            continue;
        } else if (a.starts_with("--")) {
            throw Usage{"unknown option " + std::string(a), kAnalyzeUsage};
        } else if (file) {
            throw Usage{"analyze takes one FILE, got a second: " + std::string(a), kAnalyzeUsage};
        } else {
            file = std::string(a);
        }
    }
    if (!file) {
        throw Usage{"analyze needs a FILE", kAnalyzeUsage};
    }
    current_file() = *file;
    const QuantConfig config = flags.finish(kAnalyzeUsage);
    const auto source = parse_or_usage([&] { return open_source(*file); }, kAnalyzeUsage);
    const Tensor tensor = read_tensor(*source, tensor_name, kAnalyzeUsage, stride);
    // The whole tensor's count, which a sample is every stride-th value of.
    const std::int64_t whole =
        source->tensors()[tensor_name ? *source->find(*tensor_name) : 0].count;
    const QuantResult r = parse_or_usage(
        [&] { return quantize(tensor.values, tensor.info.shape, config); }, kAnalyzeUsage);
    const Metrics& m = r.metrics;
    const GroupParameters g = r.groups.empty() ? GroupParameters{} : r.groups.front();
    if (json) {
        JsonWriter w;
        w.begin_object();
        w.key("tensor").value(tensor.info.name);
        w.key("dtype").value(tensor.info.dtype);
        w.key("shape");
        write_shape(w, tensor.info.shape);
        w.key("count").value(tensor.info.count);
        if (stride > 1) {
            w.key("sample").begin_object();
            w.key("stride").value(stride);
            w.key("of").value(whole);
            w.end_object();
        }
        w.key("config");
        write_config(w, config);
        w.key("metrics");
        write_metrics(w, m);
        w.key("params").begin_object();
        // One group: numbers; several: arrays, one entry per group.
        if (r.groups.size() == 1) {
            w.key("scale").value(g.scale);
            w.key("zero_point").value(g.zero_point);
        } else {
            w.key("scale").begin_array();
            for (const GroupParameters& p : r.groups) {
                w.value(p.scale);
            }
            w.end_array();
            w.key("zero_point").begin_array();
            for (const GroupParameters& p : r.groups) {
                w.value(p.zero_point);
            }
            w.end_array();
        }
        w.key("clip_min").value(r.clip_min);
        w.key("clip_max").value(r.clip_max);
        w.key("groups").value(static_cast<std::int64_t>(r.groups.size()));
        write_group_summary(w, summarize_groups(r.groups));
        w.end_object();
        w.key("storage");
        write_storage(w, r.storage);
        w.key("notes");
        write_notes(w, r.notes);
        w.end_object();
        std::cout << w.text() << '\n';
        return kExitOk;
    }
    std::cout << "tensor            " << visible_text(tensor.info.name) << " ("
              << visible_text(tensor.info.dtype) << " " << shape_to_string(tensor.info.shape)
              << ")\n"
              << "count             " << tensor.info.count << '\n';
    if (stride > 1) {
        std::cout << "sample            every " << stride << ordinal_suffix(stride) << " of "
                  << whole << " values\n";
    }
    std::cout << "config            " << describe(config) << '\n';
    if (r.groups.empty()) {
        std::cout << "groups            0 (no values: no scale)\n";
    } else if (r.groups.size() == 1) {
        std::cout << "scale             " << format_number(g.scale) << '\n'
                  << "zero point        " << g.zero_point << '\n';
    } else {
        const GroupSummary s = summarize_groups(r.groups);
        std::cout << "groups            " << s.groups << '\n'
                  << "scale             min " << format_number(s.scale.min) << ", median "
                  << format_number(s.scale.median) << ", max " << format_number(s.scale.max) << '\n'
                  << "zero point        min " << format_number(s.zero_point.min) << ", median "
                  << format_number(s.zero_point.median) << ", max "
                  << format_number(s.zero_point.max) << '\n'
                  << "scale histogram   " << (s.scales.log_spaced ? "log-spaced" : "equal")
                  << " bins " << format_number(s.scales.lo) << " .. " << format_number(s.scales.hi)
                  << ":";
        for (std::int64_t c : s.scales.counts) {
            std::cout << ' ' << c;
        }
        std::cout << '\n';
    }
    std::cout << "clip range        [" << format_number(r.clip_min) << ", "
              << format_number(r.clip_max) << "]\n";
    for (const MetricDescriptor& metric : metric_descriptors()) {
        // Outliers are kept only when asked for: no line for a share that is 0 by definition.
        if (metric.key == "outlier_fraction" && config.outlier_threshold <= 0) {
            continue;
        }
        std::string label(metric.label);
        std::transform(label.begin(), label.end(), label.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        label.resize(std::max<std::size_t>(label.size() + 1, 18), ' ');
        std::cout << label << metric_text(metric, m, 6);
        if (metric.key == "outlier_fraction") {
            std::cout << " (" << r.storage.outlier_bytes << " bytes)";
        }
        std::cout << '\n';
    }
    if (m.nan_count + m.inf_count > 0) {
        std::cout << "not finite        " << m.nan_count << " NaN, " << m.inf_count
                  << " Inf (passed through, not measured)\n";
    }
    std::cout << "storage           " << r.storage.bytes << " bytes ("
              << format_number(r.storage.bits_per_value) << " bits per value)\n";
    for (const std::string& note : r.notes) {
        std::cout << "note              " << note << '\n';
    }
    return kExitOk;
}

int run_quantize(const std::vector<std::string_view>& args) {
    std::optional<std::string> file;
    std::optional<std::string> out;
    std::optional<std::string> tensor_name;
    QuantFlags flags;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << kQuantizeUsage;
            return kExitOk;
        } else if (a == "--out" || a == "-o") {
            out = next_value(args, i, kQuantizeUsage);
        } else if (a == "--tensor") {
            tensor_name = next_value(args, i, kQuantizeUsage);
        } else if (flags.take(args, i, kQuantizeUsage)) {
            continue;
        } else if (a.starts_with("--")) {
            throw Usage{"unknown option " + std::string(a), kQuantizeUsage};
        } else if (file) {
            throw Usage{"quantize takes one FILE, got a second: " + std::string(a), kQuantizeUsage};
        } else {
            file = std::string(a);
        }
    }
    if (!file) {
        throw Usage{"quantize needs a FILE", kQuantizeUsage};
    }
    current_file() = *file;
    if (!out) {
        throw Usage{"quantize needs --out OUT.npy or --out OUT.gguf", kQuantizeUsage};
    }
    const QuantConfig config = flags.finish(kQuantizeUsage);
    const auto source = parse_or_usage([&] { return open_source(*file); }, kQuantizeUsage);
    const Tensor tensor = read_tensor(*source, tensor_name, kQuantizeUsage);
    const QuantResult r = parse_or_usage(
        [&] { return quantize(tensor.values, tensor.info.shape, config); }, kQuantizeUsage);
    const std::string written = parse_or_usage(
        [&] {
            return write_quantized(*out, tensor.info.name, tensor.info.shape, tensor.values,
                                   r.dequantized, config);
        },
        kQuantizeUsage);
    std::cout << "wrote " << visible_text(*out) << ": " << visible_text(tensor.info.name) << " "
              << shape_to_string(tensor.info.shape) << " as " << describe(config) << ", sqnr "
              << format_number(r.metrics.sqnr_db) << " dB (" << written << ")\n";
    return kExitOk;
}

int run_sweep(const std::vector<std::string_view>& args) {
    std::optional<std::string> file;
    std::optional<std::string> tensor_name;
    std::vector<std::string> formats{"int8",     "int4", "fp8_e4m3", "fp8_e5m2",
                                     "fp4_e2m1", "nf4",  "mxfp4"};
    std::optional<std::vector<std::string>> calibrations;
    ConfigFieldValues base_fields;
    bool csv = false;
    bool json = false;
    bool error_histogram = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << kSweepUsage;
            return kExitOk;
        } else if (a == "--error-histogram") {
            error_histogram = true;
        } else if (a == "--csv") {
            csv = true;
        } else if (a == "--json") {
            json = true;
        } else if (a == "--tensor") {
            tensor_name = next_value(args, i, kSweepUsage);
        } else if (a == "--formats") {
            formats = split_list(next_value(args, i, kSweepUsage));
        } else if (a == "--calibrations") {
            calibrations = split_list(next_value(args, i, kSweepUsage));
        } else if (take_config_flag(args, i, kSweepUsage, base_fields,
                                    {"granularity", "rounding", "seed"})) {
            continue;
        } else if (a.starts_with("--")) {
            throw Usage{"unknown option " + std::string(a), kSweepUsage};
        } else if (file) {
            throw Usage{"sweep takes one FILE, got a second: " + std::string(a), kSweepUsage};
        } else {
            file = std::string(a);
        }
    }
    if (!file) {
        throw Usage{"sweep needs a FILE", kSweepUsage};
    }
    current_file() = *file;
    if (csv && json) {
        throw Usage{"choose one of --csv and --json", kSweepUsage};
    }
    const QuantConfig base =
        parse_or_usage([&] { return config_from_fields(base_fields); }, kSweepUsage);
    if (!calibrations) {
        calibrations = std::vector<std::string>{"minmax", "percentile:99.9", "mse"};
        if (base.granularity.kind != Granularity::Kind::Block) {
            calibrations->insert(calibrations->begin() + 2, "kl");
        }
    }
    if (formats.empty() || calibrations->empty()) {
        throw Usage{"--formats and --calibrations need at least one entry", kSweepUsage};
    }
    const std::vector<QuantConfig> grid = parse_or_usage(
        [&] {
            std::vector<QuantConfig> g = sweep_grid(base, formats, *calibrations);
            for (const QuantConfig& c : g) {
                check_config(c);
            }
            return g;
        },
        kSweepUsage);
    const auto source = parse_or_usage([&] { return open_source(*file); }, kSweepUsage);
    std::vector<std::size_t> indices;
    if (tensor_name) {
        const std::optional<std::size_t> index = source->find(*tensor_name);
        if (!index) {
            throw Usage{source->path() + " has no tensor named '" + *tensor_name + "'",
                        kSweepUsage};
        }
        indices.push_back(*index);
    } else {
        for (std::size_t t = 0; t < source->tensors().size(); ++t) {
            if (source->readable(t)) {
                indices.push_back(t);
            }
        }
    }
    struct Row {
        std::string tensor;
        SweepRow row;
    };
    std::vector<Row> rows;
    const auto start = std::chrono::steady_clock::now();
    bool reported = false;
    for (std::size_t k = 0; k < indices.size(); ++k) {
        const Tensor tensor = source->read(indices[k]);
        const SweepResult result = parse_or_usage(
            [&] {
                return sweep(
                    tensor.values, tensor.info.shape, grid,
                    [&](std::size_t done, std::size_t total) {
                        const auto elapsed = std::chrono::steady_clock::now() - start;
                        if (elapsed > std::chrono::seconds(1)) {
                            std::cerr << "\rsweep: tensor " << k + 1 << "/" << indices.size()
                                      << ", config " << done << "/" << total << std::flush;
                            reported = true;
                        }
                        return true;
                    },
                    nullptr, error_histogram);
            },
            kSweepUsage);
        for (const SweepRow& row : result.rows) {
            rows.push_back({tensor.info.name, row});
        }
    }
    if (reported) {
        std::cerr << '\n';
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Row& a, const Row& b) { return is_worse(a.row, b.row); });
    if (json) {
        JsonWriter w;
        w.begin_array();
        for (const Row& r : rows) {
            w.begin_object();
            w.key("tensor").value(r.tensor);
            w.key("config");
            write_config(w, r.row.config);
            w.key("metrics");
            write_metrics(w, r.row.metrics);
            w.key("storage");
            write_storage(w, r.row.storage);
            w.key("clip_min").value(r.row.clip_min);
            w.key("clip_max").value(r.row.clip_max);
            w.key("notes");
            write_notes(w, r.row.notes);
            if (error_histogram) {
                w.key("errors").begin_object();
                w.key("unit").value(r.row.errors.unit);
                w.key("edges").begin_array();
                for (std::size_t b = 0; b < kErrorBins; ++b) {
                    w.value(ErrorHistogram::edge(b));
                }
                w.end_array();
                w.key("counts").begin_array();
                for (const std::int64_t c : r.row.errors.counts) {
                    w.value(c);
                }
                w.end_array();
                w.end_object();
            }
            w.end_object();
        }
        w.end_array();
        std::cout << w.text() << '\n';
        return kExitOk;
    }
    if (csv) {
        std::cout << csv_columns() << '\n';
        for (const Row& r : rows) {
            std::cout << csv_field(valid_utf8(r.tensor));
            for (const auto& [name, text] : config_to_fields(r.row.config)) {
                std::cout << ',' << csv_field(text);
            }
            for (const MetricDescriptor& metric : metric_descriptors()) {
                std::cout << ',' << exact_number_text(metric.value(r.row.metrics));
            }
            std::cout << ',' << exact_number_text(r.row.storage.bits_per_value) << ','
                      << r.row.storage.bytes << ',' << exact_number_text(r.row.clip_min) << ','
                      << exact_number_text(r.row.clip_max) << '\n';
        }
        return kExitOk;
    }
    const auto pad = [](std::string text, std::size_t width) {
        if (text.size() < width) {
            text.append(width - text.size(), ' ');
        }
        return text + " ";
    };
    std::cout << "tensor                format       calibration       sqnr dB    mse          "
                 "rmse         max |error|  bits/value";
    if (error_histogram) {
        // The bins' left edges in units of the RMS: 0, 1/128, ..., 1/2, 1.
        std::cout << "  |error| / rms:";
        for (std::size_t b = 0; b < kErrorBins; ++b) {
            const double edge = ErrorHistogram::edge(b);
            std::cout << ' '
                      << pad(b == 0     ? "<1/128"
                             : edge < 1 ? ">=1/" + std::to_string(static_cast<int>(1 / edge))
                                        : ">=1",
                             6);
        }
    }
    std::cout << '\n';
    for (const Row& r : rows) {
        std::cout << pad(visible_text(r.tensor), 21) << pad(format_name(r.row.config), 12)
                  << pad(to_string(r.row.config.calibration), 17)
                  << pad(format_number(r.row.metrics.sqnr_db), 10)
                  << pad(format_number(r.row.metrics.mse), 12)
                  << pad(format_number(r.row.metrics.rmse), 12)
                  << pad(format_number(r.row.metrics.max_abs_error), 12)
                  << pad(format_number(r.row.storage.bits_per_value), 10);
        if (error_histogram) {
            std::cout << std::string(15, ' ');
            const auto total = static_cast<double>(std::max<std::int64_t>(r.row.metrics.count, 1));
            for (const std::int64_t c : r.row.errors.counts) {
                char cell[16];
                std::snprintf(cell, sizeof cell, "%.1f%%", 100.0 * static_cast<double>(c) / total);
                std::cout << ' ' << pad(cell, 6);
            }
        }
        std::cout << '\n';
    }
    return kExitOk;
}

}  // namespace quantscope::cli

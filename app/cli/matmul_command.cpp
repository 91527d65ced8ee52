// matmul: Y = X W under the quantized operator modes (core's quantized_matmul.h), against the
// float result; optionally the error against the inner dimension k.

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "cli_support.h"
#include "quant_flags.h"
#include "quantscope/common/generators.h"
#include "quantscope/common/json_writer.h"
#include "quantscope/common/text.h"
#include "quantscope/io/source.h"
#include "quantscope/ops/quantized_matmul.h"
#include "result_json.h"

namespace quantscope::cli {

const std::string kMatmulUsage =
    std::string(R"(Usage: quantscope-cli matmul W --activations X [--mode MODES] [QUANT] [--json]

Y = X W with W (k x n) from W and activations X (m x k), each mode against the float result
(float64). W and X are 2-D tensors: a file (its first tensor, or --tensor NAME for W) or a
generator, e.g. gen:matrix:rows=256,cols=1024,outlier-columns=4 (a few feature columns 20x
larger, as LLM.int8() found in large models).

Modes (--mode, a comma-separated list or all; default all):
  weight-only   W quantized with QUANT, X float
  dynamic       X quantized at run time from its observed range (--scope row|tensor)
  static        X quantized with a range calibrated (--act-calibration) on a separate set
  mixed         LLM.int8(): the columns of X holding a |value| above --mixed-threshold and the
                matching rows of W in FP16, the rest as in dynamic
Where X and W are both integers with scales that factor out of the sum (X per row or per tensor,
W per tensor or per output column: --granularity channel:1), the product runs in integers with
int32 accumulation and one rescale per output; the output shows the largest sum against the
int32 limit and the formats' worst case (k * max|qx| * max|qw|), and counts sums that wrapped.

Options:
  --activations X       the activations (required)
  --calibration-set C   rows for the static mode's calibration (default: for a generated X,
                        the same generator with the next seed; a file X needs one)
  --transpose           read W as [n, k] (PyTorch's Linear layout)
  --tensor NAME         W's tensor in a file of several
  --scope row|tensor    dynamic scales per row of X (default) or per tensor
  --mixed-threshold T   mixed: a column of X goes to FP16 when a |value| in it exceeds T
                        (default 6)
  --act-format F, --act-scheme S, --act-calibration C, --act-rounding R, --act-seed S
                        X's format (default int8 symmetric), scheme, the static mode's
                        calibration (default minmax), rounding and seed
  --k-sweep [LIST]      also the error against k: the modes on X's first k columns and W's
                        first k rows for k in LIST (default 16, 32, 64, ... up to k)
  --json                JSON: {"w", "x", "reference", "outlier_columns", "modes": [{"mode",
                        "arithmetic", "integer", "metrics", "accumulator": {"k", "largest",
                        "worst_case", "limit", "overflowed", "at_risk"}, "operands": [{"name",
                        "config", "metrics"}], "notes"}], "k_sweep": [{"k", "modes": [{"mode",
                        "metrics", "largest"}]}]}; metrics hold sqnr_db, mse, rmse,
                        max_abs_error, mean_error, cosine_similarity

W's QUANT (default int8 symmetric per tensor):
)") +
    std::string(kQuantHelp);

namespace {

struct Operands {
    Tensor w;
    Tensor x;
    std::optional<Tensor> calibration;
};

Tensor load(const std::string& path, const std::optional<std::string>& name) {
    current_file() = path;
    const auto source = parse_or_usage([&] { return open_source(path); }, kMatmulUsage);
    return read_tensor(*source, name, kMatmulUsage);
}

std::vector<MatmulMode> parse_modes(std::string_view text) {
    if (text == "all") {
        const auto all = matmul_modes();
        return {all.begin(), all.end()};
    }
    std::vector<MatmulMode> modes;
    for (const std::string& item : split_list(text)) {
        const auto mode = parse_matmul_mode(item);
        if (!mode) {
            throw Usage{
                "unknown mode '" + item + "' (known: weight-only, dynamic, static, mixed, all)",
                kMatmulUsage};
        }
        if (std::find(modes.begin(), modes.end(), *mode) == modes.end()) {
            modes.push_back(*mode);
        }
    }
    if (modes.empty()) {
        throw Usage{"--mode needs at least one mode", kMatmulUsage};
    }
    return modes;
}

std::vector<std::int64_t> parse_ks(std::string_view text) {
    std::vector<std::int64_t> ks;
    for (const std::string& item : split_list(text)) {
        const double k = parse_double(item, "--k-sweep", kMatmulUsage);
        if (k < 1 || std::floor(k) != k || k > 1e12) {
            throw Usage{"--k-sweep needs whole numbers of at least 1, got '" + item + "'",
                        kMatmulUsage};
        }
        ks.push_back(static_cast<std::int64_t>(k));
    }
    return ks;
}

void write_matmul_metrics(JsonWriter& w, const Metrics& m) {
    w.begin_object();
    for (const MetricDescriptor* d : matmul_metric_descriptors()) {
        w.key(d->key).value(d->value(m));
    }
    w.end_object();
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// "123456 (17 bits + sign)": how much of the int32 accumulator (31 bits + sign) a magnitude takes.
std::string magnitude_text(std::int64_t v) {
    return std::to_string(v) + " (" +
           std::to_string(std::bit_width(static_cast<std::uint64_t>(v))) + " bits + sign)";
}

void print_text(const Operands& in, const MatmulOutput& out, const std::vector<KSweepPoint>& sweep,
                const std::vector<MatmulMode>& modes) {
    std::cout << "W                 " << visible_text(in.w.info.name) << " "
              << shape_to_string(in.w.info.shape) << '\n'
              << "X                 " << visible_text(in.x.info.name) << " "
              << shape_to_string(in.x.info.shape) << '\n'
              << "Y                 [" << out.reference.rows() << ", " << out.reference.cols()
              << "], compared with X W in float64\n";
    if (!out.outlier_columns.empty()) {
        std::cout << "outlier columns   " << out.outlier_columns.size() << ":";
        for (std::size_t c = 0; c < std::min<std::size_t>(out.outlier_columns.size(), 16); ++c) {
            std::cout << ' ' << out.outlier_columns[c];
        }
        std::cout << (out.outlier_columns.size() > 16 ? " ..." : "") << '\n';
    }
    for (const MatmulModeResult& r : out.modes) {
        std::cout << "\nmode              " << to_string(r.mode) << ": " << mode_description(r.mode)
                  << '\n'
                  << "  arithmetic        " << r.accumulator.arithmetic << '\n';
        for (const OperandReport& op : r.operands) {
            std::cout << "  " << op.name << std::string(18 - op.name.size(), ' ') << op.config
                      << ", sqnr " << metric_text(metric_descriptors()[0], op.metrics, 4);
            if (op.metrics.clipped_fraction > 0) {
                std::cout << ", clipped " << format_number(100 * op.metrics.clipped_fraction, 4)
                          << " %";
            }
            std::cout << '\n';
        }
        for (const MetricDescriptor* d : matmul_metric_descriptors()) {
            std::string label = "  " + lower(d->label);
            label.resize(std::max<std::size_t>(label.size() + 1, 20), ' ');
            std::cout << label << metric_text(*d, r.metrics, 6) << '\n';
        }
        if (r.accumulator.integer) {
            const AccumulatorReport& a = r.accumulator;
            std::cout << "  accumulator       largest |sum| " << magnitude_text(a.largest)
                      << " of int32's " << AccumulatorReport::kLimit << '\n'
                      << "                    worst case k * max|qx| * max|qw| = "
                      << magnitude_text(a.worst_case)
                      << (a.at_risk() ? ": may overflow int32" : ": fits int32") << '\n';
            if (a.overflowed > 0) {
                std::cout << "  overflow          " << a.overflowed
                          << " sums left the int32 range and wrapped\n";
            }
        }
        for (const std::string& note : r.notes) {
            std::cout << "  note              " << note << '\n';
        }
    }
    if (sweep.empty()) {
        return;
    }
    std::cout << "\nerror against k (SQNR dB; largest |sum| for integer products)\n"
              << std::setw(8) << "k";
    for (MatmulMode m : modes) {
        std::cout << std::setw(14) << to_string(m);
    }
    std::cout << '\n';
    for (const KSweepPoint& p : sweep) {
        std::cout << std::setw(8) << p.k;
        for (std::size_t m = 0; m < modes.size(); ++m) {
            std::cout << std::setw(14) << format_number(p.metrics[m].sqnr_db, 4);
        }
        std::cout << '\n' << std::setw(8) << "";
        for (std::size_t m = 0; m < modes.size(); ++m) {
            std::cout << std::setw(14)
                      << (p.accumulators[m].integer ? std::to_string(p.accumulators[m].largest)
                                                    : std::string("-"));
        }
        std::cout << '\n';
    }
}

void print_json(const Operands& in, const MatmulOutput& out, const std::vector<KSweepPoint>& sweep,
                const std::vector<MatmulMode>& modes) {
    JsonWriter w;
    w.begin_object();
    for (const auto& [key, tensor] : {std::pair{"w", &in.w}, std::pair{"x", &in.x}}) {
        w.key(key).begin_object();
        w.key("name").value(tensor->info.name);
        w.key("shape");
        write_shape(w, tensor->info.shape);
        w.end_object();
    }
    w.key("reference").begin_object();
    w.key("shape");
    write_shape(w, {out.reference.rows(), out.reference.cols()});
    w.key("arithmetic").value("float64");
    w.end_object();
    w.key("outlier_columns").begin_array();
    for (std::int64_t c : out.outlier_columns) {
        w.value(c);
    }
    w.end_array();
    w.key("modes").begin_array();
    for (const MatmulModeResult& r : out.modes) {
        w.begin_object();
        w.key("mode").value(to_string(r.mode));
        w.key("arithmetic").value(r.accumulator.arithmetic);
        w.key("integer").value(r.accumulator.integer);
        w.key("metrics");
        write_matmul_metrics(w, r.metrics);
        w.key("accumulator").begin_object();
        w.key("k").value(r.accumulator.k);
        w.key("largest").value(r.accumulator.largest);
        w.key("worst_case").value(r.accumulator.worst_case);
        w.key("limit").value(AccumulatorReport::kLimit);
        w.key("overflowed").value(r.accumulator.overflowed);
        w.key("at_risk").value(r.accumulator.at_risk());
        w.end_object();
        w.key("operands").begin_array();
        for (const OperandReport& op : r.operands) {
            w.begin_object();
            w.key("name").value(op.name);
            w.key("config").value(op.config);
            w.key("metrics");
            write_metrics(w, op.metrics);
            w.end_object();
        }
        w.end_array();
        w.key("notes");
        write_notes(w, r.notes);
        w.end_object();
    }
    w.end_array();
    if (!sweep.empty()) {
        w.key("k_sweep").begin_array();
        for (const KSweepPoint& p : sweep) {
            w.begin_object();
            w.key("k").value(p.k);
            w.key("modes").begin_array();
            for (std::size_t m = 0; m < modes.size(); ++m) {
                w.begin_object();
                w.key("mode").value(to_string(modes[m]));
                w.key("metrics");
                write_matmul_metrics(w, p.metrics[m]);
                w.key("largest").value(p.accumulators[m].largest);
                w.end_object();
            }
            w.end_array();
            w.end_object();
        }
        w.end_array();
    }
    w.end_object();
    std::cout << w.text() << '\n';
}

}  // namespace

int run_matmul(const std::vector<std::string_view>& args) {
    std::optional<std::string> w_path, x_path, calibration_path, tensor_name, ks_text;
    std::vector<MatmulMode> modes = parse_modes("all");
    MatmulSettings settings;
    QuantFlags weight_flags;
    ConfigFieldValues activation_fields;
    bool transpose = false, json = false, k_sweep = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << kMatmulUsage;
            return kExitOk;
        } else if (a == "--json") {
            json = true;
        } else if (a == "--transpose") {
            transpose = true;
        } else if (a == "--activations") {
            x_path = next_value(args, i, kMatmulUsage);
        } else if (a == "--calibration-set") {
            calibration_path = next_value(args, i, kMatmulUsage);
        } else if (a == "--tensor") {
            tensor_name = next_value(args, i, kMatmulUsage);
        } else if (a == "--mode") {
            modes = parse_modes(next_value(args, i, kMatmulUsage));
        } else if (a == "--scope") {
            const std::string scope = next_value(args, i, kMatmulUsage);
            const auto parsed = parse_activation_scope(scope);
            if (!parsed) {
                throw Usage{"--scope takes row or tensor, got '" + scope + "'", kMatmulUsage};
            }
            settings.dynamic_scope = *parsed;
        } else if (a == "--mixed-threshold") {
            settings.outlier_threshold =
                parse_double(next_value(args, i, kMatmulUsage), "--mixed-threshold", kMatmulUsage);
            if (settings.outlier_threshold < 0) {
                throw Usage{"--mixed-threshold must not be negative", kMatmulUsage};
            }
        } else if (a == "--k-sweep") {
            k_sweep = true;
            if (i + 1 < args.size() && !args[i + 1].starts_with("--") &&
                std::isdigit(static_cast<unsigned char>(args[i + 1].front()))) {
                ks_text = std::string(args[++i]);
            }
        } else if (take_config_flag(args, i, kMatmulUsage, activation_fields,
                                    {"format", "scheme", "calibration", "rounding", "seed"},
                                    "--act-")) {
            continue;
        } else if (weight_flags.take(args, i, kMatmulUsage)) {
            continue;
        } else if (a.starts_with("--")) {
            throw Usage{"unknown option " + std::string(a), kMatmulUsage};
        } else if (w_path) {
            throw Usage{"matmul takes one W, got a second: " + std::string(a), kMatmulUsage};
        } else {
            w_path = std::string(a);
        }
    }
    if (!w_path) {
        throw Usage{"matmul needs W (a 2-D tensor)", kMatmulUsage};
    }
    if (!x_path) {
        throw Usage{"matmul needs --activations X", kMatmulUsage};
    }
    settings.weight = weight_flags.finish(kMatmulUsage);
    settings.activation = config_from_flags(activation_fields, kMatmulUsage);
    const bool needs_calibration =
        std::find(modes.begin(), modes.end(), MatmulMode::Static) != modes.end();
    if (needs_calibration && !calibration_path) {
        if (!x_path->starts_with("gen:")) {
            throw Usage{"the static mode needs --calibration-set for activations from a file",
                        kMatmulUsage};
        }
        calibration_path =
            "gen:" +
            parse_or_usage([&] { return reseeded_spec(x_path->substr(4), 1); }, kMatmulUsage);
    }

    Operands in;
    in.w = load(*w_path, tensor_name);
    MatmulProblem problem;
    problem.w =
        parse_or_usage([&] { return matrix_from_tensor(in.w, transpose, "W"); }, kMatmulUsage);
    in.x = load(*x_path, std::nullopt);
    problem.x = parse_or_usage([&] { return matrix_from_tensor(in.x, false, "X"); }, kMatmulUsage);
    if (needs_calibration) {
        in.calibration = load(*calibration_path, std::nullopt);
        problem.calibration = parse_or_usage(
            [&] { return matrix_from_tensor(*in.calibration, false, "the calibration set"); },
            kMatmulUsage);
    }
    current_file() = *w_path;
    const MatmulOutput out = parse_or_usage(
        [&] { return run_quantized_matmul(problem, settings, modes); }, kMatmulUsage);
    std::vector<KSweepPoint> sweep;
    if (k_sweep) {
        const std::vector<std::int64_t> ks =
            ks_text ? parse_ks(*ks_text) : k_sweep_values(problem.x.cols());
        sweep =
            parse_or_usage([&] { return run_k_sweep(problem, settings, modes, ks); }, kMatmulUsage);
    }
    if (json) {
        print_json(in, out, sweep, modes);
    } else {
        print_text(in, out, sweep, modes);
    }
    return kExitOk;
}

}  // namespace quantscope::cli

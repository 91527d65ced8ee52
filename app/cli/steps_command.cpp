// steps: a short vector quantized step by step (core's work_example), the same table the
// window's Steps tab shows.

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli_support.h"
#include "quant_flags.h"
#include "quantscope/common/json_writer.h"
#include "quantscope/quant/metric_descriptors.h"
#include "quantscope/quant/worked_example.h"
#include "result_json.h"

namespace quantscope::cli {

const std::string kStepsUsage =
    R"(Usage: quantscope-cli steps VALUES... [--shape A,B] [QUANT] [--json]
       quantscope-cli steps --preset NAME [QUANT] [--json]
       quantscope-cli steps --presets

Quantize a short vector (at most 64 values) step by step: each group's clipping range, scale and
zero point with their formulas and numbers, then one row per value: x, x / s, the rounding and
the rule it followed, + z, the clamp, the code and its bits, Q(x) and the error; then MSE, SQNR,
the largest error against its bound (s / 2 for integers) and the storage. The window's Steps tab
shows the same table.

  VALUES           numbers, separated by spaces or commas: -2.5 -1 0 1 3.5 or -2.5,-1,0,1,3.5
  --shape A,B      the vector's shape (default one axis); per channel needs two axes
  --preset NAME    a worked example of the design page; QUANT flags given change its config
  --presets        list the presets
  --json           one object: config, shape, groups [{range_lo, range_hi, scale, zero_point,
                   clip_min, clip_max, scale_formula, zero_point_formula, members}], rows [{x,
                   group, scaled, rounded, rule, shifted, clamped, code, bits, dequantized,
                   error, bound, clipped, outlier}], totals {mse, sqnr_db, max_abs_error,
                   max_bound, bytes, scale_bytes, bits_per_value}, notes

)" + std::string(kQuantHelp);

namespace {

void write_json(const WorkedExample& w) {
    JsonWriter j;
    j.begin_object();
    j.key("config");
    write_config(j, w.config);
    j.key("shape");
    write_shape(j, w.shape);
    j.key("groups").begin_array();
    for (const WorkedGroup& g : w.groups) {
        j.begin_object();
        j.key("range_lo").value(g.range_lo);
        j.key("range_hi").value(g.range_hi);
        j.key("scale").value(g.params.scale);
        j.key("zero_point").value(static_cast<std::int64_t>(g.params.zero_point));
        j.key("clip_min").value(g.params.clip_min);
        j.key("clip_max").value(g.params.clip_max);
        j.key("scale_formula").value(g.scale_formula);
        j.key("zero_point_formula").value(g.zero_point_formula);
        j.key("members").begin_array();
        for (const std::size_t m : g.members) {
            j.value(static_cast<std::int64_t>(m));
        }
        j.end_array();
        j.end_object();
    }
    j.end_array();
    j.key("rows").begin_array();
    for (const WorkedRow& r : w.rows) {
        j.begin_object();
        j.key("x").value(static_cast<double>(r.x));
        j.key("group").value(static_cast<std::int64_t>(r.group));
        j.key("scaled").value(static_cast<double>(r.scaled));
        j.key("rounded").value(static_cast<double>(r.rounded));
        j.key("rule").value(r.rule);
        j.key("shifted").value(r.shifted);
        j.key("clamped").value(r.clamped);
        j.key("code").value(static_cast<std::int64_t>(r.code));
        j.key("bits").value(r.bits);
        j.key("dequantized").value(static_cast<double>(r.dequantized));
        j.key("error").value(r.error);
        j.key("bound").value(r.bound);
        j.key("clipped").value(r.clipped);
        j.key("outlier").value(r.outlier);
        j.end_object();
    }
    j.end_array();
    j.key("totals").begin_object();
    j.key("mse").value(w.metrics.mse);
    j.key("sqnr_db").value(w.metrics.sqnr_db);
    j.key("max_abs_error").value(w.metrics.max_abs_error);
    j.key("max_bound").value(w.max_bound);
    j.key("bytes").value(w.storage.bytes);
    j.key("scale_bytes").value(w.storage.scale_bytes);
    j.key("bits_per_value").value(w.storage.bits_per_value);
    j.end_object();
    j.key("notes");
    write_notes(j, w.notes);
    j.end_object();
    std::cout << j.text() << '\n';
}

void write_text(const WorkedExample& w) {
    std::cout << "config    " << describe(w.config) << '\n';
    for (std::size_t g = 0; g < w.groups.size(); ++g) {
        const WorkedGroup& group = w.groups[g];
        std::cout << "group " << std::left << std::setw(4) << g << "range ["
                  << format_number(group.range_lo) << ", " << format_number(group.range_hi)
                  << "]\n          " << group.scale_formula << "\n          "
                  << group.zero_point_formula << '\n';
    }
    const bool integer = w.config.format.kind() == FormatKind::Integer &&
                         w.config.block_scaling == BlockScaling::None;
    const auto column = [](std::ostream& out, int width, const std::string& text) {
        out << std::right << std::setw(width) << text << ' ';
    };
    const auto trimmed = [](std::string line) {
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        return line;
    };
    std::ostringstream head;
    column(head, 3, "i");
    column(head, 5, "group");
    column(head, 12, "x");
    column(head, 12, "x / s");
    column(head, 12, "rounded");
    head << std::left << std::setw(31) << "rule";
    if (integer) {  // the scaled formats have no zero point
        column(head, 8, "+ z");
    }
    column(head, 7, "code");
    head << std::left << std::setw(17) << "bits";
    column(head, 12, "Q(x)");
    column(head, 12, "error");
    std::cout << trimmed(head.str()) << '\n';
    for (const WorkedRow& r : w.rows) {
        std::ostringstream line;
        column(line, 3, std::to_string(r.index));
        column(line, 5, std::to_string(r.group));
        column(line, 12, float_text(r.x));
        column(line, 12, float_text(r.scaled));
        column(line, 12, float_text(r.rounded));
        line << std::left << std::setw(31) << (r.clamped ? r.rule + ", clamped" : r.rule);
        if (integer) {
            column(line, 8, format_number(r.shifted));
        }
        column(line, 7, std::to_string(r.code));
        line << std::left << std::setw(17) << r.bits;
        column(line, 12, float_text(r.dequantized));
        column(line, 12, format_number(r.error));
        std::cout << trimmed(line.str()) << '\n';
    }
    const auto metric = [&](std::string_view key) {
        const MetricDescriptor& d = *find_metric(key);
        return metric_text(d, w.metrics, 6);
    };
    std::cout << "mse       " << metric("mse") << "\nsqnr      " << metric("sqnr_db")
              << "\nmax error " << metric("max_abs_error") << " (rounding bound "
              << format_number(w.max_bound)
              << (w.metrics.max_abs_error > w.max_bound
                      ? "; Q(x) is a float32 product, which adds up to half its float ULP"
                      : "")
              << ")\nstorage   " << w.rows.size() << " x " << w.config.format.bits()
              << " bits = " << w.storage.bytes - w.storage.scale_bytes - w.storage.outlier_bytes
              << " bytes + " << w.storage.scale_bytes << " bytes of scales and zero points";
    if (w.storage.outlier_bytes > 0) {
        std::cout << " + " << w.storage.outlier_bytes << " bytes of kept outliers";
    }
    std::cout << " = " << w.storage.bytes << " bytes\n";
    for (const std::string& note : w.notes) {
        std::cout << "note      " << note << '\n';
    }
}

}  // namespace

int run_steps(const std::vector<std::string_view>& args) {
    bool json = false;
    std::optional<std::string> preset_name;
    std::vector<float> values;
    std::vector<std::int64_t> shape;
    bool shape_given = false;
    QuantFlags flags;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << kStepsUsage;
            return kExitOk;
        }
        if (a == "--json") {
            json = true;
        } else if (a == "--presets") {
            for (const WorkedPreset& p : worked_presets()) {
                std::cout << std::left << std::setw(20) << p.name << p.title << '\n';
            }
            return kExitOk;
        } else if (a == "--preset") {
            preset_name = next_value(args, i, kStepsUsage);
        } else if (a == "--shape") {
            shape_given = true;
            for (const std::string& d : split_list(next_value(args, i, kStepsUsage))) {
                const double v = parse_double(d, "--shape", kStepsUsage);
                if (v < 0 || v != std::floor(v) || v > 1e9) {
                    throw Usage{"--shape needs whole numbers, got '" + d + "'", kStepsUsage};
                }
                shape.push_back(static_cast<std::int64_t>(v));
            }
        } else if (flags.take(args, i, kStepsUsage)) {
        } else if (a.starts_with("--")) {
            throw Usage{"unknown option " + std::string(a), kStepsUsage};
        } else {
            for (const std::string& v : split_list(a)) {
                values.push_back(static_cast<float>(parse_double(v, "a value", kStepsUsage)));
            }
        }
    }
    QuantConfig config;
    if (preset_name) {
        const auto& presets = worked_presets();
        const auto found = std::find_if(presets.begin(), presets.end(), [&](const WorkedPreset& p) {
            return p.name == *preset_name;
        });
        if (found == presets.end()) {
            throw Usage{"unknown preset '" + *preset_name + "' (steps --presets lists them)",
                        kStepsUsage};
        }
        if (!values.empty() || shape_given) {
            throw Usage{"a preset brings its own values and shape", kStepsUsage};
        }
        values = found->values;
        shape = found->shape;
        ConfigFieldValues fields = config_to_fields(found->config);
        // A format given brings its own natural scheme and granularity, unless given too.
        const auto given = [&](std::string_view name) {
            return std::any_of(flags.fields.begin(), flags.fields.end(),
                               [&](const auto& f) { return f.first == name; });
        };
        if (given("format")) {
            std::erase_if(fields, [](const auto& f) {
                return f.first == "scheme" || f.first == "granularity";
            });
        }
        for (auto& [name, value] : flags.fields) {
            std::erase_if(fields, [&](const auto& f) { return f.first == name; });
            fields.emplace_back(name, value);
        }
        config = config_from_flags(fields, kStepsUsage);
    } else {
        if (values.empty()) {
            throw Usage{"no values given", kStepsUsage};
        }
        config = flags.finish(kStepsUsage);
    }
    const WorkedExample w =
        parse_or_usage([&] { return work_example(values, shape, config); }, kStepsUsage);
    if (json) {
        write_json(w);
    } else {
        write_text(w);
    }
    return kExitOk;
}

}  // namespace quantscope::cli

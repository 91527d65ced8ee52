// quantscope-cli: QuantScope's analyses for scripts. Exit codes: 0 success, 1 a file or data
// error, 2 bad usage.

#include <cmath>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli_support.h"
#include "json_writer.h"
#include "quantscope/common/error.h"
#include "quantscope/common/generators.h"
#include "quantscope/quant/quantizer.h"

namespace {

using namespace quantscope;
using namespace quantscope::cli;

constexpr std::string_view kUsage = R"(Usage: quantscope-cli COMMAND [OPTIONS]

Quantization error analysis from the command line.

Commands:
  analyze SOURCE [QUANT] [--json]   quantize one tensor and print metrics, parameters, storage
  formats [--json]                  every named number format and its properties
  bits VALUE --format F [--json]    the code of a value in a format, its fields and neighbours
  generators [--json]               list the built-in generators and their parameters
  help [COMMAND]                    show help for a command

Run 'quantscope-cli COMMAND --help' for a command's options.
)";

constexpr std::string_view kAnalyzeUsage = R"(Usage: quantscope-cli analyze SOURCE [QUANT] [--json]

Quantize one tensor under one configuration and print its metrics, parameters and storage.

SOURCE:
  gen:NAME[:KEY=VALUE,...]   a generated tensor, e.g. gen:gaussian:n=1000000,seed=1
  gen:sample                 the built-in sample (Gaussian with a few large outliers)

QUANT:
  --format F        any format of 'quantscope-cli formats' (int8, fp8_e4m3, nf4, e3m4_fn, ...)
                    or a block-scaled one: mxfp8_e4m3 mxfp8_e5m2 mxfp6_e2m3 mxfp6_e3m2 mxfp4
                    mxint8 (blocks of 32, E8M0 scales), nvfp4 (blocks of 16) (default int8)
  --scheme S        symmetric | affine for integers; scaled | direct for floats and nf4
                    (default: symmetric for integers, scaled otherwise)
  --granularity G   tensor | channel[:AXIS] | block:N (default tensor)
  --calibration C   how the clipping range is chosen (default minmax):
                    minmax | percentile:P | kl | mse | sigma:K | manual:MIN,MAX
  --rounding R      nearest-even | nearest-away | toward-zero | stochastic (default nearest-even)
  --seed S          seed for stochastic rounding (default 0)

Output:
  --json            one JSON object; infinite SQNR is written as the string "inf"
)";

constexpr std::string_view kGeneratorsUsage = R"(Usage: quantscope-cli generators [--json]

List the generators usable as SOURCE (gen:NAME:KEY=VALUE,...) with their parameters and defaults.
)";

int run_analyze(const std::vector<std::string_view>& args) {
    std::optional<std::string> source;
    QuantConfig config;
    std::optional<std::string> format;
    std::optional<Scheme> scheme;
    std::optional<Granularity> granularity;
    bool json = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << kAnalyzeUsage;
            return kExitOk;
        } else if (a == "--json") {
            json = true;
        } else if (a == "--format") {
            format = next_value(args, i, kAnalyzeUsage);
        } else if (a == "--scheme") {
            const std::string v = next_value(args, i, kAnalyzeUsage);
            scheme = parse_scheme(v);
            if (!scheme) {
                throw Usage{"unknown scheme '" + v + "' (symmetric, affine, scaled or direct)",
                            kAnalyzeUsage};
            }
        } else if (a == "--rounding") {
            const std::string v = next_value(args, i, kAnalyzeUsage);
            const auto rounding = parse_rounding(v);
            if (!rounding) {
                throw Usage{"unknown rounding '" + v + "'", kAnalyzeUsage};
            }
            config.rounding = *rounding;
        } else if (a == "--seed") {
            const double seed =
                parse_double(next_value(args, i, kAnalyzeUsage), "--seed", kAnalyzeUsage);
            if (seed < 0 || seed != std::floor(seed)) {
                throw Usage{"--seed needs a whole number >= 0", kAnalyzeUsage};
            }
            config.seed = static_cast<std::uint64_t>(seed);
        } else if (a == "--granularity") {
            const std::string v = next_value(args, i, kAnalyzeUsage);
            granularity = parse_or_usage([&] { return parse_granularity(v); }, kAnalyzeUsage);
        } else if (a == "--calibration") {
            const std::string v = next_value(args, i, kAnalyzeUsage);
            config.calibration =
                parse_or_usage([&] { return parse_calibration(v); }, kAnalyzeUsage);
        } else if (a.starts_with("-")) {
            throw Usage{"unknown option " + std::string(a), kAnalyzeUsage};
        } else if (source) {
            throw Usage{"analyze takes one SOURCE, got a second: " + std::string(a), kAnalyzeUsage};
        } else {
            source = std::string(a);
        }
    }
    if (!source) {
        throw Usage{"analyze needs a SOURCE", kAnalyzeUsage};
    }
    // The format sets its natural scheme and (for block formats) granularity; explicit flags win.
    if (format) {
        parse_or_usage([&] { apply_format(config, *format); }, kAnalyzeUsage);
    }
    if (scheme) {
        config.scheme = *scheme;
    }
    if (granularity) {
        config.granularity = *granularity;
    }
    parse_or_usage([&] { check_config(config); }, kAnalyzeUsage);
    if (!source->starts_with("gen:")) {
        throw Usage{"'" + *source + "': this build reads generated sources (gen:...) only",
                    kAnalyzeUsage};
    }
    const Tensor tensor = parse_or_usage(
        [&] { return generate(std::string_view(*source).substr(4)); }, kAnalyzeUsage);
    const QuantResult r = parse_or_usage(
        [&] { return quantize(tensor.values, tensor.info.shape, config); }, kAnalyzeUsage);
    const Metrics& m = r.metrics;
    const GroupParameters g = r.groups.empty() ? GroupParameters{} : r.groups.front();
    if (json) {
        cli::JsonWriter w;
        w.begin_object();
        w.key("tensor").value(tensor.info.name);
        w.key("shape").begin_array();
        for (std::int64_t d : tensor.info.shape) {
            w.value(d);
        }
        w.end_array();
        w.key("count").value(tensor.info.count);
        w.key("config").begin_object();
        w.key("format").value(format_name(config));
        w.key("scheme").value(to_string(config.scheme));
        w.key("granularity").value(to_string(config.granularity));
        w.key("calibration").value(to_string(config.calibration));
        w.key("rounding").value(to_string(config.rounding));
        w.end_object();
        w.key("metrics").begin_object();
        w.key("mse").value(m.mse);
        w.key("rmse").value(m.rmse);
        w.key("sqnr_db").value(m.sqnr_db);
        w.key("max_abs_error").value(m.max_abs_error);
        w.key("mean_error").value(m.mean_error);
        w.key("cosine_similarity").value(m.cosine_similarity);
        w.key("clipped_fraction").value(m.clipped_fraction);
        w.key("zero_fraction").value(m.zero_fraction);
        w.key("kl_divergence").value(m.kl_divergence);
        w.key("nan_count").value(m.nan_count);
        w.key("inf_count").value(m.inf_count);
        w.end_object();
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
        w.end_object();
        w.key("storage").begin_object();
        w.key("bits_per_value").value(r.storage.bits_per_value);
        w.key("bytes").value(r.storage.bytes);
        w.end_object();
        w.end_object();
        std::cout << w.text() << '\n';
    } else {
        std::cout << "tensor            " << tensor.info.name << '\n'
                  << "count             " << tensor.info.count << '\n'
                  << "config            " << describe(config) << '\n';
        if (r.groups.size() == 1) {
            std::cout << "scale             " << format_number(g.scale) << '\n'
                      << "zero point        " << g.zero_point << '\n';
        } else {
            std::cout << "groups            " << r.groups.size() << " (scale of the first "
                      << format_number(g.scale) << ")\n";
        }
        std::cout << "clip range        [" << format_number(r.clip_min) << ", "
                  << format_number(r.clip_max) << "]\n"
                  << "mse               " << format_number(m.mse) << '\n'
                  << "sqnr              " << format_number(m.sqnr_db) << " dB\n"
                  << "max abs error     " << format_number(m.max_abs_error) << '\n'
                  << "mean error        " << format_number(m.mean_error) << '\n'
                  << "cosine similarity " << format_number(m.cosine_similarity) << '\n'
                  << "clipped           " << format_number(100 * m.clipped_fraction) << " %\n"
                  << "zeroed            " << format_number(100 * m.zero_fraction) << " %\n"
                  << "kl divergence     " << format_number(m.kl_divergence) << '\n'
                  << "storage           " << r.storage.bytes << " bytes ("
                  << format_number(r.storage.bits_per_value) << " bits per value)\n";
    }
    return kExitOk;
}

int run_generators(const std::vector<std::string_view>& args) {
    bool json = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--help" || args[i] == "-h") {
            std::cout << kGeneratorsUsage;
            return kExitOk;
        }
        if (args[i] != "--json") {
            throw Usage{"unknown option " + std::string(args[i]), kGeneratorsUsage};
        }
        json = true;
    }
    if (json) {
        cli::JsonWriter w;
        w.begin_array();
        for (const GeneratorInfo& g : generators()) {
            w.begin_object();
            w.key("name").value(g.name);
            w.key("description").value(g.description);
            w.key("parameters").begin_array();
            for (const GeneratorParameter& p : g.parameters) {
                w.begin_object();
                w.key("name").value(p.name);
                w.key("default").value(p.default_value);
                w.key("description").value(p.description);
                w.end_object();
            }
            w.end_array();
            w.end_object();
        }
        w.end_array();
        std::cout << w.text() << '\n';
        return kExitOk;
    }
    for (const GeneratorInfo& g : generators()) {
        std::cout << "gen:" << g.name << "  " << g.description << '\n';
        for (const GeneratorParameter& p : g.parameters) {
            std::cout << "    " << p.name << "=" << format_number(p.default_value) << "  "
                      << p.description << '\n';
        }
    }
    return kExitOk;
}

int run(const std::vector<std::string_view>& args) {
    if (args.empty()) {
        throw Usage{"no command given", kUsage};
    }
    const std::string_view command = args[0];
    if (command == "--help" || command == "-h" || command == "help") {
        if (args.size() > 1 && args[1] == "analyze") {
            std::cout << kAnalyzeUsage;
        } else if (args.size() > 1 && args[1] == "generators") {
            std::cout << kGeneratorsUsage;
        } else if (args.size() > 1 && args[1] == "formats") {
            std::cout << kFormatsUsage;
        } else if (args.size() > 1 && args[1] == "bits") {
            std::cout << kBitsUsage;
        } else {
            std::cout << kUsage;
        }
        return kExitOk;
    }
    if (command == "--version") {
        std::cout << "quantscope-cli 0.1.0\n";
        return kExitOk;
    }
    if (command == "analyze") {
        return run_analyze(args);
    }
    if (command == "generators") {
        return run_generators(args);
    }
    if (command == "formats") {
        return run_formats(args);
    }
    if (command == "bits") {
        return run_bits(args);
    }
    throw Usage{"unknown command '" + std::string(command) + "'", kUsage};
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    try {
        return run(args);
    } catch (const Usage& usage) {
        std::cerr << "quantscope-cli: " << usage.message << "\n\n" << usage.help;
        return kExitUsage;
    } catch (const quantscope::UsageError& e) {
        std::cerr << "quantscope-cli: " << e.what() << '\n';
        return kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "quantscope-cli: " << e.what() << '\n';
        return kExitDataError;
    }
}

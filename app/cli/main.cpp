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
#include "quantscope/common/text.h"
#include "quantscope/quant/quantizer.h"

namespace {

using namespace quantscope;
using namespace quantscope::cli;

constexpr std::string_view kUsage = R"(Usage: quantscope-cli COMMAND [OPTIONS]

Quantization error analysis from the command line.

Commands:
  info FILE [--json]                every tensor of FILE: dtype, shape, size and statistics
  analyze FILE [QUANT] [--json]     quantize one tensor and print metrics, parameters, storage
  quantize FILE --out OUT.npy [QUANT]
                                    write the dequantized tensor as float32 .npy
  sweep FILE [--formats L] [--calibrations L] [--csv|--json]
                                    every tensor under every config, worst SQNR first
  formats [--json]                  every named number format and its properties
  bits VALUE --format F [--json]    the code of a value in a format, its fields and neighbours
  generators [--json]               list the built-in generators and their parameters
  help [COMMAND]                    show help for a command

Run 'quantscope-cli COMMAND --help' for a command's options.
)";

constexpr std::string_view kGeneratorsUsage = R"(Usage: quantscope-cli generators [--json]

List the generators usable as SOURCE (gen:NAME:KEY=VALUE,...) with their parameters and defaults.
)";

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
        } else if (args.size() > 1 && args[1] == "info") {
            std::cout << kInfoUsage;
        } else if (args.size() > 1 && args[1] == "quantize") {
            std::cout << kQuantizeUsage;
        } else if (args.size() > 1 && args[1] == "sweep") {
            std::cout << kSweepUsage;
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
    if (command == "info") {
        return run_info(args);
    }
    if (command == "quantize") {
        return run_quantize(args);
    }
    if (command == "sweep") {
        return run_sweep(args);
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
        std::cerr << "quantscope-cli: " << visible_text(usage.message) << "\n\n" << usage.help;
        return kExitUsage;
    } catch (const quantscope::UsageError& e) {
        std::cerr << "quantscope-cli: " << visible_text(e.what()) << '\n';
        return kExitUsage;
    } catch (const std::exception& e) {
        // The one boundary of every command: whatever failed, one line in plain words.
        std::cerr << "quantscope-cli: " << visible_text(describe_failure(e, current_file()))
                  << '\n';
        return kExitDataError;
    } catch (...) {
        std::cerr << "quantscope-cli: " << visible_text(current_file())
                  << (current_file().empty() ? "" : ": ") << "unexpected internal failure\n";
        return kExitDataError;
    }
}

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
#include "man_page.h"
#include "quantscope/common/error.h"
#include "quantscope/common/generators.h"
#include "quantscope/common/json_writer.h"
#include "quantscope/common/simd.h"
#include "quantscope/common/text.h"
#include "quantscope/quant/quantizer.h"

namespace {

using namespace quantscope;
using namespace quantscope::cli;

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
        JsonWriter w;
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

// The commands, one entry each: the overview, `help COMMAND` and dispatch read this list.
struct Command {
    std::string_view name;
    std::string_view synopsis;  // its arguments, after the name
    std::string_view summary;
    std::string_view (*usage)();
    int (*run)(const std::vector<std::string_view>& args);
};

const std::vector<Command>& commands() {
    static const std::vector<Command> list{
        {"info", "FILE [--json]", "every tensor of FILE: dtype, shape, size and statistics",
         [] { return std::string_view(kInfoUsage); }, run_info},
        {"analyze", "FILE [QUANT] [--json]",
         "quantize one tensor and print metrics, parameters, storage",
         [] { return std::string_view(kAnalyzeUsage); }, run_analyze},
        {"quantize", "FILE --out OUT.npy [QUANT]", "write the dequantized tensor as float32 .npy",
         [] { return std::string_view(kQuantizeUsage); }, run_quantize},
        {"sweep", "FILE [--formats L] [--calibrations L] [--csv|--json]",
         "every tensor under every config, worst SQNR first",
         [] { return std::string_view(kSweepUsage); }, run_sweep},
        {"overview", "FILE [QUANT | --configs L] [--csv|--json]",
         "every tensor of a model under one or more configs, worst first",
         [] { return std::string_view(kOverviewUsage); }, run_overview},
        {"plan", "FILE --budget B --configs L [--keep P=C] [--json]",
         "a config per tensor within a byte budget, highest model SQNR",
         [] { return std::string_view(kPlanUsage); }, run_plan},
        {"steps", "VALUES... [QUANT] [--json]",
         "a short vector quantized step by step, value by value",
         [] { return std::string_view(kStepsUsage); }, run_steps},
        {"matmul", "W --activations X [--mode M] [QUANT] [--json]",
         "Y = X W under quantized operator modes against the float result",
         [] { return std::string_view(kMatmulUsage); }, run_matmul},
        {"train", "[--formats L | --updates F] [--seed N] [--csv|--json]",
         "train a small MLP: PTQ against QAT, or low-precision weight updates",
         [] { return std::string_view(kTrainUsage); }, run_train},
        {"adam", "[--epochs N] [--seed S] [--json|--csv]",
         "Adam's moments in FP32, linear int8 and the dynamic map: loss, state error, bytes",
         [] { return std::string_view(kAdamUsage); }, run_adam},
        {"spectrum", "FILE [QUANT] [--csv|--json]",
         "the power spectrum of a signal's quantization error",
         [] { return std::string_view(kSpectrumUsage); }, run_spectrum},
        {"formats", "[--json]", "every named number format and its properties",
         [] { return kFormatsUsage; }, run_formats},
        {"bits", "VALUE --format F [--json]",
         "the code of a value in a format, its fields and neighbours", [] { return kBitsUsage; },
         run_bits},
        {"generators", "[--json]", "list the built-in generators and their parameters",
         [] { return kGeneratorsUsage; }, run_generators},
    };
    return list;
}

const std::string& usage() {
    static const std::string text = [] {
        std::string t =
            "Usage: quantscope-cli COMMAND [OPTIONS]\n\nQuantization error analysis from the "
            "command line.\n\nCommands:\n";
        const auto line = [&](std::string_view left, std::string_view right) {
            std::string head = "  " + std::string(left);
            // A long synopsis puts its summary on the next line, under the others.
            t += head.size() < 36 ? head + std::string(36 - head.size(), ' ')
                                  : head + "\n" + std::string(36, ' ');
            t += std::string(right) + "\n";
        };
        for (const Command& c : commands()) {
            line(std::string(c.name) + " " + std::string(c.synopsis), c.summary);
        }
        line("help [COMMAND]", "show help for a command");
        return t + "\nRun 'quantscope-cli COMMAND --help' for a command's options.\n";
    }();
    return text;
}

const Command* find_command(std::string_view name) {
    for (const Command& c : commands()) {
        if (c.name == name) {
            return &c;
        }
    }
    return nullptr;
}

int run(const std::vector<std::string_view>& args) {
    if (args.empty()) {
        throw Usage{"no command given", usage()};
    }
    const std::string_view command = args[0];
    if (command == "--help" || command == "-h" || command == "help") {
        const Command* c = args.size() > 1 ? find_command(args[1]) : nullptr;
        std::cout << (c != nullptr ? c->usage() : std::string_view(usage()));
        return kExitOk;
    }
    if (command == "--version") {
        std::cout << "quantscope-cli " QUANTSCOPE_VERSION "\nkernels: " << simd_description()
                  << "\n";
        return kExitOk;
    }
    if (command == "--help-man") {
        std::vector<ManCommand> list;
        for (const Command& c : commands()) {
            list.push_back({c.name, c.synopsis, c.summary, c.usage()});
        }
        std::cout << man_page(list, QUANTSCOPE_VERSION);
        return kExitOk;
    }
    if (const Command* c = find_command(command)) {
        return c->run(args);
    }
    throw Usage{"unknown command '" + std::string(command) + "'", usage()};
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

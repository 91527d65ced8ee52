#pragma once
// What every quantscope-cli command shares: exit codes, the usage error, option parsing and
// number formatting.

#include <cmath>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/io/source.h"
#include "quantscope/quant/metric_descriptors.h"

namespace quantscope::cli {

constexpr int kExitOk = 0;
constexpr int kExitDataError = 1;
constexpr int kExitUsage = 2;

// A usage error of one command: the message and that command's help, printed to stderr with
// exit code 2.
struct Usage {
    std::string message;
    std::string_view help;
};

// The FILE the running command works on: failures that do not name a file (out of memory while
// reading it) are reported about it.
inline std::string& current_file() {
    static std::string file;
    return file;
}

// Runs a core parser; its UsageError becomes this command's usage error (exit 2 with help).
template <typename Parse>
auto parse_or_usage(Parse&& parse, std::string_view help) {
    try {
        return parse();
    } catch (const UsageError& e) {
        throw Usage{e.what(), help};
    }
}

inline std::string next_value(const std::vector<std::string_view>& args, std::size_t& i,
                              std::string_view help) {
    if (i + 1 >= args.size()) {
        throw Usage{"option " + std::string(args[i]) + " needs a value", help};
    }
    return std::string(args[++i]);
}

inline double parse_double(const std::string& text, std::string_view what, std::string_view help) {
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && std::isfinite(v)) {
            return v;
        }
    } catch (const std::exception&) {
    }
    throw Usage{std::string(what) + " needs a finite number, got '" + text + "'", help};
}

// The non-empty items of a comma-separated list: "a,,b" gives a and b.
inline std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = text.find(',', start);
        const std::size_t end = comma == std::string_view::npos ? text.size() : comma;
        if (end > start) {
            items.emplace_back(text.substr(start, end - start));
        }
        if (comma == std::string_view::npos) {
            break;
        }
        start = comma + 1;
    }
    return items;
}

// %g with `digits` significant digits (6 for tables, 12 for the bit inspector); infinities as
// "inf" / "-inf".
inline std::string format_number(double v, int digits = 6) {
    return significant_text(v, digits);
}

// The named tensor of `source`, or its first: a usage error for a name it does not hold, a
// data error when it holds none (analysis_commands.cpp). A stride above 1 reads a strided sample
// of it straight from the file (ReadOptions).
Tensor read_tensor(const Source& source, const std::optional<std::string>& name,
                   std::string_view help, std::int64_t stride = 1);
// The FILE part of the commands' help: every loader of the registry, raw: and gen: specs.
std::string file_help();

// The commands, each in its file: format_commands.cpp, analysis_commands.cpp.
int run_formats(const std::vector<std::string_view>& args);
int run_bits(const std::vector<std::string_view>& args);
int run_info(const std::vector<std::string_view>& args);
int run_analyze(const std::vector<std::string_view>& args);
int run_quantize(const std::vector<std::string_view>& args);
int run_sweep(const std::vector<std::string_view>& args);
int run_steps(const std::vector<std::string_view>& args);     // steps_command.cpp
int run_matmul(const std::vector<std::string_view>& args);    // matmul_command.cpp
int run_overview(const std::vector<std::string_view>& args);  // overview_command.cpp
int run_plan(const std::vector<std::string_view>& args);      // plan_command.cpp
int run_train(const std::vector<std::string_view>& args);     // train_command.cpp
int run_adam(const std::vector<std::string_view>& args);      // adam_command.cpp
int run_spectrum(const std::vector<std::string_view>& args);  // spectrum_command.cpp
extern const std::string_view kFormatsUsage;
extern const std::string_view kBitsUsage;
extern const std::string kInfoUsage;
extern const std::string kAnalyzeUsage;
extern const std::string kQuantizeUsage;
extern const std::string kSweepUsage;
extern const std::string kStepsUsage;
extern const std::string kMatmulUsage;
extern const std::string kOverviewUsage;
extern const std::string kPlanUsage;
extern const std::string kTrainUsage;
extern const std::string kAdamUsage;
extern const std::string kSpectrumUsage;

}  // namespace quantscope::cli

#include "quantscope/plan/budget.h"

#include <charconv>
#include <cmath>
#include <utility>

#include "quantscope/common/error.h"
#include "quantscope/quant/metric_descriptors.h"

namespace quantscope {

namespace {

// Longest suffixes first so that "GiB" is not read as "B".
constexpr std::pair<std::string_view, double> kUnits[] = {
    {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0}, {"TiB", 1099511627776.0},
    {"KB", 1e3},     {"kB", 1e3},        {"MB", 1e6},           {"GB", 1e9},
    {"TB", 1e12},    {"B", 1.0},
};

}  // namespace

std::int64_t Budget::bytes(std::int64_t parameters) const {
    const long double b = kind == Kind::Bytes ? static_cast<long double>(amount)
                                              : static_cast<long double>(amount) *
                                                    static_cast<long double>(parameters) / 8.0L;
    // 2^62 bytes is past any model; clamping keeps the conversion defined.
    return static_cast<std::int64_t>(std::floor(std::min(b, 4.6e18L)));
}

Budget parse_budget(std::string_view text) {
    const std::string original(text);
    Budget budget;
    double factor = 1.0;
    if (text.ends_with("bpp")) {
        budget.kind = Budget::Kind::BitsPerParameter;
        text.remove_suffix(3);
    } else {
        for (const auto& [suffix, f] : kUnits) {
            if (text.ends_with(suffix)) {
                factor = f;
                text.remove_suffix(suffix.size());
                break;
            }
        }
    }
    while (!text.empty() && text.back() == ' ') {
        text.remove_suffix(1);
    }
    double amount = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(amount) || amount <= 0) {
        throw UsageError("budget '" + original +
                         "' is not a positive size (3GB, 3GiB, 500MB, 123456B) or bits per "
                         "parameter (4.5bpp)");
    }
    budget.amount = amount * factor;
    return budget;
}

std::string to_string(const Budget& budget) {
    if (budget.kind == Budget::Kind::BitsPerParameter) {
        return exact_number_text(budget.amount) + "bpp";
    }
    return std::to_string(budget.bytes(0)) + "B";
}

}  // namespace quantscope

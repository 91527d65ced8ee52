#pragma once
// The QUANT flags every command that quantizes takes (analyze, quantize, sweep, steps): one flag
// per config field (config_fields(), quant_config.h), and their help.

#include <initializer_list>
#include <string_view>
#include <vector>

#include "quantscope/quant/quant_config.h"

namespace quantscope::cli {

extern const std::string_view kQuantHelp;

// Consumes args[i] and its value when it is the flag of a config field (of those in `only`, when
// given): --NAME with dashes for underscores (--outlier-threshold sets outlier_threshold). A
// flag given again replaces its value. `prefix` names a second operand's flags (matmul's
// --act-format sets the activations' format).
bool take_config_flag(const std::vector<std::string_view>& args, std::size_t& i,
                      std::string_view help, ConfigFieldValues& fields,
                      std::initializer_list<std::string_view> only = {},
                      std::string_view prefix = "--");

// The config the flags give (config_from_fields: the format sets its natural scheme and
// granularity, explicit flags win), checked as a whole.
QuantConfig config_from_flags(const ConfigFieldValues& fields, std::string_view help);

// The QUANT flags of analyze, quantize and steps.
struct QuantFlags {
    ConfigFieldValues fields;

    bool take(const std::vector<std::string_view>& args, std::size_t& i, std::string_view help) {
        return take_config_flag(args, i, help, fields);
    }

    QuantConfig finish(std::string_view help) const { return config_from_flags(fields, help); }
};

}  // namespace quantscope::cli

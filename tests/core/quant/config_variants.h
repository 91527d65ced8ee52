#pragma once
// One QuantConfig per member with that member changed from the default, for the tests that every
// field survives each way a config is written (names, the CLI's JSON, session files) and that
// == sees it. The structured binding names every member: a member added to QuantConfig stops
// this compiling until it gets a case here, and then the round-trip tests fail until
// config_fields() maps it.

#include <cstddef>
#include <vector>

#include "quantscope/quant/quant_config.h"

namespace quantscope::test {

inline std::vector<QuantConfig> configs_with_one_field_changed() {
    constexpr std::size_t kMembers = 10;
    std::vector<QuantConfig> configs(kMembers);
    for (std::size_t i = 0; i < kMembers; ++i) {
        auto& [format, block_scaling, ggml, scheme, granularity, calibration, rounding, seed,
               dither, outlier_threshold] = configs[i];
        switch (i) {
            case 0:
                format = parse_format("int4");
                break;
            case 1:
                // MX scaling of int8 elements is mxint8, which fixes its blocks and scheme.
                block_scaling = BlockScaling::MX;
                granularity = {Granularity::Kind::Block, 0, 32};
                scheme = Scheme::Scaled;
                break;
            case 2:
                scheme = Scheme::Affine;
                break;
            case 3:
                granularity = parse_granularity("channel:1");
                break;
            case 4:
                calibration = parse_calibration("percentile:99.25");
                break;
            case 5:
                rounding = Rounding::Stochastic;
                break;
            case 6:
                seed = 18446744073709551557u;  // beyond the 53 bits of a JSON number
                break;
            case 7:
                outlier_threshold = 0.1;  // no short binary fraction: must survive exactly
                break;
            case 8:
                // A ggml type fixes its block scaling, codes, blocks and scheme.
                apply_format(configs[i], "q4_K");
                break;
            case 9:
                dither = Dither::Tpdf;
                break;
        }
    }
    return configs;
}

}  // namespace quantscope::test

#include "quant_flags.h"

#include <algorithm>
#include <string>

#include "cli_support.h"

namespace quantscope::cli {

const std::string_view kQuantHelp = R"(QUANT:
  --format F        any format of 'quantscope-cli formats' (int8, fp8_e4m3, nf4, e3m4_fn, ...)
                    or a block-scaled one: mxfp8_e4m3 mxfp8_e5m2 mxfp6_e2m3 mxfp6_e3m2 mxfp4
                    mxint8 (blocks of 32, E8M0 scales), nvfp4 (blocks of 16), or one of
                    llama.cpp's ggml block types, quantized as ggml's reference quantizer does:
                    q4_0 q4_1 q5_0 q5_1 q8_0 iq4_nl (blocks of 32), q2_K q3_K q4_K q5_K q6_K
                    (blocks of 256; q4_k works too) (default int8)
  --scheme S        symmetric | affine for integers; scaled | direct for floats and nf4
                    (default: symmetric for integers, scaled for floats of 8 bits or fewer,
                    direct for wider ones)
  --granularity G   tensor | channel[:AXIS] | block:N (default tensor; block formats and nf4
                    bring their own block size)
  --calibration C   how the clipping range is chosen (default minmax):
                    minmax | percentile:P | kl | mse | sigma:K | manual:MIN,MAX
  --rounding R      nearest-even | nearest-away | toward-zero | stochastic (default nearest-even)
  --seed S          seed for stochastic rounding and dither (default 0)
  --dither D        none | tpdf: TPDF dither (+-1 step, triangular) added before rounding,
                    integer formats only (default none)
  --outlier-threshold T
                    keep values with |x| > T in FP16 (LLM.int8 style); 0 keeps none (default)
)";

bool take_config_flag(const std::vector<std::string_view>& args, std::size_t& i,
                      std::string_view help, ConfigFieldValues& fields,
                      std::initializer_list<std::string_view> only, std::string_view prefix) {
    if (!args[i].starts_with(prefix)) {
        return false;
    }
    std::string name(args[i].substr(prefix.size()));
    std::replace(name.begin(), name.end(), '-', '_');
    const auto fields_named = config_fields();
    if (std::none_of(fields_named.begin(), fields_named.end(),
                     [&](const ConfigField& f) { return f.name == name; }) ||
        (only.size() > 0 && std::find(only.begin(), only.end(), name) == only.end())) {
        return false;
    }
    std::string value = next_value(args, i, help);
    std::erase_if(fields, [&](const auto& field) { return field.first == name; });
    fields.emplace_back(std::move(name), std::move(value));
    return true;
}

QuantConfig config_from_flags(const ConfigFieldValues& fields, std::string_view help) {
    return parse_or_usage(
        [&] {
            QuantConfig config = config_from_fields(fields);
            check_config(config);
            return config;
        },
        help);
}

}  // namespace quantscope::cli

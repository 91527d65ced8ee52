#pragma once
// ggml's linear block types as quantization configs (docs/design.md "ggml block types"):
// q4_0 q4_1 q5_0 q5_1 q8_0 q2_K q3_K q4_K q5_K q6_K iq4_nl. Such a config quantizes each block of
// the type's size along the last axis with ggml's reference quantizer (GgmlType::quantize) and
// takes Q(x) from the block's dequantization, so its values are what llama.cpp stores. The
// config's other fields are derived from the type, here and nowhere else:
//   format       the element format of the codes (int4 for q4_0's q - 8, uint4 for q4_K's, ...;
//                iq4_nl: its 16 levels as a lookup format)
//   granularity  block:N, N the type's block (32 or 256)
//   scheme       symmetric for codes around zero, affine for types with an offset (q4_1, q5_1,
//                q2_K, q4_K, q5_K), scaled for iq4_nl
// Calibration and rounding are ggml's own: a config's others are not used (the notes say so).

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "quantscope/formats/format.h"
#include "quantscope/formats/ggml_types.h"
#include "quantscope/quant/quant_config.h"

namespace quantscope {

struct GgmlConfigType {
    const GgmlType* type;
    Format element;
    Scheme scheme;
};

// The quantizable types, in the order of the list above.
std::span<const GgmlConfigType> ggml_config_types();
// The one with that name, ggml's spelling or lower case ("q4_K", "q4_k"), or null.
const GgmlConfigType* find_ggml_config_type(std::string_view name);
// The config's entry (null when it is not a ggml config).
const GgmlConfigType* ggml_config_type(const QuantConfig& config);
// Their names in ggml's spelling, for menus and help.
const std::vector<std::string>& ggml_format_names();

// The config a whole-model tool (the overview, and the planner through it) quantizes a tensor of
// `shape` in under `config`, as llama.cpp's quantize does (llama-quant.cpp, "using fallback
// quantization"): `config` itself unless it is a ggml type whose blocks do not divide the rows;
// then the K-quants' fallback type (q2_K, q3_K -> iq4_nl; q4_K -> q5_0; q5_K -> q5_1;
// q6_K -> q8_0) when its blocks of 32 divide them, else fp16. `note` (optional) says which and
// why, or is cleared. llama.cpp has no fallback for the 32-value types: it cannot store such a
// tensor in them, and the note says so.
QuantConfig ggml_config_for_shape(const QuantConfig& config, std::span<const std::int64_t> shape,
                                  std::string* note = nullptr);

}  // namespace quantscope

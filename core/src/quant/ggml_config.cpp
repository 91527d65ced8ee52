#include "quantscope/quant/ggml_config.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "../formats/ggml_block_bytes.h"

namespace quantscope {

namespace {

Format iq4_nl_levels() {
    std::vector<double> levels(ggml::kIq4nlValues.begin(), ggml::kIq4nlValues.end());
    return Format(make_lookup_format("iq4_nl", 4, std::move(levels)));
}

const std::vector<GgmlConfigType>& table() {
    static const std::vector<GgmlConfigType> types = [] {
        struct Row {
            const char* name;
            const char* element;  // null: iq4_nl's levels
            Scheme scheme;
        };
        constexpr Row kRows[] = {
            {"q4_0", "int4", Scheme::Symmetric}, {"q4_1", "uint4", Scheme::Affine},
            {"q5_0", "int5", Scheme::Symmetric}, {"q5_1", "uint5", Scheme::Affine},
            {"q8_0", "int8", Scheme::Symmetric}, {"q2_K", "uint2", Scheme::Affine},
            {"q3_K", "int3", Scheme::Symmetric}, {"q4_K", "uint4", Scheme::Affine},
            {"q5_K", "uint5", Scheme::Affine},   {"q6_K", "int6", Scheme::Symmetric},
            {"iq4_nl", nullptr, Scheme::Scaled},
        };
        std::vector<GgmlConfigType> list;
        for (const Row& row : kRows) {
            list.push_back({find_ggml_type(row.name),
                            row.element != nullptr ? parse_format(row.element) : iq4_nl_levels(),
                            row.scheme});
        }
        return list;
    }();
    return types;
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

std::span<const GgmlConfigType> ggml_config_types() {
    return table();
}

const GgmlConfigType* find_ggml_config_type(std::string_view name) {
    for (const GgmlConfigType& t : table()) {
        if (same_ignoring_case(t.type->name, name)) {
            return &t;
        }
    }
    return nullptr;
}

const GgmlConfigType* ggml_config_type(const QuantConfig& config) {
    for (const GgmlConfigType& t : table()) {
        if (t.type == config.ggml) {
            return &t;
        }
    }
    return nullptr;
}

const std::vector<std::string>& ggml_format_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> list;
        for (const GgmlConfigType& t : table()) {
            list.emplace_back(t.type->name);
        }
        return list;
    }();
    return names;
}

QuantConfig ggml_config_for_shape(const QuantConfig& config, std::span<const std::int64_t> shape,
                                  std::string* note) {
    if (note != nullptr) {
        note->clear();
    }
    const GgmlConfigType* given = ggml_config_type(config);
    if (given == nullptr || shape.empty()) {
        return config;  // an empty shape is one row, which quantize() checks with the count
    }
    const std::int64_t row = shape.back();
    auto divides = [row](const GgmlType& type) { return row % type.block_elements == 0; };
    if (divides(*given->type)) {
        return config;
    }
    // llama.cpp's table of fallbacks, by name.
    constexpr std::pair<std::string_view, std::string_view> kFallbacks[] = {
        {"q2_K", "iq4_nl"}, {"q3_K", "iq4_nl"}, {"q4_K", "q5_0"},
        {"q5_K", "q5_1"},   {"q6_K", "q8_0"},
    };
    const GgmlConfigType* fallback = nullptr;
    for (const auto& [from, to] : kFallbacks) {
        if (given->type->name == from) {
            fallback = find_ggml_config_type(to);
        }
    }
    const std::string why = "rows of " + std::to_string(row) + " are not whole blocks of " +
                            std::to_string(given->type->block_elements) + " for " +
                            std::string(given->type->name);
    QuantConfig chosen;
    if (fallback != nullptr && divides(*fallback->type)) {
        apply_format(chosen, fallback->type->name);
        if (note != nullptr) {
            *note = why + ": " + std::string(fallback->type->name) +
                    " instead, as llama.cpp falls back";
        }
        return chosen;
    }
    apply_format(chosen, "fp16");
    if (note != nullptr) {
        *note =
            why + (fallback != nullptr ? " or " + std::string(fallback->type->name) +
                                             ": fp16 instead, as llama.cpp falls back"
                                       : ": llama.cpp cannot store this tensor in " +
                                             std::string(given->type->name) + "; counted as fp16");
    }
    return chosen;
}

}  // namespace quantscope

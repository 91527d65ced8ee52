#include "quantscope/quant/config_list.h"

#include <cctype>

#include "quantscope/common/error.h"

namespace quantscope {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return text;
}

std::vector<std::string_view> words_of(std::string_view item) {
    std::vector<std::string_view> words;
    std::size_t i = 0;
    while (i < item.size()) {
        while (i < item.size() && std::isspace(static_cast<unsigned char>(item[i]))) {
            ++i;
        }
        const std::size_t start = i;
        while (i < item.size() && !std::isspace(static_cast<unsigned char>(item[i]))) {
            ++i;
        }
        if (i > start) {
            words.push_back(item.substr(start, i - start));
        }
    }
    return words;
}

bool is_granularity_word(std::string_view word) {
    return word == "per-tensor" || word == "per-channel" || word.starts_with("tensor") ||
           word.starts_with("channel") || word.starts_with("block");
}

void apply_word(QuantConfig& config, std::string_view word) {
    if (const auto equals = word.find('='); equals != std::string_view::npos) {
        const std::string_view name = word.substr(0, equals);
        for (const ConfigField& field : config_fields()) {
            if (field.name == name) {
                field.set(config, word.substr(equals + 1));
                return;
            }
        }
        throw UsageError("unknown config field '" + std::string(name) + "'");
    }
    if (const auto scheme = parse_scheme(word)) {
        config.scheme = *scheme;
    } else if (const auto rounding = parse_rounding(word)) {
        config.rounding = *rounding;
    } else if (word == "per-tensor") {
        config.granularity = {};
    } else if (word == "per-channel") {
        config.granularity = parse_granularity("channel");
    } else if (is_granularity_word(word)) {
        config.granularity = parse_granularity(word);
    } else {
        config.calibration = parse_calibration(word);
    }
}

QuantConfig parse_item(std::string_view item, const QuantConfig& base) {
    const std::vector<std::string_view> words = words_of(item);
    QuantConfig config = base;
    apply_format(config, words.front());
    // As sweep_grid: a plain format keeps the base's granularity, a block format its own.
    if (config.block_scaling == BlockScaling::None && config.format.kind() != FormatKind::Lookup) {
        config.granularity = base.granularity;
    }
    for (std::size_t w = 1; w < words.size(); ++w) {
        apply_word(config, words[w]);
    }
    check_config(config);
    return config;
}

}  // namespace

std::vector<QuantConfig> parse_config_list(std::string_view text, const QuantConfig& base) {
    std::vector<QuantConfig> configs;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t semicolon = text.find(';', start);
        const std::size_t end = semicolon == std::string_view::npos ? text.size() : semicolon;
        const std::string_view item = trim(text.substr(start, end - start));
        if (!item.empty()) {
            try {
                configs.push_back(parse_item(item, base));
            } catch (const UsageError& e) {
                throw UsageError("config \"" + std::string(item) + "\": " + e.what());
            }
        }
        if (semicolon == std::string_view::npos) {
            break;
        }
        start = semicolon + 1;
    }
    if (configs.empty()) {
        throw UsageError(
            "the config list is empty (items are separated by ';', e.g. \"int8 "
            "per-channel; fp8_e4m3; int4 block:32\")");
    }
    return configs;
}

std::string config_label(const QuantConfig& config) {
    QuantConfig plain;
    apply_format(plain, format_name(config));
    std::string label = format_name(config);
    auto add = [&](const std::string& word) { label += " " + word; };
    if (!(config.granularity == plain.granularity)) {
        const Granularity& g = config.granularity;
        add(g.kind == Granularity::Kind::Tensor                   ? std::string("per-tensor")
            : g.kind == Granularity::Kind::Channel && g.axis == 0 ? std::string("per-channel")
                                                                  : to_string(g));
    }
    if (config.scheme != plain.scheme) {
        add(std::string(to_string(config.scheme)));
    }
    if (!(config.calibration == plain.calibration)) {
        add(to_string(config.calibration));
    }
    if (config.rounding != plain.rounding) {
        add(std::string(to_string(config.rounding)));
    }
    for (const ConfigField& field : config_fields()) {
        if ((field.name == "seed" && config.seed != plain.seed) ||
            (field.name == "outlier_threshold" &&
             config.outlier_threshold != plain.outlier_threshold) ||
            (field.name == "dither" && config.dither != plain.dither)) {
            add(std::string(field.name) + "=" + field.get(config));
        }
    }
    return label;
}

std::string config_list_text(const std::vector<QuantConfig>& configs) {
    std::string text;
    for (const QuantConfig& config : configs) {
        text += (text.empty() ? "" : "; ") + config_label(config);
    }
    return text;
}

}  // namespace quantscope

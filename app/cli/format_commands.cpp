// `formats` (every named format and its properties) and `bits` (one value in one format: the
// code, its fields, the decoded value, the error and the neighbours).

#include <iostream>
#include <optional>

#include "cli_support.h"
#include "quantscope/common/json_writer.h"
#include "quantscope/formats/format.h"
#include "quantscope/formats/value_report.h"

namespace quantscope::cli {

const std::string_view kFormatsUsage = R"(Usage: quantscope-cli formats [--json]

List every named number format with its properties: bits, layout, bias, largest finite value,
smallest normal and subnormal, epsilon, the count of distinct values, and Inf / NaN / -0.
Besides these names, any float eEmM[_ieee|_fn|_fnuz|_finite][_bBIAS] is accepted wherever a
format is (1 <= E <= 8, 0 <= M <= 23).

JSON: an array of objects with the keys name, kind, bits, layout, exponent_bits,
mantissa_bits, bias, max, min, min_normal, min_subnormal, epsilon, values, has_inf, has_nan,
has_negative_zero.
)";

const std::string_view kBitsUsage =
    R"(Usage: quantscope-cli bits VALUE --format F [--rounding R] [--json]

Round VALUE into format F and show the result bit by bit: the code, its sign / exponent /
mantissa fields, the formula with the numbers filled in, the decoded value, the rounding error,
the neighbouring representable values, and what a plain IEEE cast (overflow to Inf) gives.

  --format F      any format name (see 'quantscope-cli formats'), e.g. fp8_e4m3, bf16, int8
  --rounding R    nearest-even | nearest-away | toward-zero | stochastic (default nearest-even)
  --seed S        random bits for stochastic rounding come from this seed (default 0)
  --json          one JSON object with the keys input, format, rounding, code, code_hex,
                  bits, sign, exponent_field, mantissa_field, unbiased_exponent, class,
                  formula, value, exact (the value's exact decimal expansion), error,
                  relative_error, saturated, next_down, next_up, ulp, ieee_cast
)";

namespace {

void write_properties(JsonWriter& w, const FormatProperties& p) {
    w.begin_object();
    w.key("name").value(p.name);
    w.key("kind").value(to_string(p.kind));
    w.key("bits").value(p.bits);
    w.key("layout").value(p.layout);
    w.key("exponent_bits").value(p.exponent_bits);
    w.key("mantissa_bits").value(p.mantissa_bits);
    w.key("bias").value(p.bias);
    w.key("max").value(p.max_finite);
    w.key("min").value(p.min_finite);
    w.key("min_normal").value(p.min_normal);
    w.key("min_subnormal").value(p.min_subnormal);
    w.key("epsilon").value(p.epsilon);
    w.key("values").value(static_cast<std::int64_t>(p.value_count));
    w.key("has_inf").value(p.has_inf);
    w.key("has_nan").value(p.has_nan);
    w.key("has_negative_zero").value(p.has_negative_zero);
    w.end_object();
}

std::string pad(std::string text, std::size_t width) {
    if (text.size() < width) {
        text.append(width - text.size(), ' ');
    }
    return text;
}

std::string yes_no(bool flag) {
    return flag ? "yes" : "no";
}

std::string hex(std::uint32_t code, int bits) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%0*X", (bits + 3) / 4, code);
    return buffer;
}

}  // namespace

int run_formats(const std::vector<std::string_view>& args) {
    bool json = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--help" || args[i] == "-h") {
            std::cout << kFormatsUsage;
            return kExitOk;
        }
        if (args[i] != "--json") {
            throw Usage{"unknown option " + std::string(args[i]), kFormatsUsage};
        }
        json = true;
    }
    if (json) {
        JsonWriter w;
        w.begin_array();
        for (const Format& f : named_formats()) {
            write_properties(w, f.properties());
        }
        w.end_array();
        std::cout << w.text() << '\n';
        return kExitOk;
    }
    std::cout << pad("name", 15) << pad("bits", 5) << pad("layout", 22) << pad("max", 14)
              << pad("min normal", 14) << pad("min subnormal", 15) << pad("epsilon", 12)
              << pad("values", 11) << "inf nan -0\n";
    for (const Format& f : named_formats()) {
        const FormatProperties p = f.properties();
        std::cout << pad(p.name, 15) << pad(std::to_string(p.bits), 5) << pad(p.layout, 22)
                  << pad(format_number(p.max_finite), 14) << pad(format_number(p.min_normal), 14)
                  << pad(format_number(p.min_subnormal), 15) << pad(format_number(p.epsilon), 12)
                  << pad(std::to_string(p.value_count), 11) << pad(yes_no(p.has_inf), 4)
                  << pad(yes_no(p.has_nan), 4) << yes_no(p.has_negative_zero) << '\n';
    }
    return kExitOk;
}

int run_bits(const std::vector<std::string_view>& args) {
    std::optional<std::string> value_text;
    std::optional<Format> format;
    Rounding rounding = Rounding::NearestEven;
    std::uint64_t seed = 0;
    bool json = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << kBitsUsage;
            return kExitOk;
        } else if (a == "--json") {
            json = true;
        } else if (a == "--format") {
            const std::string v = next_value(args, i, kBitsUsage);
            format = parse_or_usage([&] { return parse_format(v); }, kBitsUsage);
        } else if (a == "--rounding") {
            const std::string v = next_value(args, i, kBitsUsage);
            const auto r = parse_rounding(v);
            if (!r) {
                throw Usage{"unknown rounding '" + v + "'", kBitsUsage};
            }
            rounding = *r;
        } else if (a == "--seed") {
            const double s = parse_double(next_value(args, i, kBitsUsage), "--seed", kBitsUsage);
            if (s < 0 || s != std::floor(s)) {
                throw Usage{"--seed needs a whole number >= 0", kBitsUsage};
            }
            seed = static_cast<std::uint64_t>(s);
        } else if (a.starts_with("--")) {
            throw Usage{"unknown option " + std::string(a), kBitsUsage};
        } else if (value_text) {
            throw Usage{"bits takes one VALUE, got a second: " + std::string(a), kBitsUsage};
        } else {
            value_text = std::string(a);  // may be negative: "-1.5"
        }
    }
    if (!value_text) {
        throw Usage{"bits needs a VALUE", kBitsUsage};
    }
    if (!format) {
        throw Usage{"bits needs --format", kBitsUsage};
    }
    // inf, -inf and nan are accepted on purpose: the inspector shows how each format treats them.
    double value = 0;
    try {
        std::size_t used = 0;
        value = std::stod(*value_text, &used);
        if (used != value_text->size()) {
            throw std::invalid_argument("trailing text");
        }
    } catch (const std::exception&) {
        throw Usage{"VALUE must be a number (inf and nan allowed), got '" + *value_text + "'",
                    kBitsUsage};
    }
    const ValueReport r = report_value(*format, value, rounding, 1, 0, stochastic_bits(seed, 0));
    const Encoded& e = r.encoded;
    const CodeFields& c = r.fields;
    if (json) {
        JsonWriter w;
        w.begin_object();
        w.key("input").value(value);
        w.key("format").value(format->name());
        w.key("rounding").value(to_string(rounding));
        w.key("code").value(static_cast<std::int64_t>(e.code));
        w.key("code_hex").value(hex(e.code, c.bits));
        w.key("bits").value(c.bit_string);
        w.key("sign").value(static_cast<std::int64_t>(c.sign));
        w.key("exponent_field").value(static_cast<std::int64_t>(c.exponent_field));
        w.key("mantissa_field").value(static_cast<std::int64_t>(c.mantissa_field));
        w.key("unbiased_exponent").value(c.unbiased_exponent);
        w.key("class").value(to_string(c.value_class));
        w.key("formula").value(c.formula);
        w.key("value").value(e.value);
        w.key("exact").value(r.exact);
        w.key("error").value(r.error);
        w.key("relative_error").value(r.relative_error);
        w.key("saturated").value(e.saturated);
        w.key("next_down").value(r.next_down);
        w.key("next_up").value(r.next_up);
        w.key("ulp").value(r.ulp);
        w.key("ieee_cast").value(r.ieee_cast);
        w.end_object();
        std::cout << w.text() << '\n';
        return kExitOk;
    }
    std::cout << "input        " << format_number(value, 12) << '\n'
              << "format       " << format->name() << " (" << format->properties().layout << "), "
              << to_string(rounding) << '\n'
              << "code         " << hex(e.code, c.bits) << " = " << c.bit_string << '\n'
              << "class        " << to_string(c.value_class) << '\n'
              << "formula      " << c.formula << '\n'
              << "value        " << format_number(r.value, 12) << '\n'
              << "exact        " << r.exact << '\n'
              << "error        " << format_number(r.error, 12) << " (relative "
              << format_number(r.relative_error, 4) << ")" << (e.saturated ? " (saturated)" : "")
              << '\n'
              << "neighbours   " << format_number(r.next_down, 12) << " < "
              << format_number(r.value, 12) << " < " << format_number(r.next_up, 12) << " (ulp "
              << format_number(r.ulp, 12) << ")\n"
              << "ieee cast    " << format_number(r.ieee_cast, 12) << '\n';
    return kExitOk;
}

}  // namespace quantscope::cli

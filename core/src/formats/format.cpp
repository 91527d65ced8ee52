// The Format handle: dispatch to the three kinds, the integer and lookup encoders, neighbours,
// and the name table.

#include "quantscope/formats/format.h"

#include "bit_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "quantscope/common/error.h"
#include "quantscope/formats/dynamic_map.h"

namespace quantscope {

namespace {

constexpr int kMaxEnumerableBits = 16;

struct Preset {
    const char* name;
    int exponent_bits;
    int mantissa_bits;
    SpecialPolicy policy;
};

// The float presets of DESIGN.md, narrowest last.
constexpr Preset kFloatPresets[] = {
    {"fp32", 8, 23, SpecialPolicy::Ieee},        {"tf32", 8, 10, SpecialPolicy::Ieee},
    {"fp16", 5, 10, SpecialPolicy::Ieee},        {"bf16", 8, 7, SpecialPolicy::Ieee},
    {"fp8_e4m3", 4, 3, SpecialPolicy::Fn},       {"fp8_e5m2", 5, 2, SpecialPolicy::Ieee},
    {"fp8_e4m3fnuz", 4, 3, SpecialPolicy::Fnuz}, {"fp8_e5m2fnuz", 5, 2, SpecialPolicy::Fnuz},
    {"fp6_e2m3", 2, 3, SpecialPolicy::Finite},   {"fp6_e3m2", 3, 2, SpecialPolicy::Finite},
    {"fp4_e2m1", 2, 1, SpecialPolicy::Finite},   {"fp4_e2m1_ieee", 2, 1, SpecialPolicy::Ieee},
    {"fp4_e1m2", 1, 2, SpecialPolicy::Finite},   {"fp4_e3m0", 3, 0, SpecialPolicy::Finite},
};

// Other spellings people bring (ONNX / ml_dtypes / PyTorch names).
struct Alias {
    const char* alias;
    const char* name;
};
constexpr Alias kAliases[] = {
    {"float32", "fp32"},         {"float16", "fp16"},        {"half", "fp16"},
    {"bfloat16", "bf16"},        {"fp8_e4m3fn", "fp8_e4m3"}, {"float8_e4m3fn", "fp8_e4m3"},
    {"float8_e5m2", "fp8_e5m2"}, {"fp4", "fp4_e2m1"},        {"e8m0fnu", "e8m0"},
};

FloatFormat preset_format(const Preset& p) {
    return make_float_format(p.exponent_bits, p.mantissa_bits, p.policy).named(p.name);
}

bool parse_int(std::string_view text, int& out) {
    if (text.empty()) {
        return false;
    }
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end;
}

// eEmM[_POLICY][_bBIAS]
std::optional<FloatFormat> parse_generic_float(std::string_view name) {
    if (name.size() < 4 || name[0] != 'e') {
        return std::nullopt;
    }
    const std::size_t m_pos = name.find('m');
    if (m_pos == std::string_view::npos) {
        return std::nullopt;
    }
    int exponent_bits = 0;
    if (!parse_int(name.substr(1, m_pos - 1), exponent_bits)) {
        return std::nullopt;
    }
    std::string_view rest = name.substr(m_pos + 1);
    const std::size_t underscore = rest.find('_');
    int mantissa_bits = 0;
    if (!parse_int(rest.substr(0, underscore), mantissa_bits)) {
        return std::nullopt;
    }
    rest = underscore == std::string_view::npos ? std::string_view{} : rest.substr(underscore + 1);
    SpecialPolicy policy = SpecialPolicy::Ieee;
    std::optional<int> bias;
    while (!rest.empty()) {
        const std::size_t next = rest.find('_');
        const std::string_view part = rest.substr(0, next);
        rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next + 1);
        if (auto p = parse_special_policy(part)) {
            policy = *p;
        } else if (int b = 0; part.size() > 1 && part[0] == 'b' && parse_int(part.substr(1), b)) {
            bias = b;
        } else {
            return std::nullopt;
        }
    }
    if (exponent_bits == 8 && mantissa_bits == 0 && policy == SpecialPolicy::Ieee && !bias) {
        // "e8m0" names the MX scale format, not a signed e8m0 ieee.
        return e8m0_format();
    }
    return make_float_format(exponent_bits, mantissa_bits, policy, bias);
}

std::string number_text(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.10g", value);
    return buffer;
}

Encoded encode_integer(const IntegerFormat& f, double value, Rounding rounding,
                       std::uint32_t random_bits) {
    Encoded e;
    if (std::isnan(value)) {
        e.invalid = true;
        return e;
    }
    const double lo = static_cast<double>(f.min_code());
    const double hi = static_cast<double>(f.max_code());
    // Stochastic rounding goes up (toward +inf) with probability equal to the fraction, as in
    // the quantizer.
    double rounded = std::isfinite(value) ? round_to_integer(value, rounding, random_bits) : value;
    e.saturated = value < lo || value > hi;
    rounded = std::clamp(rounded, lo, hi);
    const auto q = static_cast<std::int32_t>(rounded);
    e.code = f.code_of(q);
    e.value = rounded;
    e.error = std::isfinite(value) ? value - rounded : 0.0;
    return e;
}

Encoded encode_lookup(const LookupFormat& f, double value, Rounding rounding,
                      std::uint32_t random_bits) {
    Encoded e;
    if (std::isnan(value)) {
        e.invalid = true;
        e.code = nearest_level(f, 0.0, true);
        e.value = f.levels[e.code];
        return e;
    }
    const std::vector<double>& levels = f.levels;
    e.saturated = value < levels.front() || value > levels.back();
    std::uint32_t index = 0;
    if (rounding == Rounding::NearestEven || rounding == Rounding::NearestAway || e.saturated) {
        index = nearest_level(f, value, rounding == Rounding::NearestEven);
    } else {
        const auto upper = std::upper_bound(levels.begin(), levels.end(), value);
        const auto hi = static_cast<std::uint32_t>(upper - levels.begin());
        const std::uint32_t lo = hi - 1;  // levels[lo] <= value < levels[hi] (or hi == size)
        if (hi == levels.size() || levels[lo] == value) {
            index = lo;
        } else if (rounding == Rounding::TowardZero) {
            index = std::fabs(levels[lo]) <= std::fabs(levels[hi]) ? lo : hi;
        } else {
            const double fraction = (value - levels[lo]) / (levels[hi] - levels[lo]);
            index = stochastic_up(fraction, random_bits) ? hi : lo;
        }
    }
    e.code = index;
    e.value = levels[index];
    e.error = std::isfinite(value) ? value - e.value : 0.0;
    return e;
}

}  // namespace

std::string_view to_string(FormatKind kind) {
    switch (kind) {
        case FormatKind::Float:
            return "float";
        case FormatKind::Integer:
            return "integer";
        case FormatKind::Lookup:
            return "lookup";
    }
    return "float";
}

const FloatFormat& Format::float_format() const {
    if (const FloatFormat* f = as_float()) {
        return *f;
    }
    throw UsageError("format " + name() + " is not a float format");
}

const IntegerFormat& Format::integer_format() const {
    if (const IntegerFormat* i = as_integer()) {
        return *i;
    }
    throw UsageError("format " + name() + " is not an integer format");
}

FormatKind Format::kind() const {
    if (as_float() != nullptr) {
        return FormatKind::Float;
    }
    return as_integer() != nullptr ? FormatKind::Integer : FormatKind::Lookup;
}

std::string Format::name() const {
    if (const FloatFormat* f = as_float()) {
        return f->name();
    }
    if (const IntegerFormat* i = as_integer()) {
        return i->name();
    }
    return std::get<LookupFormat>(descriptor_).name;
}

int Format::bits() const {
    if (const FloatFormat* f = as_float()) {
        return f->bits();
    }
    if (const IntegerFormat* i = as_integer()) {
        return i->bits;
    }
    return std::get<LookupFormat>(descriptor_).bits;
}

bool Format::operator==(const Format& other) const {
    if (kind() != other.kind()) {
        return false;
    }
    if (const FloatFormat* a = as_float()) {
        const auto& b = std::get<FloatFormat>(other.descriptor_);
        return *a == b;
    }
    if (const IntegerFormat* a = as_integer()) {
        const auto& b = std::get<IntegerFormat>(other.descriptor_);
        return a->bits == b.bits && a->is_signed == b.is_signed;
    }
    return std::get<LookupFormat>(descriptor_).name ==
           std::get<LookupFormat>(other.descriptor_).name;
}

FormatProperties Format::properties() const {
    FormatProperties p;
    p.name = name();
    p.kind = kind();
    p.bits = bits();
    if (const FloatFormat* f = as_float()) {
        p.layout = (f->has_sign() ? "s1 " : "") + std::string("e") +
                   std::to_string(f->exponent_bits()) + " m" + std::to_string(f->mantissa_bits());
        p.exponent_bits = f->exponent_bits();
        p.mantissa_bits = f->mantissa_bits();
        p.bias = f->bias();
        p.max_finite = f->max_finite();
        p.min_finite = f->has_sign() ? -f->max_finite() : quantscope::decode(*f, 0).value;
        p.min_normal = f->min_normal();
        p.min_subnormal = f->min_subnormal();
        p.epsilon = f->epsilon();
        p.value_count = f->value_count();
        p.has_inf = f->has_inf();
        p.has_nan = f->has_nan();
        p.has_negative_zero = f->has_negative_zero();
    } else if (const IntegerFormat* i = as_integer()) {
        p.layout = (i->is_signed ? "two's complement " : "unsigned ") + std::to_string(i->bits);
        p.max_finite = i->max_code();
        p.min_finite = i->min_code();
        p.min_normal = 1;
        p.min_subnormal = 1;
        p.epsilon = 1;
        p.value_count = std::uint64_t{1} << i->bits;
    } else {
        const LookupFormat& l = std::get<LookupFormat>(descriptor_);
        p.layout = "index " + std::to_string(l.bits) + " into a table";
        p.max_finite = l.levels.back();
        p.min_finite = l.levels.front();
        const auto positive = std::upper_bound(l.levels.begin(), l.levels.end(), 0.0);
        p.min_subnormal = positive != l.levels.end() ? *positive : 0.0;
        p.min_normal = p.min_subnormal;
        p.epsilon = 0;  // 1 is the largest level: nothing follows it
        p.value_count = l.levels.size();
    }
    return p;
}

Decoded Format::decode(std::uint32_t code) const {
    if (const FloatFormat* f = as_float()) {
        return quantscope::decode(*f, code);
    }
    if (const IntegerFormat* i = as_integer()) {
        const std::int32_t v = i->value_of(code);
        return {static_cast<double>(v), v == 0 ? ValueClass::Zero : ValueClass::Normal};
    }
    const LookupFormat& l = std::get<LookupFormat>(descriptor_);
    const double v = l.levels[code & ((1u << l.bits) - 1u)];
    return {v, v == 0 ? ValueClass::Zero : ValueClass::Normal};
}

Encoded Format::encode(double value, Rounding rounding, Saturation saturation,
                       std::uint32_t random_bits) const {
    if (const FloatFormat* f = as_float()) {
        return quantscope::encode(*f, value, rounding, saturation, random_bits);
    }
    if (const IntegerFormat* i = as_integer()) {
        return encode_integer(*i, value, rounding, random_bits);
    }
    return encode_lookup(std::get<LookupFormat>(descriptor_), value, rounding, random_bits);
}

CodeFields Format::fields(std::uint32_t code) const {
    if (const FloatFormat* f = as_float()) {
        return quantscope::fields(*f, code);
    }
    CodeFields c;
    c.bits = bits();
    c.code = code & ((1u << c.bits) - 1u);
    const Decoded d = decode(c.code);
    c.value = d.value;
    c.value_class = d.value_class;
    c.bit_string = detail::bit_text(c.code, c.bits);
    if (const IntegerFormat* i = as_integer()) {
        if (i->is_signed) {
            c.sign = c.code >> (c.bits - 1);
            c.mantissa_field = c.code & (i->code_mask() >> 1);
            c.formula =
                "-2^" + std::to_string(c.bits - 1) + " * " + std::to_string(c.sign) + " + " +
                std::to_string(c.mantissa_field) + " = " + number_text(c.value) +
                " (read as sign-magnitude: " + std::to_string(i->sign_magnitude_value(c.code)) +
                ")";
        } else {
            c.mantissa_field = c.code;
            c.formula = std::to_string(c.code) + " = " + number_text(c.value);
        }
    } else {
        c.mantissa_field = c.code;
        c.formula = std::get<LookupFormat>(descriptor_).name + "[" + std::to_string(c.code) +
                    "] = " + number_text(c.value);
    }
    return c;
}

namespace {

// Ascending finite values of a lookup or integer format.
std::vector<double> sorted_levels(const Format& format) {
    if (const LookupFormat* l = format.as_lookup()) {
        return l->levels;
    }
    return format.all_values();
}

}  // namespace

double Format::next_up(double value) const {
    if (std::isnan(value)) {
        return value;
    }
    if (const FloatFormat* f = as_float()) {
        if (value >= f->max_finite()) {
            return f->max_finite();
        }
        if (f->has_sign() && value < -f->max_finite()) {
            return -f->max_finite();
        }
        if (value == 0) {
            return f->min_subnormal();
        }
        const Encoded t = quantscope::encode(*f, value, Rounding::TowardZero, Saturation::Saturate);
        if (t.value > value) {
            return t.value;  // below E8M0's smallest value, or a negative value between two
        }
        const std::uint32_t magnitude = t.code & ~f->sign_mask();
        if (value > 0) {
            return quantscope::decode(*f, magnitude + 1).value;
        }
        if (magnitude == 1) {
            return f->has_negative_zero() ? -0.0 : 0.0;
        }
        return -quantscope::decode(*f, magnitude - 1).value;
    }
    if (const IntegerFormat* i = as_integer()) {
        return std::min(std::floor(value) + 1.0, static_cast<double>(i->max_code()));
    }
    const std::vector<double> levels = sorted_levels(*this);
    const auto it = std::upper_bound(levels.begin(), levels.end(), value);
    return it == levels.end() ? levels.back() : *it;
}

double Format::next_down(double value) const {
    if (std::isnan(value)) {
        return value;
    }
    if (const FloatFormat* f = as_float()) {
        if (f->has_sign()) {
            return -next_up(-value);
        }
        const double smallest = quantscope::decode(*f, 0).value;
        if (value <= smallest) {
            return smallest;
        }
        if (value > f->max_finite()) {
            return f->max_finite();
        }
        const Encoded t = quantscope::encode(*f, value, Rounding::TowardZero, Saturation::Saturate);
        if (t.value < value) {
            return t.value;
        }
        return quantscope::decode(*f, t.code - 1).value;
    }
    if (const IntegerFormat* i = as_integer()) {
        return std::max(std::ceil(value) - 1.0, static_cast<double>(i->min_code()));
    }
    const std::vector<double> levels = sorted_levels(*this);
    const auto it = std::lower_bound(levels.begin(), levels.end(), value);
    return it == levels.begin() ? levels.front() : *(it - 1);
}

double Format::ulp(double value) const {
    if (std::isnan(value)) {
        return value;
    }
    if (const FloatFormat* f = as_float()) {
        const double magnitude = std::fabs(value);
        if (magnitude >= f->max_finite()) {
            return f->max_finite() - next_down(f->max_finite());
        }
        const double lower =
            quantscope::encode(*f, magnitude, Rounding::TowardZero, Saturation::Saturate).value;
        return next_up(lower) - lower;  // the cell [lower, next) holds the value
    }
    if (as_integer() != nullptr) {
        return 1.0;
    }
    const std::vector<double> levels = sorted_levels(*this);
    auto it = std::upper_bound(levels.begin(), levels.end(), value);
    if (it == levels.end()) {
        --it;
    }
    if (it == levels.begin()) {
        ++it;
    }
    return *it - *(it - 1);
}

std::vector<double> Format::all_values() const {
    if (bits() > kMaxEnumerableBits) {
        throw UsageError("format " + name() + " has " + std::to_string(bits()) +
                         " bits: listing every value is limited to 16-bit formats");
    }
    std::vector<double> values;
    const std::uint32_t count = 1u << bits();
    values.reserve(count);
    for (std::uint32_t code = 0; code < count; ++code) {
        const Decoded d = decode(code);
        if (!std::isfinite(d.value) || (d.value == 0 && std::signbit(d.value))) {
            continue;
        }
        values.push_back(d.value);
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

std::vector<float> Format::decode_table() const {
    if (bits() > kMaxEnumerableBits) {
        throw UsageError("format " + name() + " has " + std::to_string(bits()) +
                         " bits: decode tables are limited to 16-bit formats");
    }
    const std::uint32_t count = 1u << bits();
    std::vector<float> table(count);
    for (std::uint32_t code = 0; code < count; ++code) {
        table[code] = static_cast<float>(decode(code).value);
    }
    return table;
}

Format parse_format(std::string_view name) {
    for (const Alias& a : kAliases) {
        if (name == a.alias) {
            name = a.name;
            break;
        }
    }
    for (const Preset& p : kFloatPresets) {
        if (name == p.name) {
            return Format(preset_format(p));
        }
    }
    if (name == "e8m0") {
        return Format(e8m0_format());
    }
    if (name == "nf4") {
        return Format(nf4_format());
    }
    if (name == "dynamic8") {
        return Format(dynamic8_format());
    }
    if (name == "udynamic8") {
        return Format(udynamic8_format());
    }
    if (name.starts_with("int") || name.starts_with("uint")) {
        return Format(parse_integer_format(name));
    }
    if (auto f = parse_generic_float(name)) {
        return Format(std::move(*f));
    }
    throw UsageError("unknown format '" + std::string(name) +
                     "' (expected a preset such as fp16, bf16, fp8_e4m3, fp4_e2m1, e8m0, int8, "
                     "uint4, nf4, dynamic8, udynamic8, or eEmM[_ieee|_fn|_fnuz|_finite][_bBIAS])");
}

const std::vector<Format>& named_formats() {
    static const std::vector<Format> formats = [] {
        std::vector<Format> list;
        for (const Preset& p : kFloatPresets) {
            list.emplace_back(preset_format(p));
        }
        list.emplace_back(e8m0_format());
        for (bool is_signed : {true, false}) {
            for (int bits = 2; bits <= 16; ++bits) {
                list.emplace_back(IntegerFormat{bits, is_signed});
            }
        }
        list.emplace_back(nf4_format());
        list.emplace_back(dynamic8_format());
        list.emplace_back(udynamic8_format());
        return list;
    }();
    return formats;
}

}  // namespace quantscope

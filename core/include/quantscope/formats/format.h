#pragma once
// One handle for every number format QuantScope knows: binary floats eEmM (float_format.h),
// two's-complement integers intK/uintK (integer_format.h) and lookup tables such as NF4
// (lookup_format.h). Views, the CLI and the loaders talk to formats only through this type.
//
// Names (parse_format accepts them, Format::name prints them back):
//   fp32 tf32 fp16 bf16 fp8_e4m3 fp8_e5m2 fp8_e4m3fnuz fp8_e5m2fnuz fp6_e2m3 fp6_e3m2
//   fp4_e2m1 fp4_e2m1_ieee fp4_e1m2 fp4_e3m0 e8m0     the named presets
//   e4m3  e4m3_fn  e5m2_fnuz  e2m1_finite  e4m3_fn_b8  generic floats: eEmM[_POLICY][_bBIAS]
//   int2 .. int16, uint2 .. uint16                      integers
//   nf4                                                 QLoRA NormalFloat4

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "quantscope/formats/float_format.h"
#include "quantscope/formats/integer_format.h"
#include "quantscope/formats/lookup_format.h"
#include "quantscope/formats/rounding.h"

namespace quantscope {

enum class FormatKind { Float, Integer, Lookup };

// What a format can represent, for tables and the `formats` command. Every field is derived in
// one place (the descriptor's constructor); nothing here is typed in by hand.
struct FormatProperties {
    std::string name;
    FormatKind kind = FormatKind::Float;
    int bits = 0;
    std::string layout;        // "s1 e4 m3", "two's complement 8", "index 4"
    int exponent_bits = 0;     // floats only
    int mantissa_bits = 0;     // floats only
    int bias = 0;              // floats only
    double max_finite = 0;     // largest finite value
    double min_finite = 0;     // most negative finite value (0 for unsigned)
    double min_normal = 0;     // smallest positive normal (floats); 1 for integers
    double min_subnormal = 0;  // smallest positive value
    double epsilon = 0;        // gap between 1 and the next value (0 if 1 is not representable)
    std::uint64_t value_count = 0;  // distinct finite values (+0 and -0 count once)
    bool has_inf = false;
    bool has_nan = false;
    bool has_negative_zero = false;
};

class Format {
public:
    explicit Format(FloatFormat format) : descriptor_(std::move(format)) {}
    explicit Format(IntegerFormat format) : descriptor_(format) {}
    explicit Format(LookupFormat format) : descriptor_(std::move(format)) {}

    FormatKind kind() const;
    std::string name() const;
    int bits() const;
    FormatProperties properties() const;

    // Nullptr when the format is of another kind.
    const FloatFormat* as_float() const { return std::get_if<FloatFormat>(&descriptor_); }
    const IntegerFormat* as_integer() const { return std::get_if<IntegerFormat>(&descriptor_); }
    const LookupFormat* as_lookup() const { return std::get_if<LookupFormat>(&descriptor_); }
    // The descriptor of a format known to be of that kind; UsageError otherwise.
    const FloatFormat& float_format() const;
    const IntegerFormat& integer_format() const;

    // The value a code stands for. Integer codes are the raw bit pattern (low `bits()` bits).
    Decoded decode(std::uint32_t code) const;
    // Rounds a value into the format. `random_bits` drives stochastic rounding (ignored
    // otherwise); see float_format.h for the exact rule.
    Encoded encode(double value, Rounding rounding, Saturation saturation = Saturation::Saturate,
                   std::uint32_t random_bits = 0) const;
    CodeFields fields(std::uint32_t code) const;

    // Neighbours among the finite values: the next larger / smaller one, or the same value at
    // the ends of the range. NaN stays NaN.
    double next_up(double value) const;
    double next_down(double value) const;
    // Gap between the representable values around `value`: next_up(v) - v at v (the spacing of
    // the cell that holds v).
    double ulp(double value) const;

    // Every finite value, ascending, -0 dropped (formats of at most 16 bits; UsageError beyond).
    std::vector<double> all_values() const;
    // Value of every code 0 .. 2^bits - 1 as float (NaN for NaN codes, +-inf for Inf codes);
    // at most 16 bits. Loaders decode stored 16/8/6/4-bit floats with this table.
    std::vector<float> decode_table() const;

    // Same defining parameters (a preset equals its generic spelling: fp8_e4m3 == e4m3_fn).
    bool operator==(const Format& other) const;

private:
    std::variant<FloatFormat, IntegerFormat, LookupFormat> descriptor_;
};

// Throws UsageError naming the text and what is accepted.
Format parse_format(std::string_view name);

// The named presets, in the order tables show them: floats by width, integers, lookup.
const std::vector<Format>& named_formats();

std::string_view to_string(FormatKind kind);

}  // namespace quantscope

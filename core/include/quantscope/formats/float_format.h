#pragma once
// Binary floating-point formats eEmM: one sign bit (except E8M0), E exponent bits, M mantissa
// bits, a bias and a special-value policy.
//
// Specifications followed:
//   IEEE 754-2019, binary32 / binary16 (fp32, fp16) and its encoding rules for Inf/NaN/-0;
//   bfloat16 (Google Brain) = e8m7 ieee; NVIDIA TF32 = e8m10 ieee;
//   OCP 8-bit Floating Point Specification (OFP8) rev 1.0, 2023: E4M3 ("fn": max 448, NaN is
//     S.1111.111, no Inf) and E5M2 (IEEE-like, max 57344);
//   GraphCore/AMD FNUZ variants as in ml_dtypes: bias one larger, NaN = 0x80, no Inf, no -0;
//   OCP Microscaling Formats (MX) v1.0, 2023: FP6 E2M3 (max 7.5), FP6 E3M2 (max 28), FP4 E2M1
//     (max 6) with no Inf/NaN ("finite"), and E8M0 (unsigned power of two, 0xFF = NaN).
//
// Rounding and saturation are explicit in every signature. Rounding is performed on the exact
// real value: the result is one of the two representable neighbours that bracket it.
// Ties to even choose the neighbour whose code is even (for M >= 1 this is IEEE's even
// significand; for M = 0 the code's lowest bit, as ml_dtypes and hardware do).
// Stochastic rounding with 32 random bits u: let f in [0, 1) be the position of |x| between
// its lower and upper neighbour (in units of the cell); round away from zero when
// floor(f * 2^24) > (u >> 8). This is exactly unbiased whenever f has at most 24 fractional
// bits (always true for float32 inputs landing in a normal cell) and otherwise biased toward
// zero by less than 2^-24 of a cell. The same rule drives the scalar and the bulk path.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "quantscope/formats/rounding.h"

namespace quantscope {

enum class SpecialPolicy {
    Ieee,    // top exponent field is Inf (mantissa 0) / NaN (otherwise); signed zero
    Fn,      // no Inf; only the all-ones code (both signs) is NaN
    Fnuz,    // no Inf, no -0; the code 1000...0 is the only NaN; default bias one larger
    Finite,  // every code is a number
};

// What happens to a value beyond the largest finite one.
enum class Saturation {
    Saturate,  // clamp to +-max (quantization; counted as clipped)
    IeeeCast,  // overflow to Inf where the policy has Inf, to NaN where it has only NaN
};

enum class ValueClass { Zero, Subnormal, Normal, Infinite, NaN };

std::string_view to_string(SpecialPolicy policy);
std::optional<SpecialPolicy> parse_special_policy(std::string_view name);
std::string_view to_string(Saturation saturation);
std::string_view to_string(ValueClass value_class);

// The descriptor of one float format: its defining parameters and every value derived from
// them, computed once by make_float_format / e8m0_format and read through accessors, so that no
// caller can change one without the others. A default-constructed FloatFormat is fp32.
class FloatFormat {
public:
    FloatFormat();

    // Defining parameters. has_sign and has_subnormals are false only for E8M0 (its exponent
    // field 0 is 2^-127); name is a preset's ("fp16") or the canonical "e4m3_fn" form.
    int exponent_bits() const { return exponent_bits_; }
    int mantissa_bits() const { return mantissa_bits_; }
    int bias() const { return bias_; }
    SpecialPolicy policy() const { return policy_; }
    bool has_sign() const { return has_sign_; }
    bool has_subnormals() const { return has_subnormals_; }
    const std::string& name() const { return name_; }

    // Derived values.
    int bits() const { return bits_; }
    // The largest exponent field that holds finite values.
    int max_exponent_field() const { return max_exponent_field_; }
    // Unbiased exponents of the smallest normal and of the largest finite value.
    int min_exponent() const { return min_exponent_; }
    int max_exponent() const { return max_exponent_; }
    // The positive code of max_finite.
    std::uint32_t max_finite_code() const { return max_finite_code_; }
    double max_finite() const { return max_finite_; }
    double min_normal() const { return min_normal_; }
    double min_subnormal() const { return min_subnormal_; }  // smallest positive value
    double epsilon() const { return epsilon_; }              // 2^-M
    bool has_inf() const { return has_inf_; }
    bool has_nan() const { return has_nan_; }
    bool has_negative_zero() const { return has_negative_zero_; }
    // The canonical quiet NaN (positive where signed).
    std::uint32_t nan_code() const { return nan_code_; }
    std::uint32_t sign_mask() const { return sign_mask_; }
    // Distinct finite values (+0 and -0 once).
    std::uint64_t value_count() const { return value_count_; }

    // The same format under another name (a preset's).
    FloatFormat named(std::string name) const;

    // Same defining parameters (the name is a label and does not count).
    bool operator==(const FloatFormat& other) const;

private:
    FloatFormat(int exponent_bits, int mantissa_bits, int bias, SpecialPolicy policy, bool has_sign,
                bool has_subnormals, std::string name);
    friend FloatFormat make_float_format(int, int, SpecialPolicy, std::optional<int>);
    friend FloatFormat e8m0_format();

    int exponent_bits_ = 8;
    int mantissa_bits_ = 23;
    int bias_ = 127;
    SpecialPolicy policy_ = SpecialPolicy::Ieee;
    bool has_sign_ = true;
    bool has_subnormals_ = true;
    std::string name_;

    int bits_ = 32;
    int max_exponent_field_ = 0;
    int min_exponent_ = 0;
    int max_exponent_ = 0;
    std::uint32_t max_finite_code_ = 0;
    std::uint32_t nan_code_ = 0;
    std::uint32_t sign_mask_ = 0;
    std::uint64_t value_count_ = 0;
    bool has_inf_ = false;
    bool has_nan_ = false;
    bool has_negative_zero_ = false;
    double max_finite_ = 0;
    double min_normal_ = 0;
    double min_subnormal_ = 0;
    double epsilon_ = 0;
};

// Floats eEmM with 1 <= E <= 8, 0 <= M <= 23, 1 + E + M <= 32. Default bias 2^(E-1) - 1, plus
// one for fnuz. A custom bias must keep the whole range inside float32's (the tool reads and
// computes in float32): largest finite <= FLT_MAX, smallest subnormal >= 2^-149.
// Throws UsageError otherwise.
FloatFormat make_float_format(int exponent_bits, int mantissa_bits, SpecialPolicy policy,
                              std::optional<int> bias = std::nullopt);
// The MX shared-scale format: 8 exponent bits, no sign, no mantissa, bias 127, 0xFF = NaN.
FloatFormat e8m0_format();

struct Decoded {
    double value = 0;
    ValueClass value_class = ValueClass::Zero;
};

struct Encoded {
    std::uint32_t code = 0;
    double value = 0;         // the value the code stands for
    double error = 0;         // input - value (0 for NaN/Inf passed through)
    bool saturated = false;   // the input lay beyond the largest finite value
    bool overflowed = false;  // IeeeCast turned a finite input into Inf or NaN
    bool invalid = false;     // NaN input (or Inf / negative into E8M0) with no NaN to map to
};

// The fields of one code, for the bit inspector.
struct CodeFields {
    std::uint32_t code = 0;
    int bits = 0;
    std::uint32_t sign = 0;
    std::uint32_t exponent_field = 0;
    std::uint32_t mantissa_field = 0;
    int unbiased_exponent = 0;  // exponent used in the formula (emin for subnormals)
    ValueClass value_class = ValueClass::Zero;
    double value = 0;
    std::string bit_string;  // "0 0111 000", sign / exponent / mantissa groups
    std::string formula;     // "(-1)^0 * (1 + 0/8) * 2^(7 - 7) = 1"
};

Decoded decode(const FloatFormat& format, std::uint32_t code);
// The scalar reference: exact, one value at a time, in double precision.
Encoded encode(const FloatFormat& format, double value, Rounding rounding, Saturation saturation,
               std::uint32_t random_bits = 0);
CodeFields fields(const FloatFormat& format, std::uint32_t code);

// The fast bulk path: rounds every float32 in `input` into `format` and writes the value each
// becomes to `output` (same length; may alias `input`). Element i uses the random bits
// stochastic_bits(seed, first_index + i), so a split into chunks or threads gives the same
// result as one call. Bit-identical to encode(...).value for every input (tested on every
// code's neighbourhood). NaN inputs stay NaN where the format has NaN and become 0 where it has
// none. Returns the number of saturated (or, under IeeeCast, overflowed) elements.
std::int64_t round_to_format(std::span<const float> input, std::span<float> output,
                             const FloatFormat& format, Rounding rounding, Saturation saturation,
                             std::uint64_t seed = 0, std::uint64_t first_index = 0);
// The same, one element at a time through encode(): the reference the fast path is tested
// against, and the fallback for formats the fast path does not cover.
std::int64_t round_to_format_reference(std::span<const float> input, std::span<float> output,
                                       const FloatFormat& format, Rounding rounding,
                                       Saturation saturation, std::uint64_t seed = 0,
                                       std::uint64_t first_index = 0);

// The bulk path with its per-format constants prepared once, for callers that round many short
// runs (block-scaled quantization rounds blocks of 32). Serial: round_to_format splits large
// arrays across the cores with it. Same results as round_to_format.
class FloatRounder {
public:
    FloatRounder(const FloatFormat& format, Rounding rounding, Saturation saturation,
                 std::uint64_t seed = 0);
    std::int64_t round(std::span<const float> input, std::span<float> output,
                       std::uint64_t first_index) const;

    struct Constants;  // the kernel's, opaque here

private:
    FloatFormat format_;
    Rounding rounding_;
    Saturation saturation_;
    std::uint64_t seed_;
    std::shared_ptr<const Constants> constants_;  // null when the format needs the reference
};

// 32 random bits for element `index` under `seed`: a counter-based hash (murmur3's finalizer
// over 32-bit lanes, so that loops vectorize), identical whatever the chunking. Split in two so
// that bulk loops hoist the part that depends on the seed and the index's upper half.
inline std::uint32_t stochastic_key(std::uint64_t seed, std::uint64_t index) {
    return static_cast<std::uint32_t>(index >> 32) * 0x85EBCA77u ^
           static_cast<std::uint32_t>(seed) ^ static_cast<std::uint32_t>(seed >> 32) * 0xC2B2AE3Du;
}
inline std::uint32_t mix_stochastic_bits(std::uint32_t h) {
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}
// The bits of the element whose index has lower half `low_index`, under the key of its seed and
// upper half: what bulk loops call once the key is hoisted.
inline std::uint32_t stochastic_bits_at(std::uint32_t key, std::uint32_t low_index) {
    return mix_stochastic_bits(low_index * 0x9E3779B1u ^ key);
}
// The one map from (seed, index) to random bits: every kernel, the reference quantizer and the
// bit inspector draw from it, with the whole 64-bit seed.
inline std::uint32_t stochastic_bits(std::uint64_t seed, std::uint64_t index) {
    return stochastic_bits_at(stochastic_key(seed, index), static_cast<std::uint32_t>(index));
}

}  // namespace quantscope

// Bulk rounding of float32 arrays into a float format.
//
// The fast path works on the float32 bit pattern with 32-bit integer lanes only (shifts by a
// per-element amount, compares, selects), so GCC vectorizes it for AVX2. For an input with
// significand `sig` (24 bits, implicit one included) and exponent `e`, the format's cell
// exponent is t = max(e, emin); the value's position in units of the format's quantum
// 2^(t - M) is sig >> s with remainder sig & (2^s - 1), where s = 23 - M + (t - e). The lower
// neighbour's code follows from t and the quotient, the upper one is that code plus one (codes
// of one sign are consecutive values, carries into the next binade included).
// The reference path (encode() in float_format.cpp) reaches the same result in double with
// frexp/ldexp; tests compare the two on every code's neighbourhood.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

#include "../common/prefetch.h"
#include "../common/rounding_dispatch.h"
#include "../simd/kernel_table.h"
#include "float_value_rounding.h"
#include "quantscope/common/parallel.h"
#include "quantscope/formats/float_format.h"

namespace quantscope {

namespace {

using detail::fast_path_supported;

struct KernelConstants {
    // encode
    std::int32_t mantissa_bits;
    std::int32_t min_exponent;
    std::int32_t bias;
    std::uint32_t max_finite_code;
    std::uint32_t max_finite_bits;     // float32 bits of the largest finite value
    std::uint32_t overflow_code;       // magnitude code an overflowing value becomes
    std::uint32_t inf_input_code;      // magnitude code an infinite input becomes
    std::uint32_t nan_input_code;      // code a NaN input becomes
    std::uint32_t sign_mask;           // the format's sign bit
    std::uint32_t keep_negative_zero;  // 1 or 0
    // decode
    std::uint32_t exponent_rebias;     // 127 - bias: format field to float32 field
    float subnormal_scale;             // 2^(emin - M)
    std::uint32_t ieee_special_field;  // all-ones field under ieee, else impossible
    std::uint32_t fn_nan_magnitude;    // all-ones magnitude under fn, else impossible
    std::uint32_t fnuz_nan_code;       // the sign bit alone under fnuz, else impossible
};

KernelConstants constants_for(const FloatFormat& f, Rounding rounding, Saturation saturation) {
    constexpr std::uint32_t kImpossible = 0xFFFFFFFFu;
    KernelConstants k{};
    const std::uint32_t exponent_all_ones = (1u << f.exponent_bits()) - 1u;
    const std::uint32_t inf_code = exponent_all_ones << f.mantissa_bits();
    k.mantissa_bits = f.mantissa_bits();
    k.min_exponent = f.min_exponent();
    k.bias = f.bias();
    k.max_finite_code = f.max_finite_code();
    k.max_finite_bits = std::bit_cast<std::uint32_t>(static_cast<float>(f.max_finite()));
    k.overflow_code = f.max_finite_code();
    if (saturation == Saturation::IeeeCast && rounding != Rounding::TowardZero) {
        if (f.has_inf()) {
            k.overflow_code = inf_code;
        } else if (f.has_nan()) {
            k.overflow_code = f.nan_code();
        }
    }
    k.inf_input_code =
        saturation == Saturation::IeeeCast && f.has_inf() ? inf_code : k.overflow_code;
    k.nan_input_code = f.has_nan() ? f.nan_code() : 0u;
    k.sign_mask = f.sign_mask();
    k.keep_negative_zero = f.has_negative_zero() ? 1u : 0u;
    k.exponent_rebias = static_cast<std::uint32_t>(127 - f.bias());
    k.subnormal_scale = std::ldexp(1.0f, f.min_exponent() - f.mantissa_bits());
    k.ieee_special_field = f.policy() == SpecialPolicy::Ieee ? exponent_all_ones : kImpossible;
    k.fn_nan_magnitude = f.policy() == SpecialPolicy::Fn ? f.nan_code() : kImpossible;
    k.fnuz_nan_code = f.policy() == SpecialPolicy::Fnuz ? f.nan_code() : kImpossible;
    return k;
}

// float32 storage read and written as its bit pattern. GCC and Clang define may_alias access;
// it lets the kernels load and store the caller's arrays directly (memcpy to a local array
// cost a third of the throughput).
using AliasedBits = std::uint32_t __attribute__((may_alias));

// Elements per block: the codes of one block stay in L1 between the two passes.
constexpr std::uint32_t kBlock = 1024;

// Pass 1: float32 bits to the format's codes. Integer lanes only; no calls, no short-circuit
// operators (they become branches the vectorizer refuses), every choice a select. Returns the
// count of inputs beyond the largest finite value.
template <Rounding R>
std::uint32_t encode_block(const AliasedBits* in, std::uint32_t* codes, std::uint32_t n,
                           const KernelConstants& k, std::uint32_t hash_key,
                           std::uint32_t first_low_index) {
    // Constants in locals, so the loop reads no memory but the input.
    const std::int32_t M = k.mantissa_bits;
    const std::int32_t min_exponent = k.min_exponent;
    const std::int32_t bias = k.bias;
    const std::uint32_t max_finite_code = k.max_finite_code;
    const std::uint32_t max_finite_bits = k.max_finite_bits;
    const std::uint32_t overflow_code = k.overflow_code;
    const std::uint32_t inf_input_code = k.inf_input_code;
    const std::uint32_t nan_input_code = k.nan_input_code;
    const std::uint32_t sign_mask = k.sign_mask;
    const std::uint32_t keep_negative_zero = k.keep_negative_zero;
    const std::uint32_t implicit_code_bit = 1u << M;
    std::uint32_t beyond = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint32_t bits = in[i];
        const std::uint32_t magnitude_bits = bits & 0x7FFFFFFFu;
        const auto exponent_field = static_cast<std::int32_t>(magnitude_bits >> 23);
        const auto is_normal = static_cast<std::uint32_t>(exponent_field != 0);
        const std::uint32_t sig = (magnitude_bits & 0x7FFFFFu) | (is_normal << 23);
        const std::int32_t e = exponent_field - 127 + static_cast<std::int32_t>(1u - is_normal);
        const std::int32_t t = std::max(e, min_exponent);
        const std::int32_t s = 23 - M + (t - e);  // >= 0
        const std::int32_t s_clamped = std::min(s, 31);
        const std::uint32_t lower = sig >> s_clamped;
        const std::uint32_t remainder = sig & ((1u << s_clamped) - 1u);
        // Half a cell; 1 when s = 0 (nothing to round), which the remainder 0 never reaches.
        const std::uint32_t half = std::max((1u << s_clamped) >> 1, 1u);
        // Code of the lower neighbour: the quotient itself in the subnormal cell, else the
        // quotient plus (field - 1) * 2^M, which drops the implicit one and adds the field.
        const auto in_normal_cell = static_cast<std::uint32_t>(lower >= implicit_code_bit);
        const std::uint32_t field_offset = static_cast<std::uint32_t>(t + bias - 1) << M;
        const std::uint32_t lower_code = lower + ((0u - in_normal_cell) & field_offset);
        std::uint32_t up = 0;
        if constexpr (R == Rounding::NearestEven) {
            const std::uint32_t tie = static_cast<std::uint32_t>(remainder == half);
            up = static_cast<std::uint32_t>(remainder > half) | (tie & lower_code);
            up &= 1u;
        } else if constexpr (R == Rounding::NearestAway) {
            up = static_cast<std::uint32_t>(remainder >= half);
        } else if constexpr (R == Rounding::Stochastic) {
            // floor(fraction * 2^24) with fraction = remainder / 2^s (s may exceed 24).
            const std::int32_t left = 24 - s;
            const std::uint32_t shifted_left = remainder << std::clamp(left, 0, 31);
            const std::uint32_t shifted_right = remainder >> std::clamp(-left, 0, 31);
            const std::uint32_t fraction24 = left >= 0 ? shifted_left : shifted_right;
            const std::uint32_t random = stochastic_bits_at(hash_key, first_low_index + i) >> 8;
            up = static_cast<std::uint32_t>(fraction24 > random);
        }
        std::uint32_t code = lower_code + up;
        code = code > max_finite_code ? overflow_code : code;
        code = magnitude_bits == 0x7F800000u ? inf_input_code : code;
        const auto keep_sign = static_cast<std::uint32_t>(code != 0) | keep_negative_zero;
        code |= (0u - ((bits >> 31) & keep_sign)) & sign_mask;
        const auto is_nan = static_cast<std::uint32_t>(magnitude_bits > 0x7F800000u);
        code = is_nan != 0 ? nan_input_code : code;
        beyond += static_cast<std::uint32_t>(magnitude_bits > max_finite_bits) & (1u - is_nan);
        codes[i] = code;
    }
    return beyond;
}

// Pass 2: codes to float32 bits. Normal codes move their fields into float32's layout;
// subnormal ones take one exact multiply by the constant 2^(emin - M).
// SubnormalBits: the format's subnormals are float32's (emin = -126, as bf16 and tf32), so their
// bits are the mantissa shifted into place; the multiply by 2^(emin - M), itself a float32
// subnormal there, would take a microcode assist on every element.
template <bool SubnormalBits>
void decode_block_with(const std::uint32_t* codes, AliasedBits* out, std::uint32_t n,
                       const KernelConstants& k) {
    const std::int32_t M = k.mantissa_bits;
    const std::uint32_t sign_mask = k.sign_mask;
    const std::uint32_t mantissa_mask = (1u << M) - 1u;
    const std::uint32_t exponent_rebias = k.exponent_rebias;
    const float subnormal_scale = k.subnormal_scale;
    const std::uint32_t ieee_special_field = k.ieee_special_field;
    const std::uint32_t fn_nan_magnitude = k.fn_nan_magnitude;
    const std::uint32_t fnuz_nan_code = k.fnuz_nan_code;
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint32_t code = codes[i];
        const std::uint32_t magnitude = code & ~sign_mask;
        const std::uint32_t sign =
            (0u - static_cast<std::uint32_t>((code & sign_mask) != 0)) & 0x80000000u;
        const std::uint32_t field = magnitude >> M;
        const std::uint32_t mantissa = magnitude & mantissa_mask;
        const std::uint32_t normal_bits =
            ((field + exponent_rebias) << 23) | (mantissa << (23 - M));
        std::uint32_t subnormal_bits = 0;
        if constexpr (SubnormalBits) {
            subnormal_bits = mantissa << (23 - M);
        } else {
            subnormal_bits = std::bit_cast<std::uint32_t>(
                static_cast<float>(static_cast<std::int32_t>(mantissa)) * subnormal_scale);
        }
        std::uint32_t bits = field != 0 ? normal_bits : subnormal_bits;
        bits = field == ieee_special_field ? (mantissa == 0 ? 0x7F800000u : 0x7FC00000u) : bits;
        bits |= sign;
        const auto is_nan = static_cast<std::uint32_t>(magnitude == fn_nan_magnitude) |
                            static_cast<std::uint32_t>(code == fnuz_nan_code) |
                            static_cast<std::uint32_t>((bits & 0x7FFFFFFFu) > 0x7F800000u);
        out[i] = is_nan != 0 ? 0x7FC00000u : bits;
    }
}

void decode_block(const std::uint32_t* codes, AliasedBits* out, std::uint32_t n,
                  const KernelConstants& k) {
    if (k.min_exponent == -126) {
        decode_block_with<true>(codes, out, n, k);
    } else {
        decode_block_with<false>(codes, out, n, k);
    }
}

// The value path (float_value_rounding.h), a block at a time.
using detail::value_constants_for;
using detail::value_path_supported;
using detail::ValueConstants;

template <Rounding R>
std::uint32_t round_values_block(const AliasedBits* in, AliasedBits* out, std::uint32_t n,
                                 const ValueConstants& v, std::uint32_t hash_key,
                                 std::uint32_t first_low_index) {
    const ValueConstants c = v;  // a local copy: the stores to out cannot alias it
    std::uint32_t beyond = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint32_t bits = in[i];
        std::uint32_t random = 0;
        if constexpr (R == Rounding::Stochastic) {
            random = stochastic_bits_at(hash_key, first_low_index + i) >> 8;
        }
        out[i] = detail::round_value_bits<R>(bits, c, random);
        const std::uint32_t magnitude_bits = bits & 0x7FFFFFFFu;
        beyond += static_cast<std::uint32_t>(magnitude_bits > c.max_finite_bits) &
                  static_cast<std::uint32_t>(magnitude_bits <= 0x7F800000u);
    }
    return beyond;
}

// Walks [0, n) of a chunk in blocks of at most kBlock that never cross a 2^32 boundary of the
// element index (so its upper half, folded into the stochastic key, is constant in a block), and
// asks for each next block ahead (prefetch.h). fn(done, count, key, low_index) rounds one block
// and returns how many of its inputs lay beyond the largest finite value.
template <typename BlockFn>
std::int64_t for_each_block(const float* in, std::size_t n, std::uint64_t seed,
                            std::uint64_t first_index, BlockFn&& fn) {
    std::int64_t beyond = 0;
    std::size_t done = 0;
    while (done < n) {
        const std::uint64_t index = first_index + done;
        const std::uint64_t to_boundary = (std::uint64_t{1} << 32) - (index & 0xFFFFFFFFu);
        const auto count =
            static_cast<std::uint32_t>(std::min<std::uint64_t>({n - done, kBlock, to_boundary}));
        detail::prefetch_span(in + done + count, count);
        beyond += fn(done, count, stochastic_key(seed, index), static_cast<std::uint32_t>(index));
        done += count;
    }
    return beyond;
}

std::int64_t round_values_chunk(const float* in, float* out, std::size_t n, const ValueConstants& v,
                                Rounding rounding, std::uint64_t seed, std::uint64_t first_index) {
    return for_each_block(in, n, seed, first_index,
                          [&](std::size_t done, std::uint32_t count, std::uint32_t key,
                              std::uint32_t low) -> std::uint32_t {
                              const auto* i = reinterpret_cast<const AliasedBits*>(in + done);
                              auto* o = reinterpret_cast<AliasedBits*>(out + done);
                              return detail::with_rounding(rounding, [&]<Rounding R>() {
                                  return round_values_block<R>(i, o, count, v, key, low);
                              });
                          });
}

template <typename Sink>
std::int64_t encode_chunk(const float* in, std::size_t n, const KernelConstants& k,
                          Rounding rounding, std::uint64_t seed, std::uint64_t first_index,
                          Sink&& sink) {
    alignas(64) std::uint32_t codes[kBlock];
    return for_each_block(in, n, seed, first_index,
                          [&](std::size_t done, std::uint32_t count, std::uint32_t key,
                              std::uint32_t low) -> std::uint32_t {
                              const auto* i = reinterpret_cast<const AliasedBits*>(in + done);
                              const std::uint32_t beyond =
                                  detail::with_rounding(rounding, [&]<Rounding R>() {
                                      return encode_block<R>(i, codes, count, k, key, low);
                                  });
                              sink(done, count, codes);
                              return beyond;
                          });
}

template <typename ChunkFn>
std::int64_t run_parallel(std::size_t n, ChunkFn&& chunk_fn) {
    std::vector<std::int64_t> counts(max_chunks(), 0);
    parallel_for(n, 64, [&](std::size_t chunk, std::size_t begin, std::size_t end) {
        counts[chunk] = chunk_fn(begin, end);
    });
    std::int64_t total = 0;
    for (std::int64_t c : counts) {
        total += c;
    }
    return total;
}

void check_sizes(std::span<const float> input, std::span<float> output) {
    if (output.size() != input.size()) {
        throw std::invalid_argument("round_to_format: output size differs from input size");
    }
}

}  // namespace

std::int64_t round_to_format_reference(std::span<const float> input, std::span<float> output,
                                       const FloatFormat& format, Rounding rounding,
                                       Saturation saturation, std::uint64_t seed,
                                       std::uint64_t first_index) {
    check_sizes(input, output);
    std::int64_t beyond = 0;
    for (std::size_t i = 0; i < input.size(); ++i) {
        const float x = input[i];
        const Encoded e = encode(format, static_cast<double>(x), rounding, saturation,
                                 stochastic_bits(seed, first_index + i));
        beyond += e.saturated ? 1 : 0;
        output[i] = static_cast<float>(e.value);
        if (std::isnan(x) && !format.has_nan()) {
            output[i] = 0.0f;
        }
    }
    return beyond;
}

struct FloatRounder::Constants {
    KernelConstants kernel;
    bool value_path = false;
    ValueConstants values{};
};

FloatRounder::FloatRounder(const FloatFormat& format, Rounding rounding, Saturation saturation,
                           std::uint64_t seed)
    : format_(format), rounding_(rounding), saturation_(saturation), seed_(seed) {
    if (fast_path_supported(format)) {
        const bool value_path = value_path_supported(format, saturation);
        constants_ = std::make_shared<const Constants>(
            Constants{constants_for(format, rounding, saturation), value_path,
                      value_path ? value_constants_for(format) : ValueConstants{}});
    }
}

std::int64_t FloatRounder::round(std::span<const float> input, std::span<float> output,
                                 std::uint64_t first_index) const {
    check_sizes(input, output);
    if (!constants_) {
        return round_to_format_reference(input, output, format_, rounding_, saturation_, seed_,
                                         first_index);
    }
    if (constants_->value_path) {
        return round_values_chunk(input.data(), output.data(), input.size(), constants_->values,
                                  rounding_, seed_, first_index);
    }
    const KernelConstants& k = constants_->kernel;
    float* out = output.data();
    return encode_chunk(input.data(), input.size(), k, rounding_, seed_, first_index,
                        [&](std::size_t offset, std::uint32_t count, const std::uint32_t* codes) {
                            decode_block(codes, reinterpret_cast<AliasedBits*>(out + offset), count,
                                         k);
                        });
}

namespace per_level {

std::int64_t round_to_format(std::span<const float> input, std::span<float> output,
                             const FloatFormat& format, Rounding rounding, Saturation saturation,
                             std::uint64_t seed, std::uint64_t first_index) {
    check_sizes(input, output);
    const FloatRounder rounder(format, rounding, saturation, seed);
    return run_parallel(input.size(), [&](std::size_t begin, std::size_t end) {
        return rounder.round(input.subspan(begin, end - begin), output.subspan(begin, end - begin),
                             first_index + begin);
    });
}

}  // namespace per_level

}  // namespace quantscope

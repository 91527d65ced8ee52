#pragma once
// Integer formats intK (two's complement) and uintK, K = 2..16. Codes are the K-bit pattern;
// decode reads it as two's complement (intK) or unsigned (uintK). The sign-magnitude reading of
// the same bits is available for teaching (sign_magnitude_value), never used for arithmetic.

#include <cstdint>
#include <string>
#include <string_view>

namespace quantscope {

struct IntegerFormat {
    int bits = 8;           // K, 2..16
    bool is_signed = true;  // intK (two's complement) or uintK

    std::int32_t min_code() const { return is_signed ? -(1 << (bits - 1)) : 0; }
    std::int32_t max_code() const { return is_signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1; }
    std::uint32_t code_mask() const { return (1u << bits) - 1u; }
    std::string name() const;

    // The integer a K-bit pattern stands for.
    std::int32_t value_of(std::uint32_t code) const;
    // The K-bit pattern of an integer in [min_code, max_code].
    std::uint32_t code_of(std::int32_t value) const {
        return static_cast<std::uint32_t>(value) & code_mask();
    }
    // The same bits read as sign and magnitude (top bit sign, the rest magnitude): what a
    // beginner might expect, and why two's complement has one more negative value.
    std::int32_t sign_magnitude_value(std::uint32_t code) const;
};

// "int8", "uint4", ... Throws UsageError on anything else.
IntegerFormat parse_integer_format(std::string_view name);

}  // namespace quantscope

#pragma once
// What the format suites share: the formats the exhaustive tests walk (every named preset of at
// most 16 bits plus every generic eEmM of at most 12 bits under each policy the descriptor
// accepts), and the golden ggml blocks' helpers (one block quantized, its expected bytes).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/formats/format.h"
#include "quantscope/formats/ggml_types.h"

namespace quantscope::test {

constexpr Rounding kAllRoundings[] = {Rounding::NearestEven, Rounding::NearestAway,
                                      Rounding::TowardZero, Rounding::Stochastic};

inline std::vector<FloatFormat> exhaustive_float_formats() {
    std::vector<FloatFormat> formats;
    for (const Format& f : named_formats()) {
        // E8M0 (no sign, no zero) has its own tests.
        if (f.as_float() != nullptr && f.bits() <= 16 && f.float_format().has_subnormals()) {
            formats.push_back(f.float_format());
        }
    }
    for (int e = 1; e <= 8; ++e) {
        for (int m = 0; 1 + e + m <= 12; ++m) {
            for (SpecialPolicy p : {SpecialPolicy::Ieee, SpecialPolicy::Fn, SpecialPolicy::Fnuz,
                                    SpecialPolicy::Finite}) {
                try {
                    formats.push_back(make_float_format(e, m, p));
                } catch (const UsageError&) {
                    // outside float32's range (e.g. e8 finite): not a format QuantScope offers
                }
            }
        }
    }
    return formats;
}

// Every finite value of a float format, ascending, with its positive-or-negative code.
struct ValueCode {
    double value;
    std::uint32_t code;
};

inline std::vector<ValueCode> finite_values_with_codes(const FloatFormat& f) {
    std::vector<ValueCode> list;
    const std::uint32_t count = 1u << f.bits();
    for (std::uint32_t code = 0; code < count; ++code) {
        const Decoded d = decode(f, code);
        if (std::isfinite(d.value) && !(d.value == 0 && std::signbit(d.value))) {
            list.push_back({d.value, code});
        }
    }
    std::sort(list.begin(), list.end(),
              [](const ValueCode& a, const ValueCode& b) { return a.value < b.value; });
    return list;
}

// One ggml block as GgmlType::quantize writes it for x, and the values it decodes to.
struct GgmlBlock {
    std::vector<unsigned> bytes;
    std::vector<float> values;
};

inline GgmlBlock quantize_ggml_block(std::string_view name, const std::vector<float>& x) {
    const GgmlType* type = find_ggml_type(name);
    if (type == nullptr || type->quantize == nullptr) {
        ADD_FAILURE() << name << " has no quantizer";
        return {};
    }
    EXPECT_EQ(x.size(), static_cast<std::size_t>(type->block_elements));
    std::vector<std::byte> out(static_cast<std::size_t>(type->block_bytes));
    type->quantize(x.data(), out.data(), 1);
    std::vector<float> values(x.size());
    type->dequantize(out.data(), values.data(), 1);
    GgmlBlock block{{}, std::move(values)};
    for (const std::byte b : out) {
        block.bytes.push_back(static_cast<unsigned>(b));
    }
    return block;
}

// A block's expected bytes: a little-endian 16-bit field per entry of `halves`, then `rest`
// bytes, each `fill` unless listed in `at`.
inline std::vector<unsigned> ggml_bytes(std::vector<unsigned> halves, std::size_t rest,
                                        unsigned fill,
                                        std::vector<std::pair<std::size_t, unsigned>> at = {}) {
    std::vector<unsigned> out;
    for (const unsigned h : halves) {
        out.push_back(h & 0xFFu);
        out.push_back(h >> 8);
    }
    const std::size_t head = out.size();
    out.resize(head + rest, fill);
    for (const auto& [index, value] : at) {
        out[head + index] = value;
    }
    return out;
}

// `size` values of `fill`, the listed ones set (32 by default: a legacy block).
inline std::vector<float> ggml_input(float fill, std::vector<std::pair<std::size_t, float>> at = {},
                                     std::size_t size = 32) {
    std::vector<float> x(size, fill);
    for (const auto& [index, value] : at) {
        x[index] = value;
    }
    return x;
}

}  // namespace quantscope::test

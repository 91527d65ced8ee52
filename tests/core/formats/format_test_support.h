#pragma once
// Formats the exhaustive tests walk: every named preset of at most 16 bits plus every generic
// eEmM of at most 12 bits under each policy the descriptor accepts.

#include <algorithm>
#include <cmath>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/formats/format.h"

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

}  // namespace quantscope::test

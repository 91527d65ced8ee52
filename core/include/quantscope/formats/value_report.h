#pragma once
// One value in one format, explained: the code and its fields, the formula with its numbers, the
// decoded value and its exact decimal expansion, the rounding error, the neighbours and the
// spacing, saturation, and what a plain IEEE cast gives. The CLI's `bits` and the window's bit
// inspector both print this report.

#include <cstdint>
#include <string>

#include "quantscope/formats/format.h"

namespace quantscope {

struct ValueReport {
    double input = 0;
    double scale = 1;       // the value stored is input / scale + zero_point (1 and 0 for a cast)
    double zero_point = 0;  // affine integers
    Rounding rounding = Rounding::NearestEven;
    Encoded encoded;            // of input / scale; encoded.value is in the format's own units
    CodeFields fields;          // of encoded.code
    double value = 0;           // what the code stands for: (code's value - zero_point) * scale
    double error = 0;           // input - value
    double relative_error = 0;  // error / |input|; 0 for a zero input, NaN for a NaN one
    double next_down = 0;       // the neighbouring values, times the scale
    double next_up = 0;
    double ulp = 0;        // their spacing at value, times the scale
    double ieee_cast = 0;  // a plain cast: overflow to Inf where the format has it
    std::string exact;     // the decoded value (without the scale) digit for digit
};

// `random_bits` drives stochastic rounding (float_format.h).
ValueReport report_value(const Format& format, double input, Rounding rounding, double scale = 1,
                         double zero_point = 0, std::uint32_t random_bits = 0);
// The same report for the value a code stands for (a clicked bit pattern).
ValueReport report_code(const Format& format, std::uint32_t code, double scale = 1,
                        double zero_point = 0);

// Every finite binary float is a finite decimal: 0.1f is 0.100000001490116119384765625 and 2^-24
// is 0.000000059604644775390625. "inf", "-inf", "nan" otherwise; "-0" for negative zero.
std::string exact_decimal(double value);

// Integer encodings of q in `bits` bits as a bit string, most significant bit first, or empty
// when q does not fit that encoding.
std::string unsigned_bits(std::int64_t q, int bits);
std::string sign_magnitude_bits(std::int64_t q, int bits);
std::string twos_complement_bits(std::int64_t q, int bits);

}  // namespace quantscope

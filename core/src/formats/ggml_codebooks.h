#pragma once
// ggml's i-quant codebooks: ggml_codebooks.cpp and ggml_codebooks_iq1.cpp hold the values and say
// where they come from (one upstream file and commit for all).
// Entry k is grid point k: byte j (little-endian) is its element j.

#include <array>
#include <cstdint>

namespace quantscope::ggml {

extern const std::array<std::uint64_t, 256> kIq2xxsGrid;  // iq2_xxs: magnitudes 8, 25, 43
extern const std::array<std::uint64_t, 512> kIq2xsGrid;   // iq2_xs
extern const std::array<std::uint64_t, 1024> kIq2sGrid;   // iq2_s
extern const std::array<std::uint32_t, 256> kIq3xxsGrid;  // iq3_xxs: 4 magnitudes a point
extern const std::array<std::uint32_t, 512> kIq3sGrid;    // iq3_s
extern const std::array<std::uint64_t, 2048> kIq1sGrid;   // iq1_s, iq1_m: int8 -1, 0, +1

}  // namespace quantscope::ggml

// Runtime dispatch (quantscope/common/simd.h): the levels a build holds, choosing one, and that
// the test suites registered per level (tests/core/CMakeLists.txt) really run at theirs.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/common/simd.h"
#include "quantscope/formats/format.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope {
namespace {

// The levels this CPU runs, from the CPU's own features.
std::vector<SimdLevel> cpu_levels() {
    std::vector<SimdLevel> levels{SimdLevel::Scalar};
    if (__builtin_cpu_supports("x86-64-v3") != 0) {
        levels.push_back(SimdLevel::Avx2);
    }
    if (__builtin_cpu_supports("x86-64-v4") != 0) {
        levels.push_back(SimdLevel::Avx512);
    }
    return levels;
}

TEST(SimdLevels, NamesParseBack) {
    for (SimdLevel level : {SimdLevel::Scalar, SimdLevel::Avx2, SimdLevel::Avx512}) {
        EXPECT_EQ(parse_simd_level(to_string(level)), level);
    }
    EXPECT_FALSE(parse_simd_level("sse2").has_value());
}

// A build with runtime dispatch holds every level and offers each one the CPU runs, the widest
// chosen by default; one without holds the level it was built for.
TEST(SimdLevels, EveryLevelTheCpuRunsIsAvailable) {
    const std::vector<SimdLevel> available = available_simd_levels();
    ASSERT_FALSE(available.empty());
    if (!runtime_simd_dispatch()) {
        EXPECT_EQ(available.size(), 1u);
        GTEST_SKIP() << "built for one level: " << simd_description();
    }
    EXPECT_EQ(available, cpu_levels());
    if (std::getenv("QUANTSCOPE_SIMD") == nullptr) {
        EXPECT_EQ(active_simd_level(), available.back());
    }
}

// The suites registered once per level run with QUANTSCOPE_SIMD naming it: a level the build or
// CPU lacked would fall back silently to the widest, and that suite would test nothing new.
TEST(SimdLevels, TheEnvironmentChoosesTheLevel) {
    const char* requested = std::getenv("QUANTSCOPE_SIMD");
    if (requested == nullptr) {
        GTEST_SKIP() << "QUANTSCOPE_SIMD not set";
    }
    EXPECT_EQ(std::string(to_string(active_simd_level())), requested);
}

TEST(SimdLevels, SetLevelSwitchesAndRefusesWhatIsMissing) {
    const SimdLevel before = active_simd_level();
    for (SimdLevel level : available_simd_levels()) {
        set_simd_level(level);
        EXPECT_EQ(active_simd_level(), level);
        EXPECT_NE(simd_description().find(to_string(level)), std::string::npos);
    }
    for (SimdLevel level : {SimdLevel::Scalar, SimdLevel::Avx2, SimdLevel::Avx512}) {
        const std::vector<SimdLevel> available = available_simd_levels();
        if (std::find(available.begin(), available.end(), level) == available.end()) {
            EXPECT_THROW(set_simd_level(level), UsageError);
        }
    }
    set_simd_level(before);
}

// Bulk rounding is dispatched too: every level rounds the same values to the same bits.
TEST(SimdLevels, BulkRoundingIsTheSameOnEveryLevel) {
    std::vector<float> x;
    for (int i = -5000; i <= 5000; ++i) {
        x.push_back(static_cast<float>(i) * 0.0137f);
    }
    const FloatFormat f = parse_format("fp8_e4m3").float_format();
    const SimdLevel before = active_simd_level();
    std::vector<float> first;
    for (SimdLevel level : available_simd_levels()) {
        set_simd_level(level);
        for (Rounding r : {Rounding::NearestEven, Rounding::Stochastic}) {
            std::vector<float> y(x.size());
            round_to_format(x, y, f, r, Saturation::Saturate, 7);
            std::vector<float> reference(x.size());
            round_to_format_reference(x, reference, f, r, Saturation::Saturate, 7);
            EXPECT_EQ(y, reference) << to_string(level);
            if (r == Rounding::NearestEven && first.empty()) {
                first = y;
            } else if (r == Rounding::NearestEven) {
                EXPECT_EQ(y, first) << to_string(level);
            }
        }
    }
    set_simd_level(before);
}

}  // namespace
}  // namespace quantscope

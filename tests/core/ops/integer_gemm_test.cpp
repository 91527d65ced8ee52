// The int8 x int8 -> int32 kernel: its SIMD path (AVX-512BW or AVX2 madd over packed panels)
// against the plain loops on every edge of its tiling (rows not a multiple of the 6-row tile,
// columns not a multiple of the panel, odd k, k longer than one depth pass), the extreme codes
// -128 and 127, and int32 wrap-around against 64-bit sums taken modulo 2^32.

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "../../../core/src/ops/integer_gemm.h"
#include "quantscope/common/error.h"
#include "quantscope/ops/quantized_matmul.h"

namespace quantscope {
namespace {

std::vector<std::int8_t> random_int8(std::size_t n, std::mt19937& rng) {
    std::uniform_int_distribution<int> dist(-128, 127);
    std::vector<std::int8_t> v(n);
    for (auto& x : v) {
        x = static_cast<std::int8_t>(dist(rng));
    }
    return v;
}

TEST(IntegerGemm, FastPathEqualsPlainLoopsOnEveryTileEdge) {
    std::mt19937 rng(5);
    const std::size_t sizes[][3] = {{1, 1, 1},      {1, 2, 17},   {5, 3, 63},
                                    {6, 4, 64},     {7, 5, 65},   {13, 9, 130},
                                    {37, 1025, 70}, {2, 2100, 3}, {200, 33, 100}};
    for (const auto& s : sizes) {
        const std::size_t m = s[0], k = s[1], n = s[2];
        const auto a = random_int8(m * k, rng);
        const auto b = random_int8(k * n, rng);
        std::vector<std::int32_t> fast(m * n, -1), plain(m * n, -2);
        ops_detail::int8_gemm(a.data(), b.data(), fast.data(), m, k, n, nullptr);
        ops_detail::int8_gemm_scalar(a.data(), b.data(), plain.data(), m, k, n);
        EXPECT_EQ(fast, plain) << m << " x " << k << " x " << n << " ("
                               << ops_detail::int8_gemm_path() << ")";
    }
}

TEST(IntegerGemm, ExtremeCodesAreExact) {
    // -128 x -128 twice in a madd pair is 32768: fine in int32, one past int16.
    const std::size_t m = 7, k = 300, n = 40;
    for (const std::int8_t av : {std::int8_t{-128}, std::int8_t{127}}) {
        for (const std::int8_t bv : {std::int8_t{-128}, std::int8_t{127}}) {
            const std::vector<std::int8_t> a(m * k, av), b(k * n, bv);
            std::vector<std::int32_t> c(m * n);
            ops_detail::int8_gemm(a.data(), b.data(), c.data(), m, k, n, nullptr);
            for (std::int32_t v : c) {
                ASSERT_EQ(v, static_cast<std::int32_t>(k) * av * bv);
            }
        }
    }
}

TEST(IntegerGemm, PlainLoopsEqualSums) {
    // A 2 x 3 times 3 x 2 worked by hand:
    //   [1 -2  3]   [ 4  -1]   [1*4 + -2*0 + 3*2,  1*-1 + -2*5 + 3*-3]   [10, -20]
    //   [0  5 -6] x [ 0   5] = [0*4 +  5*0 - 6*2,  0*-1 +  5*5 - 6*-3] = [-12, 43]
    //               [ 2  -3]
    MatrixI8 a(2, 3), b(3, 2);
    a << 1, -2, 3, 0, 5, -6;
    b << 4, -1, 0, 5, 2, -3;
    MatrixI32 expected(2, 2);
    expected << 10, -20, -12, 43;
    EXPECT_EQ(integer_matmul(a, b), expected);
}

TEST(IntegerGemm, WideOperandsWrapModulo2To32) {
    MatrixI32 a(2, 3), b(3, 2);
    a << 30000, 30000, 30000, -30000, 1, 2;
    b << 30000, 1, 30000, 2, 30000, 3;
    const MatrixI32 c = integer_matmul(a, b);
    for (Eigen::Index i = 0; i < 2; ++i) {
        for (Eigen::Index j = 0; j < 2; ++j) {
            std::int64_t exact = 0;
            for (Eigen::Index p = 0; p < 3; ++p) {
                exact += std::int64_t{a(i, p)} * b(p, j);
            }
            EXPECT_EQ(c(i, j), static_cast<std::int32_t>(static_cast<std::uint32_t>(exact)));
        }
    }
    EXPECT_LT(c(0, 0), 0);  // 2.7e9 wrapped past the int32 limit
}

TEST(IntegerGemm, CancelStops) {
    const MatrixI8 a = MatrixI8::Ones(64, 64);
    const std::atomic<bool> cancel{true};
    EXPECT_THROW(integer_matmul(a, a, &cancel), Cancelled);
}

}  // namespace
}  // namespace quantscope

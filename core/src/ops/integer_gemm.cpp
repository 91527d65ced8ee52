#include "integer_gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "../common/simd_level.h"
#include "quantscope/common/cancel.h"
#include "quantscope/common/parallel.h"

#if defined(QUANTSCOPE_AVX512BW) || defined(QUANTSCOPE_AVX2)
#include <immintrin.h>
#endif

namespace quantscope::ops_detail {
namespace {

// Signed overflow is undefined in C++; int32 hardware wraps. Sums go through uint32.
inline std::int32_t wrap_add(std::int32_t a, std::int32_t b) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
}
inline std::int32_t wrap_mul(std::int32_t a, std::int32_t b) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) * static_cast<std::uint32_t>(b));
}

// Rows of C [begin, end) by plain loops in i-k-j order (the compiler vectorizes the j loop).
template <typename T>
void gemm_rows(const T* a, const T* b, std::int32_t* c, std::size_t k, std::size_t n,
               std::size_t begin, std::size_t end, const std::atomic<bool>* cancel) {
    for (std::size_t i = begin; i < end; ++i) {
        throw_if_cancelled(cancel);
        std::int32_t* row = c + i * n;
        std::fill(row, row + n, 0);
        for (std::size_t p = 0; p < k; ++p) {
            const std::int32_t av = a[i * k + p];
            const T* brow = b + p * n;
            for (std::size_t j = 0; j < n; ++j) {
                row[j] = wrap_add(row[j], wrap_mul(av, brow[j]));
            }
        }
    }
}

template <typename T>
void gemm_parallel(const T* a, const T* b, std::int32_t* c, std::size_t m, std::size_t k,
                   std::size_t n, const std::atomic<bool>* cancel) {
    parallel_for_tasks(m, m * k * n, [&](std::size_t, std::size_t begin, std::size_t end) {
        gemm_rows(a, b, c, k, n, begin, end, cancel);
    });
}

#if defined(QUANTSCOPE_AVX512BW) || defined(QUANTSCOPE_AVX2)

#if defined(QUANTSCOPE_AVX512BW)
struct Vec {
    using T = __m512i;
    static constexpr std::size_t kLanes = 16;   // int32 lanes
    static constexpr std::size_t kVectors = 4;  // per tile row: 64 columns
    static T zero() { return _mm512_setzero_si512(); }
    static T load(const std::int16_t* p) { return _mm512_load_si512(p); }
    static T broadcast(std::int32_t pair) { return _mm512_set1_epi32(pair); }
    static T madd_add(T acc, T a, T b) { return _mm512_add_epi32(acc, _mm512_madd_epi16(a, b)); }
    static void store(std::int32_t* p, T v) { _mm512_storeu_si512(p, v); }
};
constexpr const char* kPath = "avx512bw";
#else
struct Vec {
    using T = __m256i;
    static constexpr std::size_t kLanes = 8;
    static constexpr std::size_t kVectors = 2;  // 16 columns
    static T zero() { return _mm256_setzero_si256(); }
    static T load(const std::int16_t* p) {
        return _mm256_load_si256(reinterpret_cast<const __m256i*>(p));
    }
    static T broadcast(std::int32_t pair) { return _mm256_set1_epi32(pair); }
    static T madd_add(T acc, T a, T b) { return _mm256_add_epi32(acc, _mm256_madd_epi16(a, b)); }
    static void store(std::int32_t* p, T v) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
    }
};
constexpr const char* kPath = "avx2";
#endif

constexpr std::size_t kPanel = Vec::kLanes * Vec::kVectors;  // columns of B per packed panel
constexpr std::size_t kRows = 6;                             // rows of A per register tile
// Pairs of k per pass: a panel's slice (kPanel * 2 * kDepth int16) stays in L2, a tile's rows
// of A in L1.
constexpr std::size_t kDepth = 512;
constexpr std::size_t kRowChunk = kRows * 32;  // rows of C per task

// 64-byte aligned int16 storage for the packed panels (aligned vector loads).
struct AlignedI16 {
    explicit AlignedI16(std::size_t count)
        : data(static_cast<std::int16_t*>(
              ::operator new[](count * sizeof(std::int16_t), std::align_val_t{64}))) {}
    ~AlignedI16() { ::operator delete[](data, std::align_val_t{64}); }
    AlignedI16(const AlignedI16&) = delete;
    AlignedI16& operator=(const AlignedI16&) = delete;
    std::int16_t* data;
};

// One tile: `Rows` rows of A (int16, pairs adjacent) times a panel slice of `pairs` k-pairs;
// the sums are added to C's valid columns.
template <std::size_t Rows>
void tile(const std::int16_t* a, std::size_t a_stride, const std::int16_t* panel, std::size_t pairs,
          std::int32_t* c, std::size_t c_stride, std::size_t columns) {
    typename Vec::T acc[Rows][Vec::kVectors];
    for (std::size_t r = 0; r < Rows; ++r) {
        for (std::size_t v = 0; v < Vec::kVectors; ++v) {
            acc[r][v] = Vec::zero();
        }
    }
    for (std::size_t t = 0; t < pairs; ++t) {
        const std::int16_t* bp = panel + t * kPanel * 2;
        typename Vec::T b[Vec::kVectors];
        for (std::size_t v = 0; v < Vec::kVectors; ++v) {
            b[v] = Vec::load(bp + v * Vec::kLanes * 2);
        }
        for (std::size_t r = 0; r < Rows; ++r) {
            std::int32_t pair;
            std::memcpy(&pair, a + r * a_stride + 2 * t, sizeof pair);
            const typename Vec::T av = Vec::broadcast(pair);
            for (std::size_t v = 0; v < Vec::kVectors; ++v) {
                acc[r][v] = Vec::madd_add(acc[r][v], av, b[v]);
            }
        }
    }
    alignas(64) std::int32_t out[Vec::kVectors * Vec::kLanes];
    for (std::size_t r = 0; r < Rows; ++r) {
        for (std::size_t v = 0; v < Vec::kVectors; ++v) {
            Vec::store(out + v * Vec::kLanes, acc[r][v]);
        }
        std::int32_t* row = c + r * c_stride;
        for (std::size_t j = 0; j < columns; ++j) {
            row[j] = wrap_add(row[j], out[j]);
        }
    }
}

using TileFn = void (*)(const std::int16_t*, std::size_t, const std::int16_t*, std::size_t,
                        std::int32_t*, std::size_t, std::size_t);
constexpr TileFn kTiles[kRows + 1] = {nullptr,  &tile<1>, &tile<2>, &tile<3>,
                                      &tile<4>, &tile<5>, &tile<6>};

void int8_gemm_simd(const std::int8_t* a, const std::int8_t* b, std::int32_t* c, std::size_t m,
                    std::size_t k, std::size_t n, const std::atomic<bool>* cancel) {
    const std::size_t pairs = (k + 1) / 2;
    const std::size_t a_stride = 2 * pairs;  // k rounded up to even, the pad column zero
    const std::size_t panels = (n + kPanel - 1) / kPanel;
    const std::size_t panel_size = pairs * kPanel * 2;
    AlignedI16 a16(m * a_stride + 1);
    AlignedI16 b16(panels * panel_size + 1);
    // A widened to int16 rows; B repacked so that each 32-bit lane of a panel row holds
    // (b[2t][j], b[2t+1][j]), the pair madd multiplies with the broadcast (a[i][2t], a[i][2t+1]).
    parallel_for_tasks(m, m * k, [&](std::size_t, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            std::int16_t* row = a16.data + i * a_stride;
            for (std::size_t p = 0; p < k; ++p) {
                row[p] = a[i * k + p];
            }
            if (a_stride != k) {
                row[k] = 0;
            }
        }
    });
    parallel_for_tasks(panels, k * n, [&](std::size_t, std::size_t begin, std::size_t end) {
        for (std::size_t p = begin; p < end; ++p) {
            std::int16_t* panel = b16.data + p * panel_size;
            const std::size_t j0 = p * kPanel;
            for (std::size_t t = 0; t < pairs; ++t) {
                std::int16_t* dst = panel + t * kPanel * 2;
                for (std::size_t j = 0; j < kPanel; ++j) {
                    const bool inside = j0 + j < n;
                    dst[2 * j] = inside ? b[2 * t * n + j0 + j] : std::int16_t{0};
                    dst[2 * j + 1] =
                        inside && 2 * t + 1 < k ? b[(2 * t + 1) * n + j0 + j] : std::int16_t{0};
                }
            }
        }
    });
    std::fill(c, c + m * n, 0);
    // Tasks: (row chunk, panel) pairs, panel-major so that a thread's panels stay in its cache.
    const std::size_t row_chunks = (m + kRowChunk - 1) / kRowChunk;
    parallel_for_tasks(
        row_chunks * panels, m * k * n, [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t task = begin; task < end; ++task) {
                throw_if_cancelled(cancel);
                const std::size_t p = task / row_chunks;
                const std::size_t i0 = (task % row_chunks) * kRowChunk;
                const std::size_t i1 = std::min(m, i0 + kRowChunk);
                const std::size_t j0 = p * kPanel;
                const std::size_t columns = std::min(kPanel, n - j0);
                for (std::size_t t0 = 0; t0 < pairs; t0 += kDepth) {
                    const std::size_t depth = std::min(kDepth, pairs - t0);
                    const std::int16_t* panel = b16.data + p * panel_size + t0 * kPanel * 2;
                    for (std::size_t i = i0; i < i1; i += kRows) {
                        const std::size_t rows = std::min(kRows, i1 - i);
                        kTiles[rows](a16.data + i * a_stride + 2 * t0, a_stride, panel, depth,
                                     c + i * n + j0, n, columns);
                    }
                }
            }
        });
}

#else
constexpr const char* kPath = "scalar";
#endif

}  // namespace

void int8_gemm_scalar(const std::int8_t* a, const std::int8_t* b, std::int32_t* c, std::size_t m,
                      std::size_t k, std::size_t n) {
    gemm_rows(a, b, c, k, n, 0, m, nullptr);
}

void int32_gemm(const std::int32_t* a, const std::int32_t* b, std::int32_t* c, std::size_t m,
                std::size_t k, std::size_t n, const std::atomic<bool>* cancel) {
    gemm_parallel(a, b, c, m, k, n, cancel);
}

}  // namespace quantscope::ops_detail

// The entry points of the kernel table (core/src/simd/kernel_table.h): this file is compiled
// once per instruction-set level, and ops_detail::int8_gemm calls the active level's.
namespace quantscope::per_level {

void int8_gemm(const std::int8_t* a, const std::int8_t* b, std::int32_t* c, std::size_t m,
               std::size_t k, std::size_t n, const std::atomic<bool>* cancel) {
    if (m == 0 || n == 0) {
        return;
    }
#if defined(QUANTSCOPE_AVX512BW) || defined(QUANTSCOPE_AVX2)
    if (k > 0) {
        ops_detail::int8_gemm_simd(a, b, c, m, k, n, cancel);
        return;
    }
#endif
    ops_detail::gemm_parallel(a, b, c, m, k, n, cancel);
}

const char* int8_gemm_path() {
    return ops_detail::kPath;
}

}  // namespace quantscope::per_level

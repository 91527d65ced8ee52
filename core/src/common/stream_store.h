#pragma once
// Stores that bypass the caches, for the tensor-sized outputs of the quantize passes. An output
// written with ordinary stores is first read from memory (the line is owned before it is
// written) and then crowds the counters of the histograms out of L1; the kernels instead write a
// block into a small buffer that stays in L1, count it there, and stream it out. Internal to core.

#include <cstddef>
#include <cstdint>

#include "simd_level.h"

#if defined(QUANTSCOPE_SSE2)
#include <immintrin.h>
#endif

namespace quantscope::detail {

// dst[i] = src[i] for i < n. Whole 64-byte lines of dst go out as non-temporal stores; a partial
// line at either end is stored normally. The caller issues stream_fence() before another thread
// reads dst.
inline void stream_store(float* dst, const float* src, std::size_t n) {
    std::size_t i = 0;
    while (i < n && reinterpret_cast<std::uintptr_t>(dst + i) % 64 != 0) {
        dst[i] = src[i];
        ++i;
    }
#if defined(QUANTSCOPE_AVX512F)
    for (; i + 16 <= n; i += 16) {
        _mm512_stream_ps(dst + i, _mm512_loadu_ps(src + i));
    }
#elif defined(QUANTSCOPE_AVX)
    for (; i + 8 <= n; i += 8) {
        _mm256_stream_ps(dst + i, _mm256_loadu_ps(src + i));
    }
#elif defined(QUANTSCOPE_SSE2)
    for (; i + 4 <= n; i += 4) {
        _mm_stream_ps(dst + i, _mm_loadu_ps(src + i));
    }
#endif
    for (; i < n; ++i) {
        dst[i] = src[i];
    }
}

// Orders this thread's streamed stores before its later stores (the end of a task).
inline void stream_fence() {
#if defined(QUANTSCOPE_SSE2)
    _mm_sfence();
#endif
    // Plain stores need no fence: the pool's hand-over orders them.
}

}  // namespace quantscope::detail

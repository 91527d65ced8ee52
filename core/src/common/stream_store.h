#pragma once
// Stores that bypass the caches, for the tensor-sized outputs of the quantize passes. An output
// written with ordinary stores is first read from memory (the line is owned before it is
// written) and then crowds the counters of the histograms out of L1; the kernels instead write a
// block into a small buffer that stays in L1, count it there, and stream it out. Internal to core.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "simd_level.h"

#if defined(QUANTSCOPE_SSE2)
#include <immintrin.h>
#endif

namespace quantscope::detail {

// Copies `bytes` bytes from src to dst: the whole 64-byte lines of dst go out as non-temporal
// stores, a partial line at either end is stored normally. The caller issues stream_fence()
// before another thread reads dst.
inline void stream_store_bytes(void* dst, const void* src, std::size_t bytes) {
    if (bytes == 0) {
        return;
    }
    auto* d = static_cast<char*>(dst);
    const auto* s = static_cast<const char*>(src);
    const std::size_t head = std::min(bytes, (64 - reinterpret_cast<std::uintptr_t>(d) % 64) % 64);
    std::memcpy(d, s, head);
    std::size_t i = head;
#if defined(QUANTSCOPE_AVX512F)
    for (; i + 64 <= bytes; i += 64) {
        _mm512_stream_si512(reinterpret_cast<__m512i*>(d + i), _mm512_loadu_si512(s + i));
    }
#elif defined(QUANTSCOPE_AVX)
    for (; i + 32 <= bytes; i += 32) {
        _mm256_stream_si256(reinterpret_cast<__m256i*>(d + i),
                            _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + i)));
    }
#elif defined(QUANTSCOPE_SSE2)
    for (; i + 16 <= bytes; i += 16) {
        _mm_stream_si128(reinterpret_cast<__m128i*>(d + i),
                         _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i)));
    }
#endif
    std::memcpy(d + i, s + i, bytes - i);
}

// dst[i] = src[i] for i < n, as stream_store_bytes.
inline void stream_store(float* dst, const float* src, std::size_t n) {
    stream_store_bytes(dst, src, n * sizeof(float));
}

// Orders this thread's streamed stores before its later stores (the end of a task).
inline void stream_fence() {
#if defined(QUANTSCOPE_SSE2)
    _mm_sfence();
#endif
    // Plain stores need no fence: the pool's hand-over orders them.
}

}  // namespace quantscope::detail

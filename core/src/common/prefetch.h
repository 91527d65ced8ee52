#pragma once
// Software prefetch for streaming passes over large tensors. The hardware prefetcher does not run
// ahead of a loop that spends a few cycles per value; asking, at each 64-byte line, for a line a
// few KiB further on keeps such a loop fed (docs/performance.md). Internal to core.

#include <cstddef>
#include <cstdint>

namespace quantscope::detail {

// How far ahead a streaming loop asks for data: far enough to cover the memory latency at a few
// cycles per value, near enough to stay in L1. 8 KiB rather than 4: a 2048-value kernel block is
// 8 KiB, so the next block is on its way while this one is counted into the histograms.
inline constexpr std::size_t kPrefetchBytes = 8192;
// Values a loop handles per prefetch: one 64-byte line of floats.
inline constexpr std::size_t kValuesPerLine = 16;

// Asks for the line kPrefetchBytes past `p`. Call once per line consumed. The address may lie
// past the array's end: it is computed as an integer (no out-of-range pointer is formed) and a
// prefetch never faults or changes a result.
inline void prefetch_ahead(const void* p) {
    __builtin_prefetch(
        reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(p) + kPrefetchBytes), 0, 3);
}

// Asks for the lines of [first, first + count) now, for short reads that the loop reaching them
// does not announce (per-block calibration of MX blocks of 32, say).
template <typename T>
inline void prefetch_span(const T* first, std::size_t count) {
    const auto begin = reinterpret_cast<std::uintptr_t>(first);
    const std::uintptr_t end = begin + count * sizeof(T);
    for (std::uintptr_t a = begin; a < end; a += 64) {
        __builtin_prefetch(reinterpret_cast<const void*>(a), 0, 3);
    }
}

}  // namespace quantscope::detail

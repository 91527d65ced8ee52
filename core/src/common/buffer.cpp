#include "quantscope/common/buffer.h"

#include <sys/mman.h>

#include <cstdlib>

namespace quantscope::detail {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kCacheLine = 64;
}  // namespace

void* allocate_large_buffer(std::size_t bytes) {
    const bool huge = bytes >= 2 * kHugePage;
    const std::size_t alignment = huge ? kHugePage : kCacheLine;
    const std::size_t rounded = (bytes + alignment - 1) / alignment * alignment;
    void* pointer = std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded);
    if (pointer == nullptr) {
        throw std::bad_alloc();
    }
    if (huge) {
        // Advice only: without transparent huge pages this is a no-op.
        madvise(pointer, rounded, MADV_HUGEPAGE);
    }
    return pointer;
}

void free_large_buffer(void* pointer) noexcept {
    std::free(pointer);
}

}  // namespace quantscope::detail

#include "quantscope/common/buffer.h"

#include <sys/mman.h>

#include <cstdlib>
#include <mutex>
#include <vector>

namespace quantscope::detail {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kCacheLine = 64;

// Freed large buffers kept for the next allocation of the same size. Every analysis of a tensor
// allocates Q(x) of the tensor's size again; a fresh 64 MiB buffer costs its page faults and the
// kernel's page zeroing (docs/performance.md), a reused one nothing.
// Bounded: a few blocks, 512 MiB in all, the oldest freed first.
class BufferCache {
public:
    static BufferCache& instance() {
        static BufferCache cache;
        return cache;
    }
    BufferCache() { blocks_.reserve(kMaxBlocks); }
    void* take(std::size_t rounded) {
        const std::lock_guard<std::mutex> lock(mutex_);
        for (std::size_t i = 0; i < blocks_.size(); ++i) {
            if (blocks_[i].bytes == rounded) {
                void* pointer = blocks_[i].pointer;
                total_ -= rounded;
                blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(i));
                return pointer;
            }
        }
        return nullptr;
    }
    // Keeps the block, freeing the oldest ones it displaces: the newest frees are the sizes the
    // next analysis asks for again. (Refusing them instead left the cache full of sizes from
    // earlier configs, and every later 64 MiB result was faulted and zeroed afresh.)
    bool keep(void* pointer, std::size_t rounded) {
        if (rounded > kMaxBytes) {
            return false;
        }
        std::vector<void*> displaced;
        displaced.reserve(kMaxBlocks);  // no allocation after blocks leave the list
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            while (!blocks_.empty() &&
                   (blocks_.size() >= kMaxBlocks || total_ + rounded > kMaxBytes)) {
                displaced.push_back(blocks_.front().pointer);
                total_ -= blocks_.front().bytes;
                blocks_.erase(blocks_.begin());
            }
            blocks_.push_back({pointer, rounded});  // capacity reserved: cannot throw
            total_ += rounded;
        }
        for (void* p : displaced) {
            std::free(p);
        }
        return true;
    }
    ~BufferCache() {
        for (const Block& b : blocks_) {
            std::free(b.pointer);
        }
    }

private:
    struct Block {
        void* pointer;
        std::size_t bytes;
    };
    static constexpr std::size_t kMaxBlocks = 6;
    static constexpr std::size_t kMaxBytes = std::size_t{512} << 20;
    std::mutex mutex_;
    std::vector<Block> blocks_;
    std::size_t total_ = 0;
};

std::size_t rounded_size(std::size_t bytes) {
    const std::size_t alignment = bytes >= 2 * kHugePage ? kHugePage : kCacheLine;
    return (bytes + alignment - 1) / alignment * alignment;
}

}  // namespace

void* allocate_large_buffer(std::size_t bytes) {
    const bool huge = bytes >= 2 * kHugePage;
    const std::size_t alignment = huge ? kHugePage : kCacheLine;
    const std::size_t rounded = rounded_size(bytes);
    if (huge) {
        if (void* reused = BufferCache::instance().take(rounded)) {
            return reused;
        }
    }
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

void free_large_buffer(void* pointer, std::size_t bytes) noexcept {
    if (pointer != nullptr && bytes >= 2 * kHugePage) {
        try {
            if (BufferCache::instance().keep(pointer, rounded_size(bytes))) {
                return;
            }
        } catch (...) {
            // out of memory for the cache's bookkeeping: just free
        }
    }
    std::free(pointer);
}

}  // namespace quantscope::detail

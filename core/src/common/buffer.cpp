#include "quantscope/common/buffer.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

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
// Bounded: a few blocks, at most limit_ bytes in all, the oldest freed first. It also counts the
// large buffers in use by size, so that release_unused() can tell which sizes are still wanted.
class BufferCache {
public:
    static BufferCache& instance() {
        static BufferCache cache;
        return cache;
    }
    BufferCache() : limit_(default_limit()) {
        blocks_.reserve(kMaxBlocks);
        live_.reserve(kMaxLiveSizes);
    }
    // A cached block of this size (counted live again), or null.
    void* take(std::size_t rounded) {
        const std::lock_guard<std::mutex> lock(mutex_);
        for (std::size_t i = 0; i < blocks_.size(); ++i) {
            if (blocks_[i].bytes == rounded) {
                void* pointer = blocks_[i].pointer;
                total_ -= rounded;
                blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(i));
                count_live(rounded, +1);
                return pointer;
            }
        }
        return nullptr;
    }
    void allocated(std::size_t rounded) {
        const std::lock_guard<std::mutex> lock(mutex_);
        count_live(rounded, +1);
    }
    // Keeps the block, freeing the oldest ones it displaces: the newest frees are the sizes the
    // next analysis asks for again. (Refusing them instead left the cache full of sizes from
    // earlier configs, and every later 64 MiB result was faulted and zeroed afresh.) False: the
    // caller frees it.
    bool keep(void* pointer, std::size_t rounded) {
        std::vector<void*> displaced;
        bool room = true;
        try {
            displaced.reserve(kMaxBlocks);  // no allocation after blocks leave the list
        } catch (...) {
            room = false;  // out of memory for the bookkeeping: the caller frees it
        }
        bool kept = false;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            count_live(rounded, -1);
            if (room && rounded <= limit_) {
                evict_until(kMaxBlocks - 1, limit_ - rounded, displaced);
                blocks_.push_back({pointer, rounded});  // capacity reserved: cannot throw
                total_ += rounded;
                kept = true;
            }
        }
        for (void* p : displaced) {
            std::free(p);
        }
        return kept;
    }
    void set_limit(std::size_t bytes) {
        std::vector<void*> displaced;
        displaced.reserve(kMaxBlocks);
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            limit_ = bytes;
            evict_until(kMaxBlocks, limit_, displaced);
        }
        for (void* p : displaced) {
            std::free(p);
        }
    }
    void release_unused() {
        std::vector<void*> released;
        released.reserve(kMaxBlocks);
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            for (std::size_t i = 0; i < blocks_.size();) {
                if (live_count(blocks_[i].bytes) == 0) {
                    released.push_back(blocks_[i].pointer);
                    total_ -= blocks_[i].bytes;
                    blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(i));
                } else {
                    ++i;
                }
            }
        }
        for (void* p : released) {
            std::free(p);
        }
    }
    BufferCacheStats stats() {
        const std::lock_guard<std::mutex> lock(mutex_);
        BufferCacheStats stats;
        stats.cached_blocks = blocks_.size();
        stats.cached_bytes = total_;
        for (const LiveSize& l : live_) {
            stats.live_blocks += l.count;
            stats.live_bytes += l.count * l.bytes;
        }
        stats.limit_bytes = limit_;
        return stats;
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
    struct LiveSize {
        std::size_t bytes;
        std::size_t count;
    };
    static constexpr std::size_t kMaxBlocks = 6;
    // Distinct sizes counted live; beyond them a size is not counted (and its cached blocks are
    // then released as unused, which costs only a later page fault).
    static constexpr std::size_t kMaxLiveSizes = 64;

    static std::size_t default_limit() {
        const long pages = sysconf(_SC_PHYS_PAGES);
        const long page = sysconf(_SC_PAGESIZE);
        if (pages <= 0 || page <= 0) {
            return std::size_t{512} << 20;
        }
        return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) / 4;
    }

    // Frees the oldest blocks until at most `blocks` remain holding at most `bytes`.
    void evict_until(std::size_t blocks, std::size_t bytes, std::vector<void*>& displaced) {
        while (!blocks_.empty() && (blocks_.size() > blocks || total_ > bytes)) {
            displaced.push_back(blocks_.front().pointer);
            total_ -= blocks_.front().bytes;
            blocks_.erase(blocks_.begin());
        }
    }
    std::size_t live_count(std::size_t bytes) const {
        for (const LiveSize& l : live_) {
            if (l.bytes == bytes) {
                return l.count;
            }
        }
        return 0;
    }
    void count_live(std::size_t bytes, int change) {
        for (std::size_t i = 0; i < live_.size(); ++i) {
            if (live_[i].bytes == bytes) {
                if (change > 0) {
                    ++live_[i].count;
                } else if (--live_[i].count == 0) {
                    live_[i] = live_.back();
                    live_.pop_back();
                }
                return;
            }
        }
        if (change > 0 && live_.size() < kMaxLiveSizes) {
            live_.push_back({bytes, 1});  // capacity reserved: cannot throw
        }
    }

    std::mutex mutex_;
    std::vector<Block> blocks_;
    std::size_t total_ = 0;
    std::size_t limit_;
    std::vector<LiveSize> live_;
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
        BufferCache::instance().allocated(rounded);
    }
    return pointer;
}

void free_large_buffer(void* pointer, std::size_t bytes) noexcept {
    if (pointer != nullptr && bytes >= 2 * kHugePage) {
        if (BufferCache::instance().keep(pointer, rounded_size(bytes))) {
            return;
        }
    }
    std::free(pointer);
}

}  // namespace quantscope::detail

namespace quantscope {

BufferCacheStats buffer_cache_stats() {
    return detail::BufferCache::instance().stats();
}

void set_buffer_cache_limit(std::size_t bytes) {
    detail::BufferCache::instance().set_limit(bytes);
}

void release_unused_buffers() {
    detail::BufferCache::instance().release_unused();
    // glibc keeps freed heap pages (blocks below its mmap threshold, which grows up to 32 MiB
    // after large frees) for the process; give them back.
    malloc_trim(0);
}

}  // namespace quantscope

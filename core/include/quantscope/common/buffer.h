#pragma once
// Storage for tensor-sized float arrays. Two things make a plain std::vector<float> slow here:
// it zero-fills memory that the next pass overwrites anyway, and on virtual machines every 4 KiB
// page fault is expensive (docs/performance.md: far cheaper with 2 MiB transparent huge pages).
// So large buffers are 2 MiB aligned, advised to use huge pages, and
// elements are default-initialized (left unset) on resize.

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace quantscope {

namespace detail {
void* allocate_large_buffer(std::size_t bytes);
void free_large_buffer(void* pointer, std::size_t bytes) noexcept;
}  // namespace detail

// What the cache of freed large buffers holds (buffer.cpp), and the large buffers in use.
struct BufferCacheStats {
    std::size_t cached_blocks = 0;
    std::size_t cached_bytes = 0;
    std::size_t live_blocks = 0;  // large buffers allocated and not yet freed
    std::size_t live_bytes = 0;
    std::size_t limit_bytes = 0;  // the most the cache keeps
};
BufferCacheStats buffer_cache_stats();
// The most the cache keeps, in bytes (default: a quarter of the machine's RAM); blocks beyond it
// are freed at once, the oldest first.
void set_buffer_cache_limit(std::size_t bytes);
// Frees every cached block whose size no live buffer has (no tensor of that size remains, so no
// analysis will ask for it again), then gives the heap's free pages back to the system. For
// callers that just dropped a tensor.
void release_unused_buffers();

// Element types whose resize may leave new elements unset even though they have member
// initializers, because every producer writes each element (specialized next to such a type).
// They must be implicit-lifetime types (an aggregate, say): their objects then exist as soon as
// the storage does. A tensor's half a million block parameters were written twice otherwise,
// the first time on one thread.
template <typename T>
struct LeftUnsetOnResize : std::false_type {};

template <typename T>
class LargeBufferAllocator {
public:
    using value_type = T;

    LargeBufferAllocator() noexcept = default;
    template <typename U>
    LargeBufferAllocator(const LargeBufferAllocator<U>&) noexcept {}  // NOLINT: rebinding

    T* allocate(std::size_t n) {
        if (n > static_cast<std::size_t>(-1) / sizeof(T)) {
            throw std::bad_array_new_length();
        }
        return static_cast<T*>(detail::allocate_large_buffer(n * sizeof(T)));
    }
    void deallocate(T* pointer, std::size_t n) noexcept {
        detail::free_large_buffer(pointer, n * sizeof(T));
    }

    // resize(n) leaves new elements unset: every producer writes all of them.
    template <typename U>
    void construct(U* pointer) noexcept {
        if constexpr (!LeftUnsetOnResize<U>::value) {
            ::new (static_cast<void*>(pointer)) U;
        }
    }
    template <typename U, typename... Args>
    void construct(U* pointer, Args&&... args) {
        ::new (static_cast<void*>(pointer)) U(std::forward<Args>(args)...);
    }

    friend bool operator==(const LargeBufferAllocator&, const LargeBufferAllocator&) {
        return true;
    }
};

using FloatBuffer = std::vector<float, LargeBufferAllocator<float>>;

// Any large array rebuilt on every analysis (the parameters of half a million blocks, say): the
// same reuse of freed blocks, where a std::vector's memory went back to the system and its pages
// were faulted and zeroed again on each call. Elements
// are default-initialized on resize: types with member initializers still get them.
template <typename T>
using LargeVector = std::vector<T, LargeBufferAllocator<T>>;

}  // namespace quantscope

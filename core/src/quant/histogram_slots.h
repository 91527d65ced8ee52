#pragma once
// Where values fall on equal bins, and per-thread counters of them: one definition shared by
// make_histogram, make_weighted_histogram and the quantize kernels, which count the histograms of
// the KL metric while a block is still in L1 instead of in separate passes. Internal to core.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "../common/prefetch.h"
#include "quantscope/common/parallel.h"
#include "quantscope/quant/histogram.h"

namespace quantscope::detail {

// Zero counts on `bins` (at least 1) equal bins; a degenerate range (lo == hi) is widened by
// 0.5 on each side.
inline Histogram empty_histogram(double lo, double hi, std::size_t bins) {
    Histogram h;
    h.lo = hi > lo ? lo : lo - 0.5;
    h.hi = hi > lo ? hi : hi + 0.5;
    h.counts.assign(std::max<std::size_t>(bins, 1), 0);
    return h;
}

// Where a value goes on `bins` equal bins over [lo, hi]: slot 0 is "below", slot bins+1
// "above", 1..bins the bins. The arithmetic is the values' own float32, which vectorizes 8 wide:
// below and above are exact comparisons with lo and hi (so a value equal to hi joins the last
// bin), and the bin inside is floor((v - lo) * scale), within 2^-24 of the range of the exact
// edge.
struct SlotGrid {
    float first_inside = 0;  // the smallest float >= lo
    float last_inside = 0;   // the largest float <= hi
    float origin = 0;        // lo as a float
    float scale = 0;         // bins / (hi - lo)
    float last_bin = 0;      // bins - 1
    float above = 0;         // bins + 1

    // lo < hi (see empty_histogram).
    SlotGrid(double lo, double hi, std::size_t bins) {
        first_inside = static_cast<float>(lo);
        if (static_cast<double>(first_inside) < lo) {
            first_inside = std::nextafter(first_inside, std::numeric_limits<float>::infinity());
        }
        last_inside = static_cast<float>(hi);
        if (static_cast<double>(last_inside) > hi) {
            last_inside = std::nextafter(last_inside, -std::numeric_limits<float>::infinity());
        }
        origin = static_cast<float>(lo);
        scale = static_cast<float>(static_cast<double>(bins) / (hi - lo));
        last_bin = static_cast<float>(bins - 1);
        above = static_cast<float>(bins + 1);
    }
    explicit SlotGrid(const Histogram& h) : SlotGrid(h.lo, h.hi, h.bins()) {}
};

// Non-finite values get `skip`. Written without branches so that the loops calling it vectorize;
// a NaN position (an infinite scale) falls into the first bin instead of reaching a conversion.
inline std::uint32_t histogram_slot(float v, const SlotGrid& g, std::uint32_t skip) {
    float bin = __builtin_floorf((v - g.origin) * g.scale);
    bin = bin >= 0.0f ? bin : 0.0f;
    bin = bin <= g.last_bin ? bin : g.last_bin;
    float slot = bin + 1.0f;
    slot = v < g.first_inside ? 0.0f : slot;
    slot = v > g.last_inside ? g.above : slot;
    const bool finite = __builtin_fabsf(v) <= std::numeric_limits<float>::max();
    slot = finite ? slot : 0.0f;  // never convert NaN
    return finite ? static_cast<std::uint32_t>(static_cast<std::int32_t>(slot)) : skip;
}

// One thread's counts of small indices (0 .. slots-1): eight interleaved copies of 32-bit
// counters, so that the count loop has no branch and neighbouring values with one index (common
// near a distribution's peak) do not serialize on one counter's store-to-load latency. The copies
// are moved into 64-bit totals long before a 32-bit counter could wrap.
class ScatterCounts {
public:
    explicit ScatterCounts(std::size_t slots)
        : stride_((slots + 15) / 16 * 16),  // copies a cache line apart
          counts_(kCopies * stride_, 0),
          totals_(slots, 0) {}

    // Counts each index[0..n), every one below slots().
    void add(const std::uint32_t* index, std::size_t n) {
        std::uint32_t* c = counts_.data();
        const std::size_t s = stride_;
        std::size_t i = 0;
        for (; i + kCopies <= n; i += kCopies) {
            for (std::size_t k = 0; k < kCopies; ++k) {
                ++c[k * s + index[i + k]];
            }
        }
        for (; i < n; ++i) {
            ++c[index[i]];
        }
        counted_ += n;
        if (counted_ >= kFlushEvery) {
            flush();
        }
    }

    std::size_t slots() const { return totals_.size(); }
    std::int64_t count(std::size_t slot) const {
        std::int64_t total = totals_[slot];
        for (std::size_t copy = 0; copy < kCopies; ++copy) {
            total += counts_[copy * stride_ + slot];
        }
        return total;
    }

private:
    // Eight copies of 32-bit counters: a scatter increment was 15 % cheaper than with four
    // copies of 64-bit ones (fewer store-to-load stalls, half the footprint).
    static constexpr std::size_t kCopies = 8;
    // Far below 2^32, and low enough that the tests' larger tensors flush too.
    static constexpr std::uint64_t kFlushEvery = std::uint64_t{1} << 19;

    void flush() {
        for (std::size_t copy = 0; copy < kCopies; ++copy) {
            std::uint32_t* c = counts_.data() + copy * stride_;
            for (std::size_t b = 0; b < totals_.size(); ++b) {
                totals_[b] += c[b];
                c[b] = 0;
            }
        }
        counted_ = 0;
    }

    std::size_t stride_;
    std::vector<std::uint32_t> counts_;
    std::vector<std::int64_t> totals_;
    std::uint64_t counted_ = 0;
};

// One thread's counts on a grid: slots (below, bins, above) plus a trash slot for non-finite
// values.
class SlotCounts {
public:
    // Values add() takes at a time.
    static constexpr std::size_t kRun = 2048;

    explicit SlotCounts(const Histogram& shape)
        : grid_(shape), bins_(shape.bins()), counts_(shape.bins() + 3) {}

    // Counts v[0..n), n <= kRun. `prefetch` asks for the data ahead (for reads from memory; off
    // for a block the caller just wrote, which is in L1).
    void add(const float* v, std::size_t n, bool prefetch) {
        const SlotGrid g = grid_;  // a local copy: the stores to slots cannot alias it
        const auto trash = static_cast<std::uint32_t>(bins_ + 2);
        std::uint32_t slots[kRun];
        std::size_t i = 0;
        for (; i + kValuesPerLine <= n; i += kValuesPerLine) {
            if (prefetch) {
                prefetch_ahead(v + i);
            }
            for (std::size_t j = i; j < i + kValuesPerLine; ++j) {
                slots[j] = histogram_slot(v[j], g, trash);
            }
        }
        for (; i < n; ++i) {
            slots[i] = histogram_slot(v[i], g, trash);
        }
        counts_.add(slots, n);
    }

    // Adds these counts into h (same bins).
    void add_to(Histogram& h) const {
        h.below += counts_.count(0);
        h.above += counts_.count(bins_ + 1);
        for (std::size_t b = 0; b < bins_; ++b) {
            h.counts[b] += counts_.count(b + 1);
        }
    }

private:
    SlotGrid grid_;
    std::size_t bins_;
    ScatterCounts counts_;
};

// The KL metric's two histograms, of x and of Q(x) on one grid, counted by the quantize kernels
// a block at a time while the block is in L1: no pass over the tensor of their own. Each thread
// counts into its chunk's counters (parallel_for's chunk index).
class KernelHistograms {
public:
    KernelHistograms(Histogram shape, bool count_x, bool count_y)
        : shape_(std::move(shape)),
          count_x_(count_x),
          count_y_(count_y),
          x_(count_x ? max_chunks() : 0),
          y_(count_y ? max_chunks() : 0) {}

    // One thread's counters; add() counts a block (at most SlotCounts::kRun values) of x and its
    // Q(x) as asked.
    class Local {
    public:
        // `prefetch` for blocks read from memory (off for a block the kernel just made).
        void add(const float* x, const float* y, std::size_t n, bool prefetch = false) const {
            for (std::size_t i = 0; i < n; i += SlotCounts::kRun) {
                const std::size_t m = std::min(SlotCounts::kRun, n - i);
                if (x_ != nullptr) {
                    x_->add(x + i, m, prefetch);
                }
                if (y_ != nullptr) {
                    y_->add(y + i, m, prefetch);
                }
            }
        }

    private:
        friend class KernelHistograms;
        SlotCounts* x_ = nullptr;
        SlotCounts* y_ = nullptr;
    };

    // Null-safe: a null `histograms` gives a Local that counts nothing.
    static Local local(KernelHistograms* histograms, std::size_t chunk) {
        Local l;
        if (histograms != nullptr) {
            if (histograms->count_x_) {
                l.x_ = &histograms->x_[chunk].emplace(histograms->shape_);
            }
            if (histograms->count_y_) {
                l.y_ = &histograms->y_[chunk].emplace(histograms->shape_);
            }
        }
        return l;
    }

    // Stops counting Q(x) (a kernel that counts codes instead); before any local().
    void skip_y() { count_y_ = false; }
    // Stops counting x, for a caller that counts it on this grid itself (see joint_counts.h)
    // and then gives it with set_x(); before any local().
    void skip_x() { count_x_ = false; }
    void set_x(Histogram x) { given_x_ = std::move(x); }
    bool counts_x() const { return count_x_; }
    bool counts_y() const { return count_y_; }
    const Histogram& shape() const { return shape_; }
    Histogram x() const { return given_x_ ? *given_x_ : merged(x_); }
    Histogram y() const { return merged(y_); }

private:
    Histogram merged(const std::vector<std::optional<SlotCounts>>& parts) const {
        Histogram h = shape_;
        for (const std::optional<SlotCounts>& part : parts) {
            if (part) {
                part->add_to(h);
            }
        }
        return h;
    }

    Histogram shape_;
    bool count_x_;
    bool count_y_;
    std::vector<std::optional<SlotCounts>> x_;
    std::vector<std::optional<SlotCounts>> y_;
    std::optional<Histogram> given_x_;
};

}  // namespace quantscope::detail

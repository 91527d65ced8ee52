#pragma once
// Where values fall on equal bins, and per-thread counters of them: one definition shared by
// make_histogram, the histogram view and the KL metric's counts.
// Internal to core.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "../common/finite_float.h"
#include "../common/prefetch.h"
#include "quantscope/common/parallel.h"
#include "quantscope/quant/histogram.h"
#include "slot_pair_counts.h"

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

    SlotGrid() = default;
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

// floor((v - lo) * scale) clamped to the bins 0 .. bins-1: clamped first and then truncated,
// which is the same for the non-negative positions left (one rounding instruction fewer). A NaN
// position fails both clamps and becomes 0.
inline std::int32_t clamped_bin(float v, const SlotGrid& g) {
    float position = (v - g.origin) * g.scale;
    position = position >= 0.0f ? position : 0.0f;
    position = position <= g.last_bin ? position : g.last_bin;
    return static_cast<std::int32_t>(position);
}

// The slot of a finite value: histogram_slot without the non-finite guard. A NaN position (an
// infinite scale) fails both clamps and lands in the first bin, never in a conversion.
inline std::uint32_t finite_histogram_slot(float v, const SlotGrid& g) {
    std::int32_t slot = clamped_bin(v, g) + 1;
    slot = v < g.first_inside ? 0 : slot;
    slot = v > g.last_inside ? static_cast<std::int32_t>(g.above) : slot;
    return static_cast<std::uint32_t>(slot);
}

// The slot of a value inside the grid's range (lo <= v <= hi), for which it equals
// finite_histogram_slot: the two edge comparisons left out. It never decreases on all floats
// (values outside clamp to the edge bins), which the joint counts need; NaN gets slot 1.
inline std::uint32_t clamped_histogram_slot(float v, const SlotGrid& g) {
    return static_cast<std::uint32_t>(clamped_bin(v, g) + 1);
}

// Non-finite values get `skip`. Written without branches so that the loops calling it vectorize
// (finite_histogram_slot keeps even NaN positions, from an infinite scale, out of a conversion).
inline std::uint32_t histogram_slot(float v, const SlotGrid& g, std::uint32_t skip) {
    const bool finite = is_finite_float(v);
    const std::uint32_t slot = finite_histogram_slot(v, g);
    return finite ? slot : skip;
}

// slots[i] = histogram_slot(v[i], grid, trash) for i < n. `prefetch` asks for the data ahead
// (for reads from memory; off for a block the caller just wrote, which is in L1).
inline void fill_histogram_slots(const float* v, std::size_t n, const SlotGrid& grid,
                                 std::uint32_t trash, std::uint32_t* slots, bool prefetch) {
    const SlotGrid g = grid;  // a local copy: the stores to slots cannot alias it
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

    // Counts each index[0..n), every one below slots(). Never inlined: inlined into the per-tensor
    // kernel loop it ran slower.
    [[gnu::noinline]] void add(const std::uint32_t* index, std::size_t n) {
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
    // Eight copies of 32-bit counters: a scatter increment is cheaper than with four copies of
    // 64-bit ones (fewer store-to-load stalls, half the footprint).
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
        std::uint32_t slots[kRun];
        fill_histogram_slots(v, n, grid_, trash(), slots, prefetch);
        counts_.add(slots, n);
    }

    // Counts slots a kernel computed itself (histogram_slot on this grid, trash() for what is
    // not counted), n <= kRun.
    void add_slots(const std::uint32_t* slots, std::size_t n) { counts_.add(slots, n); }
    std::uint32_t trash() const { return static_cast<std::uint32_t>(bins_ + 2); }

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

// Two histograms on one grid, of x and of Q(x), counted a block at a time with one pair count
// per value (slot_pair_counts.h): the histogram view's original and dequantized values. Each
// thread counts into its chunk's counters (parallel_for's chunk index).
class PairHistograms {
public:
    explicit PairHistograms(Histogram shape)
        : shape_(std::move(shape)), grid_(shape_), pairs_(max_chunks()) {}

    // One thread's counters.
    class Local {
    public:
        // Counts x[0..n) and y[0..n). `prefetch` for blocks read from memory.
        void add(const float* x, const float* y, std::size_t n, bool prefetch) const {
            // A few lines of slots at a time, to leave L1 to the counters and the data.
            constexpr std::size_t kStep = 256;
            const auto trash = static_cast<std::uint32_t>(pairs_->slots() - 1);
            for (std::size_t j = 0; j < n; j += kStep) {
                const std::size_t k = std::min(kStep, n - j);
                std::uint32_t x_slots[kStep];
                std::uint32_t y_slots[kStep];
                fill_histogram_slots(x + j, k, grid_, trash, x_slots, prefetch);
                fill_histogram_slots(y + j, k, grid_, trash, y_slots, prefetch);
                pairs_->add(x_slots, y_slots, k);
            }
        }

    private:
        friend class PairHistograms;
        SlotPairCounts* pairs_ = nullptr;
        SlotGrid grid_;
    };

    Local local(std::size_t chunk) {
        Local l;
        l.grid_ = grid_;
        // slots 0 .. bins+1 and the trash slot
        l.pairs_ = &pairs_[chunk].emplace(shape_.bins() + 3);
        return l;
    }

    Histogram x() const { return merged(true); }
    Histogram y() const { return merged(false); }

private:
    // The pair counts' marginal (x or Q(x)).
    Histogram merged(bool of_x) const {
        Histogram h = shape_;
        auto add = [&h](std::size_t slot, std::int64_t count) {
            if (slot == 0) {
                h.below += count;
            } else if (slot <= h.bins()) {
                h.counts[slot - 1] += count;
            } else if (slot == h.bins() + 1) {
                h.above += count;
            }  // the trash slot is not counted
        };
        auto skip = [](std::size_t, std::int64_t) {};
        for (const std::optional<SlotPairCounts>& part : pairs_) {
            if (part) {
                if (of_x) {
                    part->for_each_count(add, skip);
                } else {
                    part->for_each_count(skip, add);
                }
            }
        }
        return h;
    }

    Histogram shape_;
    SlotGrid grid_;
    std::vector<std::optional<SlotPairCounts>> pairs_;
};

}  // namespace quantscope::detail

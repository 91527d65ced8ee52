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
#include <stdexcept>
#include <utility>
#include <vector>

#include "../common/prefetch.h"
#include "block_joint_counts.h"
#include "joint_counts.h"
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
    const bool finite = __builtin_fabsf(v) <= std::numeric_limits<float>::max();
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
    // kernel loop it ran about 3 % slower.
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

// The code of an integer kernel's Q(x), rint(Q / s) + z - qmin: exact, since Q = (q - z) s with
// an error far below half a step. Clamped to the codes: (q - z) s can overflow to +-Inf at the
// end codes of a range near the float maximum, and those are the end codes.
struct JointCode {
    float inv_scale = 1;
    float zero_point = 0;
    float qmin = 0;
    std::size_t codes = 1;  // qmax - qmin + 1

    std::uint32_t index(float q) const {
        float code = __builtin_rintf(q * inv_scale) + zero_point - qmin;
        const auto top = static_cast<float>(codes - 1);
        code = code >= 0.0f ? code : 0.0f;
        code = code <= top ? code : top;
        return static_cast<std::uint32_t>(static_cast<std::int32_t>(code));
    }
};

// The KL metric's two histograms, of x and of Q(x) on one grid, counted by the quantize kernels
// a block at a time while the block is in L1: no pass over the tensor of their own. Each thread
// counts into its chunk's counters (parallel_for's chunk index). Per tensor, both can be counted
// with one increment per value (count_jointly, joint_counts.h).
class KernelHistograms {
public:
    KernelHistograms(Histogram shape, bool count_x, bool count_y)
        : shape_(std::move(shape)),
          grid_(shape_),
          count_x_(count_x),
          count_y_(count_y),
          x_(count_x ? max_chunks() : 0),
          y_(count_y ? max_chunks() : 0),
          pairs_(count_x && count_y ? max_chunks() : 0) {}

    // One thread's counters; add() counts a block (at most SlotCounts::kRun values) of x and its
    // Q(x) as asked.
    class Local {
    public:
        // `prefetch` for blocks read from memory (off for a block the kernel just made).
        void add(const float* x, const float* y, std::size_t n, bool prefetch = false) const {
            for (std::size_t i = 0; i < n; i += SlotCounts::kRun) {
                const std::size_t m = std::min(SlotCounts::kRun, n - i);
                if (pairs_ != nullptr) {
                    // A few lines of slots at a time, to leave L1 to the counters and the data.
                    constexpr std::size_t kStep = 256;
                    for (std::size_t j = 0; j < m; j += kStep) {
                        const std::size_t k = std::min(kStep, m - j);
                        std::uint32_t x_slots[kStep];
                        std::uint32_t y_slots[kStep];
                        fill_histogram_slots(x + i + j, k, grid_, slot_trash(), x_slots, prefetch);
                        fill_histogram_slots(y + i + j, k, grid_, slot_trash(), y_slots, prefetch);
                        pairs_->add(x_slots, y_slots, k);
                    }
                }
                if (x_ != nullptr) {
                    x_->add(x + i, m, prefetch);
                }
                if (y_ != nullptr) {
                    y_->add(y + i, m, prefetch);
                }
                if (joint_ != nullptr) {
                    add_joint(x + i, y + i, m);
                }
            }
        }

        // For the integer kernel that makes the joint indices itself, for blocks of finite
        // values: u = clamped slot of x on grid() + code; they go to add_joint_indices().
        bool takes_code_indices() const { return joint_ != nullptr && code_.has_value(); }
        // For kernels that compute the slots of x and of Q(x) themselves (histogram_slot on
        // grid(), slot_trash() where histogram_slot gives its skip value), for blocks of finite
        // x: whether to (both histograms counted, apart), and where they go. x is counted only
        // on its own finite range, so clamped_histogram_slot gives the slots of x.
        bool takes_slots() const { return pairs_ != nullptr; }
        std::uint32_t slot_trash() const { return static_cast<std::uint32_t>(pairs_->slots() - 1); }
        // n <= SlotCounts::kRun.
        void add_slots(const std::uint32_t* x_slots, const std::uint32_t* y_slots,
                       std::size_t n) const {
            pairs_->add(x_slots, y_slots, n);
        }
        const SlotGrid& grid() const { return grid_; }
        // For the block-scaled kernel that counts both histograms jointly per block scale
        // (count_jointly_per_block), for blocks of any values: 0 for a non-finite x, otherwise
        // the row of the block's scale + clamped slot of x on grid() + element_code() of Q(x)'s
        // element value.
        BlockJointCounts* block_joint() const { return block_joint_; }
        const ElementCode& element_code() const { return element_code_; }
        void add_joint_indices(const std::uint32_t* index, std::size_t n) const {
            joint_->add(index, n);
        }

    private:
        friend class KernelHistograms;

        // u = clamped slot of x + index of Q(x) for finite x, the trash slot otherwise. Q(x) of a
        // finite x is finite or, for an end level beyond the float maximum, +-Inf, which takes the
        // edge slot or code: u still never decreases.
        void add_joint(const float* x, const float* y, std::size_t n) const {
            const SlotGrid g = grid_;
            const auto trash = static_cast<std::uint32_t>(joint_->slots() - 1);
            std::uint32_t index[SlotCounts::kRun];
            if (code_) {
                const JointCode c = *code_;
                for (std::size_t i = 0; i < n; ++i) {
                    const bool finite = __builtin_fabsf(x[i]) <= std::numeric_limits<float>::max();
                    const float yi = finite ? y[i] : 0.0f;
                    index[i] = finite ? clamped_histogram_slot(x[i], g) + c.index(yi) : trash;
                }
            } else {
                for (std::size_t i = 0; i < n; ++i) {
                    const bool finite = __builtin_fabsf(x[i]) <= std::numeric_limits<float>::max();
                    const float xi = finite ? x[i] : 0.0f;
                    const float yi = finite ? y[i] : 0.0f;
                    const std::uint32_t u =
                        clamped_histogram_slot(xi, g) + finite_histogram_slot(yi, g);
                    index[i] = finite ? u : trash;
                }
            }
            joint_->add(index, n);
        }

        SlotCounts* x_ = nullptr;
        SlotCounts* y_ = nullptr;
        SlotPairCounts* pairs_ = nullptr;  // both histograms, counted apart
        ScatterCounts* joint_ = nullptr;
        BlockJointCounts* block_joint_ = nullptr;
        ElementCode element_code_;
        SlotGrid grid_;
        std::optional<JointCode> code_;
    };

    // Null-safe: a null `histograms` gives a Local that counts nothing.
    static Local local(KernelHistograms* histograms, std::size_t chunk) {
        Local l;
        if (histograms != nullptr) {
            l.grid_ = histograms->grid_;
            if (histograms->count_x_ && histograms->count_y_) {
                // slots 0 .. bins+1 and the trash slot
                l.pairs_ = &histograms->pairs_[chunk].emplace(histograms->shape_.bins() + 3);
            } else if (histograms->count_x_) {
                l.x_ = &histograms->x_[chunk].emplace(histograms->shape_);
            } else if (histograms->count_y_) {
                l.y_ = &histograms->y_[chunk].emplace(histograms->shape_);
            }
            if (!histograms->joint_.empty()) {
                l.joint_ = &histograms->joint_[chunk].emplace(histograms->joint_slots() + 1);
                l.code_ = histograms->code_;
            }
            if (!histograms->block_joint_.empty()) {
                l.element_code_ = *histograms->element_code_;
                l.block_joint_ = &histograms->block_joint_[chunk].emplace(
                    histograms->shape_.bins() + 2, l.element_code_.codes());
            }
        }
        return l;
    }

    // Stops counting Q(x) (a kernel that counts codes instead); before any local().
    void skip_y() { count_y_ = false; }
    // Counts x and Q(x) with one increment per value, for a kernel whose Q never decreases (per
    // tensor, deterministic rounding); finish_joint() must follow the kernels. Q(x) enters the
    // joint index by its slot, or with `code` (integer kernels) by its code, which is cheaper to
    // compute. x enters by its clamped slot, so every finite x must lie inside the grid (as when
    // the grid is x's finite range). Only when both histograms were to be counted; before any
    // local().
    void count_jointly(std::optional<JointCode> code = {}) {
        if (count_x_ && count_y_) {
            count_x_ = count_y_ = false;
            code_ = code;
            joint_.resize(max_chunks());
        }
    }
    bool counts_jointly() const { return !joint_.empty(); }

    // Counts x and Q(x) with one increment per value, per block scale (block_joint_counts.h), for
    // a block-scaled kernel with deterministic rounding into a format `code` applies to;
    // finish_block_joint() must follow the kernels. Every finite x must lie inside the grid, as
    // for count_jointly. Only when both histograms were to be counted; before any local().
    void count_jointly_per_block(const ElementCode& code) {
        if (count_x_ && count_y_) {
            count_x_ = count_y_ = false;
            element_code_ = code;
            block_joint_.resize(max_chunks());
        }
    }
    bool counts_jointly_per_block() const { return !block_joint_.empty(); }

    // After kernels that counted jointly per block: both histograms. round(scale, v, r, n) sets
    // r[k] to the element value the kernels gave v[k] in a block of that scale, whose Q(v[k]) is
    // then r[k] * scale, for n <= kSearchBatch finite floats. Throws std::logic_error if a count
    // has no pair of slots.
    template <class Round>
    void finish_block_joint(Round&& round) {
        const ElementCode code = *element_code_;
        const std::size_t width = shape_.bins() + 2 + code.codes() - 1;
        std::vector<std::vector<std::int64_t>> rows(BlockJointCounts::kIds);
        std::vector<float> scale_of(BlockJointCounts::kIds, 0.0f);
        for (const std::optional<BlockJointCounts>& part : block_joint_) {
            if (part) {
                part->for_each_row(
                    [&](std::uint32_t id, float scale, const std::vector<std::int64_t>& counts) {
                        std::vector<std::int64_t>& row = rows[id];
                        row.resize(width, 0);
                        for (std::size_t u = 0; u < width; ++u) {
                            row[u] += counts[u];
                        }
                        scale_of[id] = scale;
                    });
            }
        }
        const SlotGrid g = grid_;
        const auto trash = static_cast<std::uint32_t>(shape_.bins() + 2);
        Histogram x = shape_;
        Histogram y = shape_;
        float r[kSearchBatch];
        for (std::size_t id = 0; id < rows.size(); ++id) {
            const std::vector<std::int64_t>& row = rows[id];
            std::vector<std::int64_t> wanted;
            for (std::size_t u = 0; u < row.size(); ++u) {
                if (row[u] > 0) {
                    wanted.push_back(static_cast<std::int64_t>(u));
                }
            }
            if (wanted.empty()) {
                continue;
            }
            const float scale = scale_of[id];
            const std::vector<float> first = first_floats_reaching(
                wanted, [&](const float* v, std::size_t n, std::int64_t* sum) {
                    round(scale, v, r, n);
                    for (std::size_t k = 0; k < n; ++k) {
                        sum[k] = std::int64_t{clamped_histogram_slot(v[k], g)} + code.index(r[k]);
                    }
                });
            for (std::size_t i = 0; i < wanted.size(); i += kSearchBatch) {
                const std::size_t n = std::min(kSearchBatch, wanted.size() - i);
                round(scale, first.data() + i, r, n);
                for (std::size_t k = 0; k < n; ++k) {
                    const std::uint32_t sx = clamped_histogram_slot(first[i + k], g);
                    if (std::int64_t{sx} + code.index(r[k]) != wanted[i + k]) {
                        throw std::logic_error(
                            "joint histogram counts without their pair of slots");
                    }
                    const std::int64_t count = row[static_cast<std::size_t>(wanted[i + k])];
                    add_to_slot(x, sx, count);
                    const std::uint32_t sy = histogram_slot(r[k] * scale, g, trash);
                    if (sy != trash) {
                        add_to_slot(y, sy, count);
                    }
                }
            }
        }
        given_x_ = std::move(x);
        given_y_ = std::move(y);
    }

    // After kernels that counted jointly: both histograms from the joint counts. quantize(v, q, n)
    // sets q[k] = Q(v[k]) exactly as the kernels did, for n <= kSearchBatch finite floats.
    // Throws std::logic_error if a count has no pair of slots (Q broke the contract).
    template <class Quantize>
    void finish_joint(Quantize&& quantize) {
        const std::size_t slots = joint_slots();  // without the trash slot
        std::vector<std::int64_t> totals(slots, 0);
        for (const std::optional<ScatterCounts>& part : joint_) {
            if (part) {
                for (std::size_t u = 0; u < slots; ++u) {
                    totals[u] += part->count(u);
                }
            }
        }
        std::vector<std::int64_t> wanted;
        for (std::size_t u = 0; u < slots; ++u) {
            if (totals[u] > 0) {
                wanted.push_back(static_cast<std::int64_t>(u));
            }
        }
        const SlotGrid g = grid_;
        const auto trash = static_cast<std::uint32_t>(shape_.bins() + 2);
        auto x_index = [&](float v) { return clamped_histogram_slot(v, g); };
        auto y_index = [&](float q) {
            return code_ ? code_->index(q) : finite_histogram_slot(q, g);
        };
        float q[kSearchBatch];
        const std::vector<float> first =
            first_floats_reaching(wanted, [&](const float* v, std::size_t n, std::int64_t* sum) {
                quantize(v, q, n);
                for (std::size_t k = 0; k < n; ++k) {
                    sum[k] = std::int64_t{x_index(v[k])} + y_index(q[k]);
                }
            });
        Histogram x = shape_;
        Histogram y = shape_;
        for (std::size_t i = 0; i < wanted.size(); i += kSearchBatch) {
            const std::size_t n = std::min(kSearchBatch, wanted.size() - i);
            quantize(first.data() + i, q, n);
            for (std::size_t k = 0; k < n; ++k) {
                const std::uint32_t sx = x_index(first[i + k]);  // first[] is finite
                if (std::int64_t{sx} + y_index(q[k]) != wanted[i + k]) {
                    throw std::logic_error("joint histogram counts without their pair of slots");
                }
                const std::int64_t count = totals[static_cast<std::size_t>(wanted[i + k])];
                add_to_slot(x, sx, count);
                // An infinite Q(x) (an end level beyond the float maximum) is not counted, as
                // SlotCounts skips it.
                const std::uint32_t sy = histogram_slot(q[k], g, trash);
                if (sy != trash) {
                    add_to_slot(y, sy, count);
                }
            }
        }
        given_x_ = std::move(x);
        given_y_ = std::move(y);
    }

    Histogram x() const { return given_x_ ? *given_x_ : merged(x_, true); }
    Histogram y() const { return given_y_ ? *given_y_ : merged(y_, false); }

private:
    // Slot 0 is below, bins+1 above (the trash slot is never passed).
    static void add_to_slot(Histogram& h, std::uint32_t slot, std::int64_t count) {
        if (slot == 0) {
            h.below += count;
        } else if (slot > h.bins()) {
            h.above += count;
        } else {
            h.counts[slot - 1] += count;
        }
    }

    // Joint indices: slots 0 .. bins+1 of x plus the index of Q(x) (its slot, 0 .. bins+1, or
    // its code); the trash slot comes after.
    std::size_t joint_slots() const {
        const std::size_t y_indices = code_ ? code_->codes : shape_.bins() + 2;
        return shape_.bins() + 2 + y_indices - 1;
    }

    // From the separate counts, or from the pair counts' marginal (x or Q(x)).
    Histogram merged(const std::vector<std::optional<SlotCounts>>& parts, bool of_x) const {
        Histogram h = shape_;
        for (const std::optional<SlotCounts>& part : parts) {
            if (part) {
                part->add_to(h);
            }
        }
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
    bool count_x_;
    bool count_y_;
    std::vector<std::optional<SlotCounts>> x_;
    std::vector<std::optional<SlotCounts>> y_;
    std::vector<std::optional<SlotPairCounts>> pairs_;
    std::vector<std::optional<ScatterCounts>> joint_;
    std::optional<JointCode> code_;
    std::vector<std::optional<BlockJointCounts>> block_joint_;
    std::optional<ElementCode> element_code_;
    std::optional<Histogram> given_x_;
    std::optional<Histogram> given_y_;
};

}  // namespace quantscope::detail

#pragma once
// One increment per value for both histograms of the KL metric when every block's scale comes
// from a small set (MX: the E8M0 scale 2^e of each block of 32). The blocks that share a scale
// are quantized by one quantizer, which never decreases under deterministic rounding; so, as for
// a per-tensor quantizer (joint_counts.h), u = slot(x) + code(Q(x)) never decreases with x and
// rises whenever either does. One row of counts per scale that occurs, indexed by u, therefore
// holds both histograms: afterwards each row's pairs are recovered by searching with that
// scale's quantizer (KernelHistograms::finish_block_joint). Separate counts, or the pair counts
// of slot_pair_counts.h, cost two increments for most values of a coarse element format such as
// FP4, whose Q(x) lies many bins from x. Internal to core.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "count_increments.h"
#include "quantscope/formats/float_format.h"

namespace quantscope::detail {

// The code of an element format's value, read from its float32 bits and ordered like the values
// (-0 and +0 share one). Every value of a float format with at most 23 mantissa bits whose
// smallest and largest magnitudes are normal float32 numbers is a float32 with at most M
// significant mantissa bits, so its bits shifted right by 23 - M are distinct and ordered.
struct ElementCode {
    std::uint32_t shift = 0;  // 23 - M
    std::int32_t base = 0;    // the shifted bits of the smallest positive value, minus one
    std::int32_t top = 0;     // the code magnitude of the largest finite value

    // For such formats only.
    static std::optional<ElementCode> of(const FloatFormat& f) {
        if (!f.has_sign || f.mantissa_bits < 0 || f.mantissa_bits > 23 ||
            !(f.min_subnormal >= 0x1.0p-126) || !(f.max_finite < 0x1.0p127)) {
            return std::nullopt;
        }
        ElementCode c;
        c.shift = static_cast<std::uint32_t>(23 - f.mantissa_bits);
        c.base = static_cast<std::int32_t>(
                     std::bit_cast<std::uint32_t>(static_cast<float>(f.min_subnormal)) >> c.shift) -
                 1;
        c.top = c.magnitude(static_cast<float>(f.max_finite));
        return c;
    }

    std::size_t codes() const { return static_cast<std::size_t>(2 * top + 1); }

    // 0 .. codes()-1 for a value of the format; top for zero.
    std::uint32_t index(float v) const {
        const auto bits = std::bit_cast<std::uint32_t>(v);
        const std::int32_t m = magnitude(v);
        return static_cast<std::uint32_t>((bits >> 31) != 0 ? top - m : top + m);
    }

private:
    std::int32_t magnitude(float v) const {
        const auto bits = std::bit_cast<std::uint32_t>(v);
        const std::int32_t m = static_cast<std::int32_t>((bits & 0x7FFFFFFFu) >> shift) - base;
        return m > 0 ? m : 0;  // zero is below the smallest positive value
    }
};

// One thread's joint counts: index 0 is the trash slot (non-finite x), then one row of
// width() counters per scale id that occurred, allocated when first asked for.
class BlockJointCounts {
public:
    // Scale ids are 0 .. kIds-1.
    static constexpr std::size_t kIds = 256;

    // `x_slots`: the grid's slots (bins + 2); `codes`: ElementCode::codes().
    BlockJointCounts(std::size_t x_slots, std::size_t codes)
        : width_(x_slots + codes - 1), row_of_(kIds, 0), counts_(1, 0), totals_(1, 0) {}

    std::size_t width() const { return width_; }

    // The offset of scale id's row (with `scale`, the same for every block with this id).
    std::uint32_t row(std::uint32_t id, float scale) {
        if (row_of_[id] == 0) {
            row_of_[id] = static_cast<std::uint32_t>(counts_.size());
            counts_.resize(counts_.size() + width_, 0);
            totals_.resize(totals_.size() + width_, 0);
            ids_.push_back(id);
            scales_.push_back(scale);
        }
        return row_of_[id];
    }

    // Counts each index[0..n): 0 or a row offset plus u < width().
    void add(const std::uint32_t* index, std::size_t n) {
        increment_counts(counts_.data(), index, n);
        counted_ += n;
        if (counted_ >= kFlushEvery) {
            flush();
        }
    }

    // Calls fn(id, scale, counts) for every row, counts[u] for u < width().
    template <class Fn>
    void for_each_row(Fn&& fn) const {
        std::vector<std::int64_t> row(width_);
        for (std::size_t r = 0; r < ids_.size(); ++r) {
            const std::size_t offset = row_of_[ids_[r]];
            for (std::size_t u = 0; u < width_; ++u) {
                row[u] = totals_[offset + u] + counts_[offset + u];
            }
            fn(ids_[r], scales_[r], row);
        }
    }

private:
    // 32-bit counters emptied into 64-bit totals long before one could wrap (as SlotPairCounts).
    static constexpr std::uint64_t kFlushEvery = std::uint64_t{1} << 19;

    void flush() {
        for (std::size_t c = 0; c < counts_.size(); ++c) {
            totals_[c] += counts_[c];
            counts_[c] = 0;
        }
        counted_ = 0;
    }

    std::size_t width_;
    std::vector<std::uint32_t> row_of_;  // 0: no row yet
    std::vector<std::uint32_t> counts_;
    std::vector<std::int64_t> totals_;
    std::vector<std::uint32_t> ids_;
    std::vector<float> scales_;
    std::uint64_t counted_ = 0;
};

}  // namespace quantscope::detail

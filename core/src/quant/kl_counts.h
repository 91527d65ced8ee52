#pragma once
// The KL metric's histogram (DESIGN.md "KL divergence"), counted by the quantize kernels while a
// block is in L1. Each finite value counts at its position in its group's code units,
// u = x / s + z for integer formats and u = x / s for scaled ones, on kKlBins equal bins over
// the quantizer's outermost cells (code_range); values beyond fold into the edge bins. Every
// group of a config shares these code units, so all groups count into one histogram.
// Internal to core/quant.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "../common/finite_float.h"
#include "histogram_slots.h"
#include "quantscope/quant/metrics.h"
#include "quantscope/quant/quant_config.h"

namespace quantscope::detail {

inline constexpr std::size_t kKlBins = 2048;

// The span of a config's cells in code units: half a step beyond the lowest and the highest
// level ([qmin - 1/2, qmax + 1/2] for integer formats). A value beyond it is clipped.
struct CodeRange {
    double lo = 0;
    double hi = 0;
};
CodeRange code_range(const QuantConfig& config);

// Where a code-unit value falls: clamp(floor((u - origin) * scale), 0, kKlBins - 1).
struct KlGrid {
    float origin = 0;
    float scale = 1;
};

// The slot of code-unit value u of a value x (kKlBins, the trash slot, for a non-finite x):
// branch-free, for the kernels' vector loops.
inline std::uint32_t kl_slot(float x, float u, const KlGrid& g) {
    constexpr auto kLast = static_cast<float>(kKlBins - 1);
    float position = (u - g.origin) * g.scale;
    position = position >= 0.0f ? position : 0.0f;  // NaN too
    position = position <= kLast ? position : kLast;
    const bool finite = is_finite_float(x);
    return finite ? static_cast<std::uint32_t>(static_cast<std::int32_t>(position))
                  : static_cast<std::uint32_t>(kKlBins);
}

// One thread's counts (slot kKlBins takes non-finite values).
class KlCounts {
public:
    static constexpr std::size_t kRun = 2048;  // values add() takes at a time

    explicit KlCounts(const KlGrid& grid) : grid_(grid), counts_(kKlBins + 1) {}

    // Counts x[0..n), n <= kRun, at code position u(i) (x[i] finite).
    template <class U>
    void add_at(const float* x, std::size_t n, U&& u) {
        const KlGrid g = grid_;
        std::uint32_t slots[kRun];
        for (std::size_t i = 0; i < n; ++i) {
            slots[i] = kl_slot(x[i], u(i), g);
        }
        counts_.add(slots, n);
    }
    // Slots a kernel computed with kl_slot on grid(), n <= kRun.
    void add_slots(const std::uint32_t* slots, std::size_t n) { counts_.add(slots, n); }
    const KlGrid& grid() const { return grid_; }
    // One group's values, 1/s and z (z = 0 for scaled formats), any n.
    void add(const float* x, std::size_t n, float inv_scale, float zero_point) {
        for (std::size_t b = 0; b < n; b += kRun) {
            const float* xb = x + b;
            add_at(xb, std::min(kRun, n - b),
                   [&](std::size_t i) { return xb[i] * inv_scale + zero_point; });
        }
    }
    std::int64_t count(std::size_t bin) const { return counts_.count(bin); }

private:
    KlGrid grid_;
    ScatterCounts counts_;
};

// How a quantize path counts the KL histogram: both quantizers ask kl_counting and count with
// count_kl_window, so that this is the one place where the ways are listed.
enum class KlCounting {
    None,          // no KL metric asked for
    KernelSlots,   // the vector kernel writes each value's slot (kl_slot) in its loop, while x and
                   // its code-unit position are in registers; the values after its last whole
                   // vector step are counted from their position, computed again
    ScaledValues,  // every value from its position in an array the path made anyway (the scaled
                   // quantizer's x / s for the element rounder)
};

// The way for a path whose values go through a vector kernel (`vector_kernel`) or are scaled
// into an array first.
inline KlCounting kl_counting(const KlCounts* kl, bool vector_kernel) {
    if (kl == nullptr) {
        return KlCounting::None;
    }
    return vector_kernel ? KlCounting::KernelSlots : KlCounting::ScaledValues;
}

// Counts window x[0..n), n <= KlCounts::kRun, into `kl` the way `how` says: KernelSlots takes
// the first `whole` values' slots from `slots` and the rest at code position u(i); ScaledValues
// every value at u(i).
template <class U>
void count_kl_window(KlCounts* kl, KlCounting how, const std::uint32_t* slots, std::size_t whole,
                     const float* x, std::size_t n, U&& u) {
    switch (how) {
        case KlCounting::None:
            return;
        case KlCounting::KernelSlots:
            kl->add_slots(slots, whole);
            if (whole < n) {
                kl->add_at(x + whole, n - whole, [&](std::size_t i) { return u(whole + i); });
            }
            return;
        case KlCounting::ScaledValues:
            kl->add_at(x, n, u);
            return;
    }
}

// The counts of every thread and what turns them into the metric.
class KlCounter {
public:
    explicit KlCounter(const QuantConfig& config);

    const KlGrid& grid() const { return grid_; }
    // The cells: cell c ends before cell_ends()[c] (cell_divergence's form).
    const std::vector<std::size_t>& cell_ends() const { return cell_ends_; }

    // Chunk `chunk`'s counts (parallel_for's chunk index); null for a null counter.
    static KlCounts* local(KlCounter* counter, std::size_t chunk) {
        return counter != nullptr ? &counter->parts_[chunk].emplace(counter->grid_) : nullptr;
    }
    // Sets metrics.kl_divergence, kl_sampling_floor and kl_below_sampling_floor; `finite_count`
    // is the number of finite values measured, of which those not counted here (outliers kept
    // in FP16) are exact.
    void finish(Metrics& metrics) const;
    // The same from counts p of the kKlBins bins.
    void finish(std::span<const double> p, Metrics& metrics) const;

private:
    KlGrid grid_;
    std::vector<std::size_t> cell_ends_;
    std::vector<std::optional<KlCounts>> parts_;
};

}  // namespace quantscope::detail

#pragma once
// The scaled quantizer's group parameters: a scale from a clipping range, MX and NVFP4 block
// scales, and every group's parameters for a layout. Internal to core/quant.

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "group_layout.h"
#include "quantscope/formats/float_format.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope::detail {

// The parameters of a scale: no zero point, clipping at +-element_max * scale.
GroupParameters with_scale(double scale, const QuantConfig& config);

// Chooses the parameters of groups [g0, g1) of a layout that is not strided, each group from its
// own values only: MX and NVFP4 block scales, or the configured calibration of each group. Run a
// window of groups at a time, in a pass of its own (choose_groups) or, for aligned short blocks,
// by the quantize pass just before it quantizes the window, while the values are in L1.
class GroupChooser {
public:
    // `range`: the tensor's finite range when known (NVFP4's tensor scale needs it).
    // `block_lo_hi` (optional): each block's finite min and max (lo_hi[2 g], lo_hi[2 g + 1]),
    // found by the range pass.
    GroupChooser(std::span<const float> values, const GroupLayout& layout,
                 const QuantConfig& config, const ValueRange* range,
                 const float* block_lo_hi = nullptr);

    // Writes the parameters of groups g0 .. g1-1 to out[0 .. g1-g0). `prefetch` asks for groups
    // ahead (a pass of its own reads from memory).
    void choose(std::size_t g0, std::size_t g1, GroupParameters* out, bool prefetch) const;

private:
    std::span<const float> block(std::size_t g) const;
    void choose_mx(std::size_t g0, std::size_t g1, GroupParameters* out, bool prefetch) const;
    void choose_nvfp4(std::size_t g0, std::size_t g1, GroupParameters* out, bool prefetch) const;
    // The largest finite magnitude of block g (0 when it has none).
    float absmax_of(std::size_t g) const;

    std::span<const float> values_;
    const GroupLayout& layout_;
    const QuantConfig& config_;
    const float* known_lo_hi_;
    int emax_elem_ = 0;
    int max_exponent_ = 127;
    double top_elem_ = 0;
    double tensor_scale_ = 1;
    std::optional<FloatRounder> to_e4m3_;
};

// The length L of every group when the groups are consecutive blocks [g L, (g + 1) L) whose
// length divides kScaledWindow (so that no quantize window splits one), else 0.
std::size_t aligned_block_length(const GroupLayout& layout, const QuantConfig& config);

// Fills `groups` (one entry per group, already sized: no second allocation of what can be
// tens of MiB for blocks of 32).
void choose_groups(std::span<const float> values, const GroupLayout& layout,
                   const QuantConfig& config, LargeVector<GroupParameters>& groups,
                   const ValueRange* range, const std::vector<ClipRange>* strided_ranges);

}  // namespace quantscope::detail

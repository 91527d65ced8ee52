#pragma once
// Calibrating a layout's groups outside the quantize pass: the min-max passes that a cold
// quantize() runs while it finds the finite range (every block's min and max, axis-0 channels'
// parameters, strided channels' ranges), the batched min-max calibration of short integer
// blocks, and one group's calibration whatever its layout. Internal to core/quant.

#include <cstddef>
#include <span>
#include <vector>

#include "group_layout.h"
#include "integer_kernels.h"
#include "quantscope/quant/calibration.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope::detail {

// Whether the batch kernel takes a run of groups of this length (else one group at a time).
inline bool batches_groups_of(std::size_t length) {
    return length % kLanes == 0 && length <= kBlock / 2;
}

// The end of the batch that starts at group `gi`: the adjacent groups of its length that follow,
// before `end`, at most kBlock values in all.
std::size_t batch_end(const GroupLayout& layout, std::size_t gi, std::size_t end);

// Min-max calibration of `count` adjacent groups of `len` values each (len a multiple of kLanes,
// count * len <= kBlock), into their parameters and the kernel's: what choose_parameters and
// kernel_params give group by group, in loops over the batch (for blocks of 32 the calls cost
// more than quantizing the values). Granularity.BatchedBlocksEqualTheScalarReference holds the
// two equal. `params` may be null (only the groups wanted); `seen` (optional) widens by the
// blocks' finite range; `known_lo_hi` (optional) holds each block's finite min and max, as
// short_block_min_max gives them (the cold call's range pass found them), instead of x.
void calibrate_blocks_minmax(const float* x, std::size_t count, std::size_t len,
                             const QuantConfig& config, GroupParameters* groups,
                             KernelParams* params, ValueRange* seen = nullptr,
                             const float* known_lo_hi = nullptr);

// The min-max parameters of every group of a contiguous layout (blocks, channels along axis 0)
// of an integer config, and the finite range of all values, in one pass.
ValueRange calibrate_groups_minmax(std::span<const float> values, const GroupLayout& layout,
                                   const QuantConfig& config, LargeVector<GroupParameters>& groups);

// The finite min and max of every block of a uniform-block layout (lo_hi[2 g], lo_hi[2 g + 1],
// as short_block_min_max gives them), and the finite range of all values, in one pass: the
// range pass of a cold call, which reads every value anyway, and 8 bytes a block (4 MiB for
// blocks of 32 at 16M values) instead of the quantize pass folding each block's lanes.
ValueRange block_min_max(std::span<const float> values, const GroupLayout& layout,
                         LargeVector<float>& lo_hi);

// Min-max ranges of every strided channel in one row-major pass (no gathering; the channel
// loop runs along contiguous memory). Symmetric configs get [-absmax, absmax]. `finite_out`
// (optional) receives the finite range of all the values, finite_range's result, from the same
// pass.
std::vector<ClipRange> strided_minmax_ranges(std::span<const float> values,
                                             const GroupLayout& layout, const QuantConfig& config,
                                             ValueRange* finite_out = nullptr);

// The calibrated clipping range of group `group` (gathers strided channels).
ClipRange calibrate_group(std::span<const float> values, const GroupLayout& layout,
                          std::size_t group, const QuantConfig& config);

}  // namespace quantscope::detail

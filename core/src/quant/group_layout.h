#pragma once
// Where each quantization group's values lie in a row-major tensor (internal to core/quant).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "quantscope/common/buffer.h"
#include "quantscope/common/cancel.h"
#include "quantscope/common/error.h"
#include "quantscope/quant/quant_config.h"

namespace quantscope::detail {

// One contiguous stretch of a group's values.
struct Run {
    std::size_t offset;
    std::size_t length;
};

// Where each group's values are. Tensor, block and axis-0 channel groups are single runs;
// other channel groups are `outer` runs of `inner` values, `dim * inner` apart.
struct GroupLayout {
    // The runs when not strided, listed, or (block_length != 0) the consecutive blocks
    // [g L, (g + 1) L) of L = block_length values, `uniform_blocks` of them, not listed: block
    // granularity whose rows hold whole blocks (half a million runs for blocks of 32 at 16M
    // values were 8 MiB written and read for nothing). Read them through run() and groups().
    LargeVector<Run> single_runs;
    std::size_t block_length = 0;
    std::size_t uniform_blocks = 0;
    bool strided = false;
    std::size_t outer = 1;
    std::size_t dim = 1;
    std::size_t inner = 1;

    std::size_t groups() const {
        return strided ? dim : block_length != 0 ? uniform_blocks : single_runs.size();
    }
    // Group g's run, when not strided.
    Run run(std::size_t g) const {
        return block_length != 0 ? Run{g * block_length, block_length} : single_runs[g];
    }
};

// Throws Cancelled once the caller's flag is set (checked between blocks of work).
using ::quantscope::throw_if_cancelled;

// The shape (an empty one is 1-D, n values); throws UsageError when it does not hold n values
// or a channel axis does not fit it.
std::vector<std::int64_t> checked_shape(std::size_t n, std::span<const std::int64_t> shape,
                                        const Granularity& granularity);

// Throws UsageError when the shape does not hold n values or the granularity does not fit it.
// No values give no groups, whatever the shape claims.
GroupLayout make_layout(std::size_t n, std::span<const std::int64_t> shape,
                        const Granularity& granularity);

}  // namespace quantscope::detail

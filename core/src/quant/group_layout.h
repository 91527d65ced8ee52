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
    LargeVector<Run> single_runs;  // used when not strided
    // L when the runs are the consecutive blocks [g L, (g + 1) L) (block granularity whose rows
    // hold whole blocks), else 0: for kernels that need not read the runs.
    std::size_t block_length = 0;
    bool strided = false;
    std::size_t outer = 1;
    std::size_t dim = 1;
    std::size_t inner = 1;

    std::size_t groups() const { return strided ? dim : single_runs.size(); }
};

// Throws Cancelled once the caller's flag is set (checked between blocks of work).
using ::quantscope::throw_if_cancelled;

// Throws UsageError when the shape does not hold n values or the granularity does not fit it.
GroupLayout make_layout(std::size_t n, std::span<const std::int64_t> shape,
                        const Granularity& granularity);

}  // namespace quantscope::detail

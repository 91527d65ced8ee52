#include "group_layout.h"

#include <algorithm>
#include <optional>
#include <string>

#include "quantscope/common/error.h"
#include "quantscope/common/parallel.h"
#include "quantscope/common/tensor.h"

namespace quantscope::detail {

std::vector<std::int64_t> checked_shape(std::size_t n, std::span<const std::int64_t> shape_in,
                                        const Granularity& g) {
    std::vector<std::int64_t> shape(shape_in.begin(), shape_in.end());
    if (shape.empty()) {
        shape = {static_cast<std::int64_t>(n)};
    }
    const std::optional<std::int64_t> count = checked_element_count(shape);
    if (!count || static_cast<std::size_t>(*count) != n) {
        throw UsageError("shape " + shape_to_string(shape) + " does not hold " + std::to_string(n) +
                         " values");
    }
    if (const std::string problem = granularity_problem(g, shape_in); !problem.empty()) {
        throw UsageError(problem);
    }
    return shape;
}

GroupLayout make_layout(std::size_t n, std::span<const std::int64_t> shape_in,
                        const Granularity& g) {
    const std::vector<std::int64_t> shape = checked_shape(n, shape_in, g);
    if (n == 0) {
        // No values, no groups: an empty axis can claim 2^62 channels or rows to loop over.
        return GroupLayout{};
    }
    GroupLayout layout;
    switch (g.kind) {
        case Granularity::Kind::Tensor:
            layout.single_runs = {{0, n}};
            break;
        case Granularity::Kind::Block: {
            const auto row = static_cast<std::size_t>(shape.back());
            const auto block = static_cast<std::size_t>(g.block);
            // The exact size first: growing by push_back allocated (and page-faulted) every
            // intermediate size, 4 MiB of faults per call for blocks of 32 at 16M values.
            if (row > 0 && row % block == 0) {
                layout.block_length = block;
                layout.uniform_blocks = n / block;
            } else if (row > 0) {
                const std::size_t per_row = (row + block - 1) / block;
                layout.single_runs.resize(n / row * per_row);  // elements left unset: all written
                Run* runs = layout.single_runs.data();
                // Half a million runs for blocks of 32 at 16M values: written on both cores.
                parallel_for_tasks(n / row, n,
                                   [&](std::size_t, std::size_t begin, std::size_t end) {
                                       Run* run = runs + begin * per_row;
                                       for (std::size_t r = begin; r < end; ++r) {
                                           for (std::size_t b = 0; b < row; b += block) {
                                               *run++ = {r * row + b, std::min(block, row - b)};
                                           }
                                       }
                                   });
            }
            break;
        }
        case Granularity::Kind::Channel: {
            const int rank = static_cast<int>(shape.size());
            const int axis = g.axis < 0 ? g.axis + rank : g.axis;  // checked_shape checked it
            for (int d = 0; d < rank; ++d) {
                const auto extent = static_cast<std::size_t>(shape[static_cast<std::size_t>(d)]);
                (d < axis ? layout.outer : d == axis ? layout.dim : layout.inner) *= extent;
            }
            if (layout.outer == 1) {
                layout.single_runs.reserve(layout.dim);
                for (std::size_t c = 0; c < layout.dim; ++c) {
                    layout.single_runs.push_back({c * layout.inner, layout.inner});
                }
            } else {
                layout.strided = true;
            }
            break;
        }
    }
    return layout;
}

}  // namespace quantscope::detail

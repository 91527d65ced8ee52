#include "training_runs.h"

#include "quantscope/common/parallel.h"

namespace quantscope::train_detail {

void for_each_run(std::size_t runs, const std::function<void(std::size_t)>& body) {
    // Each run is milliseconds to seconds of work: always worth a thread.
    parallel_for_tasks(runs, kParallelThreshold,
                       [&](std::size_t, std::size_t begin, std::size_t end) {
                           for (std::size_t i = begin; i < end; ++i) {
                               body(i);
                           }
                       });
}

}  // namespace quantscope::train_detail

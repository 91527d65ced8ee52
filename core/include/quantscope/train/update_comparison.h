#pragma once
// The same training three times (docs/design.md "Low-precision updates"): weights in float32,
// stored in a low-precision format with nearest-even rounding after each step, and stored with
// stochastic rounding. Same task, initial weights, batches and learning rate; the three runs go
// on the engine's threads, each deterministic.

#include <atomic>
#include <string>
#include <vector>

#include "quantscope/formats/format.h"
#include "quantscope/train/low_precision.h"
#include "quantscope/train/ptq_qat.h"

namespace quantscope {

struct UpdateRun {
    std::string label;                // "fp32", "bf16 nearest", "bf16 stochastic"
    std::vector<double> step_losses;  // one per step
    std::vector<EpochRecord> epochs;
    // Per step, the fraction of non-zero updates below half an ULP of the stored weight (empty
    // for fp32): the ones nearest rounding loses; the stochastic run counts them too, though
    // they survive it on average.
    std::vector<double> vanishing_fraction;
    Evaluation final;  // test set at the end
};

struct UpdateComparison {
    std::string format;  // the storage format's name
    UpdateRun fp32;
    UpdateRun nearest;
    UpdateRun stochastic;
    bool cancelled = false;
};

// `format` must be a float format (bf16, fp16, fp8_e4m3...). Progress as
// run_ptq_qat (3 runs). Throws UsageError on a bad task, settings or format.
UpdateComparison run_update_comparison(const TaskSpec& task, const TrainSettings& settings,
                                       const Format& format, const TrainProgress& progress = {},
                                       const std::atomic<bool>* cancel = nullptr);

}  // namespace quantscope

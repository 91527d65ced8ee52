#pragma once
// The 8-bit optimizer states view (docs/design.md "8-bit optimizer states"): the demo model
// trained three times with Adam, its moments stored in FP32, linear int8 and the dynamic map.
// Same task, initial weights, batches and Adam settings; the runs go on the engine's threads,
// each deterministic.

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "quantscope/train/adam.h"
#include "quantscope/train/ptq_qat.h"
#include "quantscope/train/training.h"

namespace quantscope {

struct AdamRun {
    StateFormat format = StateFormat::Fp32;
    std::vector<double> step_losses;  // one per step: the batch's loss
    std::vector<EpochRecord> epochs;
    // Per step, over every tensor: the relative RMS error of storing m and v (stored against
    // the float values they were made from), the stored state against the float shadow fed the
    // same gradients, and the fraction of non-zero v stored as 0. All 0 for FP32.
    std::vector<double> first_error;
    std::vector<double> second_error;
    std::vector<double> first_drift;
    std::vector<double> second_drift;
    std::vector<double> second_zeroed;
    Evaluation final;  // test set at the end
    std::int64_t parameters = 0;
    std::int64_t state_bytes = 0;  // m and v, every tensor counted by state_bytes()
    double bytes_per_parameter() const;
    // The mean of a per-step series (0 when empty): one figure for tables.
    static double mean(const std::vector<double>& series);
};

struct AdamComparison {
    std::vector<AdamRun> runs;  // in state_formats() order: FP32, int8, dynamic8
    bool cancelled = false;
};

// The demo's defaults for this view: the blobs task (4 clusters; learnt within the run, so the
// gradients shrink and spread over decades, where 8-bit states part ways), 6 epochs of 57
// batches (342 steps), Adam at lr 0.003.
TaskSpec adam_demo_task();
TrainSettings adam_demo_settings();
AdamSettings adam_demo_optimizer();

// Progress as run_ptq_qat (3 runs). Throws UsageError on a bad task or settings.
AdamComparison run_adam_comparison(const TaskSpec& task, const TrainSettings& settings,
                                   const AdamSettings& adam, const TrainProgress& progress = {},
                                   const std::atomic<bool>* cancel = nullptr);

}  // namespace quantscope

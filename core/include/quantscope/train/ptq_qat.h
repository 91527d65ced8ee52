#pragma once
// PTQ against QAT over a list of weight configs (docs/design.md "Training demo"):
//   fp32  the model trained in float, evaluated in float
//   PTQ   the same trained weights quantized under the config, evaluated (no retraining)
//   QAT   the trained float model fine-tuned (qat_epochs at qat_learning_rate) with the forward
//         pass on fake-quantized weights and the straight-through estimator, evaluated on its
//         quantized weights
// The QAT runs are independent: they run on the engine's threads, each deterministic, so the
// result is the same whatever the thread count.

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "quantscope/quant/quant_config.h"
#include "quantscope/train/task.h"
#include "quantscope/train/training.h"

namespace quantscope {

struct PtqQatPoint {
    QuantConfig config;
    std::string label;  // format_name(config): "int4", "nf4"
    int bits = 0;       // the element format's bits (the plot's x)
    Evaluation ptq;     // test set
    Evaluation qat;     // test set
    std::vector<EpochRecord> qat_epochs;
};

struct PtqQatResult {
    Evaluation fp32;  // test set
    std::vector<EpochRecord> fp32_epochs;
    std::vector<PtqQatPoint> points;  // in the order of the configs; fewer when cancelled
    bool cancelled = false;
};

// Called after the float run and after each QAT run with (runs done, runs in all), from the
// engine's threads (never two at once); return false to stop.
using TrainProgress = std::function<bool(std::size_t done, std::size_t total)>;

// Throws UsageError on a bad task or settings (make_task, train_mlp) or a config that does not
// fit the weights.
PtqQatResult run_ptq_qat(const TaskSpec& task, const TrainSettings& settings,
                         const std::vector<QuantConfig>& configs,
                         const TrainProgress& progress = {},
                         const std::atomic<bool>* cancel = nullptr);

// The default formats of the sweep: int2 .. int8, then nf4, fp4_e2m1, mxfp4.
const std::vector<std::string>& default_training_formats();
// One config per name (apply_format on `base`, whose granularity, calibration and rounding are
// kept where the format allows). Throws UsageError.
std::vector<QuantConfig> training_configs(const std::vector<std::string>& names,
                                          const QuantConfig& base);
// The default base: symmetric, per tensor, min-max, nearest-even. Per channel the first layer's
// rows hold two weights each and lose almost nothing: per tensor shows what PTQ costs.
QuantConfig default_training_base();

}  // namespace quantscope

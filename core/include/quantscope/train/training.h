#pragma once
// The training loop of the demo (docs/design.md "Training demo"): mini-batch training of the
// MLP on a task's training set, the batches shuffled each epoch from the seed, on the calling
// thread. The same inputs and seed give bit-identical results (no threads inside, a fixed
// summation order); callers run independent trainings on several threads.

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "quantscope/train/mlp.h"
#include "quantscope/train/optimizer.h"
#include "quantscope/train/task.h"

namespace quantscope {

struct TrainSettings {
    int hidden = 64;
    int epochs = 40;
    int batch_size = 32;
    double learning_rate = 0.1;  // for the default optimizer (Sgd)
    double momentum = 0.9;
    std::uint64_t seed = 1;  // initial weights and batch order
    // QAT fine-tunes the float model this many epochs at this learning rate (ptq_qat.h).
    int qat_epochs = 20;
    double qat_learning_rate = 0.02;
};

// One record per epoch, after its last step.
struct EpochRecord {
    int epoch = 0;          // from 1
    double train_loss = 0;  // the mean of the epoch's batch losses (as the steps saw them)
    Evaluation test;        // the test set under the weights the forward pass uses
};

struct TrainOptions {
    // QAT: fills `forward` with the weights the forward pass uses from the float `shadow`
    // weights (fake quantization); the backward pass applies the gradient with respect to
    // `forward` to the shadow weights unchanged (the straight-through estimator). Empty: the
    // forward pass uses the weights themselves.
    std::function<void(const MlpParameters& shadow, MlpParameters& forward)> forward_weights;
    // After each step (from 1) with the batch's loss.
    std::function<void(std::int64_t step, double loss)> on_step;
    // After each epoch; return false to stop (the result is then cancelled).
    std::function<bool(const EpochRecord&)> on_epoch;
    // Checked between steps: once set, training stops and the result is cancelled.
    const std::atomic<bool>* cancel = nullptr;
};

struct TrainResult {
    MlpParameters parameters;         // the float (shadow) weights at the end
    std::vector<EpochRecord> epochs;  // one per epoch done
    std::vector<double> step_losses;  // one per step done
    bool cancelled = false;
};

// Trains `initial` on data.train with `optimizer`. Throws UsageError on an empty training set,
// epochs < 1, batch_size < 1 or a parameter shape that does not fit the data.
TrainResult train_mlp(const TaskData& data, MlpParameters initial, const TrainSettings& settings,
                      Optimizer& optimizer, const TrainOptions& options = {});
// The same with Sgd(settings.learning_rate, settings.momentum) from init_mlp(shape, seed).
TrainResult train_mlp(const TaskData& data, const TrainSettings& settings,
                      const TrainOptions& options = {});

// The shape a task's model has under these settings.
MlpShape mlp_shape(const TaskData& data, const TrainSettings& settings);

}  // namespace quantscope

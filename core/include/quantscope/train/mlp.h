#pragma once
// The demo model: a two-layer perceptron, logits = W2 tanh(W1 x + b1) + b2, trained with softmax
// cross-entropy (docs/design.md "Training demo"). Weights are out x in (row-major): one row per
// output unit, so per-channel quantization (axis 0) gives each unit its own scale.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "quantscope/train/matrix.h"
#include "quantscope/train/task.h"

namespace quantscope {

struct MlpShape {
    int inputs = 2;
    int hidden = 64;
    int outputs = 4;
};

// A view of one parameter tensor: its name, values and shape.
struct ParameterTensor {
    std::string_view name;  // "w1", "b1", "w2", "b2"
    std::span<float> values;
    std::vector<std::int64_t> shape;
    bool is_weight = false;  // a matrix (quantized by PTQ / QAT); biases stay float
};
struct ConstParameterTensor {
    std::string_view name;
    std::span<const float> values;
    std::vector<std::int64_t> shape;
    bool is_weight = false;
};

// The parameters, and (same shapes) their gradients.
struct MlpParameters {
    TrainMatrix w1;  // hidden x inputs
    TrainVector b1;  // hidden
    TrainMatrix w2;  // outputs x hidden
    TrainVector b2;  // outputs

    MlpShape shape() const;
    // Every tensor in a fixed order (w1, b1, w2, b2): the index is the optimizer's slot.
    std::vector<ParameterTensor> tensors();
    std::vector<ConstParameterTensor> tensors() const;
    std::size_t count() const;  // parameters in all
    // Same shape, all zero.
    static MlpParameters zeros(const MlpShape& shape);
};
using MlpGradients = MlpParameters;

// Glorot-uniform weights and zero biases from `seed`.
MlpParameters init_mlp(const MlpShape& shape, std::uint64_t seed);

// The mean softmax cross-entropy over the rows of `inputs` (labels in [0, outputs)). When
// `gradients` is set, it receives d loss / d parameter (resized to the parameters' shape).
double mlp_loss(const MlpParameters& parameters, const TrainMatrix& inputs,
                std::span<const int> labels, MlpGradients* gradients = nullptr);

// Logits of every row of `inputs` (rows x outputs).
TrainMatrix mlp_logits(const MlpParameters& parameters, const TrainMatrix& inputs);

struct Evaluation {
    double loss = 0;      // mean cross-entropy
    double accuracy = 0;  // fraction of rows whose largest logit is the label, in [0, 1]
};
Evaluation evaluate(const MlpParameters& parameters, const Dataset& data);

}  // namespace quantscope

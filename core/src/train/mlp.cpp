// GCC 12 reports _mm256_undefined_pd() inside Eigen's AVX-512 GEMM packing as maybe
// uninitialized: a false positive in inlined system headers (as in ops/quantized_matmul.cpp).
// Off for this file, which multiplies with Eigen.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "quantscope/train/mlp.h"

#include <cmath>
#include <random>

#include "quantscope/common/error.h"

namespace quantscope {

MlpShape MlpParameters::shape() const {
    return {static_cast<int>(w1.cols()), static_cast<int>(w1.rows()), static_cast<int>(w2.rows())};
}

namespace {

template <typename Tensor, typename Self>
std::vector<Tensor> tensors_of(Self& p) {
    auto span_of = [](auto& m) { return std::span(m.data(), static_cast<std::size_t>(m.size())); };
    return {
        Tensor{"w1", span_of(p.w1), {p.w1.rows(), p.w1.cols()}, true},
        Tensor{"b1", span_of(p.b1), {p.b1.size()}, false},
        Tensor{"w2", span_of(p.w2), {p.w2.rows(), p.w2.cols()}, true},
        Tensor{"b2", span_of(p.b2), {p.b2.size()}, false},
    };
}

}  // namespace

std::vector<ParameterTensor> MlpParameters::tensors() {
    return tensors_of<ParameterTensor>(*this);
}

std::vector<ConstParameterTensor> MlpParameters::tensors() const {
    return tensors_of<ConstParameterTensor>(*this);
}

std::size_t MlpParameters::count() const {
    return static_cast<std::size_t>(w1.size() + b1.size() + w2.size() + b2.size());
}

MlpParameters MlpParameters::zeros(const MlpShape& shape) {
    MlpParameters p;
    p.w1 = TrainMatrix::Zero(shape.hidden, shape.inputs);
    p.b1 = TrainVector::Zero(shape.hidden);
    p.w2 = TrainMatrix::Zero(shape.outputs, shape.hidden);
    p.b2 = TrainVector::Zero(shape.outputs);
    return p;
}

MlpParameters init_mlp(const MlpShape& shape, std::uint64_t seed) {
    if (shape.inputs < 1 || shape.hidden < 1 || shape.outputs < 1) {
        throw UsageError("model: every layer needs at least one unit");
    }
    MlpParameters p = MlpParameters::zeros(shape);
    std::mt19937_64 engine(seed ^ 0x6d6c70u);
    auto fill = [&](TrainMatrix& w) {
        const double limit = std::sqrt(6.0 / static_cast<double>(w.cols()));
        std::uniform_real_distribution<double> uniform(-limit, limit);
        for (Eigen::Index i = 0; i < w.size(); ++i) {
            w.data()[i] = static_cast<float>(uniform(engine));
        }
    };
    fill(p.w1);
    fill(p.w2);
    return p;
}

TrainMatrix mlp_logits(const MlpParameters& p, const TrainMatrix& inputs) {
    const TrainMatrix hidden =
        ((inputs * p.w1.transpose()).rowwise() + p.b1.transpose()).array().tanh().matrix();
    return (hidden * p.w2.transpose()).rowwise() + p.b2.transpose();
}

double mlp_loss(const MlpParameters& p, const TrainMatrix& inputs, std::span<const int> labels,
                MlpGradients* gradients) {
    const auto rows = inputs.rows();
    if (static_cast<std::size_t>(rows) != labels.size() || rows == 0) {
        throw UsageError("model: the batch has " + std::to_string(rows) + " rows and " +
                         std::to_string(labels.size()) + " labels");
    }
    if (inputs.cols() != p.w1.cols()) {
        throw UsageError("model: the inputs have " + std::to_string(inputs.cols()) +
                         " features, the model takes " + std::to_string(p.w1.cols()));
    }
    const TrainMatrix hidden =
        ((inputs * p.w1.transpose()).rowwise() + p.b1.transpose()).array().tanh().matrix();
    TrainMatrix logits = (hidden * p.w2.transpose()).rowwise() + p.b2.transpose();
    // Softmax with the row maximum subtracted, so that exp never overflows.
    const TrainVector max = logits.rowwise().maxCoeff();
    TrainMatrix probabilities = (logits.colwise() - max).array().exp().matrix();
    const TrainVector sums = probabilities.rowwise().sum();
    double loss = 0;
    for (Eigen::Index i = 0; i < rows; ++i) {
        const int label = labels[static_cast<std::size_t>(i)];
        if (label < 0 || label >= p.w2.rows()) {
            throw UsageError("model: label " + std::to_string(label) + " outside the " +
                             std::to_string(p.w2.rows()) + " classes");
        }
        loss +=
            std::log(static_cast<double>(sums(i))) - static_cast<double>(logits(i, label) - max(i));
        probabilities.row(i) /= sums(i);
    }
    loss /= static_cast<double>(rows);
    if (gradients != nullptr) {
        // d loss / d logits = (softmax - onehot) / rows.
        TrainMatrix d_logits = std::move(probabilities);
        for (Eigen::Index i = 0; i < rows; ++i) {
            d_logits(i, labels[static_cast<std::size_t>(i)]) -= 1.0f;
        }
        d_logits /= static_cast<float>(rows);
        gradients->w2.noalias() = d_logits.transpose() * hidden;
        gradients->b2 = d_logits.colwise().sum().transpose();
        const TrainMatrix d_pre =
            ((d_logits * p.w2).array() * (1.0f - hidden.array().square())).matrix();
        gradients->w1.noalias() = d_pre.transpose() * inputs;
        gradients->b1 = d_pre.colwise().sum().transpose();
    }
    return loss;
}

Evaluation evaluate(const MlpParameters& p, const Dataset& data) {
    Evaluation e;
    if (data.size() == 0) {
        return e;
    }
    e.loss = mlp_loss(p, data.inputs, data.labels);
    const TrainMatrix logits = mlp_logits(p, data.inputs);
    std::size_t correct = 0;
    for (Eigen::Index i = 0; i < logits.rows(); ++i) {
        Eigen::Index best = 0;
        logits.row(i).maxCoeff(&best);
        correct += best == data.labels[static_cast<std::size_t>(i)] ? 1 : 0;
    }
    e.accuracy = static_cast<double>(correct) / static_cast<double>(data.size());
    return e;
}

}  // namespace quantscope

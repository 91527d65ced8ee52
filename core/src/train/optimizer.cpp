#include "quantscope/train/optimizer.h"

#include <cstdio>

#include "quantscope/common/error.h"

namespace quantscope {

Sgd::Sgd(double learning_rate, double momentum)
    : learning_rate_(learning_rate), momentum_(momentum) {
    if (!(learning_rate > 0) || !(momentum >= 0 && momentum < 1)) {
        throw UsageError("sgd: the learning rate must be > 0 and the momentum in [0, 1)");
    }
}

void Sgd::step(std::span<float> weights, std::span<const float> gradient, std::size_t slot,
               std::int64_t /*step*/) {
    if (weights.size() != gradient.size()) {
        throw UsageError("sgd: the gradient does not match the weights");
    }
    if (velocity_.size() <= slot) {
        velocity_.resize(slot + 1);
    }
    std::vector<float>& v = velocity_[slot];
    v.resize(weights.size(), 0.0f);
    const auto lr = static_cast<float>(learning_rate_);
    const auto mu = static_cast<float>(momentum_);
    for (std::size_t i = 0; i < weights.size(); ++i) {
        v[i] = mu * v[i] + gradient[i];
        weights[i] -= lr * v[i];
    }
}

std::string Sgd::name() const {
    char text[64];
    std::snprintf(text, sizeof text, "sgd (lr %g, momentum %g)", learning_rate_, momentum_);
    return text;
}

}  // namespace quantscope

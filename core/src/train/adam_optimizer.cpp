#include "quantscope/train/adam_optimizer.h"

#include <cstdio>

#include "quantscope/common/error.h"

namespace quantscope {

AdamOptimizer::AdamOptimizer(StateFormat format, const AdamSettings& settings)
    : format_(format), settings_(settings) {
    Adam check({}, format, settings);  // refuses bad settings now rather than at the first step
}

void AdamOptimizer::begin_step(std::int64_t /*step*/) {
    reports_.emplace_back();
}

void AdamOptimizer::step(std::span<float> weights, std::span<const float> gradient,
                         std::size_t slot, std::int64_t /*step*/) {
    if (weights.size() != gradient.size()) {
        throw UsageError("adam: the gradient does not match the weights");
    }
    if (by_slot_.size() <= slot) {
        by_slot_.resize(slot + 1);
    }
    std::unique_ptr<Adam>& adam = by_slot_[slot];
    if (!adam) {
        adam = std::make_unique<Adam>(
            std::vector<std::int64_t>{static_cast<std::int64_t>(weights.size())}, format_,
            settings_);
    }
    const AdamStepReport r = adam->step(weights, gradient);
    if (reports_.empty()) {
        reports_.emplace_back();  // a caller that does not call begin_step
    }
    AdamStepReport& sum = reports_.back();
    sum.first += r.first;
    sum.second += r.second;
    sum.first_drift += r.first_drift;
    sum.second_drift += r.second_drift;
}

std::string AdamOptimizer::name() const {
    char text[96];
    std::snprintf(text, sizeof text, "adam (lr %g, states %s)", settings_.learning_rate,
                  std::string(to_string(format_)).c_str());
    return text;
}

std::int64_t AdamOptimizer::parameter_count() const {
    std::int64_t n = 0;
    for (const auto& adam : by_slot_) {
        n += adam ? adam->parameter_count() : 0;
    }
    return n;
}

std::int64_t AdamOptimizer::state_bytes() const {
    std::int64_t bytes = 0;
    for (const auto& adam : by_slot_) {
        bytes += adam ? adam->state_bytes() : 0;
    }
    return bytes;
}

}  // namespace quantscope

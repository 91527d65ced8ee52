#include "quantscope/train/low_precision.h"

#include <cmath>

#include "quantscope/common/error.h"

namespace quantscope {

bool vanishes_under_nearest(const Format& format, double w, double d) {
    if (d == 0 || std::isnan(d)) {
        return false;
    }
    const double neighbour = d > 0 ? format.next_up(w) : format.next_down(w);
    return std::fabs(d) < 0.5 * std::fabs(neighbour - w);
}

UpdateCount count_vanishing(const Format& format, std::span<const float> weights,
                            std::span<const float> deltas) {
    if (weights.size() != deltas.size()) {
        throw UsageError("vanishing updates: " + std::to_string(deltas.size()) + " updates for " +
                         std::to_string(weights.size()) + " weights");
    }
    UpdateCount count;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (deltas[i] != 0) {
            ++count.updates;
            count.vanishing += vanishes_under_nearest(format, weights[i], deltas[i]) ? 1 : 0;
        }
    }
    return count;
}

LowPrecisionStorage::LowPrecisionStorage(Optimizer& inner, Format format, Rounding rounding,
                                         std::uint64_t seed)
    : inner_(inner), format_(std::move(format)), rounding_(rounding), seed_(seed) {
    if (format_.as_float() == nullptr) {
        throw UsageError("low-precision weights: " + format_.name() +
                         " is not a float format (bf16, fp16, fp8_e4m3, fp8_e5m2...)");
    }
}

void LowPrecisionStorage::begin_step(std::int64_t step) {
    counts_.emplace_back();
    inner_.begin_step(step);
}

void LowPrecisionStorage::step(std::span<float> weights, std::span<const float> gradient,
                               std::size_t slot, std::int64_t step) {
    before_.assign(weights.begin(), weights.end());
    inner_.step(weights, gradient, slot, step);
    if (counts_.empty()) {
        counts_.emplace_back();  // a caller that never began a step
    }
    UpdateCount& count = counts_.back();
    for (std::size_t i = 0; i < weights.size(); ++i) {
        // w + d is float32; d exactly as the difference of two floats (in double).
        const double d = static_cast<double>(weights[i]) - static_cast<double>(before_[i]);
        if (d != 0) {
            ++count.updates;
            count.vanishing += vanishes_under_nearest(format_, before_[i], d) ? 1 : 0;
        }
    }
    round_to_format(weights, weights, *format_.as_float(), rounding_, Saturation::Saturate, seed_,
                    rounded_);
    rounded_ += weights.size();
}

std::string LowPrecisionStorage::name() const {
    return inner_.name() + ", weights in " + format_.name() + " (" +
           std::string(to_string(rounding_)) + ")";
}

void LowPrecisionStorage::store(std::span<float> weights) const {
    round_to_format(weights, weights, *format_.as_float(), Rounding::NearestEven,
                    Saturation::Saturate);
}

}  // namespace quantscope

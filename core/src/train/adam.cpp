#include "quantscope/train/adam.h"

#include <cmath>

#include "quantscope/common/error.h"

namespace quantscope {

namespace {

std::int64_t total_size(const std::vector<std::int64_t>& sizes) {
    std::int64_t total = 0;
    for (const std::int64_t size : sizes) {
        if (size < 0) {
            throw UsageError("Adam: a parameter tensor has a negative size");
        }
        total += size;
    }
    return total;
}

void check_settings(const AdamSettings& s) {
    const auto is_beta = [](double b) { return b >= 0 && b < 1; };
    if (!is_beta(s.beta1) || !is_beta(s.beta2) || !(s.epsilon > 0) || !(s.learning_rate >= 0) ||
        !std::isfinite(s.learning_rate)) {
        throw UsageError("Adam: b1 and b2 must lie in [0, 1), eps be > 0 and lr >= 0");
    }
}

// m = b1 m + (1 - b1) g and v = b2 v + (1 - b2) g^2, in float as the kernels run it.
// The weights 1 - b are taken in double first, as PyTorch's Python scalars are: 1 - 0.999f in
// float is 0.0009999871.
void update_moments(std::span<float> m, std::span<float> v, std::span<const float> g,
                    const AdamSettings& s) {
    const auto b1 = static_cast<float>(s.beta1);
    const auto b2 = static_cast<float>(s.beta2);
    const auto w1 = static_cast<float>(1 - s.beta1);
    const auto w2 = static_cast<float>(1 - s.beta2);
    for (std::size_t i = 0; i < g.size(); ++i) {
        m[i] = b1 * m[i] + w1 * g[i];
        v[i] = b2 * v[i] + w2 * g[i] * g[i];
    }
}

}  // namespace

Adam::Adam(std::vector<std::int64_t> tensor_sizes, StateFormat format, AdamSettings settings)
    : sizes_(std::move(tensor_sizes)), format_(format), settings_(settings) {
    check_settings(settings_);
    const auto n = static_cast<std::size_t>(total_size(sizes_));
    m_.assign(n, 0.0f);
    v_.assign(n, 0.0f);
    m_shadow_.assign(n, 0.0f);
    v_shadow_.assign(n, 0.0f);
}

AdamStepReport Adam::step(std::span<float> parameters, std::span<const float> gradients) {
    if (parameters.size() != m_.size() || gradients.size() != m_.size()) {
        throw UsageError("Adam: the parameters or gradients do not match the tensor sizes");
    }
    ++steps_;
    const double t = static_cast<double>(steps_);
    const double c1 = settings_.bias_correction ? 1 - std::pow(settings_.beta1, t) : 1.0;
    const double c2 = settings_.bias_correction ? 1 - std::pow(settings_.beta2, t) : 1.0;
    const auto step_size = static_cast<float>(settings_.learning_rate / c1);
    const auto sqrt_c2 = static_cast<float>(std::sqrt(c2));
    const auto eps = static_cast<float>(settings_.epsilon);

    update_moments(m_, v_, gradients, settings_);
    update_moments(m_shadow_, v_shadow_, gradients, settings_);
    for (std::size_t i = 0; i < m_.size(); ++i) {
        // lr m^ / (sqrt(v^) + eps) = (lr / c1) m / (sqrt(v) / sqrt(c2) + eps)
        parameters[i] -= step_size * m_[i] / (std::sqrt(v_[i]) / sqrt_c2 + eps);
    }

    AdamStepReport report;
    std::size_t begin = 0;
    for (const std::int64_t size : sizes_) {
        const auto n = static_cast<std::size_t>(size);
        report.first += store_state(std::span(m_).subspan(begin, n), format_, Moment::First);
        report.second += store_state(std::span(v_).subspan(begin, n), format_, Moment::Second);
        begin += n;
    }
    report.first_drift = compare_state(m_shadow_, m_);
    report.second_drift = compare_state(v_shadow_, v_);
    return report;
}

std::int64_t Adam::state_bytes() const {
    std::int64_t bytes = 0;
    for (const std::int64_t size : sizes_) {
        bytes += quantscope::state_bytes(size, format_, Moment::First) +
                 quantscope::state_bytes(size, format_, Moment::Second);
    }
    return bytes;
}

double Adam::state_bytes_per_parameter() const {
    const std::int64_t n = parameter_count();
    return n > 0 ? static_cast<double>(state_bytes()) / static_cast<double>(n) : 0.0;
}

}  // namespace quantscope

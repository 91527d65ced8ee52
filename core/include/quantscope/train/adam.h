#pragma once
// Adam (Kingma & Ba 2015) with its two moments stored in a StateFormat (optimizer_state.h), as
// 8-bit Adam runs it (bitsandbytes' blockwise kernel): at each step, per parameter tensor,
//   m = b1 m + (1 - b1) g,   v = b2 v + (1 - b2) g^2       (m, v: the stored, dequantized state)
//   p -= lr * m^ / (sqrt(v^) + eps),  m^ = m / (1 - b1^t), v^ = v / (1 - b2^t)
// with the freshly updated m and v in float, then m and v are requantized (new absmax per block)
// for the next step. Without bias correction m^ = m and v^ = v.
//
// For the view only, each step also reports what storing lost, and a float shadow of the moments
// (fed the same gradients, never quantized) measures how far the stored state drifted from the
// state FP32 Adam would hold for those gradients (docs/design.md "8-bit optimizer states").

#include <cstdint>
#include <span>
#include <vector>

#include "quantscope/train/optimizer_state.h"

namespace quantscope {

struct AdamSettings {
    double learning_rate = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double epsilon = 1e-8;
    bool bias_correction = true;
};

struct AdamStepReport {
    // Storing this step's m and v: the stored state against the float values it was made from.
    StateError first;
    StateError second;
    // The stored state against the float shadow.
    StateError first_drift;
    StateError second_drift;
};

class Adam {
public:
    // The parameters are tensors of these sizes, laid one after the other; each tensor's state
    // is quantized on its own (its blocks start at its first value), as bitsandbytes does.
    // Throws UsageError on a negative size or settings outside b1, b2 in [0, 1), eps > 0, lr >= 0.
    Adam(std::vector<std::int64_t> tensor_sizes, StateFormat format, AdamSettings settings = {});

    // One step. `parameters` and `gradients` hold every tensor's values in order (the sum of
    // the sizes). Throws UsageError on another length.
    AdamStepReport step(std::span<float> parameters, std::span<const float> gradients);

    StateFormat format() const { return format_; }
    const AdamSettings& settings() const { return settings_; }
    std::int64_t steps() const { return steps_; }
    std::int64_t parameter_count() const { return static_cast<std::int64_t>(m_.size()); }
    // The stored state (dequantized), and the float shadow.
    std::span<const float> first_moment() const { return m_; }
    std::span<const float> second_moment() const { return v_; }
    std::span<const float> first_moment_shadow() const { return m_shadow_; }
    std::span<const float> second_moment_shadow() const { return v_shadow_; }

    // The bytes m and v take in the format, every tensor counted by state_bytes().
    std::int64_t state_bytes() const;
    // state_bytes() / parameter_count() (0 with no parameter).
    double state_bytes_per_parameter() const;

private:
    std::vector<std::int64_t> sizes_;
    StateFormat format_;
    AdamSettings settings_;
    std::int64_t steps_ = 0;
    std::vector<float> m_, v_, m_shadow_, v_shadow_;
};

}  // namespace quantscope

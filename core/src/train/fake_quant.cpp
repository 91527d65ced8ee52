#include "quantscope/train/fake_quant.h"

#include <algorithm>

#include "quantscope/quant/quantizer.h"

namespace quantscope {

void fake_quantize_weights(const MlpParameters& shadow, MlpParameters& forward,
                           const QuantConfig& config) {
    if (&forward != &shadow) {
        forward = shadow;
    }
    const std::vector<ConstParameterTensor> from = shadow.tensors();
    const std::vector<ParameterTensor> to = forward.tensors();
    for (std::size_t t = 0; t < from.size(); ++t) {
        if (!from[t].is_weight) {
            continue;
        }
        const QuantResult q = quantize(from[t].values, from[t].shape, config);
        std::copy(q.dequantized.begin(), q.dequantized.end(), to[t].values.begin());
    }
}

MlpParameters fake_quantize_weights(const MlpParameters& shadow, const QuantConfig& config) {
    MlpParameters forward = shadow;
    fake_quantize_weights(shadow, forward, config);
    return forward;
}

}  // namespace quantscope

#pragma once
// Fake quantization of the demo model's weights through the engine's quantizer (quantize() with
// any QuantConfig): each weight matrix (out x in, so per channel = per output unit) is replaced
// by Q(W); biases stay float, as inference engines keep them.

#include "quantscope/quant/quant_config.h"
#include "quantscope/train/mlp.h"

namespace quantscope {

// `forward` receives `shadow` with every weight matrix quantized and dequantized under
// `config` (biases copied). Throws UsageError when the config does not fit a matrix (a block
// size or axis the shape refuses).
void fake_quantize_weights(const MlpParameters& shadow, MlpParameters& forward,
                           const QuantConfig& config);
MlpParameters fake_quantize_weights(const MlpParameters& shadow, const QuantConfig& config);

}  // namespace quantscope

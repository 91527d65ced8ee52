#pragma once
// The memory calculator (docs/design.md "Memory"): the bytes a model's weights take for
// inference under a config, scales and zero points included, and the bytes mixed-precision
// training with Adam keeps per parameter. Activations and the KV cache depend on batch and
// sequence length and are not counted.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "quantscope/common/tensor.h"
#include "quantscope/quant/quant_config.h"

namespace quantscope {

struct WeightMemory {
    std::int64_t value_bytes = 0;  // the codes: K bits per parameter
    std::int64_t scale_bytes = 0;  // scales, zero points and tensor scales
    std::int64_t total() const { return value_bytes + scale_bytes; }
    double scale_share() const;  // scale_bytes / total(), 0 for nothing stored
};

// Weights of these shapes, each tensor counted as quantize() counts its storage.
WeightMemory weight_memory(std::span<const Shape> tensors, const QuantConfig& config);
// A model known by its parameter count only: rows of `row_length` values (its hidden size), so
// that per-channel and block scales count as they would on its matrices.
WeightMemory weight_memory(std::int64_t parameters, std::int64_t row_length,
                           const QuantConfig& config);

enum class OptimizerStates { Fp32Adam, EightBitAdam };

// Mixed-precision training (Micikevicius et al. 2018) with Adam, per parameter: an FP32 master
// copy (4 bytes), BF16 weights (2) and gradients (2), and Adam's two moments: FP32 (8), or
// 8-bit as bitsandbytes stores them (2, plus one FP32 absmax per block of 2048 per moment).
struct TrainingMemory {
    std::int64_t master_weights = 0;
    std::int64_t weights = 0;
    std::int64_t gradients = 0;
    std::int64_t optimizer = 0;
    std::int64_t total() const { return master_weights + weights + gradients + optimizer; }
};

TrainingMemory training_memory(std::int64_t parameters, OptimizerStates states);

// Model sizes to start from: the parameter count and the hidden size (Llama 3 shapes).
struct ModelSizePreset {
    std::string_view name;
    std::int64_t parameters = 0;
    std::int64_t hidden = 0;
};
const std::vector<ModelSizePreset>& model_size_presets();

}  // namespace quantscope

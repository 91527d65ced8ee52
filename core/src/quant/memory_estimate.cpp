#include "quantscope/quant/memory_estimate.h"

#include <algorithm>

#include "quantscope/quant/storage.h"

namespace quantscope {

double WeightMemory::scale_share() const {
    return total() > 0 ? static_cast<double>(scale_bytes) / static_cast<double>(total()) : 0.0;
}

WeightMemory weight_memory(std::span<const Shape> tensors, const QuantConfig& config) {
    WeightMemory memory;
    for (const Shape& shape : tensors) {
        std::int64_t count = 1;
        for (const std::int64_t d : shape) {
            count *= d;
        }
        const Storage s = storage_for(count, group_count(shape, config), config);
        memory.value_bytes += s.bytes - s.scale_bytes;
        memory.scale_bytes += s.scale_bytes;
    }
    return memory;
}

WeightMemory weight_memory(std::int64_t parameters, std::int64_t row_length,
                           const QuantConfig& config) {
    // Full rows, then the remainder as one short row of the same tensor.
    const std::int64_t row = std::max<std::int64_t>(row_length, 1);
    std::int64_t groups = 0;
    if (config.granularity.kind == Granularity::Kind::Tensor) {
        groups = parameters > 0 ? 1 : 0;
    } else {
        for (const Shape& part : {Shape{parameters / row, row}, Shape{1, parameters % row}}) {
            groups += group_count(part, config);
        }
    }
    const Storage s = storage_for(parameters, groups, config);
    return {s.bytes - s.scale_bytes, s.scale_bytes};
}

TrainingMemory training_memory(std::int64_t parameters, OptimizerStates states) {
    constexpr std::int64_t kBitsAndBytesBlock = 2048;
    TrainingMemory m;
    m.master_weights = 4 * parameters;
    m.weights = 2 * parameters;
    m.gradients = 2 * parameters;
    if (states == OptimizerStates::Fp32Adam) {
        m.optimizer = 8 * parameters;
    } else {
        const std::int64_t blocks = (parameters + kBitsAndBytesBlock - 1) / kBitsAndBytesBlock;
        m.optimizer = 2 * (parameters + 4 * blocks);
    }
    return m;
}

const std::vector<ModelSizePreset>& model_size_presets() {
    static const std::vector<ModelSizePreset> presets{
        {"1B", 1'000'000'000, 2048},
        {"8B", 8'000'000'000, 4096},
        {"70B", 70'000'000'000, 8192},
        {"405B", 405'000'000'000, 16384},
    };
    return presets;
}

}  // namespace quantscope

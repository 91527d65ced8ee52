#include "quantscope/quant/storage.h"

#include <algorithm>

namespace quantscope {

Storage storage_for(std::int64_t count, std::int64_t groups, const QuantConfig& config) {
    const int k = config.format.bits();
    if (config.ggml != nullptr) {
        // ggml's blocks as stored: block_bytes each, scales and mins included.
        Storage s;
        s.bytes = groups * config.ggml->block_bytes;
        s.scale_bytes = s.bytes - (count * k + 7) / 8;
        s.bits_per_value =
            count > 0 ? static_cast<double>(s.bytes) * 8 / static_cast<double>(count) : 0.0;
        return s;
    }
    std::int64_t param_bits_per_group = 32 + (config.scheme == Scheme::Affine ? k : 0);
    std::int64_t tensor_bits = 0;
    if (config.block_scaling == BlockScaling::MX) {
        param_bits_per_group = 8;
    } else if (config.block_scaling == BlockScaling::NVFP4) {
        param_bits_per_group = 8;
        tensor_bits = 32;
    } else if (config.scheme == Scheme::Direct) {
        param_bits_per_group = 0;
    }
    const std::int64_t value_bits = count * k;
    const std::int64_t bits = value_bits + groups * param_bits_per_group + tensor_bits;
    Storage s;
    s.bytes = (bits + 7) / 8;
    s.scale_bytes = s.bytes - (value_bits + 7) / 8;
    s.bits_per_value = count > 0 ? static_cast<double>(bits) / static_cast<double>(count) : 0.0;
    return s;
}

std::int64_t group_count(std::span<const std::int64_t> shape, const QuantConfig& config) {
    std::int64_t count = 1;
    for (const std::int64_t d : shape) {
        count *= d;
    }
    if (count == 0) {
        return 0;
    }
    const Granularity& g = config.granularity;
    const auto rank = static_cast<int>(shape.size());
    switch (g.kind) {
        case Granularity::Kind::Tensor:
            return 1;
        case Granularity::Kind::Channel: {
            const int axis = g.axis < 0 ? g.axis + rank : g.axis;
            return axis >= 0 && axis < rank ? shape[static_cast<std::size_t>(axis)] : 1;
        }
        case Granularity::Kind::Block: {
            // Blocks run along the last axis; a row's last block may be short.
            const std::int64_t row = shape.empty() ? 1 : shape.back();
            const std::int64_t block = std::max<std::int64_t>(g.block, 1);
            return count / row * ((row + block - 1) / block);
        }
    }
    return 1;
}

}  // namespace quantscope

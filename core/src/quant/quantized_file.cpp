#include "quantscope/quant/quantized_file.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "../common/finite_float.h"
#include "ggml_quantizer.h"
#include "quantscope/common/error.h"
#include "quantscope/common/parallel.h"
#include "quantscope/io/gguf_writer.h"
#include "quantscope/io/npy_writer.h"
#include "quantscope/quant/metric_descriptors.h"

namespace quantscope {

namespace {

bool ends_with_ignoring_case(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() &&
           std::equal(suffix.begin(), suffix.end(), text.end() - suffix.size(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

}  // namespace

std::vector<std::byte> ggml_blocks(std::span<const float> values,
                                   std::span<const std::int64_t> shape, const QuantConfig& config) {
    if (config.ggml == nullptr || config.ggml->quantize == nullptr) {
        throw UsageError("ggml_blocks: the config is not one of ggml's block types");
    }
    if (config.outlier_threshold > 0) {
        throw UsageError(std::string(config.ggml->name) +
                         " blocks cannot hold the outliers kept in FP16 (outlier threshold " +
                         exact_number_text(config.outlier_threshold) +
                         "): write Q(x) to a .npy instead, or keep no outliers");
    }
    detail::check_ggml_rows(values.size(), shape, config);
    const GgmlType& type = *config.ggml;
    const auto block = static_cast<std::size_t>(type.block_elements);
    const auto block_bytes = static_cast<std::size_t>(type.block_bytes);
    const std::size_t blocks = values.size() / block;
    std::vector<std::byte> out(blocks * block_bytes);
    // A window of whole blocks at a time, its non-finite values replaced by 0 in a copy.
    constexpr std::size_t kWindowBlocks = 64;
    parallel_for_tasks(blocks, values.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
        std::vector<float> clean(kWindowBlocks * block);
        for (std::size_t b = begin; b < end; b += kWindowBlocks) {
            const std::size_t count = std::min(kWindowBlocks, end - b);
            const float* x = values.data() + b * block;
            for (std::size_t i = 0; i < count * block; ++i) {
                clean[i] = detail::is_finite_float(x[i]) ? x[i] : 0.0f;
            }
            type.quantize(clean.data(), out.data() + b * block_bytes, count);
        }
    });
    return out;
}

std::string write_quantized(const std::string& path, const std::string& name, const Shape& shape,
                            std::span<const float> values, std::span<const float> dequantized,
                            const QuantConfig& config) {
    if (!ends_with_ignoring_case(path, ".gguf")) {
        write_npy(path, dequantized, shape);
        return "float32 Q(x) in .npy";
    }
    std::vector<GgufTensor> tensors(1);
    GgufTensor& tensor = tensors.front();
    if (config.ggml != nullptr && config.ggml->quantize != nullptr) {
        tensor = {name, shape, config.ggml->id, ggml_blocks(values, shape, config)};
    } else {
        tensor = gguf_f32_tensor(name, shape, dequantized);
    }
    const std::vector<std::pair<std::string, std::string>> metadata{
        {"general.name", name}, {"quantscope.config", describe(config)}};
    write_gguf(path, tensors, metadata);
    const std::string what = config.ggml != nullptr ? std::string(config.ggml->name) + " blocks"
                                                    : std::string("float32 Q(x)");
    return what + " in GGUF";
}

}  // namespace quantscope

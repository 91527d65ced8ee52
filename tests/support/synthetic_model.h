#pragma once
// A generated transformer-shaped model as a safetensors file, for the overview's tests, the
// window's screenshot test, the benchmark and the CLI's tests (make_test_model): an embedding,
// `layers` decoder layers of nine tensors each (q, k, v, o, gate, up, down, two norms), a final
// norm and an output head. Weights are Gaussian (std 0.02), norms near 1. Two tensors are made
// sensitive on purpose, so that an overview must rank them worst:
//   layers.<outlier_layer>.mlp.down_proj.weight   a few values 150 standard deviations out
//   layers.<tail_layer>.self_attn.o_proj.weight   Student-t with 1.5 degrees of freedom
// Values are written tensor by tensor, so a model of several GB never sits in memory.

#include <cstdint>
#include <string>
#include <vector>

namespace quantscope::test {

struct SyntheticModel {
    int layers = 11;  // 11 x 9 + 3 = 102 tensors
    std::int64_t hidden = 64;
    std::int64_t ffn = 128;
    std::int64_t vocab = 256;
    std::string dtype = "BF16";  // BF16, F16 or F32
    int outlier_layer = 3;
    int tail_layer = 7;
    std::uint64_t seed = 1;
};

struct SyntheticTensor {
    std::string name;
    std::vector<std::int64_t> shape;
};

// The tensors in file order.
std::vector<SyntheticTensor> synthetic_tensors(const SyntheticModel& model);
std::string outlier_tensor_name(const SyntheticModel& model);
std::string tail_tensor_name(const SyntheticModel& model);

// Writes the model; throws std::runtime_error when the file cannot be written.
void write_synthetic_model(const std::string& path, const SyntheticModel& model);

// Writes `tensors` split into `shards` files (model-0000K-of-0000N.safetensors) beside a
// model.safetensors.index.json in `folder`, as Hugging Face does.
void write_sharded_synthetic_model(const std::string& folder, const SyntheticModel& model,
                                   int shards);

}  // namespace quantscope::test

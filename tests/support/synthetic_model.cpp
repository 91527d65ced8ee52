#include "synthetic_model.h"

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <numbers>
#include <stdexcept>

namespace quantscope::test {
namespace {

std::string layer_name(int layer, const char* part) {
    return "model.layers." + std::to_string(layer) + "." + part;
}

std::int64_t count_of(const SyntheticTensor& t) {
    std::int64_t n = 1;
    for (const std::int64_t d : t.shape) {
        n *= d;
    }
    return n;
}

int dtype_bytes(const std::string& dtype) {
    if (dtype == "BF16" || dtype == "F16") {
        return 2;
    }
    if (dtype == "F32") {
        return 4;
    }
    throw std::runtime_error("synthetic model: dtype " + dtype + " is not BF16, F16 or F32");
}

// splitmix64: fast, and the same stream on every machine.
struct Random {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
    double gaussian() {
        return std::sqrt(-2 * std::log(uniform())) * std::cos(2 * std::numbers::pi * uniform());
    }
    // Student-t with nu degrees of freedom: a Gaussian over sqrt(chi^2_nu / nu), chi^2 of a
    // non-integer nu through the gamma(nu / 2) of Marsaglia and Tsang.
    double student_t(double nu) {
        const double shape = nu / 2;
        const double d = shape + 1 - 1.0 / 3;  // boosted for shape < 1 below
        const double c = 1 / std::sqrt(9 * d);
        double g = 0;
        for (;;) {
            const double x = gaussian();
            const double v = std::pow(1 + c * x, 3);
            if (v > 0 && std::log(uniform()) < 0.5 * x * x + d - d * v + d * std::log(v)) {
                g = d * v;
                break;
            }
        }
        if (shape < 1) {
            g *= std::pow(uniform(), 1 / shape);
        }
        return gaussian() / std::sqrt(2 * g / nu);
    }
};

std::uint16_t to_bf16(float f) {
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(f);
    const std::uint32_t rounded = bits + 0x7FFF + ((bits >> 16) & 1);  // nearest, ties to even
    return static_cast<std::uint16_t>(rounded >> 16);
}

std::uint16_t to_f16(float f) {
    // Values here stay well inside FP16's normal range or are small: no Inf or NaN to handle.
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(f);
    const std::uint32_t sign = (bits >> 16) & 0x8000;
    const float a = std::fabs(f);
    if (a < 0x1.0p-14f) {
        return static_cast<std::uint16_t>(
            sign | static_cast<std::uint32_t>(std::nearbyint(a * 0x1.0p24f)));
    }
    const std::uint32_t abits = std::bit_cast<std::uint32_t>(std::fmin(a, 65504.0f));
    const std::uint32_t exponent = ((abits >> 23) & 0xFF) - 127 + 15;
    std::uint32_t mantissa = abits & 0x7FFFFF;
    std::uint32_t h = (exponent << 10) | (mantissa >> 13);
    const std::uint32_t rest = mantissa & 0x1FFF;
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) {
        ++h;
    }
    return static_cast<std::uint16_t>(sign | h);
}

void fill_tensor(const SyntheticModel& model, const SyntheticTensor& t, std::size_t index,
                 std::vector<float>& values) {
    Random random{model.seed * 0x100000001B3ull + index};
    const bool norm = t.shape.size() == 1;
    const bool tail = t.name == tail_tensor_name(model);
    for (float& v : values) {
        if (norm) {
            v = static_cast<float>(1 + 0.05 * random.gaussian());
        } else if (tail) {
            v = static_cast<float>(0.02 * random.student_t(1.5));
        } else {
            v = static_cast<float>(0.02 * random.gaussian());
        }
    }
    if (t.name == outlier_tensor_name(model)) {
        // One outlier every 4096 values, 150 standard deviations out, either sign.
        for (std::size_t i = 17; i < values.size(); i += 4096) {
            values[i] = static_cast<float>((i / 4096) % 2 == 0 ? 3.0 : -3.0);
        }
    }
}

void write_bytes(std::ofstream& out, const void* data, std::size_t size, const std::string& path) {
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) {
        throw std::runtime_error("cannot write " + path);
    }
}

// Writes tensors [first, last) of the model as one safetensors file.
void write_file(const std::string& path, const SyntheticModel& model,
                const std::vector<SyntheticTensor>& tensors, std::size_t first, std::size_t last) {
    const int width = dtype_bytes(model.dtype);
    std::string header = "{\"__metadata__\":{\"format\":\"pt\"}";
    std::uint64_t offset = 0;
    for (std::size_t i = first; i < last; ++i) {
        const std::uint64_t bytes = static_cast<std::uint64_t>(count_of(tensors[i])) * width;
        header += ",\"" + tensors[i].name + "\":{\"dtype\":\"" + model.dtype + "\",\"shape\":[";
        for (std::size_t d = 0; d < tensors[i].shape.size(); ++d) {
            header += (d == 0 ? "" : ",") + std::to_string(tensors[i].shape[d]);
        }
        header += "],\"data_offsets\":[" + std::to_string(offset) + "," +
                  std::to_string(offset + bytes) + "]}";
        offset += bytes;
    }
    header += "}";
    while (header.size() % 8 != 0) {
        header += ' ';
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) {
        throw std::runtime_error("cannot create " + path);
    }
    const std::uint64_t size = header.size();
    write_bytes(out, &size, sizeof size, path);  // little-endian hosts only, as the tests run
    write_bytes(out, header.data(), header.size(), path);
    std::vector<float> values;
    std::vector<std::uint16_t> half;
    for (std::size_t i = first; i < last; ++i) {
        values.assign(static_cast<std::size_t>(count_of(tensors[i])), 0.0f);
        fill_tensor(model, tensors[i], i, values);
        if (width == 4) {
            write_bytes(out, values.data(), values.size() * 4, path);
            continue;
        }
        half.resize(values.size());
        for (std::size_t k = 0; k < values.size(); ++k) {
            half[k] = model.dtype == "BF16" ? to_bf16(values[k]) : to_f16(values[k]);
        }
        write_bytes(out, half.data(), half.size() * 2, path);
    }
}

}  // namespace

std::vector<SyntheticTensor> synthetic_tensors(const SyntheticModel& model) {
    const std::int64_t d = model.hidden;
    const std::int64_t f = model.ffn;
    std::vector<SyntheticTensor> tensors{{"model.embed_tokens.weight", {model.vocab, d}}};
    for (int l = 0; l < model.layers; ++l) {
        tensors.push_back({layer_name(l, "input_layernorm.weight"), {d}});
        tensors.push_back({layer_name(l, "self_attn.q_proj.weight"), {d, d}});
        tensors.push_back({layer_name(l, "self_attn.k_proj.weight"), {d, d}});
        tensors.push_back({layer_name(l, "self_attn.v_proj.weight"), {d, d}});
        tensors.push_back({layer_name(l, "self_attn.o_proj.weight"), {d, d}});
        tensors.push_back({layer_name(l, "post_attention_layernorm.weight"), {d}});
        tensors.push_back({layer_name(l, "mlp.gate_proj.weight"), {f, d}});
        tensors.push_back({layer_name(l, "mlp.up_proj.weight"), {f, d}});
        tensors.push_back({layer_name(l, "mlp.down_proj.weight"), {d, f}});
    }
    tensors.push_back({"model.norm.weight", {d}});
    tensors.push_back({"lm_head.weight", {model.vocab, d}});
    return tensors;
}

std::string outlier_tensor_name(const SyntheticModel& model) {
    return layer_name(model.outlier_layer, "mlp.down_proj.weight");
}

std::string tail_tensor_name(const SyntheticModel& model) {
    return layer_name(model.tail_layer, "self_attn.o_proj.weight");
}

void write_synthetic_model(const std::string& path, const SyntheticModel& model) {
    const std::vector<SyntheticTensor> tensors = synthetic_tensors(model);
    write_file(path, model, tensors, 0, tensors.size());
}

void write_sharded_synthetic_model(const std::string& folder, const SyntheticModel& model,
                                   int shards) {
    const std::vector<SyntheticTensor> tensors = synthetic_tensors(model);
    std::string index = "{\n  \"metadata\": {\"total_size\": 0},\n  \"weight_map\": {";
    const std::size_t per_shard = (tensors.size() + shards - 1) / static_cast<std::size_t>(shards);
    bool first_entry = true;
    for (int s = 0; s < shards; ++s) {
        char name[64];
        std::snprintf(name, sizeof name, "model-%05d-of-%05d.safetensors", s + 1, shards);
        const std::size_t first = std::min(tensors.size(), s * per_shard);
        const std::size_t last = std::min(tensors.size(), first + per_shard);
        write_file(folder + "/" + name, model, tensors, first, last);
        for (std::size_t i = first; i < last; ++i) {
            index += std::string(first_entry ? "" : ",") + "\n    \"" + tensors[i].name + "\": \"" +
                     name + "\"";
            first_entry = false;
        }
    }
    index += "\n  }\n}\n";
    std::ofstream out(folder + "/model.safetensors.index.json", std::ios::trunc);
    out << index;
    if (!out) {
        throw std::runtime_error("cannot write the index in " + folder);
    }
}

}  // namespace quantscope::test

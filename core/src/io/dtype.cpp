#include "dtype.h"

#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "quantscope/common/cancel.h"
#include "quantscope/common/error.h"
#include "quantscope/common/parallel.h"
#include "quantscope/formats/format.h"
#include "quantscope/formats/ggml_types.h"

namespace quantscope {
namespace {

struct DTypeRow {
    DType dtype;
    std::string_view name;
    std::int64_t block_elements;
    std::int64_t block_bits;
    bool npy_native;
};

constexpr std::array<DTypeRow, 25> kRows{{
    {DType::Bool, "bool", 1, 8, true},
    {DType::Int8, "int8", 1, 8, true},
    {DType::UInt8, "uint8", 1, 8, true},
    {DType::Int16, "int16", 1, 16, true},
    {DType::UInt16, "uint16", 1, 16, true},
    {DType::Int32, "int32", 1, 32, true},
    {DType::UInt32, "uint32", 1, 32, true},
    {DType::Int64, "int64", 1, 64, true},
    {DType::UInt64, "uint64", 1, 64, true},
    {DType::Float16, "float16", 1, 16, true},
    {DType::BFloat16, "bfloat16", 1, 16, false},
    {DType::Float32, "float32", 1, 32, true},
    {DType::Float64, "float64", 1, 64, true},
    {DType::Float8E4M3, "float8_e4m3", 1, 8, false},
    {DType::Float8E5M2, "float8_e5m2", 1, 8, false},
    {DType::Float8E4M3Fnuz, "float8_e4m3fnuz", 1, 8, false},
    {DType::Float8E5M2Fnuz, "float8_e5m2fnuz", 1, 8, false},
    {DType::Float8E8M0, "float8_e8m0", 1, 8, false},
    {DType::Float6E2M3, "float6_e2m3", 1, 6, false},
    {DType::Float6E3M2, "float6_e3m2", 1, 6, false},
    {DType::Float4E2M1, "float4_e2m1", 1, 4, false},
    {DType::Int4, "int4", 1, 4, false},
    {DType::UInt4, "uint4", 1, 4, false},
    {DType::Q8_0, "q8_0", 32, 34 * 8, false},
    {DType::Q4_0, "q4_0", 32, 18 * 8, false},
}};

const DTypeRow& row(DType dtype) {
    return kRows[static_cast<std::size_t>(dtype)];
}

// Decode tables of the formats engine, built once per process (thread-safe statics).
const std::vector<float>& table(DType dtype) {
    auto build = [](const char* name) { return parse_format(name).decode_table(); };
    switch (dtype) {
        case DType::Float16: {
            static const std::vector<float> fp16 = build("fp16");
            return fp16;
        }
        case DType::Float8E4M3: {
            static const std::vector<float> t = build("fp8_e4m3");
            return t;
        }
        case DType::Float8E5M2: {
            static const std::vector<float> t = build("fp8_e5m2");
            return t;
        }
        case DType::Float8E4M3Fnuz: {
            static const std::vector<float> t = build("fp8_e4m3fnuz");
            return t;
        }
        case DType::Float8E5M2Fnuz: {
            static const std::vector<float> t = build("fp8_e5m2fnuz");
            return t;
        }
        case DType::Float8E8M0: {
            static const std::vector<float> t = build("e8m0");
            return t;
        }
        case DType::Float6E2M3: {
            static const std::vector<float> t = build("fp6_e2m3");
            return t;
        }
        case DType::Float6E3M2: {
            static const std::vector<float> t = build("fp6_e3m2");
            return t;
        }
        case DType::Float4E2M1: {
            static const std::vector<float> t = build("fp4_e2m1");
            return t;
        }
        default:
            throw Error("internal: no decode table for " + std::string(dtype_name(dtype)));
    }
}

template <typename U>
U byte_swap(U value) {
    if constexpr (sizeof(U) == 2) {
        return __builtin_bswap16(value);
    } else if constexpr (sizeof(U) == 4) {
        return __builtin_bswap32(value);
    } else if constexpr (sizeof(U) == 8) {
        return __builtin_bswap64(value);
    } else {
        return value;
    }
}

template <std::size_t N>
struct UnsignedOf;
template <>
struct UnsignedOf<1> {
    using type = std::uint8_t;
};
template <>
struct UnsignedOf<2> {
    using type = std::uint16_t;
};
template <>
struct UnsignedOf<4> {
    using type = std::uint32_t;
};
template <>
struct UnsignedOf<8> {
    using type = std::uint64_t;
};

template <typename T, bool Swap>
void convert(const std::byte* in, float* out, std::size_t n) {
    using U = typename UnsignedOf<sizeof(T)>::type;
    for (std::size_t i = 0; i < n; ++i) {
        U bits;
        std::memcpy(&bits, in + i * sizeof(T), sizeof(T));
        if constexpr (Swap) {
            bits = byte_swap(bits);
        }
        out[i] = static_cast<float>(std::bit_cast<T>(bits));
    }
}

template <typename T>
void convert(const std::byte* in, float* out, std::size_t n, bool swap) {
    if (swap) {
        convert<T, true>(in, out, n);
    } else {
        convert<T, false>(in, out, n);
    }
}

void lookup8(const std::byte* in, float* out, std::size_t n, const float* values) {
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = values[static_cast<std::uint8_t>(in[i])];
    }
}

void lookup16(const std::byte* in, float* out, std::size_t n, const float* values, bool swap) {
    for (std::size_t i = 0; i < n; ++i) {
        std::uint16_t code;
        std::memcpy(&code, in + 2 * i, 2);
        out[i] = values[swap ? byte_swap(code) : code];
    }
}

// Elements [first, first + n) of a 4-bit array, low nibble first.
template <typename Map>
void nibbles(const std::byte* in, float* out, std::size_t first, std::size_t n, Map map) {
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t index = first + i;
        const auto byte = static_cast<unsigned>(in[index / 2]);
        out[i] = map((index % 2 == 0 ? byte : byte >> 4) & 0xFu);
    }
}

// Elements [first, first + n) of a 6-bit little-endian bit stream of `size` bytes.
void sextets(const std::byte* in, std::size_t size, float* out, std::size_t first, std::size_t n,
             const float* values) {
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t bit = (first + i) * 6;
        const std::size_t byte = bit / 8;
        unsigned word = static_cast<unsigned>(in[byte]);
        if (byte + 1 < size) {
            word |= static_cast<unsigned>(in[byte + 1]) << 8;
        }
        out[i] = values[(word >> (bit % 8)) & 0x3Fu];
    }
}

// Elements [begin, begin + n) of an array of ggml blocks; begin and n are whole blocks.
void ggml_blocks(const GgmlType& type, const std::byte* in, std::size_t begin, std::size_t n,
                 float* out) {
    const auto elements = static_cast<std::size_t>(type.block_elements);
    type.dequantize(in + begin / elements * static_cast<std::size_t>(type.block_bytes), out,
                    n / elements);
}

// ggml's q8_0 and q4_0, which raw files may hold too.
const GgmlType& ggml_type_of(DType dtype) {
    static const GgmlType& q8_0 = *find_ggml_type("q8_0");
    static const GgmlType& q4_0 = *find_ggml_type("q4_0");
    return dtype == DType::Q8_0 ? q8_0 : q4_0;
}

// Runs decode(begin, end) over [0, count) across the worker threads, in steps of 1M values (a
// multiple of every block size), each after a look at the caller's cancel flag: a superseded
// read of a large tensor stops within a millisecond.
template <typename Decode>
void decode_in_steps(std::size_t count, std::size_t alignment, const Decode& decode) {
    const std::atomic<bool>* cancel = current_cancel_flag();
    parallel_for(count, alignment, [&](std::size_t, std::size_t begin, std::size_t end) {
        constexpr std::size_t kStep = std::size_t{1} << 20;
        for (std::size_t b = begin; b < end; b += kStep) {
            throw_if_cancelled(cancel);
            decode(b, std::min(end, b + kStep));
        }
    });
}

// Decodes elements [begin, end) of the whole array into o[0, end - begin); a block type's begin
// and end are whole blocks.
void decode_range(DType dtype, std::span<const std::byte> bytes, bool swap, std::size_t begin,
                  std::size_t end, float* o) {
    const std::byte* in = bytes.data();
    const std::size_t n = end - begin;
    switch (dtype) {
        case DType::Bool:
            for (std::size_t i = 0; i < n; ++i) {
                o[i] = in[begin + i] != std::byte{0} ? 1.0f : 0.0f;
            }
            return;
        case DType::Int8:
            return convert<std::int8_t>(in + begin, o, n, false);
        case DType::UInt8:
            return convert<std::uint8_t>(in + begin, o, n, false);
        case DType::Int16:
            return convert<std::int16_t>(in + 2 * begin, o, n, swap);
        case DType::UInt16:
            return convert<std::uint16_t>(in + 2 * begin, o, n, swap);
        case DType::Int32:
            return convert<std::int32_t>(in + 4 * begin, o, n, swap);
        case DType::UInt32:
            return convert<std::uint32_t>(in + 4 * begin, o, n, swap);
        case DType::Int64:
            return convert<std::int64_t>(in + 8 * begin, o, n, swap);
        case DType::UInt64:
            return convert<std::uint64_t>(in + 8 * begin, o, n, swap);
        case DType::Float32:
            if (!swap) {
                std::memcpy(o, in + 4 * begin, 4 * n);  // the common case: a straight copy
                return;
            }
            return convert<float>(in + 4 * begin, o, n, true);
        case DType::Float64:
            return convert<double>(in + 8 * begin, o, n, swap);
        case DType::BFloat16:
            // bfloat16 is by definition the top half of a float32 (NaN and Inf included), so the
            // exact decode is a shift; it vectorizes where a 64K-entry table lookup does not.
            for (std::size_t i = 0; i < n; ++i) {
                std::uint16_t code;
                std::memcpy(&code, in + 2 * (begin + i), 2);
                if (swap) {
                    code = byte_swap(code);
                }
                o[i] = std::bit_cast<float>(static_cast<std::uint32_t>(code) << 16);
            }
            return;
        case DType::Float16:
            return lookup16(in + 2 * begin, o, n, table(dtype).data(), swap);
        case DType::Float8E4M3:
        case DType::Float8E5M2:
        case DType::Float8E4M3Fnuz:
        case DType::Float8E5M2Fnuz:
        case DType::Float8E8M0:
            return lookup8(in + begin, o, n, table(dtype).data());
        case DType::Float6E2M3:
        case DType::Float6E3M2:
            return sextets(in, bytes.size(), o, begin, n, table(dtype).data());
        case DType::Float4E2M1: {
            const float* values = table(dtype).data();
            return nibbles(in, o, begin, n, [values](unsigned code) { return values[code]; });
        }
        case DType::Int4:
            return nibbles(in, o, begin, n, [](unsigned code) {
                return static_cast<float>(static_cast<int>(code ^ 8u) - 8);
            });
        case DType::UInt4:
            return nibbles(in, o, begin, n, [](unsigned code) { return static_cast<float>(code); });
        case DType::Q8_0:
        case DType::Q4_0:
            return ggml_blocks(ggml_type_of(dtype), in, begin, n, o);
    }
}

}  // namespace

std::string_view dtype_name(DType dtype) {
    return row(dtype).name;
}

std::optional<DType> parse_dtype(std::string_view name) {
    for (const DTypeRow& r : kRows) {
        if (r.name == name) {
            return r.dtype;
        }
    }
    return std::nullopt;
}

std::int64_t dtype_block_elements(DType dtype) {
    return row(dtype).block_elements;
}
std::int64_t dtype_block_bits(DType dtype) {
    return row(dtype).block_bits;
}
bool is_npy_native(DType dtype) {
    return row(dtype).npy_native;
}

std::optional<std::int64_t> dtype_bytes(DType dtype, std::int64_t count) {
    const DTypeRow& r = row(dtype);
    if (count < 0 || count % r.block_elements != 0) {
        return std::nullopt;
    }
    const std::int64_t blocks = count / r.block_elements;
    if (blocks > std::numeric_limits<std::int64_t>::max() / r.block_bits) {
        return std::nullopt;
    }
    const std::int64_t bits = blocks * r.block_bits;
    if (bits % 8 != 0) {
        return std::nullopt;
    }
    return bits / 8;
}

void decode_values(DType dtype, std::span<const std::byte> bytes, bool big_endian,
                   std::span<float> out) {
    const auto expected = dtype_bytes(dtype, static_cast<std::int64_t>(out.size()));
    if (!expected || static_cast<std::uint64_t>(*expected) != bytes.size()) {
        throw Error("internal: " + std::to_string(bytes.size()) + " bytes do not hold " +
                    std::to_string(out.size()) + " " + std::string(dtype_name(dtype)) + " values");
    }
    if (out.empty()) {
        return;
    }
    switch (dtype) {
        case DType::Float16:
        case DType::Float8E4M3:
        case DType::Float8E5M2:
        case DType::Float8E4M3Fnuz:
        case DType::Float8E5M2Fnuz:
        case DType::Float8E8M0:
        case DType::Float6E2M3:
        case DType::Float6E3M2:
        case DType::Float4E2M1:
            (void)table(dtype);  // build it once, before the workers race for it
            break;
        default:
            break;
    }
    decode_in_steps(out.size(), 32, [&](std::size_t begin, std::size_t end) {
        decode_range(dtype, bytes, big_endian, begin, end, out.data() + begin);
    });
}

void decode_ggml_blocks(const GgmlType& type, std::span<const std::byte> bytes,
                        std::span<float> out) {
    const auto elements = static_cast<std::size_t>(type.block_elements);
    if (type.dequantize == nullptr || out.size() % elements != 0 ||
        bytes.size() / static_cast<std::size_t>(type.block_bytes) != out.size() / elements ||
        bytes.size() % static_cast<std::size_t>(type.block_bytes) != 0) {
        throw Error("internal: " + std::to_string(bytes.size()) + " bytes do not hold " +
                    std::to_string(out.size()) + " " + std::string(type.name) + " values");
    }
    decode_in_steps(out.size(), elements, [&](std::size_t begin, std::size_t end) {
        ggml_blocks(type, bytes.data(), begin, end - begin, out.data() + begin);
    });
}

void decode_strided(DType dtype, std::span<const std::byte> bytes, bool big_endian,
                    std::uint64_t first, std::uint64_t stride, std::span<float> out) {
    if (out.empty()) {
        return;
    }
    const std::uint64_t last = first + (out.size() - 1) * stride;
    const DTypeRow& r = row(dtype);
    const auto blocks = last / static_cast<std::uint64_t>(r.block_elements) + 1;
    if ((blocks * static_cast<std::uint64_t>(r.block_bits) + 7) / 8 > bytes.size()) {
        throw Error("internal: " + std::to_string(bytes.size()) + " bytes do not hold " +
                    std::string(dtype_name(dtype)) + " element " + std::to_string(last));
    }
    if (r.block_elements > 1) {
        decode_ggml_strided(ggml_type_of(dtype), bytes, first, stride, out);
        return;
    }
    for (std::size_t j = 0; j < out.size(); ++j) {
        const std::size_t e = first + j * stride;
        decode_range(dtype, bytes, big_endian, e, e + 1, out.data() + j);
    }
}

void decode_ggml_strided(const GgmlType& type, std::span<const std::byte> bytes,
                         std::uint64_t first, std::uint64_t stride, std::span<float> out) {
    const auto elements = static_cast<std::uint64_t>(type.block_elements);
    const auto block_bytes = static_cast<std::uint64_t>(type.block_bytes);
    if (out.empty()) {
        return;
    }
    const std::uint64_t last_block = (first + (out.size() - 1) * stride) / elements;
    if (type.dequantize == nullptr || (last_block + 1) * block_bytes > bytes.size()) {
        throw Error("internal: " + std::to_string(bytes.size()) + " bytes do not hold " +
                    std::string(type.name) + " block " + std::to_string(last_block));
    }
    // Only the blocks that hold a sampled element are dequantized, each once.
    std::vector<float> block(static_cast<std::size_t>(elements));
    std::uint64_t decoded = std::numeric_limits<std::uint64_t>::max();
    for (std::size_t j = 0; j < out.size(); ++j) {
        const std::uint64_t e = first + j * stride;
        if (e / elements != decoded) {
            decoded = e / elements;
            type.dequantize(bytes.data() + decoded * block_bytes, block.data(), 1);
        }
        out[j] = block[static_cast<std::size_t>(e % elements)];
    }
}

}  // namespace quantscope

// .npy writer (numpy/lib/format.py): version 1.0 unless the header needs more than 65535 bytes,
// header padded with spaces and '\n' so the data starts on a 64-byte boundary.
#include "quantscope/io/npy_writer.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "atomic_write.h"
#include "dtype.h"
#include "quantscope/common/error.h"
#include "quantscope/formats/format.h"

namespace quantscope {
namespace {

std::string descr_for(DType dtype) {
    switch (dtype) {
        case DType::Bool:
            return "|b1";
        case DType::Int8:
            return "|i1";
        case DType::UInt8:
            return "|u1";
        case DType::Int16:
            return "<i2";
        case DType::UInt16:
            return "<u2";
        case DType::Int32:
            return "<i4";
        case DType::UInt32:
            return "<u4";
        case DType::Int64:
            return "<i8";
        case DType::UInt64:
            return "<u8";
        case DType::Float16:
            return "<f2";
        case DType::Float32:
            return "<f4";
        case DType::Float64:
            return "<f8";
        default:
            throw UsageError("write_npy: .npy cannot hold " + std::string(dtype_name(dtype)) +
                             " natively (bool, intN, uintN, float16/32/64)");
    }
}

std::vector<char> make_header(const std::string& descr, const Shape& shape) {
    std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        dict += std::to_string(shape[i]);
        dict += shape.size() == 1 ? "," : (i + 1 < shape.size() ? ", " : "");
    }
    dict += "), }";
    const auto padded = [&](std::size_t preamble) {
        return (preamble + dict.size() + 1 + 63) / 64 * 64;
    };
    const bool v1 = padded(10) - 10 <= 65535;
    const std::size_t preamble = v1 ? 10 : 12;
    const std::size_t total = padded(preamble);
    dict.append(total - preamble - dict.size() - 1, ' ');
    dict += '\n';
    std::vector<char> header = {'\x93', 'N', 'U', 'M', 'P', 'Y', v1 ? '\x01' : '\x02', '\x00'};
    const auto length = static_cast<std::uint32_t>(dict.size());
    for (std::size_t i = 0; i < (v1 ? 2U : 4U); ++i) {
        header.push_back(static_cast<char>((length >> (8 * i)) & 0xFFU));
    }
    header.insert(header.end(), dict.begin(), dict.end());
    return header;
}

template <typename T>
T to_integer(float value) {
    if (std::isnan(value)) {
        return T{0};
    }
    const double rounded = std::nearbyint(static_cast<double>(value));
    const auto low = static_cast<double>(std::numeric_limits<T>::min());
    const auto high = static_cast<double>(std::numeric_limits<T>::max());
    if (rounded <= low) {
        return std::numeric_limits<T>::min();
    }
    if (rounded >= high) {
        return std::numeric_limits<T>::max();
    }
    return static_cast<T>(rounded);
}

template <typename T, typename Convert>
std::vector<std::byte> pack(std::span<const float> values, Convert convert) {
    std::vector<std::byte> bytes(values.size() * sizeof(T));
    for (std::size_t i = 0; i < values.size(); ++i) {
        const T value = convert(values[i]);
        std::memcpy(bytes.data() + i * sizeof(T), &value, sizeof(T));
    }
    return bytes;
}

std::vector<std::byte> encode(DType dtype, std::span<const float> values) {
    switch (dtype) {
        case DType::Bool:
            return pack<std::uint8_t>(values,
                                      [](float v) -> std::uint8_t { return v != 0 ? 1 : 0; });
        case DType::Int8:
            return pack<std::int8_t>(values, to_integer<std::int8_t>);
        case DType::UInt8:
            return pack<std::uint8_t>(values, to_integer<std::uint8_t>);
        case DType::Int16:
            return pack<std::int16_t>(values, to_integer<std::int16_t>);
        case DType::UInt16:
            return pack<std::uint16_t>(values, to_integer<std::uint16_t>);
        case DType::Int32:
            return pack<std::int32_t>(values, to_integer<std::int32_t>);
        case DType::UInt32:
            return pack<std::uint32_t>(values, to_integer<std::uint32_t>);
        case DType::Int64:
            return pack<std::int64_t>(values, to_integer<std::int64_t>);
        case DType::UInt64:
            return pack<std::uint64_t>(values, to_integer<std::uint64_t>);
        case DType::Float64:
            return pack<double>(values, [](float v) { return static_cast<double>(v); });
        case DType::Float16: {
            const Format fp16 = parse_format("fp16");
            return pack<std::uint16_t>(values, [&](float v) {
                return static_cast<std::uint16_t>(
                    fp16.encode(v, Rounding::NearestEven, Saturation::IeeeCast).code);
            });
        }
        default:
            return pack<float>(values, [](float v) { return v; });
    }
}

void write(const std::string& path, std::span<const float> values, const Shape& shape,
           DType dtype) {
    const auto count = checked_element_count(shape);
    if (!count || static_cast<std::uint64_t>(*count) != values.size()) {
        throw UsageError("write_npy: " + std::to_string(values.size()) +
                         " values do not fill shape " + shape_to_string(shape));
    }
    const std::vector<char> header = make_header(descr_for(dtype), shape);
    if (dtype == DType::Float32) {
        write_atomically(path, {std::as_bytes(std::span(header)), std::as_bytes(values)});
    } else {
        const std::vector<std::byte> data = encode(dtype, values);
        write_atomically(path, {std::as_bytes(std::span(header)), std::span(data)});
    }
}

}  // namespace

void write_npy(const std::string& path, std::span<const float> values, const Shape& shape) {
    write(path, values, shape, DType::Float32);
}

void write_npy(const std::string& path, std::span<const float> values, const Shape& shape,
               std::string_view dtype) {
    const auto parsed = parse_dtype(dtype);
    if (!parsed || !is_npy_native(*parsed)) {
        throw UsageError("write_npy: .npy cannot hold '" + std::string(dtype) +
                         "' natively (bool, int8..int64, uint8..uint64, float16/32/64)");
    }
    write(path, values, shape, *parsed);
}

std::string write_npy(const std::string& path, const Tensor& tensor) {
    const auto parsed = parse_dtype(tensor.info.dtype);
    const DType dtype = parsed && is_npy_native(*parsed) ? *parsed : DType::Float32;
    write(path, tensor.values, tensor.info.shape, dtype);
    return std::string(dtype_name(dtype));
}

}  // namespace quantscope

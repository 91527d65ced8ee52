#pragma once
// The NumPy .npy format (numpy.lib.format, versions 1.0, 2.0 and 3.0), shared by the .npy and
// .npz loaders: magic "\x93NUMPY", major and minor version bytes, a little-endian header length
// (u16 for v1, u32 for v2/v3), then a Python dict literal with exactly the keys 'descr',
// 'fortran_order' and 'shape', padded with spaces and ended by '\n'; the data follows.
// Like NumPy, headers longer than 10000 bytes and object ('O') arrays are refused.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "byte_reader.h"
#include "dtype.h"
#include "quantscope/common/buffer.h"
#include "quantscope/common/tensor.h"

namespace quantscope {

inline constexpr std::uint64_t kNpyMaxHeader = 10000;

struct NpyHeader {
    int major_version = 1;
    std::string descr;           // as written, e.g. "<f4"
    std::optional<DType> dtype;  // nullopt: listed only (complex, strings, datetimes, ...)
    std::string dtype_name;      // dtype_name(*dtype), or a descriptive name
    bool big_endian = false;
    bool fortran_order = false;
    Shape shape;
    std::int64_t count = 0;
    std::int64_t data_bytes = 0;
    std::uint64_t data_offset = 0;  // file offset of the first data byte
};

// Parses the preamble and header at the reader's position (the start of the .npy bytes) and
// checks that the data fits in `total_bytes` counted from there (default: up to the reader's
// end; an archive member whose bytes are only partly inflated passes its full size).
NpyHeader parse_npy_header(ByteReader& reader,
                           std::optional<std::uint64_t> total_bytes = std::nullopt);

// Decodes the data bytes into out (header.count elements), transposing Fortran order.
void decode_npy(const NpyHeader& header, std::span<const std::byte> data, std::span<float> out);

}  // namespace quantscope

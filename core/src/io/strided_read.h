#pragma once
// Strided samples (Source::read with ReadOptions::stride > 1): every k-th element of a tensor,
// read without holding the whole tensor. Loaders whose data is packed fixed-width elements or
// blocks at a known offset (npy, safetensors, gguf, raw, wav, ONNX raw_data and external data)
// call read_packed_sample, which reads bounded windows around the sampled elements and decodes
// only those (a block type: only the blocks that hold one). Loaders whose bytes come in order
// (npz members, checked against their CRC-32 as they pass; ONNX typed fields) feed them to a
// SampleCollector, which keeps every k-th value as the bytes stream past. Fortran-order arrays
// go through the collector too: their row-major sample is scattered over the file.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

#include "dtype.h"
#include "file_data.h"
#include "quantscope/common/buffer.h"
#include "quantscope/common/tensor.h"

namespace quantscope {

using SampleProgress = std::function<void(double)>;

// ceil(count / stride): how many values a sample of every stride-th element holds.
std::size_t sample_count(std::int64_t count, std::int64_t stride);

// Values 0, stride, 2 * stride, ... of values already in memory.
FloatBuffer take_every(const FloatBuffer& values, std::int64_t stride);

// How elements are packed: blocks of block_elements values in block_bits bits (one value in
// its width for an element type), and how to decode some of them.
struct PackedType {
    std::int64_t block_elements = 1;
    std::int64_t block_bits = 32;
    // out[j] = element first + j * stride of the elements whose element 0 starts at bytes[0].
    std::function<void(std::span<const std::byte> bytes, std::uint64_t first, std::uint64_t stride,
                       std::span<float> out)>
        decode;
};

PackedType packed_type(DType dtype, bool big_endian);
PackedType packed_type(const GgmlType& type);

// Every stride-th element (row-major) of `count` elements packed as `type` from byte `offset` of
// `file` on. `fortran_shape`, when it has two axes or more, says the elements are stored in
// column-major order. Mapped pages are released as the read moves on; under pread the reads are
// bounded windows. LoadError (from the file) when the bytes pass its end.
FloatBuffer read_packed_sample(const FileData& file, std::uint64_t offset, const PackedType& type,
                               std::int64_t count, std::int64_t stride,
                               const SampleProgress& progress, const Shape& fortran_shape = {});

// Keeps every stride-th element of packed bytes that arrive in order, in pieces of any size.
class SampleCollector {
public:
    SampleCollector(PackedType type, std::int64_t count, std::int64_t stride,
                    const Shape& fortran_shape = {});
    // The next bytes of the data.
    void feed(std::span<const std::byte> bytes);
    // The data's size in bytes.
    std::uint64_t total_bytes() const { return total_bytes_; }
    // The sample; every byte must have been fed.
    FloatBuffer take();

private:
    void consume_units(std::span<const std::byte> bytes);
    void scatter(std::span<const float> values);

    PackedType type_;
    std::uint64_t count_;
    std::uint64_t stride_;
    std::uint64_t unit_elements_;  // the fewest whole blocks that end on a byte
    std::uint64_t unit_bytes_;
    std::uint64_t total_bytes_;
    std::uint64_t units_done_ = 0;
    std::vector<std::byte> carry_;  // the start of a unit split between pieces
    FloatBuffer out_;
    // Column-major storage: each axis's index and row-major stride, and the current element's
    // row-major index.
    std::vector<std::uint64_t> dims_;
    std::vector<std::uint64_t> index_;
    std::vector<std::uint64_t> row_strides_;
    std::uint64_t row_major_ = 0;
    FloatBuffer decoded_;
};

}  // namespace quantscope

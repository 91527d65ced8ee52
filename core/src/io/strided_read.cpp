#include "strided_read.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "quantscope/common/cancel.h"
#include "quantscope/common/error.h"
#include "quantscope/formats/ggml_types.h"

namespace quantscope {
namespace {

// The most bytes one window of a read covers (and a pread scratch buffer holds).
constexpr std::uint64_t kWindow = PageReleaser::kStep;
// Samples further apart than this are read one by one: the bytes between them are never read.
constexpr std::uint64_t kSparse = std::uint64_t{64} << 10;
// The fewest elements a collector decodes at once before scattering a Fortran-order array.
constexpr std::uint64_t kBatchElements = std::uint64_t{1} << 20;

// Calls progress (when set) each time another percent is done.
class ProgressSteps {
public:
    explicit ProgressSteps(const SampleProgress& progress) : progress_(progress) {}
    void report(std::uint64_t done, std::uint64_t total) {
        if (!progress_ || total == 0) {
            return;
        }
        const std::uint64_t percent = done * 100 / total;
        if (percent != last_) {
            last_ = percent;
            progress_(static_cast<double>(done) / static_cast<double>(total));
        }
    }

private:
    const SampleProgress& progress_;
    std::uint64_t last_ = ~std::uint64_t{0};
};

struct Units {
    std::uint64_t elements;
    std::uint64_t bytes;
};

Units units_of(const PackedType& type) {
    const auto bits = static_cast<std::uint64_t>(type.block_bits);
    const std::uint64_t blocks = 8 / std::gcd(bits, std::uint64_t{8});
    return {blocks * static_cast<std::uint64_t>(type.block_elements), blocks * bits / 8};
}

std::uint64_t packed_bytes(const PackedType& type, std::uint64_t count) {
    const auto per_block = static_cast<std::uint64_t>(type.block_elements);
    const std::uint64_t blocks = (count + per_block - 1) / per_block;
    return (blocks * static_cast<std::uint64_t>(type.block_bits) + 7) / 8;
}

}  // namespace

std::size_t sample_count(std::int64_t count, std::int64_t stride) {
    if (count <= 0) {
        return 0;
    }
    return static_cast<std::size_t>(
        (static_cast<std::uint64_t>(count) - 1) / static_cast<std::uint64_t>(stride) + 1);
}

FloatBuffer take_every(const FloatBuffer& values, std::int64_t stride) {
    const std::size_t n = sample_count(static_cast<std::int64_t>(values.size()), stride);
    FloatBuffer sample(n);
    for (std::size_t j = 0; j < n; ++j) {
        sample[j] = values[j * static_cast<std::size_t>(stride)];
    }
    return sample;
}

PackedType packed_type(DType dtype, bool big_endian) {
    return {dtype_block_elements(dtype), dtype_block_bits(dtype),
            [dtype, big_endian](std::span<const std::byte> bytes, std::uint64_t first,
                                std::uint64_t stride, std::span<float> out) {
                decode_strided(dtype, bytes, big_endian, first, stride, out);
            }};
}

PackedType packed_type(const GgmlType& type) {
    return {
        type.block_elements, type.block_bytes * 8,
        [&type](std::span<const std::byte> bytes, std::uint64_t first, std::uint64_t stride,
                std::span<float> out) { decode_ggml_strided(type, bytes, first, stride, out); }};
}

FloatBuffer read_packed_sample(const FileData& file, std::uint64_t offset, const PackedType& type,
                               std::int64_t count, std::int64_t stride,
                               const SampleProgress& progress, const Shape& fortran_shape) {
    const auto total = packed_bytes(type, static_cast<std::uint64_t>(count));
    // The same check, and so the same message, as a whole read's view of the data.
    file.check_range(offset, total, "a range");
    const std::atomic<bool>* cancel = current_cancel_flag();
    PageReleaser releaser(file, offset);
    ProgressSteps steps(progress);
    std::vector<std::byte> scratch;
    if (fortran_shape.size() >= 2) {
        SampleCollector collector(type, count, stride, fortran_shape);
        for (std::uint64_t at = 0; at < total; at += kWindow) {
            throw_if_cancelled(cancel);
            const std::uint64_t length = std::min(kWindow, total - at);
            collector.feed(file.view(offset + at, length, scratch));
            releaser.advance(offset + at + length);
            steps.report(at + length, total);
        }
        releaser.finish(offset + total);
        return collector.take();
    }
    const std::size_t n = sample_count(count, stride);
    FloatBuffer out(n);
    const auto k = static_cast<std::uint64_t>(stride);
    const Units unit = units_of(type);
    // Bytes from one sampled element to the next, at least one.
    const std::uint64_t gap = std::max<std::uint64_t>(1, packed_bytes(type, k));
    const std::uint64_t group = gap >= kSparse ? 1 : std::max<std::uint64_t>(1, kWindow / gap);
    for (std::uint64_t j0 = 0; j0 < n; j0 += group) {
        throw_if_cancelled(cancel);
        const std::uint64_t j1 = std::min<std::uint64_t>(n, j0 + group);
        const std::uint64_t first_unit = j0 * k / unit.elements;
        const std::uint64_t end_unit = (j1 - 1) * k / unit.elements + 1;
        const std::uint64_t begin = first_unit * unit.bytes;
        const std::uint64_t end = std::min(total, end_unit * unit.bytes);
        const auto bytes = file.view(offset + begin, end - begin, scratch);
        type.decode(bytes, j0 * k - first_unit * unit.elements, k,
                    std::span<float>(out.data() + j0, static_cast<std::size_t>(j1 - j0)));
        releaser.advance(offset + end);
        steps.report(j1, n);
    }
    releaser.finish(offset + total);
    return out;
}

SampleCollector::SampleCollector(PackedType type, std::int64_t count, std::int64_t stride,
                                 const Shape& fortran_shape)
    : type_(std::move(type)),
      count_(static_cast<std::uint64_t>(std::max<std::int64_t>(0, count))),
      stride_(static_cast<std::uint64_t>(stride)),
      out_(sample_count(count, stride)) {
    const Units unit = units_of(type_);
    unit_elements_ = unit.elements;
    unit_bytes_ = unit.bytes;
    total_bytes_ = packed_bytes(type_, count_);
    if (fortran_shape.size() >= 2) {
        for (const std::int64_t dim : fortran_shape) {
            dims_.push_back(static_cast<std::uint64_t>(dim));
        }
        index_.assign(dims_.size(), 0);
        row_strides_.assign(dims_.size(), 1);
        for (std::size_t axis = dims_.size() - 1; axis-- > 0;) {
            row_strides_[axis] = row_strides_[axis + 1] * dims_[axis + 1];
        }
    }
}

void SampleCollector::feed(std::span<const std::byte> bytes) {
    const std::uint64_t units = (count_ + unit_elements_ - 1) / unit_elements_;
    while (!bytes.empty()) {
        if (units_done_ >= units) {
            throw Error("internal: more bytes than " + std::to_string(count_) + " elements take");
        }
        // Whole units straight from the piece; the last unit (maybe shorter) goes through carry_.
        const std::uint64_t whole =
            carry_.empty()
                ? std::min<std::uint64_t>(bytes.size() / unit_bytes_, units - 1 - units_done_)
                : 0;
        if (whole > 0) {
            consume_units(bytes.first(static_cast<std::size_t>(whole * unit_bytes_)));
            bytes = bytes.subspan(static_cast<std::size_t>(whole * unit_bytes_));
            continue;
        }
        const std::uint64_t need =
            units_done_ + 1 == units ? total_bytes_ - units_done_ * unit_bytes_ : unit_bytes_;
        const std::size_t take =
            std::min(static_cast<std::size_t>(need - carry_.size()), bytes.size());
        carry_.insert(carry_.end(), bytes.begin(),
                      bytes.begin() + static_cast<std::ptrdiff_t>(take));
        bytes = bytes.subspan(take);
        if (carry_.size() == need) {
            consume_units(carry_);
            carry_.clear();
        }
    }
}

void SampleCollector::consume_units(std::span<const std::byte> bytes) {
    const std::uint64_t units = (bytes.size() + unit_bytes_ - 1) / unit_bytes_;
    const std::uint64_t begin = units_done_ * unit_elements_;
    const std::uint64_t end = std::min(count_, (units_done_ + units) * unit_elements_);
    units_done_ += units;
    if (dims_.empty()) {
        const std::uint64_t j0 = (begin + stride_ - 1) / stride_;
        const std::uint64_t j1 =
            std::min<std::uint64_t>(out_.size(), (end + stride_ - 1) / stride_);
        if (j1 > j0) {
            type_.decode(bytes, j0 * stride_ - begin, stride_,
                         std::span<float>(out_.data() + j0, static_cast<std::size_t>(j1 - j0)));
        }
        return;
    }
    // Column-major: decode every element (in bounded batches of whole units) and keep those
    // whose row-major index is a multiple of the stride.
    const std::uint64_t batch_units = std::max<std::uint64_t>(1, kBatchElements / unit_elements_);
    for (std::uint64_t u = 0; u < units; u += batch_units) {
        const std::uint64_t m = std::min(batch_units, units - u);
        const std::uint64_t first = begin + u * unit_elements_;
        const std::uint64_t last = std::min(end, first + m * unit_elements_);
        decoded_.resize(static_cast<std::size_t>(last - first));
        const auto piece = bytes.subspan(static_cast<std::size_t>(u * unit_bytes_));
        type_.decode(piece.first(std::min<std::size_t>(piece.size(),
                                                       static_cast<std::size_t>(m * unit_bytes_))),
                     0, 1, decoded_);
        scatter(decoded_);
    }
}

void SampleCollector::scatter(std::span<const float> values) {
    for (const float value : values) {
        if (row_major_ % stride_ == 0) {
            out_[static_cast<std::size_t>(row_major_ / stride_)] = value;
        }
        // Next element in storage: the first axis moves fastest.
        for (std::size_t axis = 0; axis < dims_.size(); ++axis) {
            row_major_ += row_strides_[axis];
            if (++index_[axis] < dims_[axis]) {
                break;
            }
            row_major_ -= row_strides_[axis] * dims_[axis];
            index_[axis] = 0;
        }
    }
}

FloatBuffer SampleCollector::take() {
    const std::uint64_t units = (count_ + unit_elements_ - 1) / unit_elements_;
    if (units_done_ != units || !carry_.empty()) {
        throw Error("internal: the data ended after " +
                    std::to_string(units_done_ * unit_bytes_ + carry_.size()) + " of " +
                    std::to_string(total_bytes_) + " bytes");
    }
    return std::move(out_);
}

}  // namespace quantscope

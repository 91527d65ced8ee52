// Headerless binary files whose dtype and shape the user gives (raw_source.h).
#include "quantscope/io/raw_source.h"

#include <charconv>
#include <limits>
#include <string>
#include <vector>

#include "dtype.h"
#include "file_data.h"
#include "loaders.h"
#include "quantscope/common/error.h"
#include "quantscope/io/load_error.h"
#include "strided_read.h"

namespace quantscope {
namespace {

std::int64_t parse_integer(std::string_view text, std::string_view what, std::string_view spec) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) {
        throw UsageError("raw:" + std::string(spec) + ": " + std::string(what) + " '" +
                         std::string(text) + "' is not a non-negative integer");
    }
    return value;
}

class RawSource final : public Source {
public:
    RawSource(const RawOptions& options, FilePtr file)
        : Source(options.path, "raw"),
          file_(std::move(file)),
          big_endian_(options.big_endian),
          offset_(options.offset) {
        const auto dtype = parse_dtype(options.dtype);
        if (!dtype) {
            throw UsageError("raw: unknown dtype '" + options.dtype +
                             "' (e.g. float32, float16, bfloat16, int16, uint8, float8_e4m3)");
        }
        dtype_ = *dtype;
        if (offset_ > file_->size()) {
            throw LoadError(file_->name(), file_->size(),
                            "offset " + std::to_string(offset_) + " passes the end of the file");
        }
        const std::uint64_t available = file_->size() - offset_;
        TensorInfo info;
        info.name = file_stem(options.path);
        info.dtype = std::string(dtype_name(dtype_));
        if (options.shape) {
            info.shape = *options.shape;
            const auto count = checked_element_count(info.shape);
            if (!count) {
                throw UsageError("raw: shape " + shape_to_string(info.shape) + " overflows");
            }
            info.count = *count;
        } else {
            // One dimension: as many elements as the bytes hold.
            const std::int64_t block_bits = dtype_block_bits(dtype_);
            const std::int64_t block_elements = dtype_block_elements(dtype_);
            const auto bits = static_cast<std::uint64_t>(block_bits);
            if (available > std::numeric_limits<std::uint64_t>::max() / 8 ||
                (available * 8) % bits != 0) {
                throw LoadError(file_->name(), offset_,
                                std::to_string(available) + " bytes are not a whole number of " +
                                    info.dtype + " elements");
            }
            info.count = static_cast<std::int64_t>(available * 8 / bits) * block_elements;
            info.shape = {info.count};
        }
        const auto bytes = dtype_bytes(dtype_, info.count);
        if (!bytes) {
            throw UsageError("raw: " + std::to_string(info.count) + " elements of " + info.dtype +
                             " do not make whole bytes or blocks");
        }
        info.bytes = *bytes;
        if (static_cast<std::uint64_t>(*bytes) != available) {
            throw LoadError(file_->name(), offset_,
                            "shape " + shape_to_string(info.shape) + " of " + info.dtype +
                                " needs " + std::to_string(*bytes) + " bytes, the file has " +
                                std::to_string(available) + " after offset " +
                                std::to_string(offset_));
        }
        add_tensor(std::move(info));
        add_metadata("offset", std::to_string(offset_));
        add_metadata("endian", big_endian_ ? "big" : "little");
    }

protected:
    FloatBuffer read_values(std::size_t) const override {
        const ReleaseOnExit release(*file_, offset_,
                                    static_cast<std::uint64_t>(tensors()[0].bytes));
        std::vector<std::byte> scratch;
        const auto bytes =
            file_->view(offset_, static_cast<std::uint64_t>(tensors()[0].bytes), scratch);
        FloatBuffer values(static_cast<std::size_t>(tensors()[0].count));
        decode_values(dtype_, bytes, big_endian_, values);
        return values;
    }

    FloatBuffer read_sample(std::size_t, std::int64_t stride,
                            const SampleProgress& progress) const override {
        return read_packed_sample(*file_, offset_, packed_type(dtype_, big_endian_),
                                  tensors()[0].count, stride, progress);
    }

private:
    FilePtr file_;
    DType dtype_ = DType::Float32;
    bool big_endian_ = false;
    std::uint64_t offset_ = 0;
};

}  // namespace

RawOptions parse_raw_spec(std::string_view spec) {
    RawOptions options;
    const auto question = spec.find_last_of('?');
    options.path = std::string(spec.substr(0, question));
    if (options.path.empty()) {
        throw UsageError("raw: no path in 'raw:" + std::string(spec) + "'");
    }
    std::string_view query =
        question == std::string_view::npos ? std::string_view() : spec.substr(question + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const auto equals = pair.find('=');
        if (equals == std::string_view::npos) {
            throw UsageError("raw:" + std::string(spec) + ": expected key=value, got '" +
                             std::string(pair) + "'");
        }
        const std::string_view key = pair.substr(0, equals);
        const std::string_view value = pair.substr(equals + 1);
        if (key == "dtype") {
            options.dtype = std::string(value);
        } else if (key == "shape") {
            Shape shape;
            std::string_view rest = value;
            while (!rest.empty()) {
                const auto comma = rest.find(',');
                shape.push_back(parse_integer(rest.substr(0, comma), "dimension", spec));
                rest =
                    comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            }
            options.shape = std::move(shape);
        } else if (key == "offset") {
            options.offset = static_cast<std::uint64_t>(parse_integer(value, "offset", spec));
        } else if (key == "endian") {
            if (value != "little" && value != "big") {
                throw UsageError("raw:" + std::string(spec) + ": endian must be little or big");
            }
            options.big_endian = value == "big";
        } else {
            throw UsageError("raw:" + std::string(spec) + ": unknown option '" + std::string(key) +
                             "' (dtype, shape, offset, endian)");
        }
    }
    if (options.dtype.empty()) {
        throw UsageError("raw:" + std::string(spec) + ": dtype=... is required, e.g. raw:" +
                         options.path + "?dtype=float32&shape=3,4");
    }
    return options;
}

std::unique_ptr<Source> open_raw(const RawOptions& options, const SourceOptions& source) {
    return std::make_unique<RawSource>(options, FileData::open(options.path, source.memory_map));
}

}  // namespace quantscope

// .npy loader; the format is described in npy_format.h (numpy/lib/format.py). The data is read
// straight from the memory map.
#include <string>

#include "loaders.h"
#include "npy_format.h"
#include "quantscope/io/load_error.h"
#include "strided_read.h"

namespace quantscope {
namespace {

class NpySource final : public Source {
public:
    explicit NpySource(FilePtr file) : Source(file->name(), "npy"), file_(std::move(file)) {
        ByteReader reader(*file_);
        header_ = parse_npy_header(reader);
        TensorInfo info{file_stem(file_->name()), header_.dtype_name, header_.shape, header_.count,
                        header_.data_bytes};
        std::string note;
        if (!header_.dtype) {
            note = "unsupported dtype " + header_.dtype_name + " ('" + header_.descr +
                   "'): listed only";
        }
        add_tensor(std::move(info), note, header_.dtype.has_value());
        add_metadata("version", std::to_string(header_.major_version) + ".0");
        add_metadata("descr", header_.descr);
        add_metadata("fortran_order", header_.fortran_order ? "True" : "False");
    }

protected:
    FloatBuffer read_values(std::size_t index) const override {
        if (!header_.dtype) {
            throw LoadError(file_->name(), header_.data_offset, note(index));
        }
        const ReleaseOnExit release(*file_, header_.data_offset,
                                    static_cast<std::uint64_t>(header_.data_bytes));
        std::vector<std::byte> scratch;
        const auto data = file_->view(header_.data_offset,
                                      static_cast<std::uint64_t>(header_.data_bytes), scratch);
        FloatBuffer values(static_cast<std::size_t>(header_.count));
        decode_npy(header_, data, values);
        return values;
    }

    FloatBuffer read_sample(std::size_t index, std::int64_t stride,
                            const SampleProgress& progress) const override {
        if (!header_.dtype) {
            throw LoadError(file_->name(), header_.data_offset, note(index));
        }
        return read_packed_sample(
            *file_, header_.data_offset, packed_type(*header_.dtype, header_.big_endian),
            header_.count, stride, progress, header_.fortran_order ? header_.shape : Shape{});
    }

private:
    FilePtr file_;
    NpyHeader header_;
};

bool npy_magic(std::span<const std::byte> head) {
    return has_magic(head, "\x93NUMPY");
}

constexpr std::string_view kNpyExtensions[] = {"npy"};

}  // namespace

extern constinit const Loader npy_loader{
    {"npy", kNpyExtensions, "NumPy array (v1 to v3)"}, npy_magic, open_as<NpySource>};

}  // namespace quantscope

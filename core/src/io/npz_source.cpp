// .npz loader: a zip archive (zip.h) of .npy members (npy_format.h), as numpy.savez and
// numpy.savez_compressed write it. Stored members are read straight from the memory map;
// deflated ones are inflated on read (only their header when listing). A problem inside a member
// is reported at the archive's name, with the member named in the message.
#include <algorithm>
#include <string>
#include <vector>

#include "loaders.h"
#include "npy_format.h"
#include "quantscope/io/load_error.h"
#include "strided_read.h"
#include "zip.h"

namespace quantscope {
namespace {

struct Member {
    ZipMember zip;
    NpyHeader header;  // data_offset: in the file when stored, in the inflated bytes otherwise
};

class NpzSource final : public Source {
public:
    explicit NpzSource(FilePtr file) : Source(file->name(), "npz"), file_(std::move(file)) {
        std::size_t skipped = 0;
        for (ZipMember& zip : read_zip_directory(*file_)) {
            if (zip.name.size() < 4 || zip.name.substr(zip.name.size() - 4) != ".npy") {
                ++skipped;  // np.load ignores non-.npy members too
                continue;
            }
            Member member{std::move(zip), {}};
            member.header = parse_member_header(member.zip);
            TensorInfo info{member.zip.name.substr(0, member.zip.name.size() - 4),
                            member.header.dtype_name, member.header.shape, member.header.count,
                            member.header.data_bytes};
            std::string note = member.zip.method == 8 ? "deflated" : "";
            if (!member.header.dtype) {
                note = "unsupported dtype " + member.header.dtype_name + " ('" +
                       member.header.descr + "'): listed only";
            }
            add_tensor(std::move(info), std::move(note), member.header.dtype.has_value());
            members_.push_back(std::move(member));
        }
        add_metadata("members", std::to_string(members_.size() + skipped));
        if (skipped != 0) {
            add_metadata("skipped", std::to_string(skipped) + " members not ending in .npy");
        }
    }

protected:
    FloatBuffer read_values(std::size_t index) const override {
        const Member& member = members_[index];
        if (!member.header.dtype) {
            throw LoadError(file_->name(), member.zip.data_offset, note(index));
        }
        FloatBuffer values(static_cast<std::size_t>(member.header.count));
        const auto data_bytes = static_cast<std::size_t>(member.header.data_bytes);
        if (member.zip.method == 0) {
            const ReleaseOnExit release(*file_, member.zip.data_offset, member.zip.compressed_size);
            std::vector<std::byte> scratch;
            const auto bytes =
                file_->view(member.zip.data_offset, member.zip.compressed_size, scratch);
            check_member_crc(*file_, member.zip, bytes);
            const auto start =
                static_cast<std::size_t>(member.header.data_offset - member.zip.data_offset);
            decode_npy(member.header, bytes.subspan(start, data_bytes), values);
        } else {
            const std::vector<std::byte> bytes = extract_member(*file_, member.zip);
            decode_npy(member.header,
                       std::span<const std::byte>(bytes).subspan(
                           static_cast<std::size_t>(member.header.data_offset), data_bytes),
                       values);
        }
        return values;
    }

    // The member streams past (stored: straight from the file; deflated: through the inflater)
    // and only the sample is kept: its CRC-32 is checked as the whole member passes, so that a
    // corrupt member fails the sample as it fails the whole read.
    FloatBuffer read_sample(std::size_t index, std::int64_t stride,
                            const SampleProgress& progress) const override {
        const Member& member = members_[index];
        if (!member.header.dtype) {
            throw LoadError(file_->name(), member.zip.data_offset, note(index));
        }
        const NpyHeader& header = member.header;
        const PackedType packed = packed_type(*header.dtype, header.big_endian);
        const Shape fortran = header.fortran_order ? header.shape : Shape{};
        SampleCollector collector(packed, header.count, stride, fortran);
        // The data's offset in the member's bytes (a stored member's header gives it in the file).
        const std::uint64_t data_begin =
            header.data_offset - (member.zip.method == 0 ? member.zip.data_offset : 0);
        const std::uint64_t data_end = data_begin + collector.total_bytes();
        std::uint64_t at = 0;  // the member's bytes so far
        stream_member(*file_, member.zip, member.zip.uncompressed_size,
                      [&](std::span<const std::byte> piece) {
                          const std::uint64_t begin = std::max(at, data_begin);
                          const std::uint64_t end = std::min(at + piece.size(), data_end);
                          if (begin < end) {
                              collector.feed(piece.subspan(static_cast<std::size_t>(begin - at),
                                                           static_cast<std::size_t>(end - begin)));
                          }
                          at += piece.size();
                          if (progress && member.zip.uncompressed_size > 0) {
                              progress(static_cast<double>(at) /
                                       static_cast<double>(member.zip.uncompressed_size));
                          }
                      });
        return collector.take();
    }

private:
    NpyHeader parse_member_header(const ZipMember& zip) const {
        const std::string where = "member '" + zip.name + "': ";
        if (zip.method == 0) {
            try {
                ByteReader reader(*file_, zip.data_offset, zip.data_offset + zip.compressed_size);
                return parse_npy_header(reader);
            } catch (const LoadError& error) {
                throw LoadError(file_->name(), error.offset(), where + error.problem());
            }
        }
        const auto prefix = extract_member(*file_, zip, 12 + kNpyMaxHeader);
        const auto inflated = FileData::from_bytes(file_->name(), prefix);
        try {
            ByteReader reader(*inflated);
            return parse_npy_header(reader, zip.uncompressed_size);
        } catch (const LoadError& error) {
            throw LoadError(file_->name(), zip.data_offset,
                            where + "at inflated offset " + std::to_string(error.offset()) + ": " +
                                error.problem());
        }
    }

    FilePtr file_;
    std::vector<Member> members_;
};

bool npz_magic(std::span<const std::byte> head) {
    return has_magic(head, "PK\x03\x04") || has_magic(head, "PK\x05\x06");
}

constexpr std::string_view kNpzExtensions[] = {"npz"};

}  // namespace

extern constinit const Loader npz_loader{
    {"npz", kNpzExtensions, "zip of NumPy arrays"}, npz_magic, open_as<NpzSource>};

}  // namespace quantscope

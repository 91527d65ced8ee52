// ZIP format: PKWARE APPNOTE.TXT 6.3 (sections 4.3.7 local header, 4.3.12 central directory,
// 4.3.14-4.3.16 ZIP64 and end of central directory, 4.5.3 ZIP64 extra field). Deflate: RFC 1951.
#include "zip.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <set>

#include "byte_reader.h"
#include "quantscope/common/cancel.h"
#include "quantscope/io/load_error.h"

namespace quantscope {
namespace {

constexpr std::uint32_t kLocalSignature = 0x04034b50;
constexpr std::uint32_t kCentralSignature = 0x02014b50;
constexpr std::uint32_t kEndSignature = 0x06054b50;
constexpr std::uint32_t kEnd64Signature = 0x06064b50;
constexpr std::uint32_t kEnd64LocatorSignature = 0x07064b50;
constexpr std::uint64_t kEndSize = 22;
constexpr std::uint64_t kCentralSize = 46;
constexpr std::uint64_t kLocalSize = 30;
// Deflate cannot expand by more than about 1032:1 (a 258-byte match per 2 bits); a member that
// claims more than this from its compressed bytes is a bomb or a lie.
constexpr std::uint64_t kMaxDeflateRatio = 1032;
constexpr unsigned kChunk = 1U << 30;  // zlib counts in 32-bit uInt
// Bytes inflated or checksummed between looks at the caller's cancel flag (cancel.h): a few
// milliseconds of work, so that Esc stops a large member at once.
constexpr std::size_t kCancelStep = std::size_t{8} << 20;

[[noreturn]] void fail(const FileData& file, std::uint64_t offset, const std::string& problem) {
    throw LoadError(file.name(), offset, problem);
}

std::uint64_t find_end_record(const FileData& file) {
    if (file.size() < kEndSize) {
        fail(file, 0,
             "truncated: a zip archive needs at least 22 bytes, the file has " +
                 std::to_string(file.size()));
    }
    const std::uint64_t last = file.size() - kEndSize;
    const std::uint64_t first = last > 0xFFFF ? last - 0xFFFF : 0;  // comment is at most 64 KiB
    std::vector<std::byte> scratch;
    const auto tail = file.view(first, file.size() - first, scratch);
    for (std::uint64_t at = last + 1; at-- > first;) {
        std::uint32_t signature;
        std::memcpy(&signature, tail.data() + (at - first), 4);
        if (signature == kEndSignature) {
            return at;
        }
    }
    fail(file, last, "no end-of-central-directory record: not a zip archive or truncated");
}

// The CRC-32 of the bytes so far (`crc`, 0 at the start) extended by `bytes`.
std::uint32_t crc_update(std::uint32_t crc, std::span<const std::byte> bytes) {
    uLong value = crc;
    for (std::size_t done = 0; done < bytes.size();) {
        const auto n = static_cast<uInt>(std::min<std::size_t>(kChunk, bytes.size() - done));
        value = ::crc32(value, reinterpret_cast<const Bytef*>(bytes.data() + done), n);
        done += n;
    }
    return static_cast<std::uint32_t>(value);
}

void expect_crc(const FileData& file, const ZipMember& member, std::uint32_t crc) {
    if (crc != member.crc32) {
        fail(file, member.data_offset, "member '" + member.name + "' fails its CRC-32 check");
    }
}

// A stored member's bytes straight from the file, in pieces: views of the mapping (their pages
// released as the read moves on) or one pread buffer.
void stream_stored(const FileData& file, const ZipMember& member, std::uint64_t limit,
                   const std::function<void(std::span<const std::byte>)>& sink) {
    const std::uint64_t target = std::min(limit, member.uncompressed_size);
    const std::atomic<bool>* cancel = current_cancel_flag();
    std::vector<std::byte> scratch;
    std::uint32_t crc = 0;
    PageReleaser releaser(file, member.data_offset);
    for (std::uint64_t done = 0; done < target;) {
        throw_if_cancelled(cancel);
        const std::uint64_t length = std::min<std::uint64_t>(kCancelStep, target - done);
        const auto piece = file.view(member.data_offset + done, length, scratch);
        crc = crc_update(crc, piece);
        sink(piece);
        done += length;
        releaser.advance(member.data_offset + done);
    }
    releaser.finish(member.data_offset + target);
    if (target == member.uncompressed_size) {
        expect_crc(file, member, crc);
    }
}

void stream_deflated(const FileData& file, const ZipMember& member, std::uint64_t limit,
                     const std::function<void(std::span<const std::byte>)>& sink) {
    const std::uint64_t target = std::min(limit, member.uncompressed_size);
    const bool whole = target == member.uncompressed_size;
    std::vector<std::byte> scratch;
    const ReleaseOnExit release(file, member.data_offset, member.compressed_size);
    PageReleaser releaser(file, member.data_offset);
    const auto input = file.view(member.data_offset, member.compressed_size, scratch);
    // The inflated bytes pass through this buffer: memory holds one piece, not the member.
    std::vector<std::byte> buffer(static_cast<std::size_t>(
        std::min<std::uint64_t>(kCancelStep, std::max<std::uint64_t>(1, target))));

    z_stream stream{};
    if (inflateInit2(&stream, -MAX_WBITS) != Z_OK) {
        fail(file, member.data_offset, "zlib could not start inflating");
    }
    struct Guard {
        z_stream* stream;
        ~Guard() { inflateEnd(stream); }
    } guard{&stream};

    std::size_t in_done = 0;
    std::uint64_t out_done = 0;
    bool ended = false;
    std::uint32_t crc = 0;
    auto step = [&](Bytef* destination, std::size_t room) {
        stream.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(input.data() + in_done));
        stream.avail_in = static_cast<uInt>(std::min<std::size_t>(kChunk, input.size() - in_done));
        stream.next_out = destination;
        stream.avail_out = static_cast<uInt>(std::min<std::size_t>(kCancelStep, room));
        const uInt in_before = stream.avail_in;
        const uInt out_before = stream.avail_out;
        const int status = inflate(&stream, Z_NO_FLUSH);
        in_done += in_before - stream.avail_in;
        const std::size_t produced = out_before - stream.avail_out;
        if (status == Z_STREAM_END) {
            ended = true;
        } else if (status != Z_OK && status != Z_BUF_ERROR) {
            fail(
                file, member.data_offset + in_done,
                "member '" + member.name + "': invalid deflate data" +
                    (stream.msg != nullptr ? std::string(" (") + stream.msg + ")" : std::string()));
        } else if (produced == 0 && in_before == stream.avail_in) {
            fail(file, member.data_offset + in_done,
                 "member '" + member.name + "': deflate stream is truncated");
        }
        return produced;
    };
    const std::atomic<bool>* cancel = current_cancel_flag();
    while (out_done < target && !ended) {
        throw_if_cancelled(cancel);
        const std::size_t produced = step(
            reinterpret_cast<Bytef*>(buffer.data()),
            static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), target - out_done)));
        crc = crc_update(crc, std::span<const std::byte>(buffer.data(), produced));
        out_done += produced;
        sink(std::span<const std::byte>(buffer.data(), produced));
        releaser.advance(member.data_offset + in_done);
    }
    if (!whole) {
        if (out_done < target) {
            fail(file, member.data_offset,
                 "member '" + member.name + "' inflates to only " + std::to_string(out_done) +
                     " bytes, its header declares " + std::to_string(member.uncompressed_size));
        }
        return;
    }
    if (!ended) {
        // Full: the stream must end here, without one more byte.
        Bytef extra[1];
        while (!ended) {
            if (step(extra, 1) != 0) {
                fail(file, member.data_offset,
                     "member '" + member.name + "' inflates past its declared size of " +
                         std::to_string(member.uncompressed_size) + " bytes");
            }
        }
    }
    if (out_done != target) {
        fail(file, member.data_offset,
             "member '" + member.name + "' inflates to only " + std::to_string(out_done) +
                 " bytes, its header declares " + std::to_string(member.uncompressed_size));
    }
    expect_crc(file, member, crc);
}

}  // namespace

std::vector<ZipMember> read_zip_directory(const FileData& file) {
    const std::uint64_t end_offset = find_end_record(file);
    ByteReader end(file, end_offset, file.size());
    end.skip(4);
    const std::uint16_t disk = end.u16();
    const std::uint16_t directory_disk = end.u16();
    const std::uint64_t entries_here = end.u16();
    std::uint64_t entries = end.u16();
    std::uint64_t directory_size = end.u32();
    std::uint64_t directory_offset = end.u32();
    const std::uint16_t comment = end.u16();
    end.need(comment, "archive comment");
    if (disk != 0 || directory_disk != 0 || entries_here != entries) {
        fail(file, end_offset + 4, "multi-disk archives are not supported");
    }
    std::uint64_t directory_limit = end_offset;  // the directory must end before this
    if (entries == 0xFFFF || directory_size == 0xFFFFFFFF || directory_offset == 0xFFFFFFFF) {
        if (end_offset < 20) {
            fail(file, end_offset, "ZIP64 values but no ZIP64 locator before the end record");
        }
        ByteReader locator(file, end_offset - 20, end_offset);
        if (locator.u32() != kEnd64LocatorSignature) {
            fail(file, end_offset - 20, "ZIP64 values but no ZIP64 locator before the end record");
        }
        locator.skip(4);
        const std::uint64_t record = locator.u64();
        if (record > end_offset - 20 || end_offset - 20 - record < 56) {
            fail(file, end_offset - 12,
                 "ZIP64 end record offset " + std::to_string(record) + " is out of range");
        }
        ByteReader end64(file, record, end_offset - 20);
        if (end64.u32() != kEnd64Signature) {
            fail(file, record, "wrong signature of the ZIP64 end record");
        }
        end64.skip(8 + 2 + 2);
        if (end64.u32() != 0 || end64.u32() != 0) {
            fail(file, record + 16, "multi-disk archives are not supported");
        }
        const std::uint64_t here64 = end64.u64();
        entries = end64.u64();
        directory_size = end64.u64();
        directory_offset = end64.u64();
        if (here64 != entries) {
            fail(file, record + 24, "multi-disk archives are not supported");
        }
        directory_limit = record;
    }
    if (directory_offset > directory_limit || directory_size > directory_limit - directory_offset) {
        fail(file, end_offset + 12,
             "central directory [" + std::to_string(directory_offset) + ", +" +
                 std::to_string(directory_size) + ") passes its end record at " +
                 std::to_string(directory_limit));
    }
    if (entries > directory_size / kCentralSize) {
        fail(file, end_offset + 10,
             std::to_string(entries) + " entries cannot fit in a central directory of " +
                 std::to_string(directory_size) + " bytes");
    }

    std::vector<ZipMember> members;
    std::set<std::string> names;
    ByteReader directory(file, directory_offset, directory_offset + directory_size);
    for (std::uint64_t i = 0; i < entries; ++i) {
        const std::uint64_t entry_offset = directory.offset();
        if (directory.u32() != kCentralSignature) {
            directory.fail_at(entry_offset,
                              "wrong signature of central directory entry " + std::to_string(i));
        }
        directory.skip(4);  // versions
        const std::uint16_t flags = directory.u16();
        ZipMember member;
        member.method = directory.u16();
        directory.skip(4);  // time, date
        member.crc32 = directory.u32();
        member.compressed_size = directory.u32();
        member.uncompressed_size = directory.u32();
        const std::uint16_t name_length = directory.u16();
        const std::uint16_t extra_length = directory.u16();
        const std::uint16_t comment_length = directory.u16();
        const std::uint16_t start_disk = directory.u16();
        directory.skip(6);  // attributes
        member.header_offset = directory.u32();
        member.name = directory.string(name_length);
        const std::uint64_t extra_offset = directory.offset();
        const std::uint64_t extra_end = extra_offset + extra_length;
        directory.need(extra_length, "extra field");
        // ZIP64 extra field (0x0001): the 64-bit values whose 32-bit fields are all ones.
        while (directory.offset() + 4 <= extra_end) {
            const std::uint16_t id = directory.u16();
            const std::uint16_t size = directory.u16();
            if (size > extra_end - directory.offset()) {
                directory.fail("extra field block of " + std::to_string(size) +
                               " bytes passes the end of the extra field");
            }
            const std::uint64_t block_end = directory.offset() + size;
            if (id == 0x0001) {
                auto take = [&](std::uint64_t& value) {
                    if (value == 0xFFFFFFFF) {
                        if (directory.offset() + 8 > block_end) {
                            directory.fail("ZIP64 extra field too short");
                        }
                        value = directory.u64();
                    }
                };
                take(member.uncompressed_size);
                take(member.compressed_size);
                take(member.header_offset);
            }
            directory.seek(block_end);
        }
        directory.seek(extra_end);
        directory.skip(comment_length);
        if (start_disk != 0 && start_disk != 0xFFFF) {
            directory.fail_at(entry_offset, "member on another disk");
        }
        if ((flags & 1U) != 0) {
            directory.fail_at(entry_offset, "member '" + member.name + "' is encrypted");
        }
        if (member.method != 0 && member.method != 8) {
            directory.fail_at(entry_offset + 10,
                              "member '" + member.name + "' uses compression method " +
                                  std::to_string(member.method) +
                                  "; only stored (0) and deflated (8) are supported");
        }
        if (!names.insert(member.name).second) {
            directory.fail_at(entry_offset, "duplicate member name '" + member.name + "'");
        }
        if (member.method == 0 && member.compressed_size != member.uncompressed_size) {
            directory.fail_at(entry_offset + 20, "stored member '" + member.name +
                                                     "' has different compressed and "
                                                     "uncompressed sizes");
        }
        if (member.method == 8 &&
            member.uncompressed_size / kMaxDeflateRatio > member.compressed_size + 1) {
            directory.fail_at(entry_offset + 24,
                              "member '" + member.name + "' claims " +
                                  std::to_string(member.uncompressed_size) + " bytes from " +
                                  std::to_string(member.compressed_size) +
                                  " compressed bytes, more than deflate can produce (zip bomb)");
        }
        // The local header repeats the name and has its own extra field; the data follows it.
        if (member.header_offset > directory_offset ||
            directory_offset - member.header_offset < kLocalSize) {
            directory.fail_at(
                entry_offset + 42,
                "local header offset " + std::to_string(member.header_offset) + " is out of range");
        }
        ByteReader local(file, member.header_offset, directory_offset);
        if (local.u32() != kLocalSignature) {
            local.fail_at(member.header_offset,
                          "wrong signature of the local header of '" + member.name + "'");
        }
        local.skip(22);
        const std::uint16_t local_name = local.u16();
        const std::uint16_t local_extra = local.u16();
        local.skip(local_name);
        local.skip(local_extra);
        member.data_offset = local.offset();
        if (member.compressed_size > local.remaining()) {
            local.fail("data of '" + member.name + "' (" + std::to_string(member.compressed_size) +
                       " bytes) passes the central directory");
        }
        members.push_back(std::move(member));
    }
    // Members may not share bytes: overlapping entries are how some zip bombs multiply.
    std::vector<const ZipMember*> order;
    for (const ZipMember& member : members) {
        order.push_back(&member);
    }
    std::sort(order.begin(), order.end(), [](const ZipMember* a, const ZipMember* b) {
        return a->header_offset < b->header_offset;
    });
    for (std::size_t i = 1; i < order.size(); ++i) {
        const ZipMember& previous = *order[i - 1];
        if (order[i]->header_offset < previous.data_offset + previous.compressed_size) {
            fail(file, order[i]->header_offset,
                 "member '" + order[i]->name + "' overlaps member '" + previous.name + "'");
        }
    }
    return members;
}

void check_member_crc(const FileData& file, const ZipMember& member,
                      std::span<const std::byte> bytes) {
    const std::atomic<bool>* cancel = current_cancel_flag();
    std::uint32_t crc = 0;
    for (std::size_t done = 0; done < bytes.size();) {
        throw_if_cancelled(cancel);
        const std::size_t n = std::min<std::size_t>(kCancelStep, bytes.size() - done);
        crc = crc_update(crc, bytes.subspan(done, n));
        done += n;
    }
    expect_crc(file, member, crc);
}

std::vector<std::byte> extract_member(const FileData& file, const ZipMember& member,
                                      std::uint64_t limit) {
    std::vector<std::byte> out;
    out.reserve(static_cast<std::size_t>(std::min(limit, member.uncompressed_size)));
    stream_member(file, member, limit, [&out](std::span<const std::byte> piece) {
        out.insert(out.end(), piece.begin(), piece.end());
    });
    return out;
}

void stream_member(const FileData& file, const ZipMember& member, std::uint64_t limit,
                   const std::function<void(std::span<const std::byte>)>& sink) {
    if (member.method == 0) {
        stream_stored(file, member, limit, sink);
    } else {
        stream_deflated(file, member, limit, sink);
    }
}

}  // namespace quantscope

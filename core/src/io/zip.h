#pragma once
// Reading ZIP archives (PKWARE APPNOTE.TXT 6.3): the end-of-central-directory record (and its
// ZIP64 form), the central directory, local headers, stored and deflated members. Written for
// .npz, which NumPy writes with zipfile: stored (savez) or deflated (savez_compressed), maybe
// ZIP64. Hostile archives are rejected: members outside the file or overlapping one another,
// encrypted or multi-disk archives, and members that inflate past their declared size (a
// deflated stream of zeros makes a zip bomb) or claim more than deflate can expand to.

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "file_data.h"

namespace quantscope {

struct ZipMember {
    std::string name;
    std::uint16_t method = 0;  // 0 stored, 8 deflated
    std::uint32_t crc32 = 0;
    std::uint64_t compressed_size = 0;
    std::uint64_t uncompressed_size = 0;
    std::uint64_t header_offset = 0;  // local file header
    std::uint64_t data_offset = 0;    // first byte of the (compressed) data
};

// Every member, in central-directory order, validated as described above.
std::vector<ZipMember> read_zip_directory(const FileData& file);

// The first min(limit, uncompressed size) bytes of a member. When that is the whole member, the
// member must inflate to exactly its declared size and match its CRC-32.
std::vector<std::byte> extract_member(
    const FileData& file, const ZipMember& member,
    std::uint64_t limit = std::numeric_limits<std::uint64_t>::max());

// A member's first min(limit, uncompressed size) bytes, handed to `sink` in pieces of at most
// 8 MB, with the checks extract_member makes (a deflated member's size and end of stream, any
// member's CRC-32 once the whole member has passed). Memory holds one piece: a stored member's
// pieces are views of the mapping, released as the read moves on, or one pread buffer; a
// deflated member's, one inflated buffer.
void stream_member(const FileData& file, const ZipMember& member, std::uint64_t limit,
                   const std::function<void(std::span<const std::byte>)>& sink);

// Checks a stored member's CRC-32 against its bytes (LoadError on a mismatch).
void check_member_crc(const FileData& file, const ZipMember& member,
                      std::span<const std::byte> bytes);

}  // namespace quantscope

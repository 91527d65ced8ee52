#pragma once
// Read-only random access to a file's bytes. A regular file is memory-mapped, so that listing a
// multi-GB model touches only its header and reading one tensor touches only that tensor's
// pages; when mmap is refused (or not wanted), ranges are read with pread instead. Bytes already
// in memory (fuzzers, inflated archive members) use the same interface.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace quantscope {

class FileData {
public:
    // Throws LoadError (offset 0) when the path cannot be opened or is not a regular file.
    static std::shared_ptr<const FileData> open(const std::string& path, bool memory_map = true);
    // Owns `bytes`; `name` appears in error messages.
    static std::shared_ptr<const FileData> from_bytes(std::string name,
                                                      std::vector<std::byte> bytes);

    ~FileData();
    FileData(const FileData&) = delete;
    FileData& operator=(const FileData&) = delete;

    const std::string& name() const { return name_; }
    std::uint64_t size() const { return size_; }
    // True when every byte is addressable (mapped or in memory), false under pread.
    bool direct() const { return data_ != nullptr || size_ == 0; }

    // Bytes [offset, offset + count): a view into the mapping, or `scratch` filled by pread.
    // Throws LoadError when the range passes the end of the file.
    std::span<const std::byte> view(std::uint64_t offset, std::uint64_t count,
                                    std::vector<std::byte>& scratch) const;
    // Tells the kernel this process is done with bytes [offset, offset + count) of the mapping:
    // their pages leave the resident set (they stay in the page cache, and a later view reads
    // them again). Whole pages inside the range only; nothing for memory or pread.
    void release(std::uint64_t offset, std::uint64_t count) const;
    // Copies bytes [offset, offset + out.size()) into out.
    void read(std::uint64_t offset, std::span<std::byte> out) const;

    // Throws unless [offset, offset + count) lies inside the file; `what` names the range.
    void check_range(std::uint64_t offset, std::uint64_t count, const char* what) const;

private:
    FileData() = default;

    std::string name_;
    std::uint64_t size_ = 0;
    const std::byte* data_ = nullptr;  // the mapping or memory_, null under pread
    void* mapping_ = nullptr;
    int fd_ = -1;
    std::vector<std::byte> memory_;
};

// For a read that moves through a range of `file` in order: every 8 MiB, the mapped pages behind
// the read are released (FileData::release), so that the resident set holds the part in flight,
// not every page read so far.
class PageReleaser {
public:
    static constexpr std::uint64_t kStep = std::uint64_t{8} << 20;
    // The read starts at `start`.
    PageReleaser(const FileData& file, std::uint64_t start) : file_(file), done_(start) {}
    // The read is done with every byte before `to`.
    void advance(std::uint64_t to);
    // The same, and the read is over: everything up to `to` is released.
    void finish(std::uint64_t to);

private:
    const FileData& file_;
    std::uint64_t done_;
};

// Releases bytes [offset, offset + count) of `file` (FileData::release) when it goes out of scope,
// thrown through or not. A whole read copies (decodes) a tensor's bytes out of the mapping: with
// one of these around the copy, a model read tensor by tensor (the overview) keeps resident the
// tensors in flight, not every page it has read.
class ReleaseOnExit {
public:
    ReleaseOnExit(const FileData& file, std::uint64_t offset, std::uint64_t count)
        : file_(file), offset_(offset), count_(count) {}
    ~ReleaseOnExit() { file_.release(offset_, count_); }
    ReleaseOnExit(const ReleaseOnExit&) = delete;
    ReleaseOnExit& operator=(const ReleaseOnExit&) = delete;

private:
    const FileData& file_;
    std::uint64_t offset_;
    std::uint64_t count_;
};

}  // namespace quantscope

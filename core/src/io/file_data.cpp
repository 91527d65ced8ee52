#include "file_data.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include "quantscope/common/cancel.h"
#include "quantscope/io/load_error.h"

namespace quantscope {
namespace {

std::uint64_t page_size() {
    static const auto size = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

}  // namespace

std::shared_ptr<const FileData> FileData::open(const std::string& path, bool memory_map) {
    // O_NONBLOCK: opening a FIFO (or some devices) for reading would otherwise wait for a writer
    // forever; the type check below then refuses anything but a regular file before any read.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        throw LoadError(path, 0, std::string("cannot open: ") + std::strerror(errno));
    }
    std::shared_ptr<FileData> file(new FileData());
    file->name_ = path;
    file->fd_ = fd;
    struct stat status {};
    if (::fstat(fd, &status) != 0) {
        throw LoadError(path, 0, std::string("cannot stat: ") + std::strerror(errno));
    }
    if (!S_ISREG(status.st_mode)) {
        const char* kind = S_ISDIR(status.st_mode)    ? "a folder"
                           : S_ISFIFO(status.st_mode) ? "a FIFO (named pipe)"
                           : S_ISCHR(status.st_mode) || S_ISBLK(status.st_mode) ? "a device"
                           : S_ISSOCK(status.st_mode)                           ? "a socket"
                                                                                : "not a file";
        throw LoadError(path, 0, std::string("not a regular file: ") + kind);
    }
    file->size_ = static_cast<std::uint64_t>(status.st_size);
    if (memory_map && file->size_ > 0 && file->size_ <= std::numeric_limits<std::size_t>::max()) {
        void* mapping =
            ::mmap(nullptr, static_cast<std::size_t>(file->size_), PROT_READ, MAP_PRIVATE, fd, 0);
        if (mapping != MAP_FAILED) {
            file->mapping_ = mapping;
            file->data_ = static_cast<const std::byte*>(mapping);
        }
        // Otherwise pread serves every range: slower, same results.
    }
    return file;
}

std::shared_ptr<const FileData> FileData::from_bytes(std::string name,
                                                     std::vector<std::byte> bytes) {
    std::shared_ptr<FileData> file(new FileData());
    file->name_ = std::move(name);
    file->memory_ = std::move(bytes);
    file->size_ = file->memory_.size();
    file->data_ = file->memory_.empty() ? nullptr : file->memory_.data();
    return file;
}

FileData::~FileData() {
    if (mapping_ != nullptr) {
        ::munmap(mapping_, static_cast<std::size_t>(size_));
    }
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void FileData::check_range(std::uint64_t offset, std::uint64_t count, const char* what) const {
    if (offset > size_ || count > size_ - offset) {
        throw LoadError(name_, offset,
                        std::string(what) + " of " + std::to_string(count) +
                            " bytes passes the end of the file (" + std::to_string(size_) +
                            " bytes)");
    }
}

std::span<const std::byte> FileData::view(std::uint64_t offset, std::uint64_t count,
                                          std::vector<std::byte>& scratch) const {
    check_range(offset, count, "a range");
    if (count == 0) {
        return {};
    }
    if (data_ != nullptr) {
        return {data_ + offset, static_cast<std::size_t>(count)};
    }
    scratch.resize(static_cast<std::size_t>(count));
    read(offset, scratch);
    return scratch;
}

void FileData::release(std::uint64_t offset, std::uint64_t count) const {
    if (mapping_ == nullptr || offset > size_ || count > size_ - offset) {
        return;
    }
    const std::uint64_t page = page_size();
    const std::uint64_t begin = (offset + page - 1) / page * page;
    const std::uint64_t end = (offset + count) / page * page;
    if (end > begin) {
        // A clean private mapping: dropping its pages loses nothing.
        ::madvise(static_cast<std::byte*>(mapping_) + begin, static_cast<std::size_t>(end - begin),
                  MADV_DONTNEED);
    }
}

void PageReleaser::advance(std::uint64_t to) {
    if (to > done_ && to - done_ >= kStep) {
        file_.release(done_, to - done_);
        // release() keeps the page `to` falls in: the next release starts with it.
        done_ = to / page_size() * page_size();
    }
}

void PageReleaser::finish(std::uint64_t to) {
    if (to > done_) {
        file_.release(done_, to - done_);
    }
}

void FileData::read(std::uint64_t offset, std::span<std::byte> out) const {
    check_range(offset, out.size(), "a range");
    if (out.empty()) {
        return;
    }
    if (data_ != nullptr) {
        std::memcpy(out.data(), data_ + offset, out.size());
        return;
    }
    // In steps, each after a look at the caller's cancel flag (cancel.h): a slow disk can take
    // seconds over a large tensor.
    constexpr std::size_t kStep = std::size_t{16} << 20;
    const std::atomic<bool>* cancel = current_cancel_flag();
    std::size_t done = 0;
    while (done < out.size()) {
        throw_if_cancelled(cancel);
        const ssize_t got = ::pread(fd_, out.data() + done, std::min(kStep, out.size() - done),
                                    static_cast<off_t>(offset + done));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            throw LoadError(name_, offset + done,
                            got == 0 ? std::string("file shrank while reading")
                                     : std::string("read failed: ") + std::strerror(errno));
        }
        done += static_cast<std::size_t>(got);
    }
}

}  // namespace quantscope

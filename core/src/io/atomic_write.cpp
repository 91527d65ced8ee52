#include "atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "quantscope/common/error.h"

namespace quantscope {
namespace {

void write_all(int fd, const void* data, std::size_t size, const std::string& path) {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t done = ::write(fd, bytes, size);
        if (done < 0 && errno == EINTR) {
            continue;
        }
        if (done <= 0) {
            throw Error("cannot write " + path + ": " + std::strerror(errno));
        }
        bytes += done;
        size -= static_cast<std::size_t>(done);
    }
}

}  // namespace

void write_atomically(const std::string& path,
                      std::initializer_list<std::span<const std::byte>> parts) {
    const auto slash = path.find_last_of('/');
    const std::string folder = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    std::string temp = (slash == std::string::npos ? "" : folder) + "." + base + ".tmp-XXXXXX";
    std::vector<char> name(temp.begin(), temp.end());
    name.push_back('\0');
    const int fd = ::mkstemp(name.data());
    if (fd < 0) {
        throw Error("cannot write " + path + ": cannot create a temporary file in " + folder +
                    ": " + std::strerror(errno));
    }
    temp = name.data();
    bool closed = false;
    try {
        // mkstemp makes the file 0600; an export is an ordinary file. (Reading the umask would
        // mean changing it, which races with other threads.)
        if (::fchmod(fd, 0644) != 0) {
            throw Error("cannot write " + path + ": " + std::strerror(errno));
        }
        for (const std::span<const std::byte> part : parts) {
            write_all(fd, part.data(), part.size(), path);
        }
        if (::fsync(fd) != 0) {
            throw Error("cannot write " + path + ": " + std::strerror(errno));
        }
        closed = true;
        if (::close(fd) != 0) {
            throw Error("cannot write " + path + ": " + std::strerror(errno));
        }
    } catch (...) {
        if (!closed) {
            ::close(fd);
        }
        ::unlink(temp.c_str());
        throw;
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        throw Error("cannot write " + path + ": " + std::strerror(error));
    }
}

}  // namespace quantscope

// libFuzzer entry for raw: sources. The first input byte picks the dtype, the second the byte
// order and whether a (possibly wrong) shape is given; the rest is the file's content, served
// from a memfd so that the real open path (fstat, mmap) runs.
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "quantscope/common/error.h"
#include "quantscope/io/source.h"

namespace {

constexpr std::array<const char*, 26> kDtypes{"bool",
                                              "int8",
                                              "uint8",
                                              "int16",
                                              "uint16",
                                              "int32",
                                              "uint32",
                                              "int64",
                                              "uint64",
                                              "float16",
                                              "bfloat16",
                                              "float32",
                                              "float64",
                                              "float8_e4m3",
                                              "float8_e5m2",
                                              "float8_e4m3fnuz",
                                              "float8_e5m2fnuz",
                                              "float8_e8m0",
                                              "float6_e2m3",
                                              "float6_e3m2",
                                              "float4_e2m1",
                                              "int4",
                                              "uint4",
                                              "q8_0",
                                              "q4_0",
                                              "nonsense"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    const int fd = memfd_create("fuzz_raw", MFD_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    const std::size_t body = size - 2;
    if (body != 0 && write(fd, data + 2, body) != static_cast<ssize_t>(body)) {
        close(fd);
        return 0;
    }
    std::string spec =
        "raw:/proc/self/fd/" + std::to_string(fd) + "?dtype=" + kDtypes[data[0] % kDtypes.size()];
    if ((data[1] & 1) != 0) {
        spec += "&endian=big";
    }
    if ((data[1] & 2) != 0) {
        spec += "&shape=" + std::to_string(data[1] >> 4) + "," + std::to_string(body / 2);
    }
    if ((data[1] & 4) != 0) {
        spec += "&offset=" + std::to_string((data[1] >> 3) & 7);
    }
    try {
        const auto source = quantscope::open_source(spec);
        (void)source->read(0);
    } catch (const quantscope::Error&) {
    }
    close(fd);
    return 0;
}

// libFuzzer entry for one loader (QUANTSCOPE_FUZZ_FORMAT): opens the input as that format from
// memory, lists it, checks the text it shows and reads every readable tensor. A LoadError (or any
// quantscope::Error) is the expected outcome for bad input; anything else, a crash, a sanitizer
// report, a hang or an out-of-memory, is a bug.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "quantscope/common/error.h"
#include "quantscope/common/text.h"
#include "quantscope/io/source.h"

namespace {

// Deflated .npz members may legitimately expand 1000-fold; reading a tensor that large is fine
// for the library but only slows the fuzzer down.
constexpr std::int64_t kMaxReadCount = std::int64_t{1} << 22;

// Text from the file, as the CLI and the window show it, must be valid UTF-8 without a raw
// control character, whatever bytes the file holds.
void check_text(std::string_view text) {
    const std::string shown = quantscope::visible_text(text);
    for (std::size_t i = 0; i < shown.size();) {
        const std::size_t length =
            quantscope::utf8_sequence_length(std::string_view(shown).substr(i));
        const auto c = static_cast<unsigned char>(shown[i]);
        if (length == 0 || (length == 1 && (c < 0x20 || c == 0x7F))) {
            __builtin_trap();
        }
        i += length;
    }
    const std::string valid = quantscope::valid_utf8(text);
    for (std::size_t i = 0; i < valid.size();) {
        const std::size_t length =
            quantscope::utf8_sequence_length(std::string_view(valid).substr(i));
        if (length == 0) {
            __builtin_trap();
        }
        i += length;
    }
}

// A strided sample of a tensor whose whole read succeeded must succeed too, and hold the whole
// read's values k at a time, bit for bit (its own path: windows, streamed members, typed fields).
void check_sample(const quantscope::Source& source, std::size_t index,
                  const quantscope::Tensor& whole) {
    constexpr std::int64_t kStride = 3;
    quantscope::Tensor sample;
    try {
        sample = source.read(index, quantscope::ReadOptions{kStride, {}});
    } catch (const quantscope::Error&) {
        __builtin_trap();
    }
    const std::size_t n = (whole.values.size() + kStride - 1) / kStride;
    if (sample.values.size() != n) {
        __builtin_trap();
    }
    for (std::size_t j = 0; j < n; ++j) {
        if (std::memcmp(&sample.values[j], &whole.values[j * kStride], sizeof(float)) != 0) {
            __builtin_trap();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::byte> bytes(size);
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = static_cast<std::byte>(data[i]);
    }
    try {
        // The folder does not exist, so ONNX external data is looked for and not found.
        const auto source =
            quantscope::open_source_bytes("/nonexistent-fuzz-folder/input." QUANTSCOPE_FUZZ_FORMAT,
                                          std::move(bytes), QUANTSCOPE_FUZZ_FORMAT);
        for (std::size_t i = 0; i < source->tensors().size(); ++i) {
            const auto& info = source->tensors()[i];
            check_text(info.name);
            check_text(source->note(i));
            if (source->readable(i) && info.count <= kMaxReadCount) {
                const auto tensor = source->read(i);
                if (tensor.values.size() != static_cast<std::size_t>(info.count)) {
                    __builtin_trap();
                }
                check_sample(*source, i, tensor);
            }
        }
        for (const auto& [key, value] : source->metadata()) {
            check_text(key);
            check_text(value);
        }
    } catch (const quantscope::Error&) {
        // Rejected cleanly: what hostile input should get.
    }
    return 0;
}

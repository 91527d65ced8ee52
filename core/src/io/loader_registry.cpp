// The loader registry. Detection, dispatch, the unrecognised-format error and every list of
// formats shown to people (the CLI's help, the window's open dialog) are made from kLoaders.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "loaders.h"
#include "quantscope/io/load_error.h"

namespace quantscope {

// Each defined in its loader's own file.
extern const Loader npy_loader;
extern const Loader npz_loader;
extern const Loader gguf_loader;
extern const Loader wav_loader;
extern const Loader safetensors_loader;
extern const Loader safetensors_index_loader;
extern const Loader onnx_loader;
extern const Loader text_loader;

namespace {

// Magic bytes are tried in this order. Safetensors' check (the '{' at byte 8 that starts its
// JSON header) is the weakest: a .npy header of 123 bytes or a GGUF of 123 tensors has a '{'
// there too, so it comes after every real magic. Formats without magic bytes come last.
constexpr std::array kLoaders{&npy_loader,
                              &npz_loader,
                              &gguf_loader,
                              &wav_loader,
                              &safetensors_loader,
                              &onnx_loader,
                              &safetensors_index_loader,
                              &text_loader};

std::string lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

const Loader* detect(std::span<const std::byte> head, std::string_view file_name) {
    for (const Loader* loader : kLoaders) {
        if (loader->magic != nullptr && loader->magic(head)) {
            return loader;
        }
    }
    const std::string name = lower(file_name);
    for (const Loader* loader : kLoaders) {
        for (const std::string_view extension : loader->info.extensions) {
            if (name.size() > extension.size() && name.ends_with(extension) &&
                name[name.size() - extension.size() - 1] == '.') {
                return loader;
            }
        }
    }
    return nullptr;
}

const Loader* find_loader(std::string_view name) {
    for (const Loader* loader : kLoaders) {
        if (loader->info.name == name) {
            return loader;
        }
    }
    return nullptr;
}

}  // namespace

bool has_magic(std::span<const std::byte> head, std::string_view magic, std::size_t at) {
    return head.size() >= at + magic.size() &&
           std::memcmp(head.data() + at, magic.data(), magic.size()) == 0;
}

const Loader& loader_for(const FileData& file, std::string_view format) {
    const Loader* loader = nullptr;
    if (format.empty()) {
        std::array<std::byte, kMagicBytes> head{};
        const auto have =
            static_cast<std::size_t>(std::min<std::uint64_t>(kMagicBytes, file.size()));
        file.read(0, std::span<std::byte>(head).first(have));
        loader = detect(std::span<const std::byte>(head).first(have), file.name());
        if (loader == nullptr) {
            throw LoadError(file.name(), 0,
                            "unrecognised format: no known magic bytes or extension; known "
                            "formats: " +
                                known_file_loaders());
        }
    } else {
        loader = find_loader(format);
        if (loader == nullptr) {
            throw LoadError(file.name(), 0,
                            "unknown format '" + std::string(format) +
                                "'; known formats: " + known_file_loaders());
        }
    }
    return *loader;
}

const std::vector<LoaderInfo>& file_loaders() {
    static const std::vector<LoaderInfo> infos = [] {
        std::vector<LoaderInfo> result;
        for (const Loader* loader : kLoaders) {
            result.push_back(loader->info);
        }
        return result;
    }();
    return infos;
}

std::string_view detect_file_loader(std::span<const std::byte> head, std::string_view file_name) {
    const Loader* loader = detect(head.first(std::min(head.size(), kMagicBytes)), file_name);
    return loader == nullptr ? std::string_view() : loader->info.name;
}

std::string extension_list(const LoaderInfo& loader, std::string_view prefix) {
    std::string text;
    for (const std::string_view extension : loader.extensions) {
        text += (text.empty() ? "" : " ") + std::string(prefix) + std::string(extension);
    }
    return text;
}

std::string known_file_loaders() {
    std::string text;
    for (const LoaderInfo& loader : file_loaders()) {
        text += (text.empty() ? "" : ", ") + std::string(loader.name) + " (" +
                extension_list(loader) + ")";
    }
    return text;
}

}  // namespace quantscope

#pragma once
// The loader registry's entries (loader_registry.cpp lists them). Each loader's own file defines
// its entry: its name, extensions, magic-byte check and open function. Each open function takes
// the whole file and validates everything it lists before returning.

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "file_data.h"
#include "quantscope/io/loader_registry.h"
#include "quantscope/io/source.h"

namespace quantscope {

using FilePtr = std::shared_ptr<const FileData>;

struct Loader {
    LoaderInfo info;
    // Whether `head` (a file's first kMagicBytes bytes, fewer for a shorter file) starts as
    // this format does; null for a format without magic bytes (its extensions alone say).
    bool (*magic)(std::span<const std::byte> head);
    std::unique_ptr<Source> (*open)(FilePtr file, const SourceOptions& options);
};

// The open function of a loader whose Source takes the file alone.
template <typename SourceType>
std::unique_ptr<Source> open_as(FilePtr file, const SourceOptions& /*options*/) {
    return std::make_unique<SourceType>(std::move(file));
}

// The loader named `format`, or when `format` is empty the one detect_file_loader finds for
// `file`. LoadError (offset 0) naming the file and listing the known formats when there is none.
const Loader& loader_for(const FileData& file, std::string_view format);

// Whether `head` holds `magic` at byte `at`.
bool has_magic(std::span<const std::byte> head, std::string_view magic, std::size_t at = 0);

std::unique_ptr<Source> open_generator(std::string_view spec);

// The part of a path after its last '/', and that without its extension.
std::string file_stem(std::string_view path);

}  // namespace quantscope

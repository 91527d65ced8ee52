#pragma once
// The file formats open_source recognises, as the loader registry lists them
// (core/src/io/loader_registry.cpp): what the CLI's help, the window's open dialog and the
// unrecognised-format error are made from. docs/design.md, "Loaders", says how to add one.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace quantscope {

struct LoaderInfo {
    // Source::format_name() of what it opens; open_source_bytes' `format`.
    std::string_view name;
    // Lower case, without the dot, the usual one first.
    std::span<const std::string_view> extensions;
    // One line for help text: "NumPy array (v1 to v3)".
    std::string_view description;
};

// Magic bytes are looked for in at most this many bytes at the start of a file.
inline constexpr std::size_t kMagicBytes = 12;

// Every loader, in the order detection tries their magic bytes.
const std::vector<LoaderInfo>& file_loaders();

// The name of the loader for a file whose first bytes are `head` (up to kMagicBytes; fewer for a
// shorter file) and whose path is `file_name`: the first whose magic bytes match, else the one
// that claims the extension (compared without case); empty when none does.
std::string_view detect_file_loader(std::span<const std::byte> head, std::string_view file_name);

// The loader's extensions, each after `prefix`, separated by spaces: ".csv .tsv .txt" for
// prefix ".", "*.csv *.tsv *.txt" for a file dialog's "*.".
std::string extension_list(const LoaderInfo& loader, std::string_view prefix = ".");

// "npy (.npy), npz (.npz), ...": every loader and its extensions, for messages.
std::string known_file_loaders();

}  // namespace quantscope

// The loader registry (quantscope/io/loader_registry.h): detection, dispatch and the
// unrecognised-format error all follow the one list.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "io_test_support.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/loader_registry.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

using test::bytes_of;
using test::fixture;

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

std::span<const std::byte> head_of(const std::vector<std::byte>& bytes) {
    return std::span<const std::byte>(bytes).first(std::min(bytes.size(), kMagicBytes));
}

TEST(LoaderRegistry, NamesAreUniqueAndEveryLoaderClaimsAnExtension) {
    std::set<std::string_view> names;
    std::set<std::string_view> extensions;
    for (const LoaderInfo& loader : file_loaders()) {
        EXPECT_TRUE(names.insert(loader.name).second) << loader.name;
        EXPECT_FALSE(loader.extensions.empty()) << loader.name;
        EXPECT_FALSE(loader.description.empty()) << loader.name;
        for (const std::string_view extension : loader.extensions) {
            EXPECT_TRUE(extensions.insert(extension).second) << extension << " claimed twice";
        }
    }
    EXPECT_EQ(names, (std::set<std::string_view>{"npy", "npz", "safetensors", "onnx", "gguf", "wav",
                                                 "safetensors-index", "csv"}));
}

// Without magic bytes, every extension of every loader picks that loader, in any case.
TEST(LoaderRegistry, EveryExtensionIsDetected) {
    const std::vector<std::byte> no_magic(kMagicBytes, std::byte{0});
    for (const LoaderInfo& loader : file_loaders()) {
        for (const std::string_view extension : loader.extensions) {
            const std::string name = "some.dir/file." + std::string(extension);
            EXPECT_EQ(detect_file_loader(no_magic, name), loader.name) << name;
            EXPECT_EQ(detect_file_loader({}, upper(name)), loader.name) << upper(name);
            EXPECT_EQ(detect_file_loader(no_magic, name + ".bak"), "") << name << ".bak";
            EXPECT_EQ(detect_file_loader(no_magic, "file" + std::string(extension)), "")
                << "no dot before " << extension;
        }
    }
    EXPECT_EQ(detect_file_loader(no_magic, "file.bin"), "");
}

// Each loader is dispatched to: every fixture opens as the format detection names, explicitly
// named or detected, and every loader has a fixture.
TEST(LoaderRegistry, EveryLoaderOpensItsFixtures) {
    std::set<std::string_view> opened;
    for (const auto& entry : std::filesystem::directory_iterator(fixture(""))) {
        const std::string path = entry.path().string();
        if (path.ends_with(".bin")) {
            continue;  // raw data needs a raw: spec
        }
        const auto bytes = test::file_bytes(path);
        const std::string_view detected = detect_file_loader(head_of(bytes), path);
        ASSERT_FALSE(detected.empty()) << path;
        EXPECT_EQ(open_source(path)->format_name(), detected) << path;
        EXPECT_EQ(open_source_bytes(path, bytes, detected)->format_name(), detected) << path;
        opened.insert(detected);
    }
    for (const LoaderInfo& loader : file_loaders()) {
        EXPECT_TRUE(opened.contains(loader.name)) << "no fixture opens as " << loader.name;
    }
}

// Magic bytes first, and the strong ones before safetensors' '{' at byte 8.
TEST(LoaderRegistry, MagicBytesWinInTheirOrder) {
    const auto detect = [](std::string_view head, std::string_view name) {
        const auto bytes = bytes_of(head);
        return std::string(detect_file_loader(bytes, name));
    };
    EXPECT_EQ(detect(std::string_view("\x93NUMPY\x01\x00{\x00", 10), "x.onnx"), "npy");
    EXPECT_EQ(detect(std::string_view("PK\x03\x04\x14\x00\x00\x00{\x00", 10), "x.wav"), "npz");
    EXPECT_EQ(detect(std::string_view("PK\x05\x06\x00\x00\x00\x00{\x00", 10), "x.csv"), "npz");
    EXPECT_EQ(detect(std::string_view("GGUF\x03\x00\x00\x00{\x00\x00\x00", 12), "x.npy"), "gguf");
    EXPECT_EQ(detect(std::string_view("RIFF\x24\x00\x00\x00WAVE", 12), "x.npz"), "wav");
    EXPECT_EQ(detect(std::string_view("\x10\x00\x00\x00\x00\x00\x00\x00{\"", 10), "x.gguf"),
              "safetensors");
    // Too short for a magic: the extension decides.
    EXPECT_EQ(detect("GGU", "x.npy"), "npy");
    EXPECT_EQ(detect(std::string_view("\x10\x00\x00\x00\x00\x00\x00\x00", 8), "x.txt"), "csv");
}

// A real .npy whose header is 123 bytes long has safetensors' '{' at byte 8: it opens as npy.
TEST(LoaderRegistry, NpyWithABraceAtByteEightOpensAsNpy) {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
    header.resize(122, ' ');
    header += '\n';
    std::string file = std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size()) +
                       '\0' + header + std::string(8, '\0');
    ASSERT_EQ(file[8], '{');
    const auto source = open_source_bytes("renamed.bin", bytes_of(file));
    EXPECT_EQ(source->format_name(), "npy");
    EXPECT_EQ(source->read(0).values.size(), 2U);
}

// The registry's names and extensions, each "name (.ext .ext)", in order.
std::vector<std::string> registry_entries() {
    std::vector<std::string> entries;
    for (const LoaderInfo& loader : file_loaders()) {
        entries.push_back(std::string(loader.name) + " (." +
                          std::string(loader.extensions.front()));
        for (std::size_t i = 1; i < loader.extensions.size(); ++i) {
            entries.back() += " ." + std::string(loader.extensions[i]);
        }
        entries.back() += ")";
    }
    return entries;
}

// What a message lists after "known formats: ", split at ", ".
std::vector<std::string> listed_after(std::string_view problem, std::string_view lead) {
    EXPECT_TRUE(problem.starts_with(lead)) << problem;
    std::vector<std::string> entries;
    std::string_view rest = problem.substr(std::min(lead.size(), problem.size()));
    for (std::size_t comma; (comma = rest.find(", ")) != std::string_view::npos;) {
        entries.emplace_back(rest.substr(0, comma));
        rest.remove_prefix(comma + 2);
    }
    entries.emplace_back(rest);
    return entries;
}

TEST(LoaderRegistry, UnrecognisedFileErrorNamesTheFileAndListsTheRegistry) {
    EXPECT_EQ(known_file_loaders(),
              "npy (.npy), npz (.npz), gguf (.gguf), wav (.wav), safetensors (.safetensors), "
              "onnx (.onnx), safetensors-index (.safetensors.index.json), csv (.csv .tsv .txt)");
    try {
        (void)open_source_bytes("folder/mystery.xyz", bytes_of("nothing known here"));
        FAIL() << "opened a file of no known format";
    } catch (const LoadError& error) {
        EXPECT_EQ(error.file(), "folder/mystery.xyz");
        EXPECT_EQ(error.offset(), 0U);
        EXPECT_EQ(listed_after(error.problem(),
                               "unrecognised format: no known magic bytes or "
                               "extension; known formats: "),
                  registry_entries());
    }
    try {
        (void)open_source_bytes("x.npy", bytes_of("x"), "zip");
        FAIL() << "opened an unknown format name";
    } catch (const LoadError& error) {
        EXPECT_EQ(error.file(), "x.npy");
        EXPECT_EQ(listed_after(error.problem(), "unknown format 'zip'; known formats: "),
                  registry_entries());
    }
}

TEST(LoaderRegistry, ExtensionListTakesAPrefix) {
    for (const LoaderInfo& loader : file_loaders()) {
        if (loader.name == "csv") {
            EXPECT_EQ(extension_list(loader), ".csv .tsv .txt");
            EXPECT_EQ(extension_list(loader, "*."), "*.csv *.tsv *.txt");
        }
    }
}

}  // namespace
}  // namespace quantscope

// open_source's dispatch and the Source / LoadError contracts.
#include <gtest/gtest.h>

#include <filesystem>

#include "io_test_support.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

using test::fixture;

TEST(LoadError, MessageNamesFileOffsetAndProblem) {
    const LoadError error("a.npy", 42, "bad thing");
    EXPECT_STREQ(error.what(), "a.npy: offset 42: bad thing");
    EXPECT_EQ(error.file(), "a.npy");
    EXPECT_EQ(error.offset(), 42U);
    EXPECT_EQ(error.problem(), "bad thing");
    const Error& base = error;  // catchable as the core error type
    EXPECT_STREQ(base.what(), "a.npy: offset 42: bad thing");
}

TEST(OpenSource, MagicBytesWinOverTheExtension) {
    const auto path = std::filesystem::temp_directory_path() / "quantscope_renamed.dat";
    std::filesystem::copy_file(fixture("model.gguf"), path,
                               std::filesystem::copy_options::overwrite_existing);
    EXPECT_EQ(open_source(path.string())->format_name(), "gguf");
    std::filesystem::copy_file(fixture("model.safetensors"), path,
                               std::filesystem::copy_options::overwrite_existing);
    EXPECT_EQ(open_source(path.string())->format_name(), "safetensors");
    std::filesystem::copy_file(fixture("f32_2x3.npy"), path,
                               std::filesystem::copy_options::overwrite_existing);
    EXPECT_EQ(open_source(path.string())->format_name(), "npy");
    std::filesystem::remove(path);
}

TEST(OpenSource, MissingFileAndFolderAreLoadErrors) {
    try {
        (void)open_source("/nonexistent/file.npy");
        FAIL();
    } catch (const LoadError& error) {
        EXPECT_EQ(error.offset(), 0U);
        EXPECT_NE(error.problem().find("cannot open"), std::string::npos);
    }
    try {
        (void)open_source(std::string(QUANTSCOPE_TEST_DATA_DIR));
        FAIL();
    } catch (const LoadError& error) {
        // A folder opens only as a sharded safetensors model, through its index.
        EXPECT_EQ(error.problem(),
                  "a folder, and no model.safetensors.index.json in it (a folder opens as a "
                  "sharded safetensors model through its index)");
    }
}

TEST(OpenSource, BytesInMemoryWithAnExplicitFormat) {
    const auto bytes = test::file_bytes(fixture("f32_2x3.npy"));
    const auto source = open_source_bytes("anything", bytes, "npy");
    EXPECT_EQ(source->path(), "anything");
    EXPECT_EQ(source->read(0).values[5], 1.0f);
    EXPECT_THROW((void)open_source_bytes("x", bytes, "zip"), LoadError);
}

TEST(OpenSource, ListingDoesNotReadValues) {
    // A file whose header is fine but whose data is garbage still lists; only reading decodes.
    auto bytes = test::file_bytes(fixture("model.safetensors"));
    const auto source = open_source_bytes("m.safetensors", bytes);
    EXPECT_EQ(source->tensors().size(), 19U);
    EXPECT_EQ(source->tensors()[0].name, "f32");
}

TEST(OpenSource, EveryFixtureMmapAndPreadAgree) {
    for (const auto& entry : std::filesystem::directory_iterator(fixture(""))) {
        const std::string path = entry.path().string();
        if (path.ends_with(".bin")) {
            continue;  // raw data needs a raw: spec
        }
        const auto mapped = open_source(path);
        const auto pread = open_source(path, SourceOptions{.memory_map = false});
        ASSERT_EQ(mapped->tensors().size(), pread->tensors().size()) << path;
        for (std::size_t i = 0; i < mapped->tensors().size(); ++i) {
            EXPECT_EQ(mapped->tensors()[i].shape, pread->tensors()[i].shape) << path;
            if (!mapped->readable(i)) {
                continue;
            }
            const auto a = mapped->read(i);
            const auto b = pread->read(i);
            ASSERT_EQ(a.values.size(), b.values.size()) << path;
            for (std::size_t k = 0; k < a.values.size(); ++k) {
                EXPECT_TRUE(a.values[k] == b.values[k] ||
                            (std::isnan(a.values[k]) && std::isnan(b.values[k])))
                    << path << " " << a.info.name << "[" << k << "]";
            }
        }
    }
}

}  // namespace
}  // namespace quantscope

// ONNX model written by the onnx package: initializers of the main graph and of If/Loop
// subgraphs, Constant nodes, raw_data and the typed fields, and external data.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "io_test_support.h"
#include "quantscope/io/load_error.h"
#include "quantscope/io/source.h"

namespace quantscope {
namespace {

using test::expect_values;
using test::fixture;

TEST(Onnx, ListsInitializersConstantsAndSubgraphs) {
    const auto source = open_source(fixture("model.onnx"));
    EXPECT_EQ(source->format_name(), "onnx");
    std::vector<std::string> names;
    for (const auto& info : source->tensors()) {
        names.push_back(info.name);
    }
    EXPECT_EQ(names, (std::vector<std::string>{"w_raw", "w_int8", "w_f16", "w_bf16", "w_double",
                                               "w_i64", "w_float", "w_ext", "c0", "else_w",
                                               "then_w", "loop_w", "loop_c"}));
    EXPECT_EQ(source->tensors()[0].shape, (Shape{2, 3}));
    EXPECT_EQ(source->tensors()[2].dtype, "float16");
    EXPECT_NE(source->note(*source->find("then_w")).find("subgraph 'then_branch' of node if0"),
              std::string::npos);
    EXPECT_NE(source->note(*source->find("loop_c")).find("Constant node loop_const"),
              std::string::npos);
    std::map<std::string, std::string> metadata(source->metadata().begin(),
                                                source->metadata().end());
    EXPECT_EQ(metadata["producer_name"], "make_fixtures.py");
    EXPECT_EQ(metadata["opset ai.onnx"], "17");
    EXPECT_EQ(metadata["subgraphs"], "3");
}

TEST(Onnx, ReadsRawAndTypedFields) {
    const auto source = open_source(fixture("model.onnx"));
    expect_values(source->read("w_raw"), {-1.5f, -1.0f, -0.5f, 0.0f, 0.5f, 1.0f});
    expect_values(source->read("w_int8"), {-128, -1, 0, 127});
    expect_values(source->read("w_f16"), {1.5f, -2.0f, 65504.0f});
    expect_values(source->read("w_bf16"), {1.0f, -3.0f});
    expect_values(source->read("w_double"), {0.25f, -8.0f});
    expect_values(source->read("w_i64"), {-9, 10});
    expect_values(source->read("w_float"), {4.5f, -1.25f});
    expect_values(source->read("c0"), {7, 8, 9});
    expect_values(source->read("then_w"), {1, 2});
    expect_values(source->read("else_w"), {3, 4});
    expect_values(source->read("loop_w"), {-1, -2});
    expect_values(source->read("loop_c"), {5.5f});
}

TEST(Onnx, ExternalDataIsListedAndReadFromTheModelFolder) {
    const auto source = open_source(fixture("model.onnx"));
    const auto index = *source->find("w_ext");
    EXPECT_EQ(source->note(index), "external data: onnx_external.bin at offset 16 (16 bytes)");
    expect_values(source->read(index), {10, 20, 30, 40});
}

TEST(Onnx, MissingExternalFileIsALoadErrorAtRead) {
    // The same model bytes, named as if they lived in another folder: listing works, reading the
    // external tensor fails clearly.
    const auto source =
        open_source_bytes("/nonexistent/model.onnx", test::file_bytes(fixture("model.onnx")));
    const auto index = *source->find("w_ext");
    try {
        (void)source->read(index);
        FAIL() << "read external data from a missing file";
    } catch (const LoadError& error) {
        EXPECT_NE(std::string(error.what()).find("onnx_external.bin"), std::string::npos);
    }
    expect_values(source->read("w_raw"), {-1.5f, -1.0f, -0.5f, 0.0f, 0.5f, 1.0f});
}

TEST(Onnx, ExternalSymlinkOutOfTheFolderIsRefused) {
    const auto folder = std::filesystem::temp_directory_path() / "quantscope_onnx_symlink_test";
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder / "model");
    std::filesystem::copy_file(fixture("model.onnx"), folder / "model" / "model.onnx");
    std::filesystem::copy_file(fixture("onnx_external.bin"), folder / "outside.bin");
    std::filesystem::create_symlink(folder / "outside.bin", folder / "model" / "onnx_external.bin");
    const auto source = open_source((folder / "model" / "model.onnx").string());
    try {
        (void)source->read("w_ext");
        FAIL() << "followed a symlink out of the model folder";
    } catch (const LoadError& error) {
        EXPECT_NE(error.problem().find("resolves outside the model folder"), std::string::npos);
    }
    std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace quantscope

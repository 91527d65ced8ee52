// Sharded safetensors (model.safetensors.index.json and its shards) open as one model.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "quantscope/io/load_error.h"
#include "quantscope/io/source.h"
#include "synthetic_model.h"

namespace quantscope {
namespace {

namespace fs = std::filesystem;

class ShardedModel : public ::testing::Test {
protected:
    void SetUp() override {
        folder_ = fs::temp_directory_path() /
                  ("qs-sharded-" +
                   std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
        fs::remove_all(folder_);
        fs::create_directories(folder_);
        model_.layers = 3;
        test::write_sharded_synthetic_model(folder_.string(), model_, 3);
        test::write_synthetic_model((folder_ / "whole.safetensors").string(), model_);
    }
    void TearDown() override { fs::remove_all(folder_); }

    std::string index() const { return (folder_ / "model.safetensors.index.json").string(); }

    fs::path folder_;
    test::SyntheticModel model_;
};

void expect_same_model(const Source& sharded, const Source& whole) {
    ASSERT_EQ(sharded.tensors().size(), whole.tensors().size());
    for (std::size_t i = 0; i < whole.tensors().size(); ++i) {
        const TensorInfo& a = sharded.tensors()[i];
        EXPECT_EQ(a.name, whole.tensors()[i].name);
        EXPECT_EQ(a.shape, whole.tensors()[i].shape);
        EXPECT_EQ(a.dtype, whole.tensors()[i].dtype);
        const Tensor x = sharded.read(i);
        const Tensor y = whole.read(i);
        ASSERT_EQ(x.values.size(), y.values.size());
        EXPECT_TRUE(std::equal(x.view().begin(), x.view().end(), y.view().begin())) << a.name;
    }
}

TEST_F(ShardedModel, TheIndexOpensAsOneModel) {
    const auto sharded = open_source(index());
    EXPECT_EQ(sharded->format_name(), "safetensors-index");
    expect_same_model(*sharded, *open_source((folder_ / "whole.safetensors").string()));
    ASSERT_FALSE(sharded->metadata().empty());
    EXPECT_EQ(sharded->metadata()[0].first, "total_size");
}

TEST_F(ShardedModel, TheFolderOpensThroughItsIndex) {
    const auto sharded = open_source(folder_.string());
    EXPECT_EQ(sharded->format_name(), "safetensors-index");
    expect_same_model(*sharded, *open_source((folder_ / "whole.safetensors").string()));
    EXPECT_EQ(open_source(folder_.string() + "/")->tensors().size(), sharded->tensors().size());
}

TEST_F(ShardedModel, AMissingShardIsAnErrorNamingIt) {
    fs::remove(folder_ / "model-00002-of-00003.safetensors");
    try {
        (void)open_source(index());
        FAIL() << "opened without a shard";
    } catch (const LoadError& e) {
        EXPECT_EQ(e.file(), index());
        EXPECT_GT(e.offset(), 0U);  // the weight map entry that names it
        const std::string what = e.what();
        EXPECT_NE(what.find("missing shard \"model-00002-of-00003.safetensors\""),
                  std::string::npos)
            << what;
        EXPECT_NE(what.find("does not exist"), std::string::npos) << what;
    }
}

TEST_F(ShardedModel, ATensorMissingFromItsShardIsAnError) {
    std::string text(fs::file_size(index()), '\0');
    std::ifstream(index(), std::ios::binary)
        .read(text.data(), static_cast<std::streamsize>(text.size()));
    const std::string entry = "\"model.norm.weight\": \"model-00003-of-00003.safetensors\"";
    ASSERT_NE(text.find(entry), std::string::npos);
    text.replace(text.find(entry), entry.size(),
                 "\"model.norm.weight\": \"model-00001-of-00003.safetensors\"");
    std::ofstream(index(), std::ios::trunc) << text;
    EXPECT_THROW(
        {
            try {
                (void)open_source(index());
            } catch (const LoadError& e) {
                EXPECT_NE(std::string(e.what()).find("which has no such tensor"), std::string::npos)
                    << e.what();
                throw;
            }
        },
        LoadError);
}

TEST_F(ShardedModel, ShardsOutsideTheFolderAndBadIndicesAreRefused) {
    const auto write_index = [&](const std::string& text) {
        std::ofstream(index(), std::ios::trunc) << text;
    };
    write_index(R"({"weight_map": {"a": "../elsewhere.safetensors"}})");
    EXPECT_THROW((void)open_source(index()), LoadError);
    write_index(R"({"weight_map": {"a": "/etc/passwd"}})");
    EXPECT_THROW((void)open_source(index()), LoadError);
    write_index(R"({"metadata": {}})");
    EXPECT_THROW((void)open_source(index()), LoadError);
    write_index(R"({"weight_map": {"a": 3}})");
    EXPECT_THROW((void)open_source(index()), LoadError);
    write_index(R"({"weight_map": {}})");
    EXPECT_THROW((void)open_source(index()), LoadError);
    write_index("[1, 2]");
    EXPECT_THROW((void)open_source(index()), LoadError);
    write_index("{\"weight_map\": ");
    EXPECT_THROW((void)open_source(index()), LoadError);
}

TEST_F(ShardedModel, AFolderWithoutAnIndexSaysSo) {
    fs::remove(index());
    try {
        (void)open_source(folder_.string());
        FAIL();
    } catch (const LoadError& e) {
        EXPECT_NE(std::string(e.what()).find("no model.safetensors.index.json"), std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace quantscope

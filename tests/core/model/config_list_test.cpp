// Config lists as text (config_list.h): the overview's and the planner's --configs.
#include <gtest/gtest.h>

#include "quantscope/common/error.h"
#include "quantscope/quant/config_list.h"

namespace quantscope {
namespace {

TEST(ConfigList, ParsesTheIssuesExample) {
    const auto configs = parse_config_list("int8 per-channel; fp8_e4m3 ;int4 block:32; nf4; mxfp4");
    ASSERT_EQ(configs.size(), 5U);
    EXPECT_EQ(configs[0].granularity.kind, Granularity::Kind::Channel);
    EXPECT_EQ(configs[0].granularity.axis, 0);
    EXPECT_EQ(configs[0].scheme, Scheme::Symmetric);
    EXPECT_EQ(format_name(configs[1]), "fp8_e4m3");
    EXPECT_EQ(configs[1].scheme, Scheme::Scaled);
    EXPECT_EQ(configs[1].granularity.kind, Granularity::Kind::Tensor);
    EXPECT_EQ(configs[2].granularity.kind, Granularity::Kind::Block);
    EXPECT_EQ(configs[2].granularity.block, 32);
    EXPECT_EQ(configs[3].granularity.block, 64);  // nf4's own blocks
    EXPECT_EQ(configs[4].block_scaling, BlockScaling::MX);
}

TEST(ConfigList, WordsSetEachField) {
    const QuantConfig c = parse_config_list(
        "int4 affine percentile:99.9 channel:1 stochastic seed=7 outlier_threshold=6")[0];
    EXPECT_EQ(c.scheme, Scheme::Affine);
    EXPECT_EQ(c.calibration.method, CalibrationMethod::Percentile);
    EXPECT_EQ(c.calibration.parameter, 99.9);
    EXPECT_EQ(c.granularity.axis, 1);
    EXPECT_EQ(c.rounding, Rounding::Stochastic);
    EXPECT_EQ(c.seed, 7U);
    EXPECT_EQ(c.outlier_threshold, 6);
}

TEST(ConfigList, LabelsReadBackToTheSameConfig) {
    const std::string text =
        "int8 per-channel; fp8_e4m3; int4 block:32; nf4; mxfp4; int8 affine percentile:99.9; "
        "uint8 channel:-1 affine kl; fp4_e2m1 mse nearest-away; int8 stochastic seed=3";
    const auto configs = parse_config_list(text);
    EXPECT_EQ(config_list_text(configs), text);
    EXPECT_EQ(parse_config_list(config_list_text(configs)), configs);
    EXPECT_EQ(config_label(parse_config_list("int8")[0]), "int8");
}

TEST(ConfigList, ErrorsNameTheItem) {
    try {
        (void)parse_config_list("int8; int4 blocky:3");
        FAIL();
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("config \"int4 blocky:3\""), std::string::npos)
            << e.what();
    }
    EXPECT_THROW((void)parse_config_list(" ; ;"), UsageError);
    EXPECT_THROW((void)parse_config_list("fp9"), UsageError);
    EXPECT_THROW((void)parse_config_list("int8 bogus=1"), UsageError);
    EXPECT_THROW((void)parse_config_list("mxfp4 per-channel"), UsageError);  // check_config
}

}  // namespace
}  // namespace quantscope

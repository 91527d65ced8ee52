// ggml's block types as quantization configs (quantscope/quant/ggml_config.h): the config's
// names and checks, and quantize() against ggml's reference quantizer block by block, through a
// GGUF file and back, with NaN, outliers, clipping and storage.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "quantscope/common/error.h"
#include "quantscope/io/gguf_writer.h"
#include "quantscope/io/source.h"
#include "quantscope/quant/ggml_config.h"
#include "quantscope/quant/quantizer.h"

namespace quantscope {
namespace {

QuantConfig config_for(std::string_view name) {
    QuantConfig c;
    apply_format(c, name);
    return c;
}

std::vector<float> gaussians(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> gauss(0, 1);
    std::vector<float> x(n);
    for (float& v : x) {
        v = gauss(rng);
    }
    return x;
}

// What ggml stores and decodes for x, block by block.
std::vector<float> ggml_round_trip(const GgmlType& type, const std::vector<float>& x,
                                   std::vector<std::byte>* bytes = nullptr) {
    const std::size_t blocks = x.size() / static_cast<std::size_t>(type.block_elements);
    std::vector<std::byte> q(blocks * static_cast<std::size_t>(type.block_bytes));
    type.quantize(x.data(), q.data(), blocks);
    std::vector<float> y(x.size());
    type.dequantize(q.data(), y.data(), blocks);
    if (bytes != nullptr) {
        *bytes = q;
    }
    return y;
}

TEST(GgmlConfig, EveryTypeHasANameThatParsesBack) {
    const std::vector<std::string> expected{"q4_0", "q4_1", "q5_0", "q5_1", "q8_0",  "q2_K",
                                            "q3_K", "q4_K", "q5_K", "q6_K", "iq4_nl"};
    EXPECT_EQ(ggml_format_names(), expected);
    for (const std::string& name : expected) {
        const QuantConfig c = config_for(name);
        EXPECT_EQ(c.block_scaling, BlockScaling::Ggml) << name;
        ASSERT_NE(c.ggml, nullptr) << name;
        EXPECT_EQ(format_name(c), name);
        EXPECT_EQ(c.granularity.block, c.ggml->block_elements) << name;
        EXPECT_NO_THROW(check_config(c)) << name;
        EXPECT_EQ(config_from_fields(config_to_fields(c)), c) << name;
        std::string lower = name;
        for (char& ch : lower) {
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
        EXPECT_EQ(config_for(lower), c) << lower;
    }
    EXPECT_EQ(describe(config_for("q4_k")), "q4_K (ggml)");
    EXPECT_EQ(config_for("q4_1").format.name(), "uint4");
    EXPECT_EQ(config_for("q6_K").format.name(), "int6");
    EXPECT_EQ(config_for("iq4_nl").scheme, Scheme::Scaled);
    // Another format afterwards leaves ggml.
    QuantConfig c = config_for("q4_K");
    apply_format(c, "int4");
    EXPECT_EQ(c.ggml, nullptr);
    EXPECT_EQ(c.block_scaling, BlockScaling::None);
    EXPECT_THROW(config_for("q4_k_m"), UsageError);
    EXPECT_THROW(config_for("q8_1"), UsageError);  // activations only: not offered
}

TEST(GgmlConfig, ChecksRefuseFieldsThatAreNotTheTypes) {
    QuantConfig c = config_for("q4_K");
    c.granularity = parse_granularity("block:32");
    EXPECT_THROW(check_config(c), UsageError);
    c = config_for("q4_K");
    c.scheme = Scheme::Symmetric;
    EXPECT_THROW(check_config(c), UsageError);
    c = config_for("q4_0");
    c.format = parse_format("int8");
    EXPECT_THROW(check_config(c), UsageError);
    c = QuantConfig{};
    c.block_scaling = BlockScaling::Ggml;
    EXPECT_THROW(check_config(c), UsageError);
    // A session file's hand-edited granularity is refused when quantizing.
    EXPECT_THROW(quantize(std::vector<float>(512, 1.0f),
                          config_from_fields({{"format", "q4_K"}, {"granularity", "block:64"}})),
                 UsageError);
}

TEST(GgmlConfig, QuantizeIsGgmlsBlocksThroughAGgufFile) {
    // Q(x) is what llama.cpp stores, bit for bit: the blocks written by the GGUF writer and read
    // back by the loader decode to quantize()'s Q(x). Storage is ggml's block bytes.
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("qs-ggml-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::vector<std::int64_t> shape{6, 512};
    const std::vector<float> x = gaussians(6 * 512, 9);
    for (const GgmlConfigType& t : ggml_config_types()) {
        const QuantConfig config = config_for(t.type->name);
        const QuantResult r = quantize(x, shape, config, {.keep_codes = true});
        std::vector<std::byte> bytes;
        const std::vector<float> expected = ggml_round_trip(*t.type, x, &bytes);
        const std::string file = (dir / (std::string(t.type->name) + ".gguf")).string();
        write_gguf(file, std::vector<GgufTensor>{{"w", {6, 512}, t.type->id, bytes}});
        const Tensor read = open_source(file)->read(0);
        ASSERT_EQ(read.values.size(), x.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            ASSERT_EQ(r.dequantized[i], expected[i]) << t.type->name << " " << i;
            ASSERT_EQ(read.values[i], expected[i]) << t.type->name << " " << i;
        }
        const auto blocks = static_cast<std::int64_t>(x.size()) / t.type->block_elements;
        EXPECT_EQ(r.storage.bytes, blocks * t.type->block_bytes) << t.type->name;
        EXPECT_EQ(r.storage.bytes, static_cast<std::int64_t>(bytes.size())) << t.type->name;
        EXPECT_DOUBLE_EQ(r.storage.bits_per_value, ggml_bits_per_weight(*t.type)) << t.type->name;
        EXPECT_EQ(r.groups.size(), static_cast<std::size_t>(blocks)) << t.type->name;
        // Codes: Q(x) is each sub-block's scale * element + offset (q4_0's codes are -8..7).
        for (std::size_t i = 0; i < x.size(); ++i) {
            ASSERT_GE(r.codes[i],
                      t.element.as_lookup() ? 0 : t.element.integer_format().min_code());
        }
        EXPECT_GT(r.metrics.sqnr_db, 5.0) << t.type->name;
        EXPECT_GT(r.metrics.kl_divergence, 0.0) << t.type->name;
    }
    std::filesystem::remove_all(dir);
}

TEST(GgmlConfig, RowsMustHoldWholeBlocks) {
    const std::vector<float> x(3 * 100, 1.0f);
    const std::vector<std::int64_t> shape{3, 100};
    try {
        quantize(x, shape, config_for("q4_0"));
        FAIL() << "no error";
    } catch (const UsageError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "q4_0 quantizes whole blocks of 32 along the last axis (as ggml does): the rows "
                  "of shape [3, 100] hold 100 values, not a multiple of 32");
    }
    EXPECT_THROW(quantize(std::vector<float>(300, 1.0f), config_for("q4_K")), UsageError);
    EXPECT_NO_THROW(quantize(std::vector<float>(512, 1.0f), config_for("q4_K")));
}

TEST(GgmlConfig, NonFiniteValuesPassThroughAndCountAsZeroForTheScales) {
    // The block quantizer sees 0 for NaN and Inf (ggml would derive its scale from an Inf);
    // they keep their value and are counted, not measured.
    std::vector<float> x = gaussians(256, 4);
    std::vector<float> zeroed = x;
    x[3] = std::numeric_limits<float>::quiet_NaN();
    x[200] = std::numeric_limits<float>::infinity();
    zeroed[3] = 0;
    zeroed[200] = 0;
    for (const char* name : {"q4_0", "q4_K", "iq4_nl"}) {
        const QuantResult r = quantize(x, config_for(name));
        const std::vector<float> expected = ggml_round_trip(*find_ggml_type(name), zeroed);
        EXPECT_TRUE(std::isnan(r.dequantized[3])) << name;
        EXPECT_EQ(r.dequantized[200], x[200]) << name;
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (i != 3 && i != 200) {
                ASSERT_EQ(r.dequantized[i], expected[i]) << name << " " << i;
            }
        }
        EXPECT_EQ(r.metrics.nan_count, 1) << name;
        EXPECT_EQ(r.metrics.inf_count, 1) << name;
        EXPECT_EQ(r.metrics.count, 254) << name;
    }
}

TEST(GgmlConfig, AKBlockWithANaNIsQuantizedAsIfItHeldZero) {
    // The project's rule for NaN in a block type (docs/design.md "ggml block types as
    // quantization configs"): the quantizer sees 0, Q(x) is NaN, the code 0. For the block of
    // -1 with a NaN at 5, worked out by hand from ggml's arithmetic on -1 x 255 and 0:
    //   q4_K: sub-block 0 spans [-1, 0]: iscale 15, codes 0 (-1) and 15 (0) fit exactly (error
    //         0, no trial does better): scale 1/15, min -1; sub-blocks 1-7 are flat: scale 0,
    //         min -1. Stored: dmin = fp16(1/63) = 65/4096, every min code 63; sub-block 0's
    //         scale code 63 against d = fp16(1/15/63) = 0x1456. -1 codes again as
    //         nearest((-1 + 63 dmin) / (63 d)) = nearest(-0.0037) = 0 -> -63 dmin = -4095/4096,
    //         the 0 as nearest(14.99) = 15.
    //   q2_K: likewise on 16 values: scale 1/3, min -1 for sub-block 0; every min nibble 15
    //         against dmin = fp16(1/15) = 273/4096: -1 decodes to -15 dmin = -4095/4096.
    //   q3_K, q6_K: the 0 has weight x^2 = 0, so sub-block 0's sums are the constant block's
    //         (scale 1/4 and 1/32): -1 decodes to exactly -1 (codes -4 and -32).
    std::vector<float> x(256, -1.0f);
    x[5] = std::numeric_limits<float>::quiet_NaN();
    QuantizeOptions keep;
    keep.keep_codes = true;
    const std::pair<const char*, float> expected[] = {
        {"q2_K", -4095.0f / 4096}, {"q4_K", -4095.0f / 4096}, {"q3_K", -1.0f}, {"q6_K", -1.0f}};
    for (const auto& [name, value] : expected) {
        const QuantResult r = quantize(x, config_for(name), keep);
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (i == 5) {
                EXPECT_TRUE(std::isnan(r.dequantized[i])) << name;
                EXPECT_EQ(r.codes[i], 0) << name;
            } else {
                ASSERT_EQ(r.dequantized[i], value) << name << " " << i;
            }
        }
        // The codes of -1: 0 on uint2 / uint4 (offset types), -4 on int3, -32 on int6.
        const int code = name == std::string_view("q3_K")   ? -4
                         : name == std::string_view("q6_K") ? -32
                                                            : 0;
        EXPECT_EQ(r.codes[0], code) << name;
        EXPECT_EQ(r.codes[255], code) << name;
        EXPECT_EQ(r.metrics.nan_count, 1) << name;
    }
}

TEST(GgmlConfig, OutliersAreKeptAndHiddenFromTheBlocks) {
    std::vector<float> x = gaussians(64, 6);
    x[10] = 50.0f;
    std::vector<float> hidden = x;
    hidden[10] = 0.0f;
    QuantConfig config = config_for("q8_0");
    config.outlier_threshold = 10;
    const QuantResult r = quantize(x, config);
    const std::vector<float> expected = ggml_round_trip(*find_ggml_type("q8_0"), hidden);
    EXPECT_EQ(r.dequantized[10], 50.0f);  // exact in FP16
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (i != 10) {
            ASSERT_EQ(r.dequantized[i], expected[i]) << i;
        }
    }
    EXPECT_DOUBLE_EQ(r.metrics.outlier_fraction, 1.0 / 64);
}

TEST(GgmlConfig, ClippedAreValuesBeyondTheBlocksCells) {
    // q4_0 maps the signed maximum 1 to code -8 (d = 1 / -8): -1 needs code 8, beyond the top
    // code 7 by more than half a step (u = x / d = 8 > 7.5), so it clips to -0.875. Nothing else
    // in the block clips.
    std::vector<float> x(32, 0.5f);
    x[0] = 1.0f;
    x[1] = -1.0f;
    const QuantResult r = quantize(x, config_for("q4_0"));
    EXPECT_FLOAT_EQ(r.dequantized[1], -0.875f);
    EXPECT_DOUBLE_EQ(r.metrics.clipped_fraction, 1.0 / 32);
    EXPECT_DOUBLE_EQ(r.clip_min, -0.875);  // levels (q - 8) * -0.125 for q = 0..15
    EXPECT_DOUBLE_EQ(r.clip_max, 1.0);
    // Min-max types (q4_1) and scale searches around the maximum (q4_K) clip nothing here.
    EXPECT_EQ(quantize(x, config_for("q4_1")).metrics.clipped_fraction, 0.0);
}

TEST(GgmlConfig, CalibrationAndRoundingAreNotUsedAndSaySo) {
    QuantConfig config = config_for("q4_K");
    const std::vector<float> x = gaussians(512, 2);
    const QuantResult plain = quantize(x, config);
    EXPECT_TRUE(plain.notes.empty());
    config.rounding = Rounding::Stochastic;
    config.calibration = parse_calibration("percentile:99");
    const QuantResult other = quantize(x, config);
    ASSERT_EQ(other.notes.size(), 1u);
    EXPECT_NE(other.notes[0].find("not used"), std::string::npos);
    for (std::size_t i = 0; i < x.size(); ++i) {
        ASSERT_EQ(other.dequantized[i], plain.dequantized[i]);
    }
}

}  // namespace
}  // namespace quantscope

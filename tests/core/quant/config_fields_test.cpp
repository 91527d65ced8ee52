// QuantConfig's one map to names and back (config_fields) and its ==: every field survives,
// == sees a change of every field and ignores what a config does not use.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "config_variants.h"
#include "quantscope/common/error.h"
#include "quantscope/quant/quant_config.h"

namespace quantscope {
namespace {

TEST(ConfigFields, EveryFieldSurvivesConfigToNamesToConfig) {
    for (const QuantConfig& config : test::configs_with_one_field_changed()) {
        const ConfigFieldValues names = config_to_fields(config);
        ASSERT_EQ(names.size(), config_fields().size());
        EXPECT_EQ(config_from_fields(names), config) << describe(config);
    }
}

TEST(ConfigFields, NamesSurviveNamesToConfigToNames) {
    const QuantConfig base;
    std::set<std::string> changed;
    for (const QuantConfig& config : test::configs_with_one_field_changed()) {
        const ConfigFieldValues names = config_to_fields(config);
        EXPECT_EQ(config_to_fields(config_from_fields(names)), names) << describe(config);
        const ConfigFieldValues base_names = config_to_fields(base);
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (names[i] != base_names[i]) {
                changed.insert(names[i].first);
            }
        }
    }
    // Each name is written by some member: none is a constant.
    EXPECT_EQ(changed.size(), config_fields().size());
}

TEST(ConfigFields, EqualitySeesEveryField) {
    const std::vector<QuantConfig> configs = test::configs_with_one_field_changed();
    for (std::size_t i = 0; i < configs.size(); ++i) {
        EXPECT_NE(configs[i], QuantConfig{}) << i;
        for (std::size_t j = 0; j < i; ++j) {
            EXPECT_NE(configs[i], configs[j]) << i << " " << j;
        }
        const QuantConfig copy = configs[i];
        EXPECT_EQ(copy, configs[i]) << i;
    }
}

TEST(ConfigFields, EqualityIgnoresWhatTheConfigDoesNotUse) {
    QuantConfig a;
    QuantConfig b;
    b.calibration.parameter = 99;  // minmax takes no parameter
    b.granularity.block = 128;     // per tensor has no blocks
    b.granularity.axis = 1;
    EXPECT_EQ(a, b);
    a.granularity = b.granularity = parse_granularity("block:64");
    b.granularity.axis = 1;  // blocks run along the last axis whatever the channel axis says
    EXPECT_EQ(a, b);
    b.granularity.block = 32;
    EXPECT_NE(a, b);
}

TEST(ConfigFields, TheFormatIsAppliedFirstWhateverTheOrder) {
    // The scheme and granularity given win over the format's own, wherever they are listed.
    const QuantConfig config = config_from_fields(
        {{"granularity", "block:16"}, {"calibration", "mse"}, {"format", "nf4"}});
    EXPECT_EQ(format_name(config), "nf4");
    EXPECT_EQ(to_string(config.granularity), "block:16");
    EXPECT_EQ(to_string(config.calibration), "mse");
    EXPECT_EQ(config_from_fields({}), QuantConfig{});
}

TEST(ConfigFields, BadNamesAndValuesAreUsageErrors) {
    EXPECT_THROW(config_from_fields({{"colour", "red"}}), UsageError);
    EXPECT_THROW(config_from_fields({{"seed", "1"}, {"seed", "2"}}), UsageError);
    EXPECT_THROW(config_from_fields({{"scheme", "diagonal"}}), UsageError);
    EXPECT_THROW(config_from_fields({{"rounding", "up"}}), UsageError);
    EXPECT_THROW(config_from_fields({{"seed", "-1"}}), UsageError);
    EXPECT_THROW(config_from_fields({{"seed", "1.5"}}), UsageError);
    EXPECT_THROW(config_from_fields({{"outlier_threshold", "-2"}}), UsageError);
    EXPECT_THROW(config_from_fields({{"outlier_threshold", "inf"}}), UsageError);
    // A whole number written as a float is still a seed, as the CLI's --seed took it.
    EXPECT_EQ(config_from_fields({{"seed", "1e3"}}).seed, 1000u);
}

}  // namespace
}  // namespace quantscope

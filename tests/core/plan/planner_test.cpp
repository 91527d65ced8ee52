#include "quantscope/plan/planner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "quantscope/common/error.h"
#include "quantscope/model/model_overview.h"

namespace quantscope {
namespace {

PlanTable random_table(std::mt19937_64& rng, int tensors, int configs, std::int64_t max_bytes) {
    PlanTable table;
    for (int c = 0; c < configs; ++c) {
        table.configs.push_back({"c" + std::to_string(c), true});
    }
    std::uniform_int_distribution<std::int64_t> bytes(1, max_bytes);
    std::uniform_int_distribution<std::int64_t> params(1, 1000);
    std::uniform_real_distribution<double> sqnr(-5.0, 60.0);
    for (int t = 0; t < tensors; ++t) {
        PlanTensor tensor{"t" + std::to_string(t), params(rng), {}};
        for (int c = 0; c < configs; ++c) {
            tensor.candidates.push_back({bytes(rng), sqnr(rng), 0.5, ""});
        }
        table.tensors.push_back(std::move(tensor));
    }
    return table;
}

struct Best {
    double noise = std::numeric_limits<double>::infinity();  // sum of parameters x noise
    double worst = -std::numeric_limits<double>::infinity();
    bool found = false;
};

// Every assignment of configs to tensors, the objective as make_plan defines it: the smallest
// weighted noise (the largest model SQNR), for Worst after the largest lowest SQNR.
Best brute_force(const PlanTable& table, std::int64_t budget, PlanObjective objective) {
    const std::size_t n = table.tensors.size();
    const std::size_t k = table.configs.size();
    std::vector<std::size_t> pick(n, 0);
    Best best;
    for (;;) {
        std::int64_t bytes = 0;
        ModelSqnr model;
        double worst = std::numeric_limits<double>::infinity();
        for (std::size_t t = 0; t < n; ++t) {
            const PlanCandidate& c = table.tensors[t].candidates[pick[t]];
            bytes += c.bytes;
            model.add(c.sqnr_db, table.tensors[t].parameters);
            worst = std::min(worst, c.sqnr_db);
        }
        if (bytes <= budget) {
            const double noise = model.weighted_noise;
            const bool better =
                objective == PlanObjective::Weighted
                    ? noise < best.noise
                    : worst > best.worst || (worst == best.worst && noise < best.noise);
            if (better) {
                best = {noise, worst, true};
            }
        }
        std::size_t t = 0;
        while (t < n && ++pick[t] == k) {
            pick[t++] = 0;
        }
        if (t == n) {
            return best;
        }
    }
}

double noise_of(const Plan& plan) {
    ModelSqnr model;
    for (const PlanEntry& e : plan.entries) {
        model.add(e.sqnr_db, e.parameters);
    }
    EXPECT_EQ(model.db(), plan.model_sqnr_db);
    return model.weighted_noise;
}

std::int64_t sum_bytes(const Plan& plan) {
    std::int64_t total = 0;
    for (const PlanEntry& e : plan.entries) {
        total += e.bytes;
    }
    return total;
}

void check_against_brute_force(std::int64_t max_bytes, bool expect_exact, int instances) {
    std::mt19937_64 rng(20);
    int exact_plans = 0;
    int with_gap = 0;
    for (int instance = 0; instance < instances; ++instance) {
        const int tensors = 1 + static_cast<int>(rng() % 6);
        const int configs = 1 + static_cast<int>(rng() % 3);
        const PlanTable table = random_table(rng, tensors, configs, max_bytes);
        const PlanBounds bounds = plan_bounds(table, {});
        const std::int64_t budget =
            bounds.min_bytes +
            static_cast<std::int64_t>(
                rng() % static_cast<std::uint64_t>(bounds.max_bytes - bounds.min_bytes + 2));
        for (const PlanObjective objective : {PlanObjective::Weighted, PlanObjective::Worst}) {
            const Plan plan = make_plan(table, {budget, objective, {}});
            const Best best = brute_force(table, budget, objective);
            SCOPED_TRACE("instance " + std::to_string(instance) + " " + plan.method);
            ASSERT_TRUE(best.found);
            EXPECT_LE(plan.total_bytes, budget);
            EXPECT_EQ(plan.total_bytes, sum_bytes(plan));
            EXPECT_EQ(plan.worst_sqnr_db,
                      objective == PlanObjective::Worst ? best.worst : plan.worst_sqnr_db);
            const double tolerance = 1e-9 * best.noise;
            const double noise = noise_of(plan);
            if (plan.exact) {
                ++exact_plans;
                EXPECT_NEAR(noise, best.noise, tolerance);
            } else {
                ++with_gap;
                // The optimum lies between the plan and the plan plus its reported gap.
                EXPECT_GE(noise, best.noise - tolerance);
                EXPECT_GE(
                    plan.model_sqnr_db + plan.gap_db,
                    -10 * std::log10(best.noise / static_cast<double>(plan.total_parameters)) -
                        1e-9);
                EXPECT_GT(plan.gap_db, 0);
            }
        }
    }
    if (expect_exact) {
        EXPECT_EQ(with_gap, 0);
    } else {
        EXPECT_GT(with_gap, 0);  // the bound path was exercised
    }
    EXPECT_GT(exact_plans, 0);
}

TEST(Planner, SmallBytesAreSolvedExactlyLikeBruteForce) {
    check_against_brute_force(5000, true, 400);
}

TEST(Planner, HugeBytesStayWithinBudgetAndWithinTheReportedGap) {
    check_against_brute_force(4'000'000'000, false, 60);
}

TEST(Planner, SixTensorsThreeConfigsEqualBruteForce) {
    std::mt19937_64 rng(7);
    for (int instance = 0; instance < 300; ++instance) {
        const PlanTable table = random_table(rng, 6, 3, 100'000);
        const PlanBounds bounds = plan_bounds(table, {});
        const std::int64_t budget = (bounds.min_bytes + bounds.max_bytes) / 2;
        const Plan plan = make_plan(table, {budget, PlanObjective::Weighted, {}});
        const Best best = brute_force(table, budget, PlanObjective::Weighted);
        ASSERT_TRUE(plan.exact) << plan.method;
        EXPECT_NEAR(noise_of(plan), best.noise, 1e-9 * best.noise);
        EXPECT_LE(plan.total_bytes, budget);
    }
}

TEST(Planner, ManyTensorsOnACoarseGridNeverExceedTheBudget) {
    // Tensors x 8 configs of up to 1 GB: the DP's grid is coarse, sizes round up; with few
    // tensors its plan beats the greedy one, with many the greedy plan wins.
    std::mt19937_64 rng(11);
    for (int instance = 0; instance < 12; ++instance) {
        const PlanTable table = random_table(rng, instance % 2 == 0 ? 40 : 300, 8, 1'000'000'000);
        const PlanBounds bounds = plan_bounds(table, {});
        for (int step = 1; step < 8; ++step) {
            const std::int64_t budget =
                bounds.min_bytes + (bounds.max_bytes - bounds.min_bytes) * step / 8;
            const Plan plan = make_plan(table, {budget, PlanObjective::Weighted, {}});
            EXPECT_LE(plan.total_bytes, budget) << plan.method;
            EXPECT_EQ(plan.total_bytes, sum_bytes(plan));
            EXPECT_GE(plan.gap_db, 0);
            EXPECT_LT(plan.gap_db, 0.5) << plan.method;
        }
    }
}

PlanTable named_table() {
    // int8 > int4 in SQNR and bytes; "none" is exact and only reachable by keep rules.
    PlanTable table;
    table.configs = {{"int8", true}, {"int4", true}, {"none", false}};
    const auto tensor = [](std::string name, std::int64_t n) {
        return PlanTensor{std::move(name),
                          n,
                          {{n + 4, 40.0, 1e-4, ""},
                           {n / 2 + 4, 20.0, 1e-2, ""},
                           {4 * n, std::numeric_limits<double>::infinity(), 0.0, ""}}};
    };
    table.tensors = {tensor("embed.weight", 1000), tensor("layers.0.norm", 100),
                     tensor("layers.0.attn.q", 1000), tensor("lm_head", 1000)};
    return table;
}

TEST(Planner, KeepRulesFixTheirTensorsAndTheFirstMatchingRuleWins) {
    const PlanTable table = named_table();
    PlanSettings settings;
    settings.keep = {parse_keep_rule("embed*=int8"), parse_keep_rule("*norm=none"),
                     parse_keep_rule("layers.*=int8")};
    settings.budget_bytes = plan_bounds(table, settings.keep).min_bytes;
    const Plan plan = make_plan(table, settings);
    EXPECT_EQ(plan.entries[0].config, "int8");
    EXPECT_TRUE(plan.entries[0].kept);
    EXPECT_EQ(plan.entries[1].config, "none");  // *norm wins over layers.*
    EXPECT_TRUE(plan.entries[1].kept);
    EXPECT_EQ(plan.entries[2].config, "int8");
    EXPECT_EQ(plan.entries[3].config, "int4");  // the cheapest: the budget is the minimum
    EXPECT_FALSE(plan.entries[3].kept);
    EXPECT_EQ(plan.total_bytes, 1004 + 400 + 1004 + 504);
    EXPECT_EQ(plan.worst_sqnr_db, 20.0);
    // The exact tensor adds no noise but counts its parameters.
    EXPECT_NEAR(plan.model_sqnr_db,
                -10 * std::log10((1000 * 1e-4 + 1000 * 1e-4 + 1000 * 1e-2) / 3100.0), 1e-9);
    // Without rules, "none" is never chosen: it is not an allowed config.
    const Plan free = make_plan(table, {1'000'000, PlanObjective::Weighted, {}});
    for (const PlanEntry& e : free.entries) {
        EXPECT_EQ(e.config, "int8") << e.tensor;
    }
}

TEST(Planner, BudgetBelowTheMinimumSaysTheMinimum) {
    const PlanTable table = named_table();
    try {
        make_plan(table, {2000, PlanObjective::Weighted, {parse_keep_rule("embed*=int8")}});
        FAIL() << "no error";
    } catch (const UsageError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("minimum of 2066 bytes"), std::string::npos) << what;
        EXPECT_NE(what.find("bits per parameter"), std::string::npos) << what;
    }
}

TEST(Planner, RulesThatCannotHoldAreErrors) {
    PlanTable table = named_table();
    EXPECT_THROW(make_plan(table, {1'000'000, PlanObjective::Weighted, {{"*", "fp8"}}}),
                 UsageError);
    table.tensors[1].candidates[0].problem = "per channel on a 1-D tensor";
    EXPECT_THROW(make_plan(table, {1'000'000, PlanObjective::Weighted, {{"*norm", "int8"}}}),
                 UsageError);
    table.tensors[1].candidates[1].problem = "per channel on a 1-D tensor";
    EXPECT_THROW(make_plan(table, {1'000'000, PlanObjective::Weighted, {}}), UsageError);
    EXPECT_NO_THROW(make_plan(table, {1'000'000, PlanObjective::Weighted, {{"*norm", "none"}}}));
    EXPECT_THROW(parse_keep_rule("embed"), UsageError);
    EXPECT_THROW(parse_keep_rule("=int8"), UsageError);
    EXPECT_EQ(parse_keep_rule("a=b=int8").pattern, "a=b");
}

TEST(Planner, WorstObjectiveRaisesTheLowestTensor) {
    // The weighted objective spends the bytes on the large tensor; worst lifts the small one.
    PlanTable table;
    table.configs = {{"hi", true}, {"lo", true}};
    table.tensors = {{"big", 1000, {{200, 50.0, 0, ""}, {100, 30.0, 0, ""}}},
                     {"small", 1, {{200, 15.0, 0, ""}, {100, 5.0, 0, ""}}}};
    const Plan weighted = make_plan(table, {300, PlanObjective::Weighted, {}});
    EXPECT_EQ(weighted.entries[0].config, "hi");
    EXPECT_EQ(weighted.entries[1].config, "lo");
    const Plan worst = make_plan(table, {300, PlanObjective::Worst, {}});
    EXPECT_EQ(worst.entries[0].config, "lo");
    EXPECT_EQ(worst.entries[1].config, "hi");
    EXPECT_EQ(worst.worst_sqnr_db, 15.0);
}

TEST(Planner, CurveRunsFromTheMinimumToTheMaximum) {
    std::mt19937_64 rng(3);
    const PlanTable table = random_table(rng, 30, 4, 10'000);
    const PlanBounds bounds = plan_bounds(table, {});
    const auto curve = plan_curve(table, {}, 12);
    ASSERT_EQ(curve.size(), 12u);
    EXPECT_EQ(curve.front().budget_bytes, bounds.min_bytes);
    EXPECT_EQ(curve.back().budget_bytes, bounds.max_bytes);
    for (std::size_t i = 1; i < curve.size(); ++i) {
        EXPECT_GT(curve[i].budget_bytes, curve[i - 1].budget_bytes);
        EXPECT_GE(curve[i].model_sqnr_db, curve[i - 1].model_sqnr_db);
        EXPECT_LE(curve[i].total_bytes, curve[i].budget_bytes);
    }
}

TEST(Glob, WholeNameWithStarsQuestionMarksAndSets) {
    EXPECT_TRUE(glob_match("embed*", "embed_tokens.weight"));
    EXPECT_FALSE(glob_match("embed*", "model.embed_tokens.weight"));
    EXPECT_TRUE(glob_match("*embed*", "model.embed_tokens.weight"));
    EXPECT_TRUE(glob_match("*.norm.weight", "layers.3.norm.weight"));
    EXPECT_TRUE(glob_match("layers.?.mlp*", "layers.7.mlp.up"));
    EXPECT_FALSE(glob_match("layers.?.mlp*", "layers.17.mlp.up"));
    EXPECT_TRUE(glob_match("layers.[0-2].*", "layers.1.q"));
    EXPECT_FALSE(glob_match("layers.[0-2].*", "layers.3.q"));
    EXPECT_TRUE(glob_match("layers.[!0-2].*", "layers.3.q"));
    EXPECT_TRUE(glob_match("a[b", "a[b"));  // an unclosed bracket is a plain character
    EXPECT_TRUE(glob_match("*", ""));
    EXPECT_FALSE(glob_match("?", ""));
    EXPECT_TRUE(glob_match("*a*a*a*a*b", std::string(60, 'a') + "b"));
    EXPECT_FALSE(glob_match("*a*a*a*a*b", std::string(60, 'a')));
}

}  // namespace
}  // namespace quantscope

// The planner on a generated model file: the overview engine's results, the planner's choice.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include <unistd.h>

#include "quantscope/common/error.h"
#include "quantscope/io/source.h"
#include "quantscope/plan/budget.h"
#include "quantscope/plan/plan_evaluation.h"
#include "quantscope/quant/config_list.h"
#include "synthetic_model.h"

namespace quantscope {
namespace {

namespace fs = std::filesystem;

class PlanModel : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = (fs::temp_directory_path() /
                 ("quantscope_plan_model_" + std::to_string(::getpid()) + ".safetensors"))
                    .string();
        test::write_synthetic_model(path_, model_);
        source_ = open_source(path_);
    }
    void TearDown() override { fs::remove(path_); }

    PlanEvaluation evaluate(const std::vector<KeepRule>& keep) {
        return evaluate_for_plan(*source_, parse_config_list("int4 per-tensor; int8 per-tensor"),
                                 keep, {});
    }

    test::SyntheticModel model_;
    std::string path_;
    std::unique_ptr<Source> source_;
};

std::map<std::string, PlanEntry> by_name(const Plan& plan) {
    std::map<std::string, PlanEntry> entries;
    for (const PlanEntry& e : plan.entries) {
        entries[e.tensor] = e;
    }
    return entries;
}

TEST_F(PlanModel, SensitiveTensorsKeepTheHigherPrecision) {
    const PlanEvaluation evaluation = evaluate({});
    ASSERT_TRUE(evaluation.errors.empty());
    ASSERT_EQ(evaluation.table.tensors.size(), test::synthetic_tensors(model_).size());
    const std::int64_t parameters = [&] {
        std::int64_t n = 0;
        for (const PlanTensor& t : evaluation.table.tensors) {
            n += t.parameters;
        }
        return n;
    }();
    // Per tensor, a few values 150 standard deviations out or a Student-t tail cost these two
    // tensors most of their levels. A little above 4 bits per parameter leaves room to lift a
    // few tensors to int8, not most.
    for (const PlanObjective objective : {PlanObjective::Weighted, PlanObjective::Worst}) {
        const std::int64_t budget = parse_budget("4.6bpp").bytes(parameters);
        const Plan plan = make_plan(evaluation.table, {budget, objective, {}});
        EXPECT_LE(plan.total_bytes, budget);
        const auto entries = by_name(plan);
        EXPECT_EQ(entries.at(test::outlier_tensor_name(model_)).config, "int8");
        EXPECT_EQ(entries.at(test::tail_tensor_name(model_)).config, "int8");
        int int8 = 0;
        for (const PlanEntry& e : plan.entries) {
            int8 += e.config == "int8" ? 1 : 0;
        }
        EXPECT_LT(int8, static_cast<int>(plan.entries.size()) / 2) << to_string(objective);
    }
}

TEST_F(PlanModel, KeepRulesHoldOnAModel) {
    const PlanEvaluation evaluation =
        evaluate({parse_keep_rule("*norm*=none"), parse_keep_rule("*embed*=int8 per-channel")});
    ASSERT_EQ(evaluation.keep[0].config, "fp32");
    const PlanBounds bounds = plan_bounds(evaluation.table, evaluation.keep);
    const Plan plan =
        make_plan(evaluation.table, {bounds.min_bytes, PlanObjective::Weighted, evaluation.keep});
    int norms = 0;
    for (const PlanEntry& e : plan.entries) {
        if (e.tensor.find("norm") != std::string::npos) {
            ++norms;
            EXPECT_EQ(e.config, "fp32") << e.tensor;
            EXPECT_TRUE(e.kept);
            EXPECT_EQ(e.bytes, 4 * e.parameters);
        } else if (e.tensor.find("embed") != std::string::npos) {
            EXPECT_EQ(e.config, "int8 per-channel") << e.tensor;
        } else {
            EXPECT_EQ(e.config, "int4") << e.tensor;  // the minimum budget
        }
    }
    EXPECT_GT(norms, 10);
    EXPECT_THROW(make_plan(evaluation.table,
                           {bounds.min_bytes - 1, PlanObjective::Weighted, evaluation.keep}),
                 UsageError);
}

}  // namespace
}  // namespace quantscope

#include "quantscope/plan/plan_io.h"

#include <gtest/gtest.h>

#include <limits>

#include "quantscope/io/load_error.h"

namespace quantscope {
namespace {

Plan sample_plan() {
    PlanTable table;
    table.configs = {{"int8", true}, {"int4 block:32", true}, {"none", false}};
    table.tensors = {{"embed,\"tokens\"",
                      1000,
                      {{1004, 40.5, 1e-4, ""},
                       {625, 20.25, 3e-3, ""},
                       {4000, std::numeric_limits<double>::infinity(), 0, ""}}},
                     {"layers.0.q",
                      2000,
                      {{2004, 39.0, 2e-4, ""},
                       {1250, 19.0, 4e-3, ""},
                       {8000, std::numeric_limits<double>::infinity(), 0, ""}}},
                     {"norm",
                      10,
                      {{14, 41.0, 1e-4, ""},
                       {9, 21.0, 1e-3, ""},
                       {40, std::numeric_limits<double>::infinity(), 0, ""}}}};
    return make_plan(table, {3100, PlanObjective::Weighted, {{"norm*", "none"}}});
}

void expect_same(const Plan& a, const Plan& b) {
    EXPECT_EQ(a.objective, b.objective);
    EXPECT_EQ(a.budget_bytes, b.budget_bytes);
    EXPECT_EQ(a.total_bytes, b.total_bytes);
    EXPECT_EQ(a.total_parameters, b.total_parameters);
    EXPECT_EQ(a.min_bytes, b.min_bytes);
    EXPECT_EQ(a.model_sqnr_db, b.model_sqnr_db);
    EXPECT_EQ(a.worst_sqnr_db, b.worst_sqnr_db);
    EXPECT_EQ(a.gap_db, b.gap_db);
    EXPECT_EQ(a.exact, b.exact);
    EXPECT_EQ(a.method, b.method);
    EXPECT_EQ(a.configs, b.configs);
    ASSERT_EQ(a.keep.size(), b.keep.size());
    ASSERT_EQ(a.entries.size(), b.entries.size());
    for (std::size_t i = 0; i < a.entries.size(); ++i) {
        EXPECT_EQ(a.entries[i].tensor, b.entries[i].tensor);
        EXPECT_EQ(a.entries[i].parameters, b.entries[i].parameters);
        EXPECT_EQ(a.entries[i].config, b.entries[i].config);
        EXPECT_EQ(a.entries[i].bytes, b.entries[i].bytes);
        EXPECT_EQ(a.entries[i].sqnr_db, b.entries[i].sqnr_db);
        EXPECT_EQ(a.entries[i].mse, b.entries[i].mse);
        EXPECT_EQ(a.entries[i].kept, b.entries[i].kept);
    }
}

TEST(PlanIo, JsonLoadsBackIntoTheSamePlan) {
    const Plan plan = sample_plan();
    ASSERT_EQ(plan.entries[2].config, "none");
    const std::string json = plan_to_json(plan);
    const Plan back = plan_from_json(json, "plan.json");
    expect_same(plan, back);
    EXPECT_EQ(plan_to_json(back), json);
    EXPECT_NE(json.find("\"sqnr_db\": \"inf\""), std::string::npos);
}

TEST(PlanIo, CsvHasOneQuotedRowPerTensor) {
    const std::string csv = plan_to_csv(sample_plan());
    EXPECT_EQ(csv.substr(0, csv.find('\n')), "tensor,parameters,config,bytes,sqnr_db,mse,kept");
    EXPECT_NE(csv.find("\"embed,\"\"tokens\"\"\",1000,"), std::string::npos) << csv;
    EXPECT_NE(csv.find("norm,10,none,40,inf,0,true"), std::string::npos) << csv;
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
}

TEST(PlanIo, BrokenFilesNameTheOffsetAndTheProblem) {
    const std::string json = plan_to_json(sample_plan());
    const auto error_of = [](const std::string& text) {
        try {
            plan_from_json(text, "p.json");
        } catch (const LoadError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(error_of("[1]").find("p.json: offset 0: plan: the file is not an object"),
              std::string::npos)
        << error_of("[1]");
    EXPECT_NE(error_of(json.substr(0, json.size() / 2)).find("invalid JSON"), std::string::npos);
    std::string edited = json;
    edited.replace(edited.find("\"bytes\": 40,"), 12, "\"bytes\": 41,");
    EXPECT_NE(error_of(edited).find("is not the sum of the tensors' bytes"), std::string::npos)
        << error_of(edited);
    std::string negative = json;
    negative.replace(negative.find("\"parameters\": 10,"), 17, "\"parameters\": -10,");
    EXPECT_NE(error_of(negative).find("\"parameters\" is not a non-negative integer"),
              std::string::npos)
        << error_of(negative);
    std::string missing = json;
    missing.replace(missing.find("\"objective\""), 11, "\"objectivx\"");
    EXPECT_NE(error_of(missing).find("missing \"objective\""), std::string::npos);
}

}  // namespace
}  // namespace quantscope

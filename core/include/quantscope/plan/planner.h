#pragma once
// The precision planner (docs/design.md "Planner"): given, for every tensor of a model and every
// config, the bytes it takes (storage_for: scales included) and the error it makes, choose one
// config per tensor so that the total fits a byte budget and the objective is as large as it
// can be. Kept tensors (keep rules) have their config fixed; the others choose among the
// allowed configs.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace quantscope {

// One tensor under one config.
struct PlanCandidate {
    std::int64_t bytes = 0;
    double sqnr_db = 0;
    double mse = 0;
    // Empty when the config applies to the tensor; otherwise why not (a granularity that does
    // not fit its shape): the planner never chooses it.
    std::string problem;
};

struct PlanTensor {
    std::string name;
    std::int64_t parameters = 0;
    std::vector<PlanCandidate> candidates;  // one per PlanTable::configs, in that order
};

struct PlanConfig {
    std::string name;  // as the user wrote it: the plan's files name configs with it
    // Free tensors may choose it; a config only keep rules name is evaluated but not allowed.
    bool allowed = true;
};

struct PlanTable {
    std::vector<PlanConfig> configs;
    std::vector<PlanTensor> tensors;  // in file order
};

// Tensors whose whole name matches the glob `pattern` (* any run, ? one character, [abc] and
// [a-z] one of a set, [!a] not) take `config`. The first matching rule wins.
struct KeepRule {
    std::string pattern;
    std::string config;
};
// "PATTERN=CONFIG" (the last '=' splits, so a pattern may hold one). Throws UsageError.
KeepRule parse_keep_rule(std::string_view text);
bool glob_match(std::string_view pattern, std::string_view name);

// Weighted: the model SQNR (model_overview.h ModelSqnr: the parameter-weighted mean of the
// tensors' relative noise 10^(-SQNR/10), in dB), the overview's figure. Worst: the lowest tensor
// SQNR; among plans with the same lowest SQNR, the larger model SQNR.
enum class PlanObjective { Weighted, Worst };
std::string_view to_string(PlanObjective objective);
PlanObjective parse_plan_objective(std::string_view text);  // throws UsageError

struct PlanSettings {
    std::int64_t budget_bytes = 0;
    PlanObjective objective = PlanObjective::Weighted;
    std::vector<KeepRule> keep;
};

struct PlanEntry {
    std::string tensor;
    std::int64_t parameters = 0;
    std::string config;
    std::int64_t bytes = 0;
    double sqnr_db = 0;
    double mse = 0;
    bool kept = false;  // a keep rule chose the config
};

struct Plan {
    PlanObjective objective = PlanObjective::Weighted;
    std::int64_t budget_bytes = 0;
    std::int64_t total_bytes = 0;
    std::int64_t total_parameters = 0;
    std::int64_t min_bytes = 0;  // the smallest total the allowed configs and keep rules allow
    double model_sqnr_db = 0;    // ModelSqnr over the entries
    double worst_sqnr_db = 0;    // the lowest entry's SQNR
    // Proven: no plan within the budget (and, for Worst, at worst_sqnr_db) has a model SQNR
    // above model_sqnr_db + gap_db; the worst SQNR is always exact. 0 when the method was exact.
    double gap_db = 0;
    bool exact = true;
    std::string method;
    std::vector<std::string> configs;  // the allowed configs
    std::vector<KeepRule> keep;
    std::vector<PlanEntry> entries;  // in the table's tensor order
};

// Throws UsageError when a keep rule names a config the table lacks, a kept tensor's config
// does not apply to it, a free tensor has no allowed config that applies, or the budget is
// below the minimum (the message says the minimum in bytes and bits per parameter).
Plan make_plan(const PlanTable& table, const PlanSettings& settings);

// The smallest and largest totals of any plan the rules allow (the curve's ends).
struct PlanBounds {
    std::int64_t min_bytes = 0;
    std::int64_t max_bytes = 0;
};
PlanBounds plan_bounds(const PlanTable& table, const std::vector<KeepRule>& keep);

struct PlanCurvePoint {
    std::int64_t budget_bytes = 0;
    std::int64_t total_bytes = 0;
    double model_sqnr_db = 0;
    double worst_sqnr_db = 0;
};
// The plan's model SQNR at `points` budgets evenly spaced from the minimum to the maximum
// total (both included).
std::vector<PlanCurvePoint> plan_curve(const PlanTable& table, const PlanSettings& settings,
                                       int points);

}  // namespace quantscope

#pragma once
// A plan as a file: JSON that loads back into the same Plan (the window's "Load plan" and the
// CLI's `plan --json` write and read the one format), and CSV, one row per tensor.
//
// JSON: {"objective", "budget_bytes", "total_bytes", "total_parameters", "min_bytes",
// "model_sqnr_db", "worst_sqnr_db", "gap_db", "exact", "method", "configs": [names],
// "keep": [{"pattern", "config"}], "tensors": [{"name", "parameters", "config", "bytes",
// "sqnr_db", "mse", "kept"}]}; an infinite SQNR is the string "inf" or "-inf".

#include <string>
#include <string_view>
#include <vector>

#include "quantscope/plan/planner.h"

namespace quantscope {

// With a curve, also "curve": [{"budget_bytes", "total_bytes", "model_sqnr_db",
// "worst_sqnr_db"}] (plan_from_json reads the plan and leaves the curve).
std::string plan_to_json(const Plan& plan, const std::vector<PlanCurvePoint>& curve = {});
// Throws LoadError(file, offset, problem) on text that is not such a plan.
Plan plan_from_json(std::string_view text, const std::string& file);
// "tensor,parameters,config,bytes,sqnr_db,mse,kept" then one row per tensor.
std::string plan_to_csv(const Plan& plan);

}  // namespace quantscope

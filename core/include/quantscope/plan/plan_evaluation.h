#pragma once
// The planner's table from a model file: the overview engine (model_overview.h) runs every
// floating-point tensor under the allowed configs and under the configs keep rules name, and
// each cell becomes a candidate (its bytes, scales included, its SQNR and MSE).

#include <string>
#include <vector>

#include "quantscope/model/model_overview.h"
#include "quantscope/plan/planner.h"

namespace quantscope {

// A keep rule's config as written ("int8", "int8 per-channel", config_list.h's items); "none"
// is float32 as it is (fp32, direct: no error for float32 data, 4 bytes a value). Throws
// UsageError.
QuantConfig keep_rule_config(const std::string& text, const QuantConfig& base = {});

struct PlanEvaluation {
    PlanTable table;                  // configs named by config_label
    std::vector<KeepRule> keep;       // the rules with their configs named as in the table
    std::vector<std::string> errors;  // tensors that could not be read: left out of the table
    OverviewResult overview;          // the rows the table came from
};

// `options.configs` is replaced by `allowed` and the keep rules' configs; its cancel and
// progress are used as given. Throws UsageError for a keep config that does not parse.
PlanEvaluation evaluate_for_plan(const Source& source, const std::vector<QuantConfig>& allowed,
                                 const std::vector<KeepRule>& keep, OverviewOptions options);

// The table from overview rows already computed under `configs` (the first `allowed` of them
// allowed): rows with an error are left out.
PlanTable plan_table(const std::vector<OverviewRow>& rows, const std::vector<QuantConfig>& configs,
                     std::size_t allowed);

}  // namespace quantscope

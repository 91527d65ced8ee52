#include "quantscope/plan/plan_evaluation.h"

#include "quantscope/common/error.h"
#include "quantscope/quant/config_list.h"

namespace quantscope {

QuantConfig keep_rule_config(const std::string& text, const QuantConfig& base) {
    if (text == "none") {
        QuantConfig fp32;
        apply_format(fp32, "fp32");
        fp32.scheme = Scheme::Direct;
        return fp32;
    }
    const std::vector<QuantConfig> configs = parse_config_list(text, base);
    if (configs.size() != 1) {
        throw UsageError("keep rule config '" + text + "' is not one config");
    }
    return configs.front();
}

PlanTable plan_table(const std::vector<OverviewRow>& rows, const std::vector<QuantConfig>& configs,
                     std::size_t allowed) {
    PlanTable table;
    for (std::size_t c = 0; c < configs.size(); ++c) {
        table.configs.push_back({config_label(configs[c]), c < allowed});
    }
    for (const OverviewRow& row : rows) {
        if (!row.error.empty()) {
            continue;
        }
        PlanTensor tensor{row.name, row.parameters, {}};
        for (const OverviewCell& cell : row.cells) {
            tensor.candidates.push_back(
                {cell.storage.bytes, cell.metrics.sqnr_db, cell.metrics.mse, ""});
        }
        table.tensors.push_back(std::move(tensor));
    }
    return table;
}

PlanEvaluation evaluate_for_plan(const Source& source, const std::vector<QuantConfig>& allowed,
                                 const std::vector<KeepRule>& keep, OverviewOptions options) {
    options.configs = allowed;
    PlanEvaluation evaluation;
    for (const KeepRule& rule : keep) {
        const QuantConfig config =
            keep_rule_config(rule.config, allowed.empty() ? QuantConfig{} : allowed[0]);
        std::size_t c = 0;
        while (c < options.configs.size() && !(options.configs[c] == config)) {
            ++c;
        }
        if (c == options.configs.size()) {
            options.configs.push_back(config);
        }
        evaluation.keep.push_back({rule.pattern, config_label(config)});
    }
    evaluation.overview = run_overview(source, options);
    evaluation.table = plan_table(evaluation.overview.rows, options.configs, allowed.size());
    for (const OverviewRow& row : evaluation.overview.rows) {
        if (!row.error.empty()) {
            evaluation.errors.push_back(row.error);
        }
    }
    return evaluation;
}

}  // namespace quantscope

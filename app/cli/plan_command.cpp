// quantscope-cli plan: a config per tensor of a model within a byte budget (core's planner over
// the model overview's results).
#include <iomanip>
#include <iostream>
#include <optional>

#include "cli_support.h"
#include "quantscope/common/text.h"
#include "quantscope/io/source.h"
#include "quantscope/plan/budget.h"
#include "quantscope/plan/plan_evaluation.h"
#include "quantscope/plan/plan_io.h"
#include "quantscope/quant/config_list.h"

namespace quantscope::cli {

const std::string kPlanUsage =
    R"(Usage: quantscope-cli plan FILE --budget B --configs LIST [--keep PATTERN=CONFIG]...
                          [--objective weighted|worst] [--curve N] [--csv|--json]

Choose one config per floating-point tensor of a model so that the total bytes (scales
included) fit the budget and the model SQNR is as high as it can be (docs/design.md "Planner").

  --budget B        bytes (3GB = 3e9, 3GiB = 3 * 2^30, 500MB, 123456B) or bits per parameter
                    averaged over the model's floating-point tensors (4.5bpp)
  --configs LIST    the configs tensors may choose, as overview --configs:
                    "int4 block:32; int8 per-channel; fp8_e4m3"
  --keep P=C        tensors whose whole name matches the glob P (* ? [a-z] [!a]) take config C
                    (one --configs item, or none: float32 as it is); the first matching rule
                    wins; repeat for several rules
  --objective O     weighted (default): the model SQNR, the parameter-weighted mean of the
                    tensors' relative noise 10^(-SQNR/10), in dB; worst: the lowest tensor SQNR,
                    then the model SQNR
  --curve N         also the model SQNR at N budgets from the minimum to the maximum total
  --csv             tensor,parameters,config,bytes,sqnr_db,mse,kept
  --json            the plan file the window loads: {objective, budget_bytes, total_bytes,
                    total_parameters, min_bytes, model_sqnr_db, worst_sqnr_db, gap_db, exact,
                    method, configs, keep: [{pattern, config}], tensors: [{name, parameters,
                    config, bytes, sqnr_db, mse, kept}]}, with --curve also "curve":
                    [{budget_bytes, total_bytes, model_sqnr_db, worst_sqnr_db}]

A budget below the smallest total the configs and rules allow is an error that says that
minimum. A tensor that cannot be read is reported on stderr and left out; the exit code is 1.
)";

namespace {

void print_plan(const Plan& plan) {
    std::cout << "budget " << plan.budget_bytes << " B, plan " << plan.total_bytes << " B ("
              << format_number(
                     8.0 * static_cast<double>(plan.total_bytes) /
                         static_cast<double>(std::max<std::int64_t>(plan.total_parameters, 1)),
                     4)
              << " bits per parameter), minimum " << plan.min_bytes << " B\n"
              << "model SQNR " << format_number(plan.model_sqnr_db, 5) << " dB, worst tensor "
              << format_number(plan.worst_sqnr_db, 5) << " dB, objective "
              << to_string(plan.objective) << '\n'
              << "method " << plan.method;
    if (!plan.exact) {
        std::cout << " (the best plan is at most " << format_number(plan.gap_db, 3)
                  << " dB better)";
    }
    std::cout << '\n';
    std::size_t width = 6;
    for (const PlanEntry& e : plan.entries) {
        width = std::max(width, visible_text(e.tensor).size());
    }
    width = std::min<std::size_t>(width, 60);
    std::cout << std::left << std::setw(static_cast<int>(width)) << "tensor" << std::right
              << std::setw(12) << "parameters"
              << "  " << std::left << std::setw(20) << "config" << std::right << std::setw(12)
              << "bytes" << std::setw(10) << "sqnr_db" << '\n';
    for (const PlanEntry& e : plan.entries) {
        std::cout << std::left << std::setw(static_cast<int>(width)) << visible_text(e.tensor)
                  << std::right << std::setw(12) << e.parameters << "  " << std::left
                  << std::setw(20) << visible_text(e.config) + (e.kept ? " (kept)" : "")
                  << std::right << std::setw(12) << e.bytes << std::setw(10)
                  << format_number(e.sqnr_db, 4) << '\n';
    }
}

}  // namespace

int run_plan(const std::vector<std::string_view>& args) {
    std::optional<std::string> file;
    std::optional<std::string> budget_text;
    std::optional<std::string> config_list;
    std::vector<KeepRule> keep;
    PlanObjective objective = PlanObjective::Weighted;
    int curve_points = 0;
    bool csv = false;
    bool json = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view a = args[i];
        if (a == "--help" || a == "-h") {
            std::cout << kPlanUsage;
            return kExitOk;
        } else if (a == "--csv") {
            csv = true;
        } else if (a == "--json") {
            json = true;
        } else if (a == "--budget") {
            budget_text = next_value(args, i, kPlanUsage);
        } else if (a == "--configs") {
            config_list = next_value(args, i, kPlanUsage);
        } else if (a == "--keep") {
            const std::string rule = next_value(args, i, kPlanUsage);
            keep.push_back(parse_or_usage([&] { return parse_keep_rule(rule); }, kPlanUsage));
        } else if (a == "--objective") {
            const std::string o = next_value(args, i, kPlanUsage);
            objective = parse_or_usage([&] { return parse_plan_objective(o); }, kPlanUsage);
        } else if (a == "--curve") {
            const double n = parse_double(next_value(args, i, kPlanUsage), "--curve", kPlanUsage);
            if (n < 2 || n > 1000 || n != static_cast<int>(n)) {
                throw Usage{"--curve takes a whole number of budgets from 2 to 1000", kPlanUsage};
            }
            curve_points = static_cast<int>(n);
        } else if (a.starts_with("--")) {
            throw Usage{"unknown option " + std::string(a), kPlanUsage};
        } else if (file) {
            throw Usage{"plan takes one FILE, got a second: " + std::string(a), kPlanUsage};
        } else {
            file = std::string(a);
        }
    }
    if (!file || !budget_text || !config_list) {
        throw Usage{"plan needs a FILE, --budget and --configs", kPlanUsage};
    }
    if (csv && json) {
        throw Usage{"choose one of --csv and --json", kPlanUsage};
    }
    current_file() = *file;
    const Budget budget = parse_or_usage([&] { return parse_budget(*budget_text); }, kPlanUsage);
    const std::vector<QuantConfig> configs =
        parse_or_usage([&] { return parse_config_list(*config_list); }, kPlanUsage);
    const auto source = parse_or_usage([&] { return open_source(*file); }, kPlanUsage);
    const PlanEvaluation evaluation = evaluate_for_plan(*source, configs, keep, {});
    for (const std::string& error : evaluation.errors) {
        std::cerr << "quantscope-cli: " << visible_text(error) << '\n';
    }
    std::int64_t parameters = 0;
    for (const PlanTensor& t : evaluation.table.tensors) {
        parameters += t.parameters;
    }
    PlanSettings settings{budget.bytes(parameters), objective, evaluation.keep};
    const Plan plan = make_plan(evaluation.table, settings);
    std::vector<PlanCurvePoint> curve;
    if (curve_points > 0) {
        curve = plan_curve(evaluation.table, settings, curve_points);
    }
    if (json) {
        std::cout << plan_to_json(plan, curve);
    } else if (csv) {
        std::cout << plan_to_csv(plan);
    } else {
        print_plan(plan);
        if (!curve.empty()) {
            std::cout << "curve: budget_bytes total_bytes model_sqnr_db worst_sqnr_db\n";
            for (const PlanCurvePoint& p : curve) {
                std::cout << p.budget_bytes << ' ' << p.total_bytes << ' '
                          << format_number(p.model_sqnr_db, 5) << ' '
                          << format_number(p.worst_sqnr_db, 5) << '\n';
            }
        }
    }
    return evaluation.errors.empty() ? kExitOk : kExitDataError;
}

}  // namespace quantscope::cli

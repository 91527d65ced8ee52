#include "quantscope/plan/planner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <optional>

#include "choice_solver.h"
#include "quantscope/common/error.h"
#include "quantscope/model/model_overview.h"

namespace quantscope {

KeepRule parse_keep_rule(std::string_view text) {
    const std::size_t eq = text.rfind('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size()) {
        throw UsageError("keep rule '" + std::string(text) + "' is not PATTERN=CONFIG");
    }
    return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

namespace {

// Matches one [set] at the start of `pattern` against `c`; returns the set's length, or 0 when
// the bracket does not close (then '[' is an ordinary character).
std::size_t match_set(std::string_view pattern, char c, bool& matched) {
    std::size_t i = 1;
    const bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
    if (negate) {
        ++i;
    }
    bool in = false;
    bool first = true;
    while (i < pattern.size() && (pattern[i] != ']' || first)) {
        first = false;
        if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
            in = in || (c >= pattern[i] && c <= pattern[i + 2]);
            i += 3;
        } else {
            in = in || c == pattern[i];
            ++i;
        }
    }
    if (i >= pattern.size()) {
        return 0;
    }
    matched = in != negate;
    return i + 1;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view name) {
    // Iterative with one backtrack point per '*': linear in practice, never exponential.
    std::size_t p = 0;
    std::size_t n = 0;
    std::optional<std::size_t> star_p;
    std::size_t star_n = 0;
    while (n < name.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star_p = ++p;
            star_n = n;
            continue;
        }
        if (p < pattern.size()) {
            if (pattern[p] == '?') {
                ++p;
                ++n;
                continue;
            }
            if (pattern[p] == '[') {
                bool matched = false;
                const std::size_t length = match_set(pattern.substr(p), name[n], matched);
                if (length > 0) {
                    if (matched) {
                        p += length;
                        ++n;
                        continue;
                    }
                } else if (name[n] == '[') {
                    ++p;
                    ++n;
                    continue;
                }
            } else if (pattern[p] == name[n]) {
                ++p;
                ++n;
                continue;
            }
        }
        if (!star_p) {
            return false;
        }
        p = *star_p;
        n = ++star_n;
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

std::string_view to_string(PlanObjective objective) {
    return objective == PlanObjective::Weighted ? "weighted" : "worst";
}

PlanObjective parse_plan_objective(std::string_view text) {
    if (text == "weighted") {
        return PlanObjective::Weighted;
    }
    if (text == "worst") {
        return PlanObjective::Worst;
    }
    throw UsageError("unknown objective '" + std::string(text) + "' (weighted or worst)");
}

namespace {

std::string bits_per_parameter_text(std::int64_t bytes, std::int64_t parameters) {
    if (parameters <= 0) {
        return "";
    }
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, " (%.4g bits per parameter)",
                  8.0 * static_cast<double>(bytes) / static_cast<double>(parameters));
    return buffer;
}

// The configs each tensor may take: its kept config, or every allowed config that applies.
std::vector<std::vector<std::size_t>> choices_of(const PlanTable& table,
                                                 const std::vector<KeepRule>& keep,
                                                 std::vector<bool>& kept) {
    std::vector<std::size_t> rule_config;
    for (const KeepRule& rule : keep) {
        std::size_t c = 0;
        while (c < table.configs.size() && table.configs[c].name != rule.config) {
            ++c;
        }
        if (c == table.configs.size()) {
            throw UsageError("keep rule " + rule.pattern + "=" + rule.config +
                             ": the config was not evaluated");
        }
        rule_config.push_back(c);
    }
    std::vector<std::vector<std::size_t>> choices(table.tensors.size());
    kept.assign(table.tensors.size(), false);
    for (std::size_t t = 0; t < table.tensors.size(); ++t) {
        const PlanTensor& tensor = table.tensors[t];
        if (tensor.candidates.size() != table.configs.size()) {
            throw UsageError("tensor " + tensor.name + ": " +
                             std::to_string(tensor.candidates.size()) + " results for " +
                             std::to_string(table.configs.size()) + " configs");
        }
        for (std::size_t r = 0; r < keep.size(); ++r) {
            if (glob_match(keep[r].pattern, tensor.name)) {
                const std::size_t c = rule_config[r];
                if (!tensor.candidates[c].problem.empty()) {
                    throw UsageError("keep rule " + keep[r].pattern + "=" + keep[r].config +
                                     ": tensor " + tensor.name + ": " +
                                     tensor.candidates[c].problem);
                }
                choices[t] = {c};
                kept[t] = true;
                break;
            }
        }
        if (kept[t]) {
            continue;
        }
        std::string why;
        for (std::size_t c = 0; c < table.configs.size(); ++c) {
            if (!table.configs[c].allowed) {
                continue;
            }
            if (tensor.candidates[c].problem.empty()) {
                choices[t].push_back(c);
            } else if (why.empty()) {
                why = table.configs[c].name + ": " + tensor.candidates[c].problem;
            }
        }
        if (choices[t].empty()) {
            throw UsageError("tensor " + tensor.name + ": no allowed config applies" +
                             (why.empty() ? std::string() : " (" + why + ")"));
        }
    }
    return choices;
}

std::int64_t total_parameters(const PlanTable& table) {
    std::int64_t n = 0;
    for (const PlanTensor& t : table.tensors) {
        n += t.parameters;
    }
    return n;
}

// The largest relative noise the solver weighs: an SQNR of -inf (infinite noise) would make
// every sum infinite and every plan look alike.
constexpr double kMaxNoise = 1e30;

// Options of one tensor for the solver, restricted to SQNR >= floor: the value is minus the
// tensor's share of the model's noise, so the largest sum is the largest model SQNR.
std::vector<ChoiceOption> options_of(const PlanTensor& tensor,
                                     const std::vector<std::size_t>& configs, double floor) {
    std::vector<ChoiceOption> options;
    for (const std::size_t c : configs) {
        const PlanCandidate& candidate = tensor.candidates[c];
        if (candidate.sqnr_db >= floor) {
            const double noise = std::min(relative_noise(candidate.sqnr_db), kMaxNoise);
            options.push_back(
                {candidate.bytes, -static_cast<double>(tensor.parameters) * noise, c});
        }
    }
    return options;
}

// The largest tensor SQNR floor that some plan within the budget reaches: the minimum bytes
// at floor t only grow with t, so a bisection over the candidates' SQNRs finds it exactly.
double best_worst_floor(const PlanTable& table,
                        const std::vector<std::vector<std::size_t>>& choices, std::int64_t budget) {
    std::vector<double> levels;
    for (std::size_t t = 0; t < table.tensors.size(); ++t) {
        for (const std::size_t c : choices[t]) {
            levels.push_back(table.tensors[t].candidates[c].sqnr_db);
        }
    }
    std::sort(levels.begin(), levels.end());
    levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
    const auto fits = [&](double floor) {
        std::int64_t total = 0;
        for (std::size_t t = 0; t < table.tensors.size(); ++t) {
            std::int64_t cheapest = std::numeric_limits<std::int64_t>::max();
            for (const std::size_t c : choices[t]) {
                const PlanCandidate& candidate = table.tensors[t].candidates[c];
                if (candidate.sqnr_db >= floor) {
                    cheapest = std::min(cheapest, candidate.bytes);
                }
            }
            if (cheapest == std::numeric_limits<std::int64_t>::max()) {
                return false;
            }
            total += cheapest;
            if (total > budget) {
                return false;
            }
        }
        return true;
    };
    // levels[0] always fits when the budget covers the minimum (checked before).
    std::size_t lo = 0;
    std::size_t hi = levels.size();
    while (hi - lo > 1) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (fits(levels[mid])) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return levels.empty() ? -std::numeric_limits<double>::infinity() : levels[lo];
}

}  // namespace

PlanBounds plan_bounds(const PlanTable& table, const std::vector<KeepRule>& keep) {
    std::vector<bool> kept;
    const auto choices = choices_of(table, keep, kept);
    PlanBounds bounds;
    for (std::size_t t = 0; t < table.tensors.size(); ++t) {
        std::int64_t lo = std::numeric_limits<std::int64_t>::max();
        std::int64_t hi = 0;
        for (const std::size_t c : choices[t]) {
            lo = std::min(lo, table.tensors[t].candidates[c].bytes);
            hi = std::max(hi, table.tensors[t].candidates[c].bytes);
        }
        bounds.min_bytes += lo;
        bounds.max_bytes += hi;
    }
    return bounds;
}

Plan make_plan(const PlanTable& table, const PlanSettings& settings) {
    std::vector<bool> kept;
    const auto choices = choices_of(table, settings.keep, kept);
    const PlanBounds bounds = plan_bounds(table, settings.keep);
    const std::int64_t parameters = total_parameters(table);
    if (settings.budget_bytes < bounds.min_bytes) {
        throw UsageError("budget of " + std::to_string(settings.budget_bytes) +
                         " bytes is below the minimum of " + std::to_string(bounds.min_bytes) +
                         " bytes" + bits_per_parameter_text(bounds.min_bytes, parameters) +
                         " that the allowed configs and keep rules need");
    }

    double floor = -std::numeric_limits<double>::infinity();
    if (settings.objective == PlanObjective::Worst) {
        floor = best_worst_floor(table, choices, settings.budget_bytes);
    }
    std::vector<std::vector<ChoiceOption>> options(table.tensors.size());
    for (std::size_t t = 0; t < table.tensors.size(); ++t) {
        options[t] = options_of(table.tensors[t], choices[t], floor);
    }
    const ChoiceSolution solution = solve_choices(options, settings.budget_bytes);

    Plan plan;
    plan.objective = settings.objective;
    plan.budget_bytes = settings.budget_bytes;
    plan.total_parameters = parameters;
    plan.min_bytes = bounds.min_bytes;
    plan.exact = solution.exact;
    plan.method = solution.method;
    plan.keep = settings.keep;
    for (const PlanConfig& config : table.configs) {
        if (config.allowed) {
            plan.configs.push_back(config.name);
        }
    }
    plan.worst_sqnr_db = std::numeric_limits<double>::infinity();
    ModelSqnr model;
    for (std::size_t t = 0; t < table.tensors.size(); ++t) {
        const PlanTensor& tensor = table.tensors[t];
        const std::size_t c = solution.chosen[t];
        const PlanCandidate& candidate = tensor.candidates[c];
        plan.entries.push_back({tensor.name, tensor.parameters, table.configs[c].name,
                                candidate.bytes, candidate.sqnr_db, candidate.mse, kept[t]});
        plan.total_bytes += candidate.bytes;
        model.add(candidate.sqnr_db, tensor.parameters);
        plan.worst_sqnr_db = std::min(plan.worst_sqnr_db, candidate.sqnr_db);
    }
    plan.model_sqnr_db = model.db();
    // The solver's gap is in noise units: the best plan's noise is at least noise - gap.
    if (solution.gap > 0) {
        const double lowest = model.weighted_noise - solution.gap;
        plan.gap_db = lowest > 0 ? 10.0 * std::log10(model.weighted_noise / lowest)
                                 : std::numeric_limits<double>::infinity();
    }
    return plan;
}

std::vector<PlanCurvePoint> plan_curve(const PlanTable& table, const PlanSettings& settings,
                                       int points) {
    const PlanBounds bounds = plan_bounds(table, settings.keep);
    std::vector<PlanCurvePoint> curve;
    points = std::max(points, 2);
    for (int i = 0; i < points; ++i) {
        const double f = static_cast<double>(i) / (points - 1);
        PlanSettings at = settings;
        at.budget_bytes =
            bounds.min_bytes + static_cast<std::int64_t>(std::floor(
                                   f * static_cast<double>(bounds.max_bytes - bounds.min_bytes)));
        if (i == points - 1) {
            at.budget_bytes = bounds.max_bytes;
        }
        const Plan plan = make_plan(table, at);
        curve.push_back(
            {at.budget_bytes, plan.total_bytes, plan.model_sqnr_db, plan.worst_sqnr_db});
    }
    return curve;
}

}  // namespace quantscope

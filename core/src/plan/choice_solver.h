#pragma once
// The multiple-choice knapsack under the planner (docs/design.md "Planner"): one option per
// group, the total bytes within a budget, the sum of values as large as possible. Exact by
// dynamic programming when the byte grid that makes it exact is small enough; otherwise the
// better of a Lagrangian (LP) greedy and a coarse-grid DP, with the proven gap to the LP bound.

#include <cstdint>
#include <string>
#include <vector>

namespace quantscope {

struct ChoiceOption {
    std::int64_t bytes = 0;
    double value = 0;
    std::size_t config = 0;  // handed back in ChoiceSolution::chosen
};

struct ChoiceSolution {
    std::vector<std::size_t> chosen;  // the config of each group's option
    bool exact = true;
    double gap = 0;  // the optimum's value is at most the solution's value + gap
    std::string method;
};

// Every group non-empty, and the sum of each group's cheapest option within the budget.
ChoiceSolution solve_choices(const std::vector<std::vector<ChoiceOption>>& groups,
                             std::int64_t budget);

}  // namespace quantscope

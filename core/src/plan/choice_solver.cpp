#include "choice_solver.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <numeric>

namespace quantscope {

namespace {

// Bounds on the DP: cell updates (options x cells) and stored choices (groups x cells).
constexpr std::int64_t kMaxWork = 40'000'000;
constexpr std::int64_t kMaxChoices = 16'000'000;

using Group = std::vector<ChoiceOption>;

// Sorted by bytes, each option worth more than every cheaper one: a dearer option worth no
// more than a cheaper one is never needed.
Group prune(const Group& group) {
    Group sorted = group;
    std::sort(sorted.begin(), sorted.end(), [](const ChoiceOption& a, const ChoiceOption& b) {
        return a.bytes != b.bytes ? a.bytes < b.bytes : a.value > b.value;
    });
    Group kept;
    for (const ChoiceOption& o : sorted) {
        if (kept.empty() || o.value > kept.back().value) {
            kept.push_back(o);
        }
    }
    return kept;
}

struct State {
    std::vector<std::size_t> level;  // index into each pruned group
    double value = 0;
    std::int64_t extra = 0;  // bytes above the cheapest options
};

State evaluate(const std::vector<Group>& groups, std::vector<std::size_t> level) {
    State s;
    s.level = std::move(level);
    for (std::size_t g = 0; g < groups.size(); ++g) {
        s.value += groups[g][s.level[g]].value;
        s.extra += groups[g][s.level[g]].bytes - groups[g][0].bytes;
    }
    return s;
}

// Spends what the budget has left: each pass moves every group to its best option that
// still fits, until a pass changes nothing.
void fill(const std::vector<Group>& groups, std::int64_t slack, State& s) {
    for (bool changed = true; changed;) {
        changed = false;
        for (std::size_t g = 0; g < groups.size(); ++g) {
            const Group& options = groups[g];
            const std::int64_t room = slack - s.extra + options[s.level[g]].bytes;
            std::size_t best = s.level[g];
            for (std::size_t j = s.level[g] + 1; j < options.size(); ++j) {
                if (options[j].bytes <= room) {
                    best = j;  // pruned: dearer is better
                }
            }
            if (best != s.level[g]) {
                s.extra += options[best].bytes - options[s.level[g]].bytes;
                s.value += options[best].value - options[s.level[g]].value;
                s.level[g] = best;
                changed = true;
            }
        }
    }
}

// DP over `cells` + 1 capacities with each option's extra bytes in units of `unit`, rounded
// up: every total the DP allows is within cells * unit bytes.
std::vector<std::size_t> grid_dp(const std::vector<Group>& groups, std::int64_t unit,
                                 std::int64_t cells) {
    const auto width = static_cast<std::size_t>(cells + 1);
    std::vector<double> best(width, 0.0);
    std::vector<double> next(width);
    std::vector<std::uint16_t> choice(groups.size() * width);
    constexpr double kNone = -std::numeric_limits<double>::infinity();
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const Group& options = groups[g];
        std::fill(next.begin(), next.end(), kNone);
        std::uint16_t* row = choice.data() + g * width;
        for (std::size_t j = 0; j < options.size(); ++j) {
            const std::int64_t extra = options[j].bytes - options[0].bytes;
            const std::int64_t w = (extra + unit - 1) / unit;
            if (w > cells) {
                break;  // sorted by bytes: the rest weigh more
            }
            const double v = options[j].value;
            for (auto c = static_cast<std::size_t>(w); c < width; ++c) {
                const double candidate = best[c - static_cast<std::size_t>(w)] + v;
                if (candidate > next[c]) {
                    next[c] = candidate;
                    row[c] = static_cast<std::uint16_t>(j);
                }
            }
        }
        best.swap(next);
    }
    std::vector<std::size_t> level(groups.size());
    std::int64_t c = cells;
    for (std::size_t g = groups.size(); g-- > 0;) {
        const std::size_t j = choice[g * width + static_cast<std::size_t>(c)];
        level[g] = j;
        const std::int64_t extra = groups[g][j].bytes - groups[g][0].bytes;
        c -= (extra + unit - 1) / unit;
    }
    return level;
}

// The LP relaxation solved greedily over each group's upper convex hull (Sinha and Zoltners):
// increments in falling value per byte. Its value where the first increment no longer fits,
// plus that increment's fraction, bounds every integer plan from above; skipping that group's
// further increments and going on gives an integer plan.
State lagrangian(const std::vector<Group>& groups, std::int64_t slack, double& bound) {
    struct Step {
        std::size_t group;
        std::size_t from;
        std::size_t to;
        std::int64_t bytes;
        double value;
    };
    std::vector<Step> steps;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const Group& options = groups[g];
        std::vector<std::size_t> hull;
        for (std::size_t j = 0; j < options.size(); ++j) {
            while (hull.size() >= 2) {
                const ChoiceOption& a = options[hull[hull.size() - 2]];
                const ChoiceOption& b = options[hull.back()];
                const ChoiceOption& c = options[j];
                // b lies on or below the chord a-c: not on the upper hull.
                const double left = (b.value - a.value) * static_cast<double>(c.bytes - a.bytes);
                const double right = (c.value - a.value) * static_cast<double>(b.bytes - a.bytes);
                if (left > right) {
                    break;
                }
                hull.pop_back();
            }
            hull.push_back(j);
        }
        for (std::size_t k = 1; k < hull.size(); ++k) {
            steps.push_back({g, hull[k - 1], hull[k],
                             options[hull[k]].bytes - options[hull[k - 1]].bytes,
                             options[hull[k]].value - options[hull[k - 1]].value});
        }
    }
    std::stable_sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) {
        return a.value * static_cast<double>(b.bytes) > b.value * static_cast<double>(a.bytes);
    });
    State s = evaluate(groups, std::vector<std::size_t>(groups.size(), 0));
    bool broken = false;
    for (const Step& step : steps) {
        if (s.level[step.group] != step.from) {
            continue;  // an earlier step of this group did not fit
        }
        if (s.extra + step.bytes <= slack) {
            s.level[step.group] = step.to;
            s.extra += step.bytes;
            s.value += step.value;
        } else if (!broken) {
            broken = true;
            bound = s.value + step.value * static_cast<double>(slack - s.extra) /
                                  static_cast<double>(step.bytes);
        }
    }
    if (!broken) {
        bound = s.value;  // every hull step fitted: the LP optimum is this integer plan
    }
    return s;
}

std::string bytes_text(std::int64_t bytes) {
    return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

}  // namespace

ChoiceSolution solve_choices(const std::vector<std::vector<ChoiceOption>>& raw,
                             std::int64_t budget) {
    std::vector<Group> groups;
    groups.reserve(raw.size());
    std::int64_t base = 0;
    std::int64_t most = 0;
    std::int64_t options = 0;
    for (const Group& g : raw) {
        groups.push_back(prune(g));
        base += groups.back().front().bytes;
        most += groups.back().back().bytes - groups.back().front().bytes;
        options += static_cast<std::int64_t>(groups.back().size());
    }
    const std::int64_t slack = budget - base;
    ChoiceSolution solution;
    const auto finish = [&](const State& s) {
        for (std::size_t g = 0; g < groups.size(); ++g) {
            solution.chosen.push_back(groups[g][s.level[g]].config);
        }
        return solution;
    };
    if (most <= slack) {
        solution.method = "exact: every tensor fits its best config";
        std::vector<std::size_t> top(groups.size());
        for (std::size_t g = 0; g < groups.size(); ++g) {
            top[g] = groups[g].size() - 1;
        }
        return finish(evaluate(groups, top));
    }

    // Extras in units of their greatest common divisor lose nothing: the DP on that grid is
    // exact when it is small enough.
    std::int64_t unit = 0;
    for (const Group& g : groups) {
        for (const ChoiceOption& o : g) {
            unit = std::gcd(unit, o.bytes - g.front().bytes);
        }
    }
    const std::int64_t cap = slack;  // < most here
    const auto n = static_cast<std::int64_t>(groups.size());
    const std::int64_t max_cells =
        std::max<std::int64_t>(1, std::min(kMaxWork / std::max<std::int64_t>(options, 1),
                                           kMaxChoices / std::max<std::int64_t>(n, 1)) -
                                      1);
    if (unit > 0 && cap / unit <= max_cells) {
        solution.method = "exact: dynamic programming on a grid of " + bytes_text(unit);
        return finish(evaluate(groups, grid_dp(groups, unit, cap / unit)));
    }

    double bound = 0;
    State greedy = lagrangian(groups, slack, bound);
    fill(groups, slack, greedy);
    const std::int64_t grid = (cap + max_cells - 1) / max_cells;
    State dp = evaluate(groups, grid_dp(groups, grid, cap / grid));
    fill(groups, slack, dp);
    const State& best = dp.value > greedy.value ? dp : greedy;
    solution.gap = std::max(0.0, bound - best.value);
    solution.exact = solution.gap <= 0;
    solution.method = std::string(solution.exact ? "exact" : "within the gap") +
                      ": Lagrangian bound; best of its greedy plan and dynamic programming on " +
                      "a grid of " + bytes_text(grid) + " (sizes rounded up)";
    return finish(best);
}

}  // namespace quantscope

#pragma once
// Summary statistics of a tensor's values, for `info` tables and the sources view.

#include <cstdint>
#include <span>

namespace quantscope {

struct ValueStatistics {
    std::int64_t count = 0;   // all values
    std::int64_t finite = 0;  // those that take part in the statistics below
    std::int64_t nan_count = 0;
    std::int64_t inf_count = 0;
    double min = 0;
    double max = 0;
    double mean = 0;
    double stddev = 0;  // population standard deviation
    double absmax = 0;
};

ValueStatistics value_statistics(std::span<const float> values);

}  // namespace quantscope

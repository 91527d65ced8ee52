#pragma once
// A strided sample of a tensor too large to study whole (more bytes as float32 than the memory
// limit of the preferences): every k-th value, read straight from the file (Source::read with
// ReadOptions::stride), as a 1-D tensor whose name says it is a sample, so that no view quotes
// its numbers as the whole tensor's.

#include <QString>
#include <cstdint>

#include "quantscope/common/tensor.h"

namespace quantscope::app {

// The smallest stride whose sample fits in `limitBytes` as float32 (1: the tensor fits whole).
std::int64_t sampleStrideFor(std::int64_t count, std::int64_t limitBytes);

// "every 8th value", "every 2nd value"...; with the whole tensor's count,
// "every 8th of 1,000,000 values".
QString sampleDescription(std::int64_t stride, std::int64_t total = 0);

// `sample` (every k-th of `total` values, as Source::read gives it) named
// "NAME (sample: every k-th of N values)"; the tensor itself when k is 1.
Tensor labelledSample(Tensor sample, std::int64_t stride, std::int64_t total);

}  // namespace quantscope::app

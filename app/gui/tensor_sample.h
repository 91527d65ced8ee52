#pragma once
// A strided sample of a tensor too large to study whole (more bytes as float32 than the memory
// limit of the preferences): every k-th value, as a 1-D tensor whose name says it is a sample,
// so that no view quotes its numbers as the whole tensor's.

#include <QString>
#include <cstdint>

#include "quantscope/common/tensor.h"

namespace quantscope::app {

// The smallest stride whose sample fits in `limitBytes` as float32 (1: the tensor fits whole).
std::int64_t sampleStrideFor(std::int64_t count, std::int64_t limitBytes);

// "every 8th value", "every 2nd value"...
QString sampleDescription(std::int64_t stride);

// Values 0, k, 2k, ... of `tensor` as a 1-D tensor named "NAME (sample: every k-th value)";
// the tensor itself when k is 1.
Tensor stridedSample(Tensor tensor, std::int64_t stride);

}  // namespace quantscope::app

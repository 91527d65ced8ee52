#pragma once
// The Eigen types the training demo computes with: float32, row-major, so that a weight matrix
// (out x in) is laid out as the quantizer reads a 2-D tensor (per channel = per output unit).

#include <Eigen/Core>

namespace quantscope {

using TrainMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using TrainVector = Eigen::VectorXf;

}  // namespace quantscope

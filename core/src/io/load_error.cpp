#include "quantscope/io/load_error.h"

#include <utility>

namespace quantscope {

LoadError::LoadError(std::string file, std::uint64_t offset, std::string problem)
    : Error(file + ": offset " + std::to_string(offset) + ": " + problem),
      file_(std::move(file)),
      offset_(offset),
      problem_(std::move(problem)) {}

}  // namespace quantscope

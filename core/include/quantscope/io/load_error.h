#pragma once
// The error every loader throws on a file it cannot trust: which file, where in it, and what is
// wrong, so that a person can open a hex editor at that offset and see the problem.

#include <cstdint>
#include <string>

#include "quantscope/common/error.h"

namespace quantscope {

class LoadError : public Error {
public:
    // what() is "FILE: offset OFFSET: PROBLEM".
    LoadError(std::string file, std::uint64_t offset, std::string problem);

    const std::string& file() const noexcept { return file_; }
    std::uint64_t offset() const noexcept { return offset_; }
    const std::string& problem() const noexcept { return problem_; }

private:
    std::string file_;
    std::uint64_t offset_;
    std::string problem_;
};

}  // namespace quantscope

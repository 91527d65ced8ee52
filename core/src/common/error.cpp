#include <new>

#include "quantscope/common/error.h"

namespace quantscope {

std::string describe_failure(const std::exception& failure, std::string_view subject) {
    if (dynamic_cast<const Error*>(&failure) != nullptr) {
        return failure.what();
    }
    std::string problem;
    if (dynamic_cast<const std::bad_alloc*>(&failure) != nullptr ||
        dynamic_cast<const std::length_error*>(&failure) != nullptr) {
        problem = "not enough memory: the data is larger than this machine can hold";
    } else if (dynamic_cast<const std::out_of_range*>(&failure) != nullptr ||
               dynamic_cast<const std::overflow_error*>(&failure) != nullptr) {
        problem = "a size or index in the data is out of range";
    } else {
        problem = "unexpected internal failure";
    }
    return subject.empty() ? problem : std::string(subject) + ": " + problem;
}

}  // namespace quantscope

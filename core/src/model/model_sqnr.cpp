#include <cmath>
#include <limits>

#include "quantscope/model/model_overview.h"

namespace quantscope {

double relative_noise(double sqnr_db) {
    return std::pow(10.0, -sqnr_db / 10.0);  // +Inf dB gives 0, -Inf dB gives +Inf
}

void ModelSqnr::add(double sqnr_db, std::int64_t tensor_parameters) {
    if (tensor_parameters <= 0) {
        return;  // nothing to weigh (and -Inf x 0 would be NaN)
    }
    const double noise = relative_noise(sqnr_db);
    // A tensor without error adds nothing, whatever its size (0 x n, never NaN).
    if (noise != 0) {
        weighted_noise += noise * static_cast<double>(tensor_parameters);
    }
    parameters += tensor_parameters;
}

double ModelSqnr::db() const {
    if (weighted_noise == 0 || parameters == 0) {
        return std::numeric_limits<double>::infinity();
    }
    return -10.0 * std::log10(weighted_noise / static_cast<double>(parameters));
}

}  // namespace quantscope

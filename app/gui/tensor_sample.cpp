#include "tensor_sample.h"

#include <QCoreApplication>
#include <algorithm>

namespace quantscope::app {

std::int64_t sampleStrideFor(std::int64_t count, std::int64_t limitBytes) {
    constexpr std::int64_t kBytes = sizeof(float);
    if (count <= 0 || limitBytes <= 0 || count <= limitBytes / kBytes) {
        return 1;
    }
    const std::int64_t fits = std::max<std::int64_t>(1, limitBytes / kBytes);
    return (count + fits - 1) / fits;  // ceil: the sample holds at most `fits` values
}

QString sampleDescription(std::int64_t stride) {
    const std::int64_t tens = stride % 100;
    const std::int64_t last = stride % 10;
    const char* suffix = "th";
    if (tens < 11 || tens > 13) {
        suffix = last == 1 ? "st" : last == 2 ? "nd" : last == 3 ? "rd" : "th";
    }
    return QCoreApplication::translate("TensorSample", "every %1%2 value")
        .arg(stride)
        .arg(QLatin1String(suffix));
}

Tensor stridedSample(Tensor tensor, std::int64_t stride) {
    if (stride <= 1) {
        return tensor;
    }
    const auto k = static_cast<std::size_t>(stride);
    const std::size_t n = (tensor.values.size() + k - 1) / k;
    Tensor sample;
    sample.info = tensor.info;
    sample.values.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        sample.values[i] = tensor.values[i * k];
    }
    sample.info.name = QCoreApplication::translate("TensorSample", "%1 (sample: %2)")
                           .arg(QString::fromStdString(tensor.info.name), sampleDescription(stride))
                           .toStdString();
    sample.info.shape = {static_cast<std::int64_t>(n)};
    sample.info.count = static_cast<std::int64_t>(n);
    if (tensor.info.count > 0) {
        sample.info.bytes = tensor.info.bytes / tensor.info.count * sample.info.count;
    }
    return sample;
}

}  // namespace quantscope::app

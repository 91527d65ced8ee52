#include "tensor_sample.h"

#include <QCoreApplication>
#include <QLocale>
#include <algorithm>

#include "quantscope/common/text.h"

namespace quantscope::app {

std::int64_t sampleStrideFor(std::int64_t count, std::int64_t limitBytes) {
    constexpr std::int64_t kBytes = sizeof(float);
    if (count <= 0 || limitBytes <= 0 || count <= limitBytes / kBytes) {
        return 1;
    }
    const std::int64_t fits = std::max<std::int64_t>(1, limitBytes / kBytes);
    return (count + fits - 1) / fits;  // ceil: the sample holds at most `fits` values
}

QString sampleDescription(std::int64_t stride, std::int64_t total) {
    const QString suffix = QString::fromLatin1(ordinal_suffix(stride));
    if (total > 0) {
        return QCoreApplication::translate("TensorSample", "every %1%2 of %3 values")
            .arg(stride)
            .arg(suffix)
            .arg(QLocale().toString(static_cast<qlonglong>(total)));
    }
    return QCoreApplication::translate("TensorSample", "every %1%2 value").arg(stride).arg(suffix);
}

Tensor labelledSample(Tensor sample, std::int64_t stride, std::int64_t total) {
    if (stride <= 1) {
        return sample;
    }
    sample.info.name =
        QCoreApplication::translate("TensorSample", "%1 (sample: %2)")
            .arg(QString::fromStdString(sample.info.name), sampleDescription(stride, total))
            .toStdString();
    return sample;
}

}  // namespace quantscope::app

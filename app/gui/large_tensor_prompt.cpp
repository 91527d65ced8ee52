#include "large_tensor_prompt.h"

#include <QLocale>
#include <QMessageBox>
#include <QPushButton>

#include "tensor_sample.h"

namespace quantscope::app {

AnalysisSession::LargeTensorChoice askLargeTensor(QWidget* parent, const TensorInfo& info,
                                                  std::int64_t stride, std::int64_t limitBytes) {
    const QLocale locale;
    const std::int64_t floatBytes = info.count * static_cast<std::int64_t>(sizeof(float));
    QMessageBox box(
        QMessageBox::Question, QObject::tr("Large tensor"),
        QObject::tr("%1 holds %2 values: %3 as float32, more than the memory limit "
                    "of %4 (Preferences).")
            .arg(QString::fromStdString(info.name),
                 locale.toString(static_cast<qlonglong>(info.count)),
                 locale.formattedDataSize(floatBytes), locale.formattedDataSize(limitBytes)),
        QMessageBox::NoButton, parent);
    const std::int64_t sampleCount = (info.count + stride - 1) / stride;
    box.setInformativeText(
        QObject::tr("Read all of it, or a sample of %1 (%2 values) for the views? A sample is "
                    "read straight from the file, so memory holds only the sample. It is "
                    "marked as such wherever the tensor is named; its numbers describe the "
                    "sample, not the whole tensor.")
            .arg(sampleDescription(stride), locale.toString(static_cast<qlonglong>(sampleCount))));
    QPushButton* sample = box.addButton(
        QObject::tr("Read a &sample (%1)").arg(sampleDescription(stride)), QMessageBox::AcceptRole);
    QPushButton* all = box.addButton(QObject::tr("Read &all"), QMessageBox::DestructiveRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(sample);
    box.setObjectName(QStringLiteral("largeTensorPrompt"));
    box.exec();
    if (box.clickedButton() == sample) {
        return AnalysisSession::LargeTensorChoice::ReadSample;
    }
    if (box.clickedButton() == all) {
        return AnalysisSession::LargeTensorChoice::ReadAll;
    }
    return AnalysisSession::LargeTensorChoice::Cancel;
}

}  // namespace quantscope::app

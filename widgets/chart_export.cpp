#include "chart_export.h"

#include <QBuffer>
#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QWidget>

namespace quantscope::widgets {

QString saveBytes(const QString& path, const QByteArray& bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        return QObject::tr("%1: cannot write: %2").arg(path, file.errorString());
    }
    return {};
}

QString withoutMnemonic(const QString& label) {
    QString plain;
    plain.reserve(label.size());
    for (qsizetype i = 0; i < label.size(); ++i) {
        if (label[i] == QLatin1Char('&') && i + 1 < label.size()) {
            ++i;  // "&&" is a literal ampersand, "&x" marks x
        }
        plain += label[i];
    }
    return plain;
}

QString saveWidgetPng(QWidget* widget, const QString& path) {
    // Rendered at the screen's pixel density, so that a HiDPI export is as sharp as the view.
    const qreal ratio = widget->devicePixelRatioF();
    QImage image(widget->size() * ratio, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(ratio);
    image.fill(widget->palette().color(QPalette::Window));
    {
        QPainter painter(&image);
        widget->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG")) {
        return QObject::tr("%1: cannot encode the image").arg(path);
    }
    return saveBytes(path, bytes);
}

QString saveWidgetSvg(QWidget* widget, const QString& path, const QString& title) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(widget->size());
    generator.setViewBox(QRect(QPoint(0, 0), widget->size()));
    // QSvgGenerator writes the title and description into the XML as they are.
    generator.setTitle(title.toHtmlEscaped());
    generator.setDescription(QObject::tr("Exported from QuantScope").toHtmlEscaped());
    {
        QPainter painter(&generator);
        widget->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
    }
    return saveBytes(path, bytes);
}

}  // namespace quantscope::widgets

#include "chart_export.h"

#include <QBuffer>
#include <QPainter>
#include <QPixmap>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QWidget>

namespace quantscope::widgets {

namespace {

QString commit(const QString& path, const QByteArray& bytes) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        return QObject::tr("%1: cannot write: %2").arg(path, file.errorString());
    }
    return {};
}

}  // namespace

QString saveWidgetPng(QWidget* widget, const QString& path) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!widget->grab().save(&buffer, "PNG")) {
        return QObject::tr("%1: cannot encode the image").arg(path);
    }
    return commit(path, bytes);
}

QString saveWidgetSvg(QWidget* widget, const QString& path, const QString& title) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(widget->size());
    generator.setViewBox(QRect(QPoint(0, 0), widget->size()));
    generator.setTitle(title);
    generator.setDescription(QObject::tr("Exported from QuantScope"));
    {
        QPainter painter(&generator);
        widget->render(&painter);
    }
    return commit(path, bytes);
}

}  // namespace quantscope::widgets

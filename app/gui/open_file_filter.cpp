#include "open_file_filter.h"

#include <QCoreApplication>
#include <QStringList>

#include "quantscope/io/loader_registry.h"

namespace quantscope::app {
namespace {

QString extensions(std::string_view prefix) {
    QStringList list;
    for (const LoaderInfo& loader : file_loaders()) {
        list << QString::fromStdString(extension_list(loader, prefix));
    }
    return list.join(QLatin1Char(' '));
}

}  // namespace

QString openFileFilter() {
    return QCoreApplication::translate("MainWindow", "Tensors and audio (%1);;All files (*)")
        .arg(extensions("*."));
}

QString openFileExtensions() {
    return extensions(".");
}

}  // namespace quantscope::app

#include "missing_sources_view.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include "analysis_session.h"
#include "elided_label.h"
#include "open_file_filter.h"

namespace quantscope::app {

MissingSourcesView::MissingSourcesView(AnalysisSession* session, QWidget* parent)
    : QWidget(parent), session_(session) {
    rows_ = new QVBoxLayout(this);
    rows_->setContentsMargins(0, 0, 0, 0);
    connect(session_, &AnalysisSession::missingSourcesChanged, this, &MissingSourcesView::rebuild);
    rebuild();
}

void MissingSourcesView::rebuild() {
    // Later: the click that asked for this may come from a button of a row.
    while (QLayoutItem* item = rows_->takeAt(0)) {
        if (QWidget* widget = item->widget()) {
            widget->hide();
            widget->deleteLater();
        }
        delete item;
    }
    const auto& missing = session_->missingSources();
    setVisible(!missing.isEmpty());
    if (missing.isEmpty()) {
        return;
    }
    auto* title = new QLabel(
        tr("<b>Missing from the session</b> (%n):", nullptr, static_cast<int>(missing.size())),
        this);
    rows_->addWidget(title);
    for (int i = 0; i < missing.size(); ++i) {
        const MissingSource& m = missing[i];
        auto* row = new QWidget(this);
        row->setObjectName(QStringLiteral("missingSource%1").arg(i));
        auto* icon = new QLabel(row);
        const int size = fontMetrics().height();
        icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(size, size));
        const bool gone = !m.spec.contains(QLatin1Char(':')) && !QFileInfo::exists(m.spec);
        auto* name = new widgets::ElidedLabel(row);
        name->setText(gone ? tr("%1 — not found").arg(QFileInfo(m.spec).fileName())
                           : QFileInfo(m.spec).fileName());
        name->setToolTip(tr("%1\n%2").arg(m.spec, m.problem));
        auto* locate = new QPushButton(tr("Locate…"), row);
        locate->setToolTip(tr("Choose where %1 is now; the session opens it in its place.")
                               .arg(QFileInfo(m.spec).fileName()));
        connect(locate, &QPushButton::clicked, this, [this, i] { chooseLocation(i); });
        auto* forget = new QPushButton(tr("Forget"), row);
        forget->setToolTip(tr("Drop it from the session."));
        connect(forget, &QPushButton::clicked, this,
                [this, i] { session_->forgetMissingSource(i); });
        auto* layout = new QHBoxLayout(row);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(icon);
        layout->addWidget(name, 1);
        layout->addWidget(locate);
        layout->addWidget(forget);
        rows_->addWidget(row);
    }
}

void MissingSourcesView::chooseLocation(int index) {
    if (index < 0 || index >= session_->missingSources().size()) {
        return;
    }
    const QString spec = session_->missingSources()[index].spec;
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Locate %1").arg(QFileInfo(spec).fileName()),
                                     QFileInfo(spec).absolutePath(), openFileFilter());
    if (!path.isEmpty()) {
        locate(index, path);
    }
}

void MissingSourcesView::locate(int index, const QString& path) {
    session_->locateMissingSource(index, path);
}

}  // namespace quantscope::app

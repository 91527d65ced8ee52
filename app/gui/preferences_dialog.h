#pragma once
// Edit > Preferences: every setting of preferences.h in one form. OK stores them (QSettings);
// the window then applies those that act at once (MainWindow::applyPreferences). A value that
// does not parse (a format name, a calibration) keeps OK disabled and says why.

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace quantscope::app {

class PreferencesDialog : public QDialog {
    Q_OBJECT

public:
    explicit PreferencesDialog(QWidget* parent = nullptr);

    QComboBox* formatBox() const { return format_; }
    QLineEdit* calibrationEdit() const { return calibration_; }
    QSpinBox* binsBox() const { return bins_; }
    QSpinBox* threadsBox() const { return threads_; }
    QCheckBox* reopenBox() const { return reopen_; }
    QCheckBox* autosaveBox() const { return autosave_; }
    QSpinBox* memoryLimitBox() const { return memoryLimit_; }  // MiB
    QComboBox* themeBox() const { return theme_; }
    QDialogButtonBox* buttons() const { return buttons_; }
    // Why OK is disabled, or "".
    QString problem() const;

    // Writes every field to the preferences.
    void store() const;
    // Puts the defaults in the fields (stored only on OK).
    void showDefaults();

private:
    void load();
    void validate();

    QComboBox* format_;
    QLineEdit* calibration_;
    QSpinBox* bins_;
    QSpinBox* threads_;
    QCheckBox* reopen_;
    QCheckBox* autosave_;
    QSpinBox* memoryLimit_;
    QComboBox* theme_;
    QLabel* problem_;
    QDialogButtonBox* buttons_;
};

}  // namespace quantscope::app

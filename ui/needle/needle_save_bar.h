#pragma once
// "Save to study" row of the needle panel: which study the findings grid goes to (or why it
// cannot: no store, no active study), the button, and what the last save did.

#include <QGroupBox>

class QLabel;
class QPushButton;

namespace emg::ui {

class NeedleSaveBar : public QGroupBox {
    Q_OBJECT
public:
    explicit NeedleSaveBar(QWidget* parent = nullptr);

    /// The study label, or, when empty, `reason` why nothing can be saved (the button is disabled).
    void setTarget(const QString& studyLabel, const QString& reason);
    void setStatus(const QString& text, bool error);
    QPushButton* button() const noexcept { return save_; }

signals:
    void saveRequested();

private:
    QPushButton* save_ = nullptr;
    QLabel* study_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace emg::ui

#pragma once
// "Save to study" row of the NCS review: which test the measured response belongs to (motor or
// sensory, nerve, recording site, side, stimulation site, distance mm) and the active study.

#include "ncs_study_entry.h"

#include <QGroupBox>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace emg::ui {

class NcsSaveBar : public QGroupBox {
    Q_OBJECT
public:
    explicit NcsSaveBar(QWidget* parent = nullptr);

    /// The entry as typed (placedBy and source are the caller's).
    NcsStudyEntry entry() const;
    /// "Study: …" or that there is none (the button is disabled then).
    void setActiveStudy(const QString& label);
    void setStatus(const QString& text, bool error);

signals:
    void saveRequested();

private:
    QComboBox* kind_ = nullptr;
    QLineEdit* nerve_ = nullptr;
    QLineEdit* recordingSite_ = nullptr;
    QComboBox* side_ = nullptr;
    QLineEdit* site_ = nullptr;
    QDoubleSpinBox* distanceMm_ = nullptr;
    QPushButton* save_ = nullptr;
    QLabel* study_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace emg::ui

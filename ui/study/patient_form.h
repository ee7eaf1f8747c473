#pragma once
// "New patient" form: id, name, birth date, sex, height (cm) and side of symptoms.

#include <emg/study/patient.h>

#include <QGroupBox>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPushButton;

namespace emg::ui {

class PatientForm : public QGroupBox {
    Q_OBJECT
public:
    explicit PatientForm(QWidget* parent = nullptr);

    /// The patient as typed (not validated: emg::study::validate does that when saving).
    study::Patient patient() const;
    void clear();

signals:
    void saveRequested();
    void cancelled();

private:
    QLineEdit* id_ = nullptr;
    QLineEdit* name_ = nullptr;
    QLineEdit* birthDate_ = nullptr;
    QComboBox* sex_ = nullptr;
    QDoubleSpinBox* heightCm_ = nullptr;
    QComboBox* side_ = nullptr;
};

}  // namespace emg::ui

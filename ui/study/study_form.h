#pragma once
// "New study" form: today's date, indication, referring physician, examiner, technician, limb
// temperature (°C) and the protocol (from resources/protocols).

#include <emg/study/protocol.h>
#include <emg/study/study.h>

#include <QGroupBox>

#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;

namespace emg::ui {

class StudyForm : public QGroupBox {
    Q_OBJECT
public:
    explicit StudyForm(const std::vector<study::Protocol>& protocols, QWidget* parent = nullptr);

    /// The study as typed, for `patientId`, dated today (not validated).
    study::Study study(const std::string& patientId) const;
    void clear();

signals:
    void saveRequested();
    void cancelled();

private:
    QLabel* date_ = nullptr;
    QLineEdit* indication_ = nullptr;
    QLineEdit* referring_ = nullptr;
    QLineEdit* examiner_ = nullptr;
    QLineEdit* technician_ = nullptr;
    QDoubleSpinBox* temperatureC_ = nullptr;
    QComboBox* protocol_ = nullptr;
};

}  // namespace emg::ui

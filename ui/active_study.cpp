#include "active_study.h"

#include <spdlog/spdlog.h>

namespace emg::ui {

ActiveStudy::ActiveStudy(QObject* parent) : QObject(parent) {}

void ActiveStudy::set(const QString& studyId, const QString& patientId, const QString& label) {
    if (studyId == studyId_ && patientId == patientId_ && label == label_) return;
    studyId_ = studyId;
    patientId_ = patientId;
    label_ = label;
    if (studyId_.isEmpty())
        spdlog::info("no active study");
    else
        spdlog::info("active study {} ({})", studyId_.toStdString(), label_.toStdString());
    emit changed(studyId_);
}

}  // namespace emg::ui

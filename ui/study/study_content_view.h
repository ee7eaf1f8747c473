#pragma once
// The active study's content: the protocol's ordered tests (done / to do), every stored
// measurement flagged against its normative limit (emg::study::evaluateStudy, as
// `emgws-cli studies evaluate`), and the study's recordings (file, size, SHA-256 prefix).

#include "study_reference.h"

#include <emg/study/session_store.h>
#include <emg/study/study.h>

#include <QWidget>

#include <vector>

class QTableWidget;
class QTreeWidget;

namespace emg::ui {

class StudyContentView : public QWidget {
    Q_OBJECT
public:
    explicit StudyContentView(QWidget* parent = nullptr);

    void showStudy(const study::Patient& patient, const study::Study& study, const std::vector<study::RecordingInfo>& recordings,
                   const StudyReference& reference);
    void clear();

    QTreeWidget* protocolTree() const { return protocol_; }
    QTableWidget* measurementTable() const { return measurements_; }
    QTableWidget* recordingTable() const { return recordings_; }
    /// The store id of the recording in the selected row ("" when none is selected).
    QString selectedRecordingId() const;
    int abnormalCount() const noexcept { return abnormal_; }

private:
    void fillProtocol(const study::Study& study, const StudyReference& reference);
    void fillMeasurements(const study::Patient& patient, const study::Study& study, const StudyReference& reference);
    void fillRecordings(const std::vector<study::RecordingInfo>& recordings);

    QTreeWidget* protocol_ = nullptr;
    QTableWidget* measurements_ = nullptr;
    QTableWidget* recordings_ = nullptr;
    int abnormal_ = 0;
};

}  // namespace emg::ui

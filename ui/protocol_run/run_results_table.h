#pragma once
// The protocol run's results table (issue 14): the current test's stored measurements that have a
// normal limit, each with its limit and flag (emg::study::evaluateStudy for this patient), filled
// in as sites are stored. Abnormal rows are tinted.

#include <QTableWidget>

#include <string>

namespace emg::study {
class SessionStore;
struct RunTest;
}

namespace emg::ui {

class RunResultsTable : public QTableWidget {
public:
    explicit RunResultsTable(QWidget* parent = nullptr);
    /// Reads study `studyId` from `store` and shows the rows of `test` (null: clears).
    void refresh(study::SessionStore* store, const std::string& studyId, const study::RunTest* test);
    int abnormalCount() const noexcept { return abnormal_; }

private:
    int abnormal_ = 0;
};

}  // namespace emg::ui

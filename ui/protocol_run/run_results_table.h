#pragma once
// The protocol run's results table (issue 14), filled in as sites are stored:
// - a nerve test: its stored measurements that have a normal limit, each with its limit and flag
//   (emg::study::evaluateStudy for this patient), then, once both sides of the nerve are done,
//   the side-to-side values (CMAP/SNAP amplitude ratio, F minimal latency difference, H-reflex
//   latency difference and amplitude ratio; emg::study::ncsSideToSide, hReflexSideToSide) with
//   their limits, flags and the side they speak against;
// - the needle test: per muscle of that side, spontaneous activity, the MUAP means against the
//   muscle's reference values (emg/needle/reference_values.h, for the patient's age), recruitment
//   and the muscle's reading (neurogenic or not).
// Abnormal rows are tinted. The site (or muscle) heads its rows as a spanning title row, so the
// four columns (measure, value, limit, flag) share the strip's width: the measure wraps, value,
// limit and flag keep their whole text, and the table never scrolls sideways at the workstation's
// usual sizes (1366x768, 1920x1080).

#include <QStringList>
#include <QTableWidget>

#include <string>

namespace emg::study {
class SessionStore;
struct RunTest;
struct Study;
struct SubjectInfo;
}

namespace emg::ui {

class RunResultsTable : public QTableWidget {
public:
    explicit RunResultsTable(QWidget* parent = nullptr);
    /// Reads study `studyId` from `store` and shows the rows of `test` (null: clears).
    void refresh(study::SessionStore* store, const std::string& studyId, const study::RunTest* test);
    int abnormalCount() const noexcept { return abnormal_; }
    /// Rows of side-to-side values shown now.
    int sideToSideCount() const noexcept { return sideToSide_; }
    /// The text of row `row`: a value row as "site | measure | value | limit | flag" (the site from
    /// its title row), a title row as its title; for tests and the log.
    QString rowText(int row) const;
    /// True for a title row (the site or muscle its rows belong to).
    bool isTitleRow(int row) const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    /// One value row under the title `site` (a title row is added when the site changes).
    void addRow(const QString& site, const QStringList& cells, bool abnormal);
    void addTitleRow(const QString& title);
    void fitColumns();
    void fitColumnsTo(int availableWidth);
    void addNerveRows(const study::Study& s, const study::SubjectInfo& subject, const study::RunTest& test);
    void addNeedleRows(const study::Study& s, const study::SubjectInfo& subject, const study::RunTest& test);

    int abnormal_ = 0;
    int sideToSide_ = 0;
    QString lastTitle_;
};

}  // namespace emg::ui

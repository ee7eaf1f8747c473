#pragma once
// Per-muscle findings grid (one row per muscle): insertional activity, fibrillations, positive
// sharp waves, fasciculations, MUAP amplitude / duration / polyphasia, recruitment,
// interference, and the side examined (last column). Filled from the analysis; every cell stays
// editable for the clinician, and the grid remembers what the analysis wrote so it can tell which
// cells the clinician changed (shown in italics).

#include <emg/needle/needle_analysis.h>
#include <emg/study/measurement.h>
#include <emg/study/tests.h>

#include <QStringList>
#include <QTableWidget>

namespace emg::ui {

class NeedleFindingsGrid : public QTableWidget {
    Q_OBJECT
public:
    explicit NeedleFindingsGrid(QWidget* parent = nullptr);
    static QStringList columns();
    static constexpr int kSideColumn = 10;   ///< "Side": left, right or empty
    static constexpr int kMuapAmplitudeColumn = 5, kMuapDurationColumn = 6, kPolyphasiaColumn = 7;

    /// Adds the muscle's row (for that side) or overwrites the analysed cells of an existing one.
    int setFindings(const QString& muscle, const emg::needle::NeedleAnalysis& a, const QString& side = {});
    /// The first row of that muscle (any side), or -1.
    int rowOf(const QString& muscle) const;
    /// The row of that muscle and side, or -1.
    int rowOf(const QString& muscle, const QString& side) const;
    QString cell(int row, int column) const;
    /// True when the cell holds text the automatic analysis did not write there (typed or changed
    /// by the clinician).
    bool editedByClinician(int row, int column) const;

    /// Where the row's analysis read its signal (a recorded span; empty: live or typed). Shown as
    /// the muscle cell's tooltip; "Save to study" keeps it as the test's raw-data link.
    void setRowSource(int row, const study::RawDataLink& source);
    study::RawDataLink rowSource(int row) const;
    /// The analysis' reading of the row's muscle (none for a row only typed).
    std::optional<study::NeedleAutoReading> rowReading(int row) const;

    /// The cell texts for an analysis (also used by the report).
    static QStringList findingsText(const emg::needle::NeedleAnalysis& a);

private:
    /// Clinician-entered finding cells are shown in italics ("entered by the clinician").
    void markProvenance(QTableWidgetItem* item);
};

}  // namespace emg::ui

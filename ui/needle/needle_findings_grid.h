#pragma once
// Per-muscle findings grid (one row per muscle): insertional activity, fibrillations, positive
// sharp waves, fasciculations, MUAP amplitude / duration / polyphasia, recruitment,
// interference. Filled from the analysis; every cell stays editable for the clinician.

#include <emg/needle/needle_analysis.h>

#include <QStringList>
#include <QTableWidget>

namespace emg::ui {

class NeedleFindingsGrid : public QTableWidget {
    Q_OBJECT
public:
    explicit NeedleFindingsGrid(QWidget* parent = nullptr);
    static QStringList columns();
    /// Adds the muscle's row or overwrites the analysed cells of an existing one.
    int setFindings(const QString& muscle, const emg::needle::NeedleAnalysis& a);
    int rowOf(const QString& muscle) const;
    QString cell(int row, int column) const;

    /// The cell texts for an analysis (also used by the report).
    static QStringList findingsText(const emg::needle::NeedleAnalysis& a);
};

}  // namespace emg::ui

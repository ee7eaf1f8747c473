#pragma once
// The QEMG review screen of the needle panel: the sorted units in a table (accept/reject per
// unit, their measures and where the markers come from), the selected unit's template over its
// superimposed firings with onset/end markers the clinician drags (values recomputed by
// emg::needle::measureMuapBetween), the muscle means over the accepted units against the
// reference, the firing raster of the accepted units, the turns/amplitude cloud, the evidence of
// the muscle's reading, and the comparison with an expert decomposition (CSV `time_s,unit`):
// table per expert unit and both rasters, ours above the expert's. The clinician's choices live in
// a Qt-free emg::needle::QemgReview.

#include "qemg_template_view.h"

#include <emg/needle/decomposition_compare.h>
#include <emg/needle/needle_analysis.h>
#include <emg/needle/qemg_review.h>

#include <QWidget>

#include <optional>
#include <vector>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace emg::ui {

class QemgCloudPlot;
class QemgFiringRaster;

class QemgReviewView : public QWidget {
    Q_OBJECT
public:
    explicit QemgReviewView(QWidget* parent = nullptr);

    /// A new analysis of `rawUv` (the signal the analysis was given, µV): the firings' windows are
    /// taken from it band-filtered as the analysis does (filterForNeedle with `mainsHz`). Every unit
    /// starts accepted with its automatic markers; a previous expert comparison is cleared.
    void setAnalysis(const needle::NeedleAnalysis& analysis, const std::vector<double>& rawUv, double mainsHz = 0.0);
    const needle::NeedleAnalysis& analysis() const noexcept { return analysis_; }
    bool hasAnalysis() const noexcept { return hasAnalysis_; }

    const needle::QemgReview& review() const noexcept { return review_; }
    /// Ids of the listed units, in table order.
    std::vector<int> listedUnitIds() const;
    void setAccepted(int unitId, bool accepted);
    void selectUnit(int unitId);
    int selectedUnitId() const noexcept { return selected_; }
    /// Moves a marker of a unit as the clinician's drag would (selects the unit first).
    void moveMarker(int unitId, QemgMarker marker, double ms);
    /// The unit's parameters under the review (its markers).
    needle::MuapParameters unitParameters(int unitId) const;
    /// The muscle summary over the accepted units.
    needle::MuscleSummary reviewedSummary() const;
    /// The outlier rule over the accepted units with their reviewed markers (one line of the means).
    QString outlierLine(const std::vector<needle::MotorUnit>& accepted) const;

    /// "Compare with expert decomposition…" without the dialog: false (message in the comparison
    /// label) when the file cannot be read.
    bool loadExpertDecomposition(const QString& path);
    const std::optional<needle::DecompositionComparison>& comparison() const noexcept { return comparison_; }

    QTableWidget* unitTable() const noexcept { return units_; }
    QTableWidget* comparisonTable() const noexcept { return compareTable_; }
    QemgTemplateView* templateView() const noexcept { return template_; }
    QemgCloudPlot* cloudPlot() const noexcept { return cloud_; }
    QemgFiringRaster* ourRaster() const noexcept { return ourRaster_; }
    QemgFiringRaster* expertRaster() const noexcept { return expertRaster_; }
    QLabel* meansLabel() const noexcept { return means_; }
    QLabel* unitLabel() const noexcept { return unitValues_; }
    QLabel* comparisonLabel() const noexcept { return compareStatus_; }
    QPlainTextEdit* evidenceText() const noexcept { return evidence_; }

    enum Column { ColAccept = 0, ColUnit, ColFirings, ColRate, ColDuration, ColAmplitude, ColPhases, ColTurns, ColArea,
                  ColThickness, ColMarkers, ColumnCount };

signals:
    /// The clinician accepted/rejected a unit or moved a marker.
    void reviewChanged();

private:
    const needle::MotorUnit* unit(int unitId) const;
    std::vector<std::vector<double>> firingWindows(const needle::MotorUnit& u) const;
    void fillUnitRow(int row);
    void showSelectedUnit();
    void refreshMeans();
    void refreshOurRaster();
    void fillEvidence();
    void fillComparison(const std::vector<needle::ExpertUnit>& expert, const QString& file);
    std::pair<double, double> rasterSpan() const;

    needle::NeedleAnalysis analysis_;
    std::vector<double> filteredUv_;
    needle::QemgReview review_;
    bool hasAnalysis_ = false;
    int selected_ = -1;
    bool filling_ = false;
    std::optional<needle::DecompositionComparison> comparison_;

    QTableWidget* units_ = nullptr;
    QemgTemplateView* template_ = nullptr;
    QLabel* unitValues_ = nullptr;
    QLabel* means_ = nullptr;
    QemgFiringRaster* ourRaster_ = nullptr;
    QemgFiringRaster* expertRaster_ = nullptr;
    QemgCloudPlot* cloud_ = nullptr;
    QPlainTextEdit* evidence_ = nullptr;
    QPushButton* compareButton_ = nullptr;
    QLabel* compareStatus_ = nullptr;
    QTableWidget* compareTable_ = nullptr;
};

}  // namespace emg::ui

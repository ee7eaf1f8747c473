#include "qemg_review_view.h"

#include "qemg_cloud_plot.h"
#include "qemg_firing_raster.h"

#include <emg/needle/muap_outliers.h>
#include <emg/needle/muscle_reading.h>
#include <emg/needle/muscle_summary.h>
#include <emg/needle/needle_hum.h>
#include <emg/needle/signal_tools.h>

#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>
#include <string>

namespace emg::ui {

using namespace emg::needle;

namespace {
QColor unitColor(int unitId) {
    static const QColor palette[] = {QColor(31, 119, 180), QColor(214, 39, 40), QColor(44, 160, 44), QColor(148, 103, 189),
                                     QColor(255, 127, 14), QColor(23, 190, 207), QColor(140, 86, 75), QColor(227, 119, 194),
                                     QColor(127, 127, 127), QColor(188, 189, 34)};
    return palette[static_cast<std::size_t>(std::max(0, unitId - 1)) % std::size(palette)];
}

QTableWidgetItem* readOnly(const QString& text) {
    auto* it = new QTableWidgetItem(text);
    it->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return it;
}

QString num(double v, int decimals) { return QString::number(v, 'f', decimals); }
}  // namespace

QemgReviewView::QemgReviewView(QWidget* parent) : QWidget(parent) {
    units_ = new QTableWidget(0, ColumnCount, this);
    units_->setObjectName("qemg-units");
    units_->setHorizontalHeaderLabels({tr("Accept"), tr("Unit"), tr("Firings"), tr("Rate Hz"), tr("Dur ms"), tr("Amp µV"),
                                       tr("Phases"), tr("Turns"), tr("Area µV·ms"), tr("Thick ms"), tr("Markers")});
    units_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    units_->verticalHeader()->setVisible(false);
    units_->setSelectionBehavior(QAbstractItemView::SelectRows);
    units_->setSelectionMode(QAbstractItemView::SingleSelection);
    template_ = new QemgTemplateView(this);
    unitValues_ = new QLabel(tr("Analyse a recording to review its motor units."), this);
    unitValues_->setObjectName("qemg-unit-values");
    unitValues_->setWordWrap(true);
    unitValues_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    means_ = new QLabel(this);
    means_->setObjectName("qemg-means");
    means_->setWordWrap(true);
    means_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    ourRaster_ = new QemgFiringRaster(this);
    ourRaster_->setTitle(tr("Firings of the accepted units (ours)"));
    expertRaster_ = new QemgFiringRaster(this);
    expertRaster_->setTitle(tr("Expert decomposition"));
    expertRaster_->hide();
    cloud_ = new QemgCloudPlot(this);
    evidence_ = new QPlainTextEdit(this);
    evidence_->setObjectName("qemg-evidence");
    evidence_->setReadOnly(true);
    compareButton_ = new QPushButton(tr("Compare with expert decomposition…"), this);
    compareButton_->setObjectName("qemg-compare");
    compareButton_->setToolTip(tr("A CSV file with one firing per row: time_s,unit"));
    compareStatus_ = new QLabel(this);
    compareStatus_->setObjectName("qemg-compare-status");
    compareStatus_->setWordWrap(true);
    compareTable_ = new QTableWidget(0, 8, this);
    compareTable_->setObjectName("qemg-comparison");
    compareTable_->setHorizontalHeaderLabels({tr("Expert unit"), tr("Expert firings"), tr("Our unit"), tr("Lag ms"),
                                              tr("Matched"), tr("Sensitivity"), tr("PPV"), tr("Found")});
    compareTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    compareTable_->verticalHeader()->setVisible(false);
    compareTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    compareTable_->hide();

    // top: units and the selected unit's template; bottom: rasters + comparison, cloud, evidence
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(units_, 1);
    leftLayout->addWidget(unitValues_);
    auto* top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(left);
    top->addWidget(template_);
    top->setStretchFactor(0, 2);
    top->setStretchFactor(1, 3);
    top->setSizes({600, 1000});

    auto* firings = new QWidget(this);
    auto* firingsLayout = new QVBoxLayout(firings);
    firingsLayout->setContentsMargins(0, 0, 0, 0);
    auto* compareRow = new QHBoxLayout;
    compareRow->addWidget(compareButton_);
    compareRow->addWidget(compareStatus_, 1);
    firingsLayout->addLayout(compareRow);
    firingsLayout->addWidget(ourRaster_);
    firingsLayout->addWidget(expertRaster_);
    firingsLayout->addWidget(compareTable_, 1);
    firingsLayout->addStretch(0);
    auto* bottom = new QSplitter(Qt::Horizontal, this);
    bottom->addWidget(firings);
    bottom->addWidget(cloud_);
    bottom->addWidget(evidence_);
    bottom->setStretchFactor(0, 4);
    bottom->setStretchFactor(1, 3);
    bottom->setStretchFactor(2, 2);
    bottom->setSizes({750, 500, 350});

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(bottom);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(means_);
    layout->addWidget(split, 1);

    connect(units_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* it) {
        if (filling_ || !it || it->column() != ColAccept) return;
        const int id = units_->item(it->row(), ColUnit)->data(Qt::UserRole).toInt();
        setAccepted(id, it->checkState() == Qt::Checked);
    });
    connect(units_, &QTableWidget::currentCellChanged, this, [this](int row, int, int, int) {
        if (filling_ || row < 0 || !units_->item(row, ColUnit)) return;
        const int id = units_->item(row, ColUnit)->data(Qt::UserRole).toInt();
        if (id != selected_) selectUnit(id);
    });
    connect(template_, &QemgTemplateView::markerMoved, this, [this](int id, QemgMarker m, double ms) {
        if (id < 0) return;
        auto& r = review_.unit(id);
        (m == QemgMarker::Onset ? r.onsetMs : r.endMs) = ms;
        const auto ids = listedUnitIds();
        const auto row = static_cast<int>(std::find(ids.begin(), ids.end(), id) - ids.begin());
        fillUnitRow(row);
        showSelectedUnit();
        refreshMeans();
        emit reviewChanged();
    });
    connect(compareButton_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Expert decomposition"), QString(),
                                                          tr("Decomposition (*.csv *.txt *.tsv *.eaf);;All files (*)"));
        if (!path.isEmpty()) loadExpertDecomposition(path);
    });
    compareButton_->setEnabled(false);
}

void QemgReviewView::setAnalysis(const NeedleAnalysis& a, const std::vector<double>& rawUv, double mainsHz) {
    analysis_ = a;
    hasAnalysis_ = true;
    filteredUv_.clear();
    if (!rawUv.empty() && a.sampleRateHz > 0) {
        try {
            FilterApplied applied;
            filteredUv_ = filterForNeedle(rawUv, a.sampleRateHz, mainsHz, applied);
            // the analysis took the mains hum off before measuring: the firings are shown on the same signal
            NeedleAnalysisOptions hum;
            hum.mainsHz = mainsHz;
            removeNeedleHum(std::span<double>(filteredUv_), a.sampleRateHz, hum, applied,
                            noSignalStretches(std::span<const double>(rawUv), a.sampleRateHz));
        } catch (const std::exception& e) {   // the analysis succeeded on this signal, so this should not happen
            spdlog::warn("QEMG review: cannot filter the signal for the firings: {}", e.what());
        }
    }
    review_ = QemgReview::fromUnits(a.motorUnits.units);
    comparison_.reset();
    compareTable_->setRowCount(0);
    compareTable_->hide();
    expertRaster_->hide();
    expertRaster_->setRows({});
    compareStatus_->setText(a.motorUnits.units.empty() ? tr("No units to compare.") : QString());
    compareButton_->setEnabled(!a.motorUnits.units.empty());

    filling_ = true;
    units_->setRowCount(static_cast<int>(a.motorUnits.units.size()));
    for (int row = 0; row < units_->rowCount(); ++row) {
        const auto& u = a.motorUnits.units[static_cast<std::size_t>(row)];
        auto* accept = new QTableWidgetItem;
        accept->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        accept->setCheckState(Qt::Checked);
        units_->setItem(row, ColAccept, accept);
        auto* id = readOnly(QString::number(u.id));
        id->setData(Qt::UserRole, u.id);
        id->setForeground(unitColor(u.id));
        units_->setItem(row, ColUnit, id);
        units_->setItem(row, ColFirings, readOnly(QString::number(u.firingTimesSec.size())));
        units_->setItem(row, ColRate, readOnly(num(u.meanRateHz, 1)));
        fillUnitRow(row);
    }
    filling_ = false;
    cloud_->setInterference(a.interference);
    fillEvidence();
    refreshMeans();
    refreshOurRaster();
    selected_ = -1;
    if (!a.motorUnits.units.empty()) selectUnit(a.motorUnits.units.front().id);
    else {
        template_->clearUnit();
        unitValues_->setText(tr("No motor units were sorted (no weak-effort segment, or no unit fired often enough)."));
    }
}

std::vector<int> QemgReviewView::listedUnitIds() const {
    std::vector<int> ids;
    for (int row = 0; row < units_->rowCount(); ++row)
        if (auto* it = units_->item(row, ColUnit)) ids.push_back(it->data(Qt::UserRole).toInt());
    return ids;
}

const MotorUnit* QemgReviewView::unit(int unitId) const {
    for (const auto& u : analysis_.motorUnits.units)
        if (u.id == unitId) return &u;
    return nullptr;
}

MuapParameters QemgReviewView::unitParameters(int unitId) const {
    const auto* u = unit(unitId);
    if (!u) throw std::out_of_range("QEMG review: no unit " + std::to_string(unitId));
    return reviewedParameters(*u, review_.unit(unitId), analysis_.motorUnits.noiseUv);
}

MuscleSummary QemgReviewView::reviewedSummary() const {
    return summarizeReviewed(analysis_.motorUnits.units, review_, analysis_.motorUnits.noiseUv, analysis_.summary.reference);
}

void QemgReviewView::fillUnitRow(int row) {
    if (row < 0 || row >= units_->rowCount()) return;
    const int id = units_->item(row, ColUnit)->data(Qt::UserRole).toInt();
    const auto& r = review_.unit(id);
    const auto p = unitParameters(id);
    const bool was = filling_;
    filling_ = true;
    units_->item(row, ColAccept)->setCheckState(r.accepted ? Qt::Checked : Qt::Unchecked);
    units_->setItem(row, ColDuration, readOnly(num(p.durationMs, 2)));
    units_->setItem(row, ColAmplitude, readOnly(num(p.amplitudeUv, 0)));
    // a value beyond the muscle's outlier limit of individual MUPs: bold, the limit in its tooltip
    if (const auto& ref = analysis_.summary.reference; ref.hasOutlierLimits) {
        // the rule's own count on this one MUP says which of its values lie beyond
        const MupSize one{p.amplitudeUv, p.durationMs};
        const auto o = countOutliers(std::span<const MupSize>(&one, 1), ref, true);
        const auto mark = [&](int col, bool beyond, double lo, double hi, const char* unitName, int decimals) {
            if (!beyond) return;
            auto* it = units_->item(row, col);
            QFont f = it->font();
            f.setBold(true);
            it->setFont(f);
            it->setToolTip(tr("beyond the outlier limit of individual MUPs (%1–%2 %3): more than 2 such MUPs make the muscle abnormal")
                               .arg(num(lo, decimals), num(hi, decimals), QString::fromUtf8(unitName)));
        };
        mark(ColDuration, o.longDuration + o.shortDuration > 0, ref.outlierDurationLowMs, ref.outlierDurationHighMs, "ms", 1);
        mark(ColAmplitude, o.highAmplitude + o.lowAmplitude > 0, ref.outlierAmplitudeLowUv, ref.outlierAmplitudeHighUv, "µV", 0);
    }
    units_->setItem(row, ColPhases, readOnly(QString::number(p.phases)));
    units_->setItem(row, ColTurns, readOnly(QString::number(p.turns)));
    units_->setItem(row, ColArea, readOnly(num(p.areaUvMs, 0)));
    units_->setItem(row, ColThickness, readOnly(num(p.thicknessMs, 2)));
    const bool clinician = r.onsetMs || r.endMs;
    // which markers the clinician placed; the others are the automatic ones
    QStringList moved;
    if (r.onsetMs) moved << tr("onset");
    if (r.endMs) moved << tr("end");
    // automatic markers on a window that holds other units' activity are not the unit's own
    const auto* mu = unit(id);
    const bool notOwn = !clinician && mu && !mu->shapeMeasured;
    const bool several = notOwn && mu->severalUnitsTrain;
    auto* markers = readOnly(clinician ? tr("clinician: %1").arg(moved.join(", "))
                             : several ? tr("auto, several units' train")
                             : notOwn  ? tr("auto, window not its own")
                                       : tr("auto"));
    markers->setToolTip(tr("onset %1, end %2").arg(toString(r.onsetProvenance()), toString(r.endProvenance())) +
                        (several ? tr("; %1 % of its intervals are under 20 ms, more than one unit fires: the template averages "
                                      "several look-alike units").arg(num(mu->shortIntervalPercent, 0))
                         : notOwn ? tr("; shape variability %1 % over its duration window: other units' activity fills it, so the "
                                       "automatic duration is not the unit's own").arg(num(mu->shapeVariabilityPercent, 0))
                                  : QString()));
    if (clinician) {
        QFont f = markers->font();
        f.setItalic(true);
        markers->setFont(f);
    }
    units_->setItem(row, ColMarkers, markers);
    for (int c = 0; c < ColumnCount; ++c)
        if (auto* it = units_->item(row, c); it && c != ColUnit) it->setForeground(r.accepted ? QColor(20, 20, 20) : QColor(160, 160, 160));
    filling_ = was;
}

std::vector<std::vector<double>> QemgReviewView::firingWindows(const MotorUnit& u) const {
    std::vector<std::vector<double>> out;
    if (filteredUv_.empty() || u.templateUv.empty() || u.sampleRateHz <= 0) return out;
    const auto n = u.templateUv.size();
    std::vector<double> w;
    out.reserve(u.firingTimesSec.size());
    for (std::size_t i = 0; i < u.firingTimesSec.size(); ++i) {
        // firings found only where the train predicted them are not in the template: not drawn under it
        if (i < u.firingPredicted.size() && u.firingPredicted[i]) continue;
        const double t = u.firingTimesSec[i];
        // the window aligned as the template: its main peak at the firing time
        const auto peak = static_cast<std::ptrdiff_t>(std::llround(t * u.sampleRateHz));
        extractWindow(filteredUv_, peak, static_cast<std::size_t>(u.templatePeakIndex), n - static_cast<std::size_t>(u.templatePeakIndex), w);
        out.push_back(w);
    }
    return out;
}

void QemgReviewView::selectUnit(int unitId) {
    const auto* u = unit(unitId);
    if (!u) return;
    selected_ = unitId;
    const auto ids = listedUnitIds();
    const auto row = static_cast<int>(std::find(ids.begin(), ids.end(), unitId) - ids.begin());
    if (units_->currentRow() != row) {
        const bool was = filling_;
        filling_ = true;
        units_->setCurrentCell(row, ColUnit);
        filling_ = was;
    }
    template_->setUnit(u->id, u->templateUv, u->templatePeakIndex, u->sampleRateHz, firingWindows(*u));
    showSelectedUnit();
}

namespace {
/// A MUP recorded near the needle rises within 0.5 ms (Stalberg et al. 1986; the multi-MUP path's limit).
constexpr double kNearNeedleRiseMs = 0.5;
}  // namespace

void QemgReviewView::showSelectedUnit() {
    const auto* u = unit(selected_);
    if (!u) return;
    const auto& r = review_.unit(selected_);
    const auto p = unitParameters(selected_);
    template_->setMarkers(p.onsetMs, p.endMs, r.onsetProvenance(), r.endProvenance());
    unitValues_->setText(tr("<b>Unit %1</b> (%2): duration %3 ms (onset %4 ms %5, end %6 ms %7), amplitude %8 µV, "
                            "%9 phases%10, %11 turns, area %12 µV·ms, thickness %13 ms, satellites %14; %15 firings%24 at %16 Hz "
                            "(CV %17), jiggle %18 %, shape variability %19 %%20; main-spike rise time %21 ms%22%23")
                             .arg(u->id)
                             .arg(r.accepted ? tr("accepted") : tr("rejected"))
                             .arg(num(p.durationMs, 2))
                             .arg(num(p.onsetMs, 2))
                             .arg(toString(r.onsetProvenance()))
                             .arg(num(p.endMs, 2))
                             .arg(toString(r.endProvenance()))
                             .arg(num(p.amplitudeUv, 0))
                             .arg(p.phases)
                             .arg(p.polyphasic() ? tr(" (polyphasic)") : QString())
                             .arg(p.turns)
                             .arg(num(p.areaUvMs, 0))
                             .arg(num(p.thicknessMs, 2))
                             .arg(p.satellites)
                             .arg(u->firingTimesSec.size())
                             .arg(num(u->meanRateHz, 1))
                             .arg(num(u->rateCv, 2))
                             .arg(num(u->jigglePercent, 1))
                             .arg(num(u->shapeVariabilityPercent, 1))
                             .arg(u->shapeMeasured ? QString()
                                  : u->severalUnitsTrain
                                      ? tr("; %1 % of its intervals under 20 ms, more than one unit fires (several look-alike "
                                           "units sorted as one train): its rate and template are not one unit's, it starts "
                                           "rejected")
                                            .arg(num(u->shortIntervalPercent, 0))
                                      : tr(" (above the limit: other units' activity fills its long window, so the "
                                           "automatic markers are not its own; it starts rejected, accept it when "
                                           "your markers hold)"))
                             .arg(num(u->riseTimeMs, 2))
                             // listed, not a criterion for sorted units (validation.md): the clinician weighs it
                             .arg(u->riseTimeMs > kNearNeedleRiseMs ? tr(" (slower than %1 ms: the unit may be far from the needle, "
                                                                          "its amplitude and duration smaller and longer than near it)")
                                                                           .arg(kNearNeedleRiseMs)
                                                                     : QString())
                             .arg(u->sortedParts > 1 ? tr("; sorted as %1 templates and merged by its train (no firing of one near "
                                                          "another's: one unit whose potential varies; its template averages them)")
                                                           .arg(u->sortedParts)
                                                     : QString())
                             .arg(u->predictedFirings() > 0
                                      ? tr(" (%1 of them found where its regular train predicted them, inside superimpositions: "
                                           "counted for the rate, left out of the template; short ticks in the raster)")
                                            .arg(u->predictedFirings())
                                      : QString()));
}

void QemgReviewView::setAccepted(int unitId, bool accepted) {
    if (!unit(unitId)) return;
    auto& r = review_.unit(unitId);
    if (r.accepted == accepted) return;
    r.accepted = accepted;
    const auto ids = listedUnitIds();
    fillUnitRow(static_cast<int>(std::find(ids.begin(), ids.end(), unitId) - ids.begin()));
    if (unitId == selected_) showSelectedUnit();
    refreshMeans();
    refreshOurRaster();
    emit reviewChanged();
}

void QemgReviewView::moveMarker(int unitId, QemgMarker marker, double ms) {
    if (!unit(unitId)) return;
    if (selected_ != unitId) selectUnit(unitId);
    template_->moveMarker(marker, ms);   // emits markerMoved: the review and the values follow
}

void QemgReviewView::refreshMeans() {
    // the accepted units measured once (under their reviewed markers) for the means and the outliers
    const auto accepted = acceptedUnits(analysis_.motorUnits.units, review_, analysis_.motorUnits.noiseUv);
    const auto s = summarizeMuscle(accepted, analysis_.summary.reference);
    const auto& ref = s.reference;
    const auto& all = analysis_.summary;
    const auto several = static_cast<int>(std::count_if(analysis_.motorUnits.units.begin(), analysis_.motorUnits.units.end(),
                                                         [](const MotorUnit& u) { return u.severalUnitsTrain; }));
    // a monopolar record's sizes against concentric references are values, not grades (as the findings grid)
    const bool monopolar = analysis_.electrode == NeedleElectrode::Monopolar;
    const auto graded = [&](PatternReading r) {
        return monopolar ? tr("not graded (monopolar needle: the reference is for concentric needles)") : QString(toString(r));
    };
    QString text = tr("<b>Accepted %1 of %2 units</b> — mean duration <b>%3 ms</b> (reference %4 ms ± %5 %: %6 %), "
                      "mean amplitude <b>%7 µV</b> (reference %8–%9 µV), polyphasic <b>%10 %</b> (at most %11 %) → <b>%12</b>")
                       .arg(review_.acceptedCount())
                       .arg(review_.units.size())
                       .arg(num(s.meanDurationMs, 2))
                       .arg(num(ref.meanDurationMs, 1))
                       .arg(num(s.durationLimitAppliedPercent, 1))
                       .arg((s.durationDeviationPercent >= 0 ? "+" : "") + num(s.durationDeviationPercent, 1))
                       .arg(num(s.meanAmplitudeUv, 0))
                       .arg(num(ref.amplitudeLowUv, 0))
                       .arg(num(ref.amplitudeHighUv, 0))
                       .arg(num(s.polyphasicPercent, 0))
                       .arg(num(ref.polyphasicMaxPercent, 0))
                       .arg(graded(s.reading));
    // a mean of a few units is shown, not read: the muscle's reading counts it from minUnits on
    if (const int need = needle::ReadingCriteria{}.minUnits; review_.acceptedCount() < need)
        text += tr(" (%1 units: a mean of fewer than %2 counts in the muscle's reading only by its duration beyond the limit for so few, not by one unit alone)")
                    .arg(review_.acceptedCount())
                    .arg(need);
    if (review_.acceptedCount() > 0 && review_.acceptedCount() < 20)
        text += tr(" (the duration limit for a mean of %1 units; ± %2 % for 20)")
                    .arg(review_.acceptedCount())
                    .arg(num(ref.durationLimitPercent, 0));
    text += tr("<br>Reference: %1 (%2)%3. Automatic, the %4 units with a measured shape%5: %6 ms, %7 µV, %8 % polyphasic → %9.")
                .arg(QString::fromStdString(ref.muscle.empty() ? std::string("general") : ref.muscle))
                .arg(QString::fromStdString(ref.source).toHtmlEscaped())
                .arg(ref.generalDefault ? tr(", general default: muscle or age not in the table") : QString())
                .arg(all.unitCount)
                .arg(all.unitsShapeNotMeasured == 0 ? QString()
                     : several == 0 ? tr(" (%1 more with other units' activity in their long window start rejected)").arg(all.unitsShapeNotMeasured)
                     : several == all.unitsShapeNotMeasured
                         ? tr(" (%1 more, train(s) of several look-alike units, start rejected)").arg(several)
                         : tr(" (%1 more start rejected: %2 with other units' activity in their long window, %3 train(s) of several "
                              "look-alike units)")
                               .arg(all.unitsShapeNotMeasured)
                               .arg(all.unitsShapeNotMeasured - several)
                               .arg(several))
                .arg(num(all.meanDurationMs, 2))
                .arg(num(all.meanAmplitudeUv, 0))
                .arg(num(all.polyphasicPercent, 0))
                .arg(graded(all.reading));
    text += outlierLine(accepted);
    means_->setText(text);
}

QString QemgReviewView::outlierLine(const std::vector<MotorUnit>& accepted) const {
    const auto& ref = analysis_.summary.reference;
    if (!ref.hasOutlierLimits)
        return tr("<br>Outliers: no outlier limits of individual MUPs for this muscle in the reference table.");
    std::vector<MupSize> sizes;
    for (const auto& u : accepted)
        sizes.push_back({u.params.amplitudeUv, u.params.durationMs});
    const auto o = countOutliers(sizes, ref, true);
    const auto reading = outlierReading(o);
    const bool monopolar = analysis_.electrode == NeedleElectrode::Monopolar;
    return tr("<br>Outliers among the accepted units (limits %1–%2 ms, %3–%4 µV): %5 long, %6 short, %7 large, %8 small of %9 → %10 "
              "(more than %11 beyond a limit is abnormal; %12 units within them are normal)")
        .arg(num(ref.outlierDurationLowMs, 1), num(ref.outlierDurationHighMs, 1), num(ref.outlierAmplitudeLowUv, 0),
             num(ref.outlierAmplitudeHighUv, 0))
        .arg(o.longDuration)
        .arg(o.shortDuration)
        .arg(o.highAmplitude)
        .arg(o.lowAmplitude)
        .arg(o.mups)
        .arg(monopolar ? tr("not graded (monopolar needle)")
             : reading == PatternReading::Insufficient ? tr("not enough units to call normal")
                                                       : QString(toString(reading)))
        .arg(kOutliersAllowed)
        .arg(kOutlierSampleMups);
}

std::pair<double, double> QemgReviewView::rasterSpan() const {
    double from = 1e300, to = -1e300;
    for (const auto& s : analysis_.segments)
        if (s.level == ContractionLevel::Weak) from = std::min(from, s.startSec), to = std::max(to, s.endSec);
    if (from >= to) return {0.0, analysis_.durationSec};
    return {from, to};
}

void QemgReviewView::refreshOurRaster() {
    std::vector<RasterRow> rows;
    for (const auto& u : analysis_.motorUnits.units) {
        if (!review_.unit(u.id).accepted) continue;
        QString label = tr("U%1").arg(u.id);
        if (comparison_)
            for (const auto& e : comparison_->expertUnits)
                if (e.ourUnitId == u.id) label += tr(" = E%1").arg(QString::fromStdString(e.expertId));
        rows.push_back({label, u.firingTimesSec, unitColor(u.id), u.firingPredicted});
    }
    const auto [from, to] = rasterSpan();
    ourRaster_->setRows(std::move(rows));
    ourRaster_->setSpan(from, to);
}

void QemgReviewView::fillEvidence() {
    const auto& r = analysis_.reading;
    QStringList lines;
    lines << tr("Muscle reading (a suggestion for the clinician): %1").arg(toString(r.pattern));
    for (const auto& e : r.evidence)
        lines << QString("%1 %2 → %3: %4")
                     .arg(e.counted ? QStringLiteral("[counted]") : QStringLiteral("[not counted]"))
                     .arg(QString::fromStdString(e.source))
                     .arg(toString(e.suggests))
                     .arg(QString::fromStdString(e.text));
    if (!r.reasons.empty()) {
        lines << QString() << tr("Reasons:");
        for (const auto& s : r.reasons) lines << QString("• %1").arg(QString::fromStdString(s));
    }
    evidence_->setPlainText(lines.join('\n'));
}

bool QemgReviewView::loadExpertDecomposition(const QString& path) {
    if (!hasAnalysis_) {
        compareStatus_->setText(tr("Analyse a recording first."));
        return false;
    }
    try {
        const auto expert = readDecompositionFile(path.toStdString());
        fillComparison(expert, QFileInfo(path).fileName());
        return true;
    } catch (const std::exception& e) {
        compareStatus_->setText(tr("Cannot compare: %1").arg(QString::fromStdString(e.what())));
        spdlog::warn("QEMG review: expert decomposition {}: {}", path.toStdString(), e.what());
        return false;
    }
}

void QemgReviewView::fillComparison(const std::vector<ExpertUnit>& expert, const QString& file) {
    DecompositionCompareOptions o;
    for (const auto& s : analysis_.segments)
        if (s.level == ContractionLevel::Weak) o.analysedSpansSec.emplace_back(s.startSec, s.endSec);
    comparison_ = compareDecompositions(expert, analysis_.motorUnits.units, o);
    const auto& c = *comparison_;
    compareTable_->setRowCount(static_cast<int>(c.expertUnits.size()));
    std::vector<RasterRow> rows;
    for (std::size_t i = 0; i < c.expertUnits.size(); ++i) {
        const auto& e = c.expertUnits[i];
        const int row = static_cast<int>(i);
        compareTable_->setItem(row, 0, readOnly(QString::fromStdString(e.expertId)));
        compareTable_->setItem(row, 1, readOnly(QString::number(e.expertFirings)));
        compareTable_->setItem(row, 2, readOnly(e.ourUnitId ? QString::number(*e.ourUnitId) : tr("none")));
        compareTable_->setItem(row, 3, readOnly(e.ourUnitId ? num(e.lagMs, 2) : QString("–")));
        compareTable_->setItem(row, 4, readOnly(QString::number(e.matchedFirings)));
        compareTable_->setItem(row, 5, readOnly(num(e.sensitivity, 2)));
        compareTable_->setItem(row, 6, readOnly(num(e.ppv, 2)));
        auto* found = readOnly(e.found ? tr("yes") : tr("no"));
        found->setForeground(e.found ? QColor(0, 130, 60) : QColor(200, 40, 40));
        compareTable_->setItem(row, 7, found);
        const QString label = e.ourUnitId ? tr("E%1 → U%2").arg(QString::fromStdString(e.expertId)).arg(*e.ourUnitId)
                                          : tr("E%1").arg(QString::fromStdString(e.expertId));
        rows.push_back({label, expert[i].firingTimesSec, e.ourUnitId ? unitColor(*e.ourUnitId) : QColor(110, 110, 110), {}});
    }
    QString status = tr("%1: %2 of %3 expert units found (sensitivity and PPV ≥ %4, ±%5 ms after each pair's lag); "
                        "median sensitivity %6, PPV %7")
                         .arg(file)
                         .arg(c.unitsFound)
                         .arg(c.expertUnitsCompared)
                         .arg(num(o.foundMinSensitivity, 1))
                         .arg(num(o.matchWindowMs, 1))
                         .arg(num(c.medianSensitivity, 2))
                         .arg(num(c.medianPpv, 2));
    if (c.expertFiringsOutsideSpans > 0)
        status += tr("; %1 expert firings outside the weak-effort segments left out").arg(c.expertFiringsOutsideSpans);
    if (!c.ourUnitsWithoutPartner.empty()) {
        QStringList ids;
        for (int id : c.ourUnitsWithoutPartner) ids << QString::number(id);
        status += tr("; our units without an expert partner: %1").arg(ids.join(", "));
    }
    compareStatus_->setText(status);
    const auto [from, to] = rasterSpan();
    expertRaster_->setTitle(tr("Expert decomposition (%1)").arg(file));
    expertRaster_->setRows(std::move(rows));
    expertRaster_->setSpan(from, to);
    expertRaster_->show();
    compareTable_->show();
    refreshOurRaster();
}

}  // namespace emg::ui

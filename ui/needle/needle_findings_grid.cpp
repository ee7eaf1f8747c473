#include "needle_findings_grid.h"

#include <QFont>
#include <QHeaderView>

namespace emg::ui {

using namespace emg::needle;

QStringList NeedleFindingsGrid::columns() {
    return {"Muscle", "Insertional", "Fibs", "PSW", "Fascics", "MUAP amp", "MUAP dur", "Polyphasia", "Recruitment", "Interference", "Side"};
}

NeedleFindingsGrid::NeedleFindingsGrid(QWidget* parent) : QTableWidget(0, static_cast<int>(columns().size()), parent) {
    setHorizontalHeaderLabels(columns());
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // the MUAP cells carry a caveat when the mean is not counted ("; n=1, not counted"): they wrap
    // onto a second line at the width of a grade and its value, so a row fits a 1200 px panel
    // without hiding the caveat
    setWordWrap(true);
    const int muapWidth = fontMetrics().horizontalAdvance(QStringLiteral("increased (10000 uV;")) + 12;
    for (int c : {kMuapAmplitudeColumn, kMuapDurationColumn, kPolyphasiaColumn}) {
        horizontalHeader()->setSectionResizeMode(c, QHeaderView::Interactive);
        horizontalHeader()->resizeSection(c, muapWidth);
    }
    setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed | QAbstractItemView::AnyKeyPressed);
    connect(this, &QTableWidget::itemChanged, this, &NeedleFindingsGrid::markProvenance);
    connect(this, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* it) {
        if (it) resizeRowToContents(it->row());   // a clinician's longer text wraps too
    });
}

void NeedleFindingsGrid::markProvenance(QTableWidgetItem* it) {
    if (!it || it->column() == 0 || it->column() == kSideColumn) return;
    const bool clinician = editedByClinician(it->row(), it->column());
    if (it->font().italic() == clinician) return;   // also ends the itemChanged that setFont sends
    QFont f = it->font();
    f.setItalic(clinician);
    it->setFont(f);
    it->setToolTip(clinician ? tr("entered by the clinician") : tr("from the automatic analysis; edit to correct"));
}

namespace {
constexpr int kAutomaticTextRole = Qt::UserRole + 1;   // what the analysis wrote into the cell
constexpr int kSourceRole = Qt::UserRole + 2;          // the row's RawDataLink (muscle cell), as a QVariantMap
constexpr int kReadingRole = Qt::UserRole + 3;         // the analysis' muscle reading (muscle cell): pattern, then reasons

QString gradeText(const SpontaneousResult& s, SpontaneousKind k) {
    const auto n = s.count(k);
    if (n == 0) return "0";
    // the proposed grade is for fibrillations/PSWs together; each column shows it when present
    return QString("%1 (%2/s)").arg(s.grade == 0 ? QString("0") : QString("%1+").arg(s.grade)).arg(s.ratePerSec(k), 0, 'f', 1);
}
}  // namespace

QStringList NeedleFindingsGrid::findingsText(const NeedleAnalysis& a) {
    QStringList t;
    t << "";   // insertional activity is judged while moving the needle: left for the clinician
    if (a.restSec > 0) {
        t << gradeText(a.spontaneous, SpontaneousKind::Fibrillation) << gradeText(a.spontaneous, SpontaneousKind::PositiveSharpWave);
        const auto f = a.spontaneous.count(SpontaneousKind::Fasciculation);
        t << (f ? QString("present (%1/min)").arg(60.0 * a.spontaneous.ratePerSec(SpontaneousKind::Fasciculation), 0, 'f', 0) : QString("0"));
    } else {
        t << "" << "" << "";
    }
    const auto& s = a.summary;
    // a monopolar record's sizes against concentric references are values, not grades
    const bool monopolar = a.electrode == emg::needle::NeedleElectrode::Monopolar;
    const QString ungraded = "monopolar, not graded";
    if (s.unitCount > 0 && monopolar) {
        t << QString("%1 uV (%2)").arg(s.meanAmplitudeUv, 0, 'f', 0).arg(ungraded)
          << QString("%1 ms (%2)").arg(s.meanDurationMs, 0, 'f', 1).arg(ungraded)
          << QString("%1 % (%2)").arg(s.polyphasicPercent, 0, 'f', 0).arg(ungraded)
          << QString(toString(a.recruitment.reading));
    } else if (s.unitCount > 0) {
        const auto& r = s.reference;
        const QString amp = !s.amplitudeKnown                     ? "not graded, gain unknown"
                          : s.meanAmplitudeUv > r.amplitudeHighUv ? "increased"
                          : s.meanAmplitudeUv < r.amplitudeLowUv  ? "reduced"
                                                                  : "normal";
        const QString dur = s.durationDeviationPercent > s.durationLimitAppliedPercent ? "long"
                          : s.durationDeviationPercent < -s.durationLimitAppliedPercent ? "short" : "normal";
        // a mean the muscle's reading did not count (too few units, too noisy): its unit count beside the value
        const auto* e = a.reading.evidenceFrom("motor units");
        const QString few = e && !e->counted ? QString("; n=%1, not counted").arg(s.unitCount) : QString();
        t << QString("%1 (%2 uV%3)").arg(amp).arg(s.meanAmplitudeUv, 0, 'f', 0).arg(few)
          << QString("%1 (%2 ms%3)").arg(dur).arg(s.meanDurationMs, 0, 'f', 1).arg(few)
          << QString("%1 (%2 %%3)").arg(s.polyphasicPercent > r.polyphasicMaxPercent ? "increased" : "normal").arg(s.polyphasicPercent, 0, 'f', 0).arg(few)
          << QString(toString(a.recruitment.reading));
    } else {
        t << "" << "" << "" << "";
    }
    t << (a.interference.epochs.empty() ? QString()
          : monopolar                    ? QString("%1 turns/s (%2)").arg(a.interference.meanTurnsPerSec, 0, 'f', 0).arg(ungraded)
                                         : QString(toString(a.interference.reading)));
    return t;
}

int NeedleFindingsGrid::rowOf(const QString& muscle) const {
    for (int r = 0; r < rowCount(); ++r)
        if (item(r, 0) && item(r, 0)->text().compare(muscle, Qt::CaseInsensitive) == 0) return r;
    return -1;
}

int NeedleFindingsGrid::rowOf(const QString& muscle, const QString& side) const {
    for (int r = 0; r < rowCount(); ++r)
        if (cell(r, 0).compare(muscle, Qt::CaseInsensitive) == 0 && cell(r, kSideColumn).compare(side, Qt::CaseInsensitive) == 0) return r;
    return -1;
}

bool NeedleFindingsGrid::editedByClinician(int row, int column) const {
    const auto* it = item(row, column);
    if (!it || it->text().trimmed().isEmpty()) return false;
    const QVariant automatic = it->data(kAutomaticTextRole);
    return !automatic.isValid() || automatic.toString() != it->text();
}

QString NeedleFindingsGrid::cell(int row, int column) const {
    const auto* it = item(row, column);
    return it ? it->text() : QString();
}

int NeedleFindingsGrid::setFindings(const QString& muscle, const NeedleAnalysis& a, const QString& side) {
    int row = rowOf(muscle, side);
    if (row < 0) {
        row = rowCount();
        insertRow(row);
        setItem(row, 0, new QTableWidgetItem(muscle));
        for (int c = 1; c < columnCount(); ++c) setItem(row, c, new QTableWidgetItem);   // editable, empty until filled
        item(row, kSideColumn)->setText(side);
    }
    // the engine's reading as it suggested it, kept with the row whatever the clinician edits
    QStringList reading{QString::fromUtf8(emg::needle::toString(a.reading.pattern))};
    for (const auto& r : a.reading.reasons) reading << QString::fromStdString(r);
    item(row, 0)->setData(kReadingRole, reading);
    const auto t = findingsText(a);
    for (int c = 0; c < t.size(); ++c) {
        if (t[c].isEmpty()) continue;   // not assessed: keep what the clinician entered
        auto* it = item(row, c + 1);
        if (!it) setItem(row, c + 1, it = new QTableWidgetItem);
        it->setData(kAutomaticTextRole, t[c]);   // first, so the text change below reads as the analysis's
        it->setText(t[c]);
    }
    resizeRowToContents(row);
    return row;
}

void NeedleFindingsGrid::setRowSource(int row, const study::RawDataLink& source) {
    auto* it = item(row, 0);
    if (!it) return;
    if (source.empty()) {
        it->setData(kSourceRole, QVariant());
        it->setToolTip(QString());
        return;
    }
    QVariantMap m{{"path", QString::fromStdString(source.path)}, {"sha256", QString::fromStdString(source.sha256)},
                  {"channel", QString::fromStdString(source.channel)}};
    if (source.startSec) m.insert("startSec", *source.startSec);
    if (source.endSec) m.insert("endSec", *source.endSec);
    it->setData(kSourceRole, m);
    it->setToolTip(tr("Measured on %1, %2–%3 s, channel %4 (SHA-256 %5)")
                       .arg(QString::fromStdString(source.path))
                       .arg(source.startSec.value_or(0.0), 0, 'f', 3)
                       .arg(source.endSec.value_or(0.0), 0, 'f', 3)
                       .arg(QString::fromStdString(source.channel), QString::fromStdString(source.sha256)));
}

study::RawDataLink NeedleFindingsGrid::rowSource(int row) const {
    study::RawDataLink r;
    const auto* it = item(row, 0);
    if (!it) return r;
    const QVariantMap m = it->data(kSourceRole).toMap();
    if (m.isEmpty()) return r;
    r.path = m.value("path").toString().toStdString();
    r.sha256 = m.value("sha256").toString().toStdString();
    r.channel = m.value("channel").toString().toStdString();
    if (m.contains("startSec")) r.startSec = m.value("startSec").toDouble();
    if (m.contains("endSec")) r.endSec = m.value("endSec").toDouble();
    return r;
}

std::optional<study::NeedleAutoReading> NeedleFindingsGrid::rowReading(int row) const {
    const auto* it = item(row, 0);
    if (!it) return std::nullopt;
    const QStringList l = it->data(kReadingRole).toStringList();
    if (l.isEmpty()) return std::nullopt;   // typed by the clinician, never analysed
    study::NeedleAutoReading r;
    r.pattern = l.front().toStdString();
    for (int i = 1; i < l.size(); ++i) r.reasons.push_back(l[i].toStdString());
    return r;
}

}  // namespace emg::ui

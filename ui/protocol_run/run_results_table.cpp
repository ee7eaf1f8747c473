// The protocol run's results table (run_results_table.h).
#include "run_results_table.h"

#include <emg/needle/reference_values.h>
#include <emg/study/evaluation.h>
#include <emg/study/measurement_names.h>
#include <emg/study/protocol_run.h>
#include <emg/study/session_store.h>

#include <QHeaderView>
#include <QRegularExpression>
#include <QStyle>
#include <QScrollBar>

#include <algorithm>
#include <cmath>
#include <vector>

#include <spdlog/spdlog.h>

namespace emg::ui {

namespace {
const QColor kAbnormal(255, 215, 210);

QString q(const std::string& s) { return QString::fromStdString(s); }

const study::NormativeTable* norms() {
    static const std::optional<study::NormativeTable> table = []() -> std::optional<study::NormativeTable> {
        try {
            return study::NormativeTable::loadDefault();
        } catch (const std::exception& e) {
            spdlog::error("protocol run: normative table not loaded: {}", e.what());
            return std::nullopt;
        }
    }();
    return table ? &*table : nullptr;
}

QString limitText(const study::Evaluation& ev) {
    return QStringLiteral("%1 %2 %3")
        .arg(ev.kind == study::LimitKind::Upper ? QStringLiteral("≤") : QStringLiteral("≥"))
        .arg(ev.limit, 0, 'f', std::abs(ev.limit) >= 100.0 ? 0 : 1)
        .arg(q(ev.unit));
}

QString titleOf(const std::string& name) {
    const auto* n = study::findMeasurementName(name);
    return n ? QString::fromUtf8(n->title.data(), static_cast<int>(n->title.size())) : q(name);
}

QString gradeText(int grade) { return grade > 0 ? QStringLiteral("%1+").arg(grade) : QStringLiteral("0"); }

bool gradeAbnormal(study::Grade3 g) { return g == study::Grade3::Increased || g == study::Grade3::Decreased; }

QString gradeFlag(study::Grade3 g) {
    if (g == study::Grade3::NotAssessed) return QObject::tr("not assessed");
    return gradeAbnormal(g) ? QObject::tr("abnormal (%1)").arg(q(std::string(study::toString(g)))) : QObject::tr("normal");
}
}  // namespace

RunResultsTable::RunResultsTable(QWidget* parent) : QTableWidget(0, 4, parent) {
    setHorizontalHeaderLabels({tr("Measure"), tr("Value"), tr("Limit"), tr("Flag")});
    // the measure takes what the others leave and wraps; value, limit and flag are never cut
    // (widths set by fitColumns: on a narrow strip every column wraps, none is cut)
    horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    horizontalHeader()->setMinimumSectionSize(20);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    setWordWrap(true);
    setTextElideMode(Qt::ElideNone);
    verticalHeader()->hide();
    verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setFocusPolicy(Qt::NoFocus);   // the run's keys stay with the window
}

bool RunResultsTable::isTitleRow(int row) const { return columnSpan(row, 0) == columnCount(); }

QString RunResultsTable::rowText(int row) const {
    if (row < 0 || row >= rowCount()) return {};
    if (isTitleRow(row)) return item(row, 0) ? item(row, 0)->text() : QString();
    QStringList cells;
    cells << (item(row, 0) ? item(row, 0)->data(Qt::UserRole).toString() : QString());
    for (int c = 0; c < columnCount(); ++c) cells << (item(row, c) ? item(row, c)->text() : QString());
    return cells.join(QStringLiteral(" | "));
}

void RunResultsTable::addTitleRow(const QString& title) {
    const int row = rowCount();
    insertRow(row);
    auto* item = new QTableWidgetItem(title);
    QFont bold = item->font();
    bold.setBold(true);
    item->setFont(bold);
    item->setBackground(palette().alternateBase());
    setItem(row, 0, item);
    setSpan(row, 0, 1, columnCount());
    lastTitle_ = title;
}

void RunResultsTable::addRow(const QString& site, const QStringList& cells, bool abnormal) {
    if (site != lastTitle_ || rowCount() == 0) addTitleRow(site);
    const int row = rowCount();
    insertRow(row);
    for (int c = 0; c < cells.size() && c < columnCount(); ++c) {
        auto* item = new QTableWidgetItem(cells[c]);
        if (abnormal) item->setBackground(kAbnormal);
        if (c == 0) item->setData(Qt::UserRole, site);
        setItem(row, c, item);
    }
    if (abnormal) ++abnormal_;
}

void RunResultsTable::resizeEvent(QResizeEvent* event) {
    QTableWidget::resizeEvent(event);
    fitColumns();
}

void RunResultsTable::fitColumns() {
    // the wrapped rows' heights can bring or take the vertical scroll bar, which changes the
    // viewport's width without a resize event of the table: fit again until it holds still
    for (int pass = 0; pass < 3; ++pass) {
        const int before = viewport()->width();
        fitColumnsTo(before - 1);   // one pixel for the grid line after the last column
        resizeRowsToContents();   // the columns' widths changed: their wrapped lines too
        if (viewport()->width() == before) break;
    }
    updateGeometries();   // the scroll bars' ranges now, not at the next layout pass
}

void RunResultsTable::fitColumnsTo(int available) {
    // Each column's one-line width and its longest word (the least it can wrap to). When all fit on
    // one line, the measure column takes what the others leave; otherwise every column starts at its
    // longest word and the rest of the width goes to the columns in proportion to what they lack.
    const int n = columnCount();
    const int pad = 2 * style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, this) + 8;
    std::vector<int> oneLine(static_cast<std::size_t>(n), 0), longestWord(static_cast<std::size_t>(n), 0);
    for (int c = 0; c < n; ++c) {
        const QString title = horizontalHeaderItem(c) ? horizontalHeaderItem(c)->text() : QString();
        const int header = fontMetrics().horizontalAdvance(title) + pad;
        auto& line = oneLine[static_cast<std::size_t>(c)];
        auto& word = longestWord[static_cast<std::size_t>(c)];
        line = word = header;
        for (int r = 0; r < rowCount(); ++r) {
            const auto* it = item(r, c);
            if (!it || columnSpan(r, c) > 1) continue;
            const QFontMetrics fm(it->font());
            line = std::max(line, fm.horizontalAdvance(it->text()) + pad);
            for (const auto& w : it->text().split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts))
                word = std::max(word, fm.horizontalAdvance(w) + pad);
        }
    }
    int othersOneLine = 0;
    for (int c = 1; c < n; ++c) othersOneLine += oneLine[static_cast<std::size_t>(c)];
    if (othersOneLine + longestWord[0] <= available) {
        for (int c = 1; c < n; ++c) setColumnWidth(c, oneLine[static_cast<std::size_t>(c)]);
        setColumnWidth(0, available - othersOneLine);
    } else {
        int least = 0, lack = 0;
        for (int c = 0; c < n; ++c) {
            least += longestWord[static_cast<std::size_t>(c)];
            lack += oneLine[static_cast<std::size_t>(c)] - longestWord[static_cast<std::size_t>(c)];
        }
        const int spare = std::max(0, available - least);
        int used = 0;
        for (int c = 0; c < n; ++c) {
            const auto k = static_cast<std::size_t>(c);
            int w = longestWord[k] + (lack > 0 ? static_cast<int>(static_cast<long long>(spare) * (oneLine[k] - longestWord[k]) / lack) : 0);
            if (c == n - 1) w = std::max(longestWord[k], available - used);
            setColumnWidth(c, w);
            used += w;
        }
    }
}

void RunResultsTable::refresh(study::SessionStore* store, const std::string& studyId, const study::RunTest* test) {
    clearSpans();
    setRowCount(0);
    lastTitle_.clear();
    abnormal_ = 0;
    sideToSide_ = 0;
    if (!store || !test || !norms()) return;
    try {
        const auto s = store->study(studyId);
        const auto patient = s ? store->patient(s->patientId) : std::nullopt;
        if (!s || !patient) return;
        const auto subject = study::subjectFor(*patient, *s);
        if (test->kind == TestKind::Needle) addNeedleRows(*s, subject, *test);
        else addNerveRows(*s, subject, *test);
    } catch (const std::exception& e) {
        spdlog::warn("protocol run: results not read: {}", e.what());
    }
    fitColumns();
}

void RunResultsTable::addNerveRows(const study::Study& s, const study::SubjectInfo& subject, const study::RunTest& test) {
    for (const auto& e : study::evaluateStudy(s, *norms(), subject)) {
        if (e.kind != test.kind || e.subject != test.nerve || e.side != test.side) continue;
        const auto& ev = e.evaluation;
        // a late response has no site: its rows go under the side's name
        addRow(e.site.empty() ? q(std::string(study::toString(test.side))) : q(e.site),
               {titleOf(e.measurement.name), QStringLiteral("%1 %2").arg(ev.value, 0, 'f', 2).arg(q(ev.unit)), limitText(ev),
                ev.abnormal ? tr("abnormal") : tr("normal")},
               ev.abnormal);
    }
    // side to side, once both sides of this nerve are stored
    auto sides = study::ncsSideToSide(s, *norms(), subject);
    for (auto& h : study::hReflexSideToSide(s, *norms(), subject)) sides.push_back(std::move(h));
    for (const auto& d : sides) {
        const auto& e = d.evaluation;
        if (e.kind != test.kind || e.subject != test.nerve) continue;
        const auto& ev = e.evaluation;
        const QString against = d.worseSide == study::Side::Unspecified ? QString() : tr(", %1 side").arg(q(std::string(study::toString(d.worseSide))));
        addRow(tr("left vs right%1").arg(e.site.empty() ? QString() : QStringLiteral(", ") + q(e.site)),
               {titleOf(e.measurement.name), QStringLiteral("%1 %2").arg(ev.value, 0, 'f', 2).arg(q(ev.unit)), limitText(ev),
                ev.abnormal ? tr("abnormal%1").arg(against) : tr("normal")},
               ev.abnormal);
        ++sideToSide_;
    }
}

void RunResultsTable::addNeedleRows(const study::Study& s, const study::SubjectInfo& subject, const study::RunTest& test) {
    for (const auto& t : s.tests) {
        const auto* n = std::get_if<study::NeedleEmg>(&t);
        if (!n || n->side != test.side) continue;
        const QString muscle = q(n->muscle);
        const auto ref = needle::muapReference(n->muscle, subject.ageYears);
        const bool spontaneous = n->fibrillations > 0 || n->positiveSharpWaves > 0 || n->fasciculations > 0;
        addRow(muscle, {tr("Spontaneous activity"),
                tr("fibs %1, PSW %2, fasc %3").arg(gradeText(n->fibrillations), gradeText(n->positiveSharpWaves), gradeText(n->fasciculations)),
                tr("none"), spontaneous ? tr("abnormal") : tr("normal")},
               spontaneous);
        if (const auto* a = study::findMeasurement(n->measurements, "muapAmplitudeUv"))
            addRow(muscle, {tr("MUAP amplitude (mean)"), QStringLiteral("%1 µV").arg(a->value, 0, 'f', 0),
                    QStringLiteral("%1–%2 µV").arg(ref.amplitudeLowUv, 0, 'f', 0).arg(ref.amplitudeHighUv, 0, 'f', 0), gradeFlag(n->muapAmplitude)},
                   gradeAbnormal(n->muapAmplitude));
        if (const auto* d = study::findMeasurement(n->measurements, "muapDurationMs"))
            addRow(muscle, {tr("MUAP duration (mean)"), QStringLiteral("%1 ms").arg(d->value, 0, 'f', 1),
                    QStringLiteral("%1 ms ± %2 %").arg(ref.meanDurationMs, 0, 'f', 1).arg(ref.durationLimitPercent, 0, 'f', 0), gradeFlag(n->muapDuration)},
                   gradeAbnormal(n->muapDuration));
        if (const auto* p = study::findMeasurement(n->measurements, "polyphasicPct"))
            addRow(muscle, {tr("Polyphasic MUAPs"), QStringLiteral("%1 %").arg(p->value, 0, 'f', 0),
                    QStringLiteral("≤ %1 %").arg(ref.polyphasicMaxPercent, 0, 'f', 0), gradeFlag(n->polyphasia)},
                   n->polyphasia == study::Grade3::Increased);
        const bool recruitmentOff = n->recruitment == study::Recruitment::Reduced || n->recruitment == study::Recruitment::Early;
        addRow(muscle, {tr("Recruitment"), q(std::string(study::toString(n->recruitment))), tr("normal"),
                recruitmentOff                                             ? tr("abnormal")
                : n->recruitment == study::Recruitment::NotAssessed ? tr("not assessed")
                                                                    : tr("normal")},
               recruitmentOff);
        addRow(muscle, {tr("Reading"), n->neurogenic() ? tr("neurogenic") : n->abnormal() ? tr("abnormal, not neurogenic") : tr("normal"),
                QString(), n->abnormal() ? tr("abnormal") : tr("normal")},
               n->abnormal());
    }
}

}  // namespace emg::ui

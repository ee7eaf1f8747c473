// The protocol run's results table (run_results_table.h).
#include "run_results_table.h"

#include <emg/study/evaluation.h>
#include <emg/study/protocol_run.h>

#include <QHeaderView>

#include <cmath>

#include <spdlog/spdlog.h>

namespace emg::ui {

namespace {
const QColor kAbnormal(255, 215, 210);

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
}  // namespace

RunResultsTable::RunResultsTable(QWidget* parent) : QTableWidget(0, 5, parent) {
    setHorizontalHeaderLabels({tr("Site"), tr("Measure"), tr("Value"), tr("Limit"), tr("Flag")});
    horizontalHeader()->setStretchLastSection(true);
    verticalHeader()->hide();
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setFocusPolicy(Qt::NoFocus);   // the run's keys stay with the window
}

void RunResultsTable::refresh(study::SessionStore* store, const std::string& studyId, const study::RunTest* test) {
    setRowCount(0);
    abnormal_ = 0;
    if (!store || !test || !norms()) return;
    try {
        const auto s = store->study(studyId);
        const auto patient = s ? store->patient(s->patientId) : std::nullopt;
        if (!s || !patient) return;
        for (const auto& e : study::evaluateStudy(*s, *norms(), study::subjectFor(*patient, *s))) {
            if (e.kind != test->kind || e.subject != test->nerve || e.side != test->side) continue;
            const int row = rowCount();
            insertRow(row);
            const auto& ev = e.evaluation;
            const QString limit = QStringLiteral("%1 %2 %3")
                                      .arg(ev.kind == study::LimitKind::Upper ? QStringLiteral("≤") : QStringLiteral("≥"))
                                      .arg(ev.limit, 0, 'f', std::abs(ev.limit) >= 100.0 ? 0 : 1)
                                      .arg(QString::fromStdString(ev.unit));
            const QStringList cells{QString::fromStdString(e.site), QString::fromStdString(e.measurement.name),
                                    QStringLiteral("%1 %2").arg(ev.value, 0, 'f', 2).arg(QString::fromStdString(ev.unit)), limit,
                                    ev.abnormal ? tr("abnormal") : tr("normal")};
            for (int c = 0; c < cells.size(); ++c) {
                auto* item = new QTableWidgetItem(cells[c]);
                if (ev.abnormal) item->setBackground(kAbnormal);
                setItem(row, c, item);
            }
            if (ev.abnormal) ++abnormal_;
        }
    } catch (const std::exception& e) {
        spdlog::warn("protocol run: results not read: {}", e.what());
    }
    resizeColumnsToContents();
}

}  // namespace emg::ui

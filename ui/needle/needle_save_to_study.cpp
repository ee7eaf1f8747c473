// The needle panel's "Save to study": the findings grid's rows into the active study through the
// study session (emg/study/study_session.h), as needle tests (emg/study/needle_entry.h).
#include "needle_panel.h"

#include "active_study.h"
#include "needle_findings_grid.h"
#include "study_save_bar.h"

#include <emg/study/myotomes.h>
#include <emg/study/session_store.h>

#include <QCompleter>
#include <QLineEdit>
#include <QStringList>

#include <spdlog/spdlog.h>

#include <optional>
#include <stdexcept>
#include <vector>

namespace emg::ui {

namespace {

std::vector<study::NeedleFindingsRow> rowsOf(const NeedleFindingsGrid& grid, const std::string& placedBy) {
    std::vector<study::NeedleFindingsRow> rows;
    for (int r = 0; r < grid.rowCount(); ++r) {
        study::NeedleFindingsRow row;
        row.muscle = grid.cell(r, 0).trimmed().toStdString();
        const QString side = grid.cell(r, NeedleFindingsGrid::kSideColumn).trimmed().toLower();
        try {
            row.side = side.isEmpty() ? study::Side::Unspecified : study::parseSide(side.toStdString());
        } catch (const std::exception& e) {
            throw std::invalid_argument((row.muscle.empty() ? std::string("a row") : row.muscle) + ": side: " + e.what());
        }
        for (int c = 1; c <= static_cast<int>(row.cells.size()); ++c)
            row.cells[static_cast<std::size_t>(c - 1)] = {grid.cell(r, c).trimmed().toStdString(), grid.editedByClinician(r, c)};
        row.placedBy = placedBy;
        row.raw = grid.rowSource(r);
        row.automaticReading = grid.rowReading(r);
        rows.push_back(std::move(row));
    }
    return rows;
}

/// The myotome map the localization uses, loaded once (none when it cannot be read).
const std::optional<study::MyotomeMap>& myotomes() {
    static const std::optional<study::MyotomeMap> map = []() -> std::optional<study::MyotomeMap> {
        try {
            return study::MyotomeMap::loadDefault();
        } catch (const std::exception& e) {
            spdlog::warn("needle panel: myotome map not loaded, muscle names are not checked: {}", e.what());
            return std::nullopt;
        }
    }();
    return map;
}

/// The map's spelling of the muscle (names match case-insensitively); false when it has none.
bool canonicalMuscle(std::string& muscle) {
    if (!myotomes()) return true;
    const QString typed = QString::fromStdString(muscle);
    for (const auto& m : myotomes()->muscles())
        if (QString::fromStdString(m.name).compare(typed, Qt::CaseInsensitive) == 0) {
            muscle = m.name;
            return true;
        }
    return false;
}

}  // namespace

void NeedlePanel::setStudyTarget(study::SessionStore* store, ActiveStudy* active) {
    saveBar_->setTarget(store, active);
    if (myotomes() && !muscle_->completer()) {   // the names the localization knows
        QStringList names;
        for (const auto& m : myotomes()->muscles()) names << QString::fromStdString(m.name);
        auto* completer = new QCompleter(names, muscle_);
        completer->setCaseSensitivity(Qt::CaseInsensitive);
        completer->setFilterMode(Qt::MatchContains);
        muscle_->setCompleter(completer);
    }
}

bool NeedlePanel::saveToStudy() {
    if (grid_->rowCount() == 0) {
        saveBar_->setStatus(tr("Nothing to save: analyse a muscle or type its findings first."), true);
        return false;
    }
    auto session = saveBar_->openSession();
    if (!session) return false;
    int replaced = 0, added = 0;
    QStringList unknown;   // muscles the localization cannot place
    try {
        auto rows = rowsOf(*grid_, {});   // placedBy: the study's examiner
        for (auto& row : rows)
            if (!row.muscle.empty() && !canonicalMuscle(row.muscle)) unknown << QString::fromStdString(row.muscle);
        for (const auto& saved : session->saveNeedleRows(std::move(rows))) (saved.replaced ? replaced : added) += 1;
    } catch (const std::exception& e) {
        saveBar_->failed(QString::fromStdString(e.what()));
        return false;
    }
    QString text = tr("Saved %n muscle(s): %1 new, %2 replaced.", nullptr, added + replaced).arg(added).arg(replaced);
    if (!unknown.isEmpty()) {
        text += QLatin1Char(' ') + tr("Not in the myotome map, so the localization leaves out: %1.").arg(unknown.join(QStringLiteral(", ")));
        spdlog::warn("needle panel: muscles not in the myotome map: {}", unknown.join(QStringLiteral(", ")).toStdString());
    }
    saveBar_->saved(text);
    return true;
}

}  // namespace emg::ui

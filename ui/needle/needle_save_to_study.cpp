// The needle panel's "Save to study": the findings grid's rows into the active study of the
// session store, as needle tests (ui/needle/needle_study_entry.h), then the panels are told.
#include "needle_panel.h"

#include "active_study.h"
#include "needle_findings_grid.h"
#include "needle_save_bar.h"

#ifdef EMGWS_NEEDLE_SAVE_TO_STUDY
#include "needle_study_entry.h"

#include <emg/study/myotomes.h>
#include <emg/study/session_store.h>

#include <QCompleter>
#include <QLineEdit>
#include <QStringList>

#include <spdlog/spdlog.h>

#include <optional>
#include <stdexcept>
#include <vector>
#endif

namespace emg::ui {

#ifdef EMGWS_NEEDLE_SAVE_TO_STUDY
namespace {

std::vector<NeedleFindingsRow> rowsOf(const NeedleFindingsGrid& grid, const std::string& placedBy) {
    std::vector<NeedleFindingsRow> rows;
    for (int r = 0; r < grid.rowCount(); ++r) {
        NeedleFindingsRow row;
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
    if (active_) disconnect(active_, &ActiveStudy::changed, saveBar_, nullptr);   // a second call replaces the first target
    store_ = store;
    active_ = active;
    const auto show = [this] {
        if (!store_) saveBar_->setTarget({}, tr("No session store is open: findings cannot be stored."));
        else if (!active_ || !active_->isSet()) saveBar_->setTarget({}, tr("No active study: choose one in the Study tab."));
        else saveBar_->setTarget(active_->label(), {});
    };
    if (active_) connect(active_, &ActiveStudy::changed, saveBar_, show);
    show();
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
    if (!store_ || !active_ || !active_->isSet()) {
        saveBar_->setStatus(store_ ? tr("No active study: choose one in the Study tab.") : tr("No session store is open."), true);
        return false;
    }
    if (grid_->rowCount() == 0) {
        saveBar_->setStatus(tr("Nothing to save: analyse a muscle or type its findings first."), true);
        return false;
    }
    int replaced = 0, added = 0;
    QStringList unknown;   // muscles the localization cannot place
    try {
        auto s = store_->study(active_->studyId().toStdString());
        if (!s) throw study::StoreError("the active study is no longer in the store");
        for (const auto& row : rowsOf(*grid_, s->examiner)) {
            try {
                auto test = needleTestFrom(row);
                if (!canonicalMuscle(test.muscle)) unknown << QString::fromStdString(test.muscle);
                (putNeedleTest(*s, std::move(test)) ? replaced : added) += 1;
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument((row.muscle.empty() ? std::string("a row") : row.muscle) + ": " + e.what());
            }
        }
        store_->saveStudy(*s);
    } catch (const std::exception& e) {
        saveBar_->setStatus(tr("Not saved: %1").arg(QString::fromStdString(e.what())), true);
        spdlog::error("needle panel: save to study failed: {}", e.what());
        return false;
    }
    QString text = tr("Saved %n muscle(s): %1 new, %2 replaced.", nullptr, added + replaced).arg(added).arg(replaced);
    if (!unknown.isEmpty()) {
        text += QLatin1Char(' ') + tr("Not in the myotome map, so the localization leaves out: %1.").arg(unknown.join(QStringLiteral(", ")));
        spdlog::warn("needle panel: muscles not in the myotome map: {}", unknown.join(QStringLiteral(", ")).toStdString());
    }
    saveBar_->setStatus(text, false);
    spdlog::info("needle panel: {} needle tests saved to study {} ({} replaced)", added + replaced, active_->studyId().toStdString(), replaced);
    active_->notifyModified();
    return true;
}
#else
void NeedlePanel::setStudyTarget(study::SessionStore* store, ActiveStudy* active) {
    store_ = store;
    active_ = active;
    saveBar_->setTarget({}, tr("This build has no session store: findings cannot be stored."));
}

bool NeedlePanel::saveToStudy() {
    saveBar_->setStatus(tr("Not saved: this build has no session store."), true);
    return false;
}
#endif

}  // namespace emg::ui

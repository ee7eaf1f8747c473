// The Late responses tab's "Save to study": the current mode's engine result into the active
// study of the session store (late_study_entry.h), guided by the study protocol's late-response
// tests, then the panels are told (ActiveStudy::modified).
#include "late_responses_panel.h"

#include "active_study.h"

#include <QVBoxLayout>

#ifdef EMGWS_LATE_SAVE_TO_STUDY
#include "late_save_bar.h"
#include "late_study_entry.h"

#include <emg/study/protocol.h>
#include <emg/study/session_store.h>

#include <spdlog/spdlog.h>

#include <optional>
#include <vector>
#endif

namespace emg::ui {

#ifdef EMGWS_LATE_SAVE_TO_STUDY
namespace {

/// The installed protocols, read once (none when they cannot be read: hand entry only).
const std::vector<study::Protocol>& installedProtocols() {
    static const std::vector<study::Protocol> all = []() -> std::vector<study::Protocol> {
        try {
            return study::loadDefaultProtocols();
        } catch (const std::exception& e) {
            spdlog::warn("late responses: protocols not loaded, Save to study is typed by hand: {}", e.what());
            return {};
        }
    }();
    return all;
}

std::vector<study::ProtocolStep> protocolStepsOf(study::SessionStore& store, const QString& studyId) {
    try {
        const auto s = store.study(studyId.toStdString());
        if (!s || s->protocolId.empty()) return {};
        for (const auto& p : installedProtocols())
            if (p.id == s->protocolId) return p.steps;
        spdlog::warn("late responses: protocol '{}' of study {} is not installed", s->protocolId, s->id);
    } catch (const std::exception& e) {
        spdlog::warn("late responses: study {} not read for its protocol: {}", studyId.toStdString(), e.what());
    }
    return {};
}

std::optional<study::TestKind> kindOf(LateMode mode) {
    switch (mode) {
        case LateMode::FWave: return study::TestKind::FWave;
        case LateMode::HReflex: return study::TestKind::HReflex;
        case LateMode::Rns: return study::TestKind::Rns;
        case LateMode::Supramaximal: return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace

void LateResponsesPanel::addSaveRow(QVBoxLayout* layout) {
    saveBar_ = new LateSaveBar(this);
    layout->addWidget(saveBar_);
    connect(saveBar_, &LateSaveBar::saveRequested, this, &LateResponsesPanel::saveToStudy);
}

void LateResponsesPanel::offerProtocolTests() {
    if (!saveBar_) return;
    const auto kind = kindOf(mode_);
    const bool haveStudy = store_ && active_ && active_->isSet();
    saveBar_->setProtocolTests(kind.value_or(study::TestKind::FWave),
                               haveStudy && kind ? protocolStepsOf(*store_, active_->studyId()) : std::vector<study::ProtocolStep>{});
    if (!store_) saveBar_->setStudy({}, tr("No session store is open: results cannot be stored."));
    else if (!haveStudy) saveBar_->setStudy({}, tr("No active study: choose one in the Study tab."));
    else if (!kind) saveBar_->setStudy({}, tr("The supramaximal search is not a study test: choose F-wave, H-reflex or RNS."));
    else saveBar_->setStudy(active_->label(), {});
}

void LateResponsesPanel::setStudyTarget(study::SessionStore* store, ActiveStudy* active) {
    if (active_) disconnect(active_, &ActiveStudy::changed, this, nullptr);   // a second call replaces the first target
    store_ = store;
    active_ = active;
    if (active_) connect(active_, &ActiveStudy::changed, this, [this] { offerProtocolTests(); });
    offerProtocolTests();
}

bool LateResponsesPanel::saveToStudy() {
    if (!store_ || !active_ || !active_->isSet()) {
        saveBar_->setStatus(store_ ? tr("No active study: choose one in the Study tab.") : tr("No session store is open."), true);
        return false;
    }
    const auto where = saveBar_->target();
    std::optional<study::Test> test;
    const auto& a = analysis_;
    if (mode_ == LateMode::FWave && a.fwave && a.fwave->stimuli > 0) test = fwaveTestFrom(*a.fwave, where);
    else if (mode_ == LateMode::HReflex && a.hreflex && !a.hreflex->sweeps.empty()) test = hreflexTestFrom(*a.hreflex, where);
    else if (mode_ == LateMode::Rns && a.rns && !a.rns->responses.empty()) test = rnsTestFrom(*a.rns, where);
    if (!test) {
        saveBar_->setStatus(mode_ == LateMode::Supramaximal ? tr("The supramaximal search is not stored: choose F-wave, H-reflex or RNS.")
                                                            : tr("Nothing to save: no %1 result yet.").arg(QString::fromUtf8(toString(mode_))),
                            true);
        return false;
    }
    const QString what = QString::fromStdString(study::subjectOf(*test));
    bool replaced = false;
    try {
        auto s = store_->study(active_->studyId().toStdString());
        if (!s) throw study::StoreError("the active study is no longer in the store");
        replaced = putLateTest(*s, std::move(*test));
        store_->saveStudy(*s);
    } catch (const std::exception& e) {
        saveBar_->setStatus(tr("Not saved: %1").arg(QString::fromStdString(e.what())), true);
        spdlog::error("late responses: save to study failed: {}", e.what());
        return false;
    }
    saveBar_->setStatus(replaced ? tr("%1 %2 replaced in the study.").arg(QString::fromUtf8(toString(mode_)), what)
                                 : tr("%1 %2 saved to the study.").arg(QString::fromUtf8(toString(mode_)), what),
                        false);
    spdlog::info("late responses: {} {} saved to study {}{}", toString(mode_), what.toStdString(), active_->studyId().toStdString(),
                 replaced ? " (replaced)" : "");
    active_->notifyModified();
    return true;
}
#else
void LateResponsesPanel::addSaveRow(QVBoxLayout*) {}
void LateResponsesPanel::offerProtocolTests() {}

void LateResponsesPanel::setStudyTarget(study::SessionStore* store, ActiveStudy* active) {
    store_ = store;
    active_ = active;
}

bool LateResponsesPanel::saveToStudy() { return false; }
#endif

}  // namespace emg::ui

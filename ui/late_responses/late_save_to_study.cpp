// The Late responses tab's "Save to study": the current mode's engine result into the active
// study through the study session (emg/study/study_session.h), guided by the study protocol's
// late-response tests.
#include "late_responses_panel.h"

#include "late_save_bar.h"

#include <QVBoxLayout>

#include <optional>
#include <vector>

namespace emg::ui {

void LateResponsesPanel::addSaveRow(QVBoxLayout* layout) {
    saveBar_ = new LateSaveBar(this);
    layout->addWidget(saveBar_);
    connect(saveBar_, &StudySaveBar::saveRequested, this, &LateResponsesPanel::saveToStudy);
    connect(saveBar_, &StudySaveBar::targetChanged, this, &LateResponsesPanel::offerProtocolTests);
}

void LateResponsesPanel::offerProtocolTests() {
    if (!saveBar_) return;
    const auto kind = study::testKindOf(mode_);
    auto session = kind && saveBar_->hasStudy() ? saveBar_->openSession() : std::nullopt;
    saveBar_->setProtocolTests(kind.value_or(study::TestKind::FWave), session ? session->protocolSteps() : std::vector<study::ProtocolStep>{});
    saveBar_->setBlocked(kind ? QString() : tr("The supramaximal search is not a study test: choose F-wave, H-reflex or RNS."));
}

void LateResponsesPanel::setStudyTarget(study::SessionStore* store, ActiveStudy* active) { saveBar_->setTarget(store, active); }

bool LateResponsesPanel::saveToStudy() {
    if (!study::testKindOf(mode_)) {
        saveBar_->setStatus(tr("The supramaximal search is not stored: choose F-wave, H-reflex or RNS."), true);
        return false;
    }
    const auto& a = analysis_;
    const bool haveResult = (mode_ == study::LateMode::FWave && a.fwave && a.fwave->stimuli > 0) ||
                            (mode_ == study::LateMode::HReflex && a.hreflex && !a.hreflex->sweeps.empty()) ||
                            (mode_ == study::LateMode::Rns && a.rns && !a.rns->responses.empty());
    if (!haveResult) {
        saveBar_->setStatus(tr("Nothing to save: no %1 result yet.").arg(QString::fromUtf8(study::toString(mode_))), true);
        return false;
    }
    auto session = saveBar_->openSession();
    if (!session) return false;
    auto where = saveBar_->target();
    where.source = measuredSource();
    if (!a.stimuliSource.empty())   // the recording marked none: every stored value says how its stimuli were placed
        where.source = (where.source.empty() ? std::string("the recording") : where.source + ";") + " " + a.stimuliSource;
    study::SavedEntry saved;
    try {
        if (mode_ == study::LateMode::FWave) saved = session->saveFWave(*a.fwave, where);
        else if (mode_ == study::LateMode::HReflex) saved = session->saveHReflex(*a.hreflex, where);
        else saved = session->saveRns(*a.rns, where, a.rnsFirstResponseChangePercent);
    } catch (const std::exception& e) {
        saveBar_->failed(QString::fromStdString(e.what()));
        return false;
    }
    const QString mode = QString::fromUtf8(study::toString(mode_)), what = QString::fromStdString(saved.subject);
    const QString condition = mode_ == study::LateMode::Rns && !where.condition.empty() ? tr(" (%1)").arg(QString::fromStdString(where.condition)) : QString();
    saveBar_->saved(saved.replaced ? tr("%1 %2%3 replaced in the study.").arg(mode, what, condition)
                                   : tr("%1 %2%3 saved to the study.").arg(mode, what, condition));
    return true;
}

}  // namespace emg::ui

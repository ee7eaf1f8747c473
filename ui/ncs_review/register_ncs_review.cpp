// Registers the NCS review panel with the main window.
#include "ncs_review_panel.h"

#include "acquisition_session.h"
#include "panel_registry.h"

namespace {
emg::ui::PanelDescriptor withSpans(emg::ui::PanelDescriptor d) {
    d.measureSpan = [](QWidget* w, std::shared_ptr<const emg::Recording> span, const emg::review::SpanProvenance& provenance) {
        auto* panel = qobject_cast<emg::ui::NcsReviewPanel*>(w);
        return panel && span && panel->measureRecording(*span, provenance);
    };
    return d;
}

const emg::ui::PanelRegistration kNcsReview{withSpans({"ncs-review", QObject::tr("NCS review"), emg::ui::PanelPlacement::Tab,
                                             [](const emg::ui::PanelContext& ctx) -> QWidget* {
                                                 auto* panel = new emg::ui::NcsReviewPanel(
                                                     ctx.session->displayBuffer(), ctx.parent);
                                                 panel->setDeviceName(ctx.session->deviceName());
                                                 panel->setStudyTarget(ctx.store, ctx.activeStudy);
                                                 QObject::connect(ctx.session, &emg::ui::AcquisitionSession::deviceChanged,
                                                                  panel, &emg::ui::NcsReviewPanel::setDeviceName);
                                                 return panel;
                                             },
                                             20})};
}  // namespace

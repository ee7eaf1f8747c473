// Registers the "Late responses" tab with the main window (after NCS review).
#include "late_responses_panel.h"

#include "acquisition_session.h"
#include "panel_registry.h"

namespace {
emg::ui::PanelDescriptor withSpans(emg::ui::PanelDescriptor d) {
    // the late-response series of the span (the CLI's chain); a saved result keeps the span's provenance
    d.measureSpan = [](QWidget* w, std::shared_ptr<const emg::Recording> span, const emg::review::SpanProvenance& provenance) {
        auto* panel = qobject_cast<emg::ui::LateResponsesPanel*>(w);
        return panel && span && panel->analyzeRecording(std::move(span), provenance);
    };
    return d;
}

const emg::ui::PanelRegistration kLateResponses{withSpans({"late-responses", QObject::tr("Late responses"), emg::ui::PanelPlacement::Tab,
                                                 [](const emg::ui::PanelContext& ctx) -> QWidget* {
                                                     auto* panel = new emg::ui::LateResponsesPanel(ctx.session->displayBuffer(), ctx.parent);
                                                     auto* session = ctx.session;
                                                     panel->setRecordingSource([session] { return session->recording(); });
                                                     panel->setStudyTarget(ctx.store, ctx.activeStudy);
                                                     return panel;
                                                 },
                                                 25})};
}  // namespace

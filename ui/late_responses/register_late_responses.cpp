// Registers the "Late responses" tab with the main window (after NCS review).
#include "late_responses_panel.h"

#include "acquisition_session.h"
#include "panel_registry.h"

namespace {
const emg::ui::PanelRegistration kLateResponses{{"late-responses", QObject::tr("Late responses"), emg::ui::PanelPlacement::Tab,
                                                 [](const emg::ui::PanelContext& ctx) -> QWidget* {
                                                     auto* panel = new emg::ui::LateResponsesPanel(ctx.session->displayBuffer(), ctx.parent);
                                                     auto* session = ctx.session;
                                                     panel->setRecordingSource([session] { return session->recording(); });
                                                     panel->setStudyTarget(ctx.store, ctx.activeStudy);
                                                     return panel;
                                                 },
                                                 25}};
}  // namespace

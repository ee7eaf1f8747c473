// Registers the Study tab (first of the panels) with the main window.
#include "study_panel.h"

#include "panel_registry.h"

namespace {
const emg::ui::PanelRegistration kStudy{{"study", QObject::tr("Study"), emg::ui::PanelPlacement::Tab,
                                         [](const emg::ui::PanelContext& ctx) -> QWidget* {
                                             return new emg::ui::StudyPanel(ctx.store, ctx.session, ctx.activeStudy, ctx.parent,
                                                                            ctx.reviewRecording);
                                         },
                                         5}};
}  // namespace

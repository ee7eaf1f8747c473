// Registers the protocol-run strip (bottom dock) with the main window.
#include "protocol_run_strip.h"

#include "panel_registry.h"

namespace {
const emg::ui::PanelRegistration kProtocolRun{{"protocol-run", QObject::tr("Protocol run"), emg::ui::PanelPlacement::DockBottom,
                                               [](const emg::ui::PanelContext& ctx) -> QWidget* {
                                                   return new emg::ui::ProtocolRunStrip(ctx);
                                               },
                                               50,
                                               {}}};
}  // namespace

#pragma once
// Panels that engine areas add to the main window without editing it (needle EMG, NCS review,
// ...). An area registers a factory once, at static-initialisation time, from its own .cpp:
//
//   #include "panel_registry.h"
//   namespace {
//   const emg::ui::PanelRegistration reg{{"needle", "Needle EMG", emg::ui::PanelPlacement::Tab,
//       [](const emg::ui::PanelContext& ctx) -> QWidget* { return new NeedlePanel(ctx); }}};
//   }
//
// Build: a folder ui/<area>/ with a CMakeLists.txt that calls
//   emgws_add_panel(NAME emgws_panel_<area> SOURCES ... LIBS emg_<area> ...)
// (defined in ui/CMakeLists.txt; an OBJECT library with AUTOMOC, so the registration is always
// linked into emgws and test_ui). Without a CMakeLists.txt the folder's *.cpp are compiled into
// one such panel library automatically.

#include <emg/review/span_provenance.h>

#include <QString>
#include <QWidget>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace emg {
struct Recording;
}
namespace emg::study {
class SessionStore;
}

namespace emg::ui {

class AcquisitionSession;
class ActiveStudy;
class DisplayControls;
class StimulatorPanel;

/// What a panel can reach: the live acquisition (device, engine stats, display buffer, the
/// recording being replayed, stimulation), the main window as parent, the session store and the
/// active study.
struct PanelContext {
    AcquisitionSession* session = nullptr;
    QWidget* parent = nullptr;
    study::SessionStore* store = nullptr;   ///< the open session store, or null (none in this build / failed)
    ActiveStudy* activeStudy = nullptr;     ///< the study being worked on (ui/active_study.h); never null in the main window
    /// Opens a recording file for review in place of the current device (the main window's
    /// File > Open recording); false with the reason in the status bar when it cannot. May be empty.
    std::function<bool(const QString& path)> reviewRecording;
    /// The window's stimulator and live-trace controls (the protocol run sets their presets); may be null.
    StimulatorPanel* stimulator = nullptr;
    DisplayControls* display = nullptr;
    /// Where the workstation keeps its files (recordings, a study's waveforms); may be empty.
    QString dataDirectory;
};

enum class PanelPlacement { Tab, DockRight, DockBottom };

struct PanelDescriptor {
    std::string id;          ///< unique, e.g. "needle", "ncs-review"
    QString title;           ///< tab or dock title
    PanelPlacement placement = PanelPlacement::Tab;
    std::function<QWidget*(const PanelContext&)> create;
    int order = 100;         ///< tabs are shown in ascending order, then by id
    /// How the panel measures a span of a recording sent from the review view ("Measure span…",
    /// issue 13): called with the widget `create` returned; false when it measured nothing.
    /// Empty: the panel takes no spans.
    std::function<bool(QWidget* panel, std::shared_ptr<const Recording> span, const review::SpanProvenance& provenance)> measureSpan;
};

class PanelRegistry {
public:
    static PanelRegistry& instance();
    /// Throws std::invalid_argument for an empty id, a missing factory or a duplicate id.
    void add(PanelDescriptor descriptor);
    /// All registered panels, sorted by (order, id).
    std::vector<PanelDescriptor> panels() const;

private:
    std::vector<PanelDescriptor> panels_;
};

/// Registers a panel when constructed (use as a namespace-scope static in the panel's .cpp).
struct PanelRegistration {
    explicit PanelRegistration(PanelDescriptor descriptor);
};

}  // namespace emg::ui

#include "panel_registry.h"

#include <algorithm>
#include <stdexcept>

namespace emg::ui {

PanelRegistry& PanelRegistry::instance() {
    static PanelRegistry registry;
    return registry;
}

void PanelRegistry::add(PanelDescriptor descriptor) {
    if (descriptor.id.empty()) throw std::invalid_argument("panel registry: empty panel id");
    if (!descriptor.create) throw std::invalid_argument("panel registry: panel '" + descriptor.id + "' has no factory");
    const bool duplicate = std::any_of(panels_.begin(), panels_.end(),
                                       [&](const PanelDescriptor& p) { return p.id == descriptor.id; });
    if (duplicate) throw std::invalid_argument("panel registry: duplicate panel id '" + descriptor.id + "'");
    panels_.push_back(std::move(descriptor));
}

std::vector<PanelDescriptor> PanelRegistry::panels() const {
    auto sorted = panels_;
    std::sort(sorted.begin(), sorted.end(), [](const PanelDescriptor& a, const PanelDescriptor& b) {
        return a.order != b.order ? a.order < b.order : a.id < b.id;
    });
    return sorted;
}

PanelRegistration::PanelRegistration(PanelDescriptor descriptor) {
    PanelRegistry::instance().add(std::move(descriptor));
}

}  // namespace emg::ui

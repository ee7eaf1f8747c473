#include <emg/acq/device.h>
#include <emg/core/sample_types.h>
#include <emg/core/test_kind.h>

namespace emg {

const char* toString(ElectrodeKind kind) noexcept {
    switch (kind) {
        case ElectrodeKind::Surface: return "surface";
        case ElectrodeKind::Needle: return "needle";
        case ElectrodeKind::Trigger: return "trigger";
        case ElectrodeKind::Other: return "other";
    }
    return "?";
}

const char* testKindName(TestKind kind) noexcept {
    switch (kind) {
        case TestKind::Motor: return "motor";
        case TestKind::Sensory: return "sensory";
        case TestKind::FWave: return "fwave";
        case TestKind::HReflex: return "hreflex";
        case TestKind::Rns: return "rns";
        case TestKind::Needle: return "needle";
    }
    return "?";
}

const char* toString(DeviceState state) noexcept {
    switch (state) {
        case DeviceState::Closed: return "closed";
        case DeviceState::Open: return "open";
        case DeviceState::Configured: return "configured";
        case DeviceState::Running: return "running";
        case DeviceState::Error: return "error";
        case DeviceState::Disconnected: return "disconnected";
    }
    return "?";
}

}  // namespace emg

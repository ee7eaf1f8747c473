#include <emg/acq/stimulator.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace emg {

std::optional<std::string> validateStimulus(const StimulusCommand& cmd, const StimulatorLimits& device) {
    std::ostringstream why;
    if (!device.present) return std::string("this device has no stimulator");
    const double maxMa = std::min(device.maxIntensityMa, kAbsoluteStimulatorBounds.maxIntensityMa);
    const double minWidth = std::max(device.minPulseWidthMs, kAbsoluteStimulatorBounds.minPulseWidthMs);
    const double maxWidth = std::min(device.maxPulseWidthMs, kAbsoluteStimulatorBounds.maxPulseWidthMs);
    const double maxRate = std::min(device.maxTrainRateHz, kAbsoluteStimulatorBounds.maxTrainRateHz);
    const auto maxCount = std::min(device.maxTrainCount, kAbsoluteStimulatorBounds.maxTrainCount);
    if (!std::isfinite(cmd.intensityMa) || cmd.intensityMa < 0.0 || cmd.intensityMa > maxMa) {
        why << "stimulus intensity " << cmd.intensityMa << " mA is outside 0.." << maxMa << " mA";
        return why.str();
    }
    if (!std::isfinite(cmd.pulseWidthMs) || cmd.pulseWidthMs < minWidth - 1e-9 || cmd.pulseWidthMs > maxWidth + 1e-9) {
        why << "pulse width " << cmd.pulseWidthMs << " ms is outside " << minWidth << ".." << maxWidth << " ms";
        return why.str();
    }
    if (cmd.trainCount == 0 || cmd.trainCount > maxCount) {
        why << "train of " << cmd.trainCount << " pulses is outside 1.." << maxCount;
        return why.str();
    }
    if (cmd.trainCount > 1) {
        if (!std::isfinite(cmd.trainRateHz) || cmd.trainRateHz <= 0.0 || cmd.trainRateHz > maxRate) {
            why << "train rate " << cmd.trainRateHz << " Hz is outside (0.." << maxRate << "] Hz";
            return why.str();
        }
    }
    return std::nullopt;
}

}  // namespace emg

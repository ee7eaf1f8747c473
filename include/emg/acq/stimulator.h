#pragma once
// Stimulator commands and the engine-side safety bound. Every device checks a command with
// validateStimulus() before anything reaches hardware; the UI bound is a convenience, this is the rule.

#include <cstdint>
#include <optional>
#include <string>

namespace emg {

enum class StimPolarity : std::uint8_t { CathodeDistal, CathodeProximal };

struct StimulusCommand {
    double intensityMa = 0.0;     ///< constant-current amplitude
    double pulseWidthMs = 0.1;
    StimPolarity polarity = StimPolarity::CathodeDistal;
    std::uint16_t trainCount = 1; ///< 1 = single shock; N for a train (e.g. 10 for RNS)
    double trainRateHz = 0.0;     ///< pulses per second within a train (ignored for single shocks)
    std::uint16_t siteId = 0;     ///< which stimulation site this shock is for (study bookkeeping)
};

/// What a particular stimulator can do (reported by the device).
struct StimulatorLimits {
    double maxIntensityMa = 100.0;
    double minPulseWidthMs = 0.05;
    double maxPulseWidthMs = 1.0;
    double maxTrainRateHz = 50.0;
    std::uint16_t maxTrainCount = 100;
    bool present = true;
};

/// Absolute bounds for clinical constant-current nerve stimulation (IEC 60601-2-40 class
/// equipment; clinical stimulators give at most 100 mA, pulses of 0.05–1 ms, trains up to 50 Hz).
/// No device limit can widen these.
inline constexpr StimulatorLimits kAbsoluteStimulatorBounds{100.0, 0.05, 1.0, 50.0, 100, true};

/// Returns an error message if the command is outside the device limits or the absolute bounds.
std::optional<std::string> validateStimulus(const StimulusCommand& cmd, const StimulatorLimits& device);

}  // namespace emg

#pragma once
// The stimulus ramp (Qt-free): one step per stimulate press (or automatic steps at least 1 s apart
// while the key is held), from the protocol's start intensity in its steps until the response stops
// growing (the engine's supramaximal plateau, dsp::findSupramaximal), then one stimulus at 1.2 x the
// plateau intensity. It never goes above the protocol's ceiling nor the stimulator's bound (the
// device's limits within kAbsoluteStimulatorBounds; every command passes validateStimulus), stops
// there, and stops at once on abort. Every delivered current is kept with its response.

#include <emg/acq/stimulator.h>
#include <emg/dsp/late_responses.h>
#include <emg/study/protocol.h>

#include <optional>
#include <string>
#include <vector>

namespace emg::study {

struct RampSettings {
    double startMa = 10.0;
    double stepMa = 5.0;
    double ceilingMa = 100.0;          ///< the protocol's ceiling
    double pulseWidthMs = 0.2;
    double plateauChangePercent = 5.0; ///< a response within this of every later one has stopped growing
    double minHeldIntervalSec = 1.0;   ///< automatic steps while held: at least this far apart
    double supramaximalFactor = 1.2;
};

/// The ramp of a protocol test's presets (start, step, ceiling, pulse width).
RampSettings rampSettingsFor(const AcquisitionSettings& presets);

enum class RampState {
    Ready,          ///< nothing delivered yet
    Rising,         ///< stepping up
    Supramaximal,   ///< the 1.2 x plateau stimulus is the next (or was just) delivered
    Done,           ///< the supramaximal response is recorded
    AtCeiling,      ///< the ceiling was reached without a plateau: no more stimuli
    Aborted
};
const char* toString(RampState state) noexcept;

struct DeliveredStimulus {
    double timeSec = 0.0;                   ///< as given to press/held
    double intensityMa = 0.0;
    double pulseWidthMs = 0.0;
    std::optional<double> responseUv;       ///< baseline-to-negative-peak amplitude, once recorded
    bool supramaximal = false;              ///< the 1.2 x plateau stimulus
};

class StimulusRamp {
public:
    /// Throws std::invalid_argument for a start, step or width outside sense or the bounds. The
    /// effective ceiling is the lowest of the protocol's, the device's and the absolute bound.
    StimulusRamp(const RampSettings& settings, const StimulatorLimits& device = kAbsoluteStimulatorBounds);

    /// One press: the next stimulus to deliver, or nothing when the ramp has stopped (done, at
    /// the ceiling, aborted) or still waits for the last stimulus's response.
    std::optional<StimulusCommand> press(double nowSec);
    /// The key is held: like press, but only when the last stimulus was at least
    /// minHeldIntervalSec before `nowSec`.
    std::optional<StimulusCommand> held(double nowSec);
    /// The response (µV) to the last delivered stimulus; the plateau is looked for after each.
    void recordResponse(double amplitudeUv);
    /// Stops at once: no stimulus is given after this.
    void abort() noexcept;

    RampState state() const noexcept { return state_; }
    bool stopped() const noexcept { return state_ == RampState::Done || state_ == RampState::AtCeiling || state_ == RampState::Aborted; }
    double ceilingMa() const noexcept { return ceilingMa_; }
    const std::vector<DeliveredStimulus>& delivered() const noexcept { return delivered_; }
    /// The plateau search over the recorded responses (plateauReached false until found).
    const dsp::SupramaxResult& plateau() const noexcept { return plateau_; }
    /// Why the ramp stopped, for the status line ("" while running).
    std::string stopReason() const;

private:
    std::optional<double> nextIntensityMa() const;

    RampSettings settings_;
    StimulatorLimits device_;
    double ceilingMa_ = 0.0;
    RampState state_ = RampState::Ready;
    bool awaitingResponse_ = false;
    std::vector<DeliveredStimulus> delivered_;
    dsp::SupramaxResult plateau_;
};

}  // namespace emg::study

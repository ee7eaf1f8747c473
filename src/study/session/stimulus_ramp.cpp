// The stimulus ramp (emg/study/stimulus_ramp.h).
#include <emg/study/stimulus_ramp.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace emg::study {

RampSettings rampSettingsFor(const AcquisitionSettings& p) {
    RampSettings r;
    r.startMa = p.stimulusStartMa;
    r.stepMa = p.stimulusStepMa;
    r.ceilingMa = p.stimulusMaxMa;
    r.pulseWidthMs = p.stimulusDurationMs;
    return r;
}

const char* toString(RampState state) noexcept {
    switch (state) {
    case RampState::Ready: return "ready";
    case RampState::Rising: return "rising";
    case RampState::Supramaximal: return "supramaximal";
    case RampState::Done: return "done";
    case RampState::AtCeiling: return "at ceiling";
    case RampState::Aborted: return "aborted";
    }
    return "?";
}

StimulusRamp::StimulusRamp(const RampSettings& settings, const StimulatorLimits& device) : settings_(settings), device_(device) {
    ceilingMa_ = std::min({settings.ceilingMa, device.maxIntensityMa, kAbsoluteStimulatorBounds.maxIntensityMa});
    if (!(settings.startMa > 0.0) || settings.startMa > ceilingMa_)
        throw std::invalid_argument("ramp start " + std::to_string(settings.startMa) + " mA must be in (0, " + std::to_string(ceilingMa_) + "] mA");
    if (!(settings.stepMa > 0.0)) throw std::invalid_argument("ramp step must be above 0 mA");
    if (!(settings.plateauChangePercent > 0.0)) throw std::invalid_argument("plateau change must be above 0 %");
    if (!(settings.supramaximalFactor >= 1.0)) throw std::invalid_argument("supramaximal factor must be at least 1");
    StimulusCommand probe;
    probe.intensityMa = settings.startMa;
    probe.pulseWidthMs = settings.pulseWidthMs;
    if (const auto error = validateStimulus(probe, device)) throw std::invalid_argument("ramp: " + *error);
}

std::optional<double> StimulusRamp::nextIntensityMa() const {
    if (stopped() || awaitingResponse_) return std::nullopt;
    if (delivered_.empty()) return settings_.startMa;
    if (plateau_.plateauReached) return std::min(settings_.supramaximalFactor * plateau_.plateauIntensityMa, ceilingMa_);
    const double last = delivered_.back().intensityMa;
    if (last >= ceilingMa_) return std::nullopt;
    return std::min(last + settings_.stepMa, ceilingMa_);
}

std::optional<StimulusCommand> StimulusRamp::press(double nowSec) {
    const auto intensity = nextIntensityMa();
    if (!intensity) return std::nullopt;
    StimulusCommand cmd;
    cmd.intensityMa = *intensity;
    cmd.pulseWidthMs = settings_.pulseWidthMs;
    if (const auto error = validateStimulus(cmd, device_)) {   // the engine's bound is the rule
        spdlog::error("stimulus ramp stopped: {}", *error);
        state_ = RampState::AtCeiling;
        return std::nullopt;
    }
    const bool supra = plateau_.plateauReached;
    delivered_.push_back({nowSec, cmd.intensityMa, cmd.pulseWidthMs, std::nullopt, supra});
    state_ = supra ? RampState::Supramaximal : RampState::Rising;
    awaitingResponse_ = true;
    return cmd;
}

std::optional<StimulusCommand> StimulusRamp::held(double nowSec) {
    if (!delivered_.empty() && nowSec - delivered_.back().timeSec < settings_.minHeldIntervalSec) return std::nullopt;
    return press(nowSec);
}

void StimulusRamp::recordResponse(double amplitudeUv) {
    if (!awaitingResponse_ || state_ == RampState::Aborted) return;
    awaitingResponse_ = false;
    auto& last = delivered_.back();
    last.responseUv = std::fabs(amplitudeUv);
    if (last.supramaximal) {
        state_ = RampState::Done;
        return;
    }
    std::vector<dsp::SupramaxPoint> points;
    for (std::size_t i = 0; i < delivered_.size(); ++i)
        if (delivered_[i].responseUv && !delivered_[i].supramaximal) points.push_back({delivered_[i].intensityMa, *delivered_[i].responseUv, i});
    plateau_ = dsp::findSupramaximal(points, settings_.plateauChangePercent);
    // A plateau needs the response to have been seen at a higher intensity too (two points at least).
    if (plateau_.plateauReached && plateau_.plateauIntensityMa >= last.intensityMa) plateau_.plateauReached = false;
    if (!plateau_.plateauReached && last.intensityMa >= ceilingMa_) state_ = RampState::AtCeiling;
}

void StimulusRamp::abort() noexcept {
    state_ = RampState::Aborted;
    awaitingResponse_ = false;
}

std::string StimulusRamp::stopReason() const {
    switch (state_) {
    case RampState::Done: return "supramaximal response recorded";
    case RampState::AtCeiling: return "ceiling of " + std::to_string(ceilingMa_) + " mA reached without a plateau";
    case RampState::Aborted: return "aborted";
    default: return "";
    }
}

}  // namespace emg::study

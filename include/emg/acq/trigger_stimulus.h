#pragma once
// Stimulus events from an external stimulator's TTL pulse, as an amplifier with trigger inputs
// sees it (e.g. the BioSemi ActiveTwo's Status word): a chosen trigger bit and edge become
// StimulusEvents on the sample clock, so NCS, F-waves and RNS run unchanged. Intensity and pulse
// width are what the clinician entered (or a stimulator reported); the engine's stimulus bounds
// are applied to those entries as to any command (validateStimulus).

#include <emg/acq/stimulator.h>
#include <emg/core/sample_types.h>

#include <atomic>
#include <cstdint>
#include <string>

namespace emg {

enum class TriggerEdge : std::uint8_t { Rising, Falling };

const char* toString(TriggerEdge edge) noexcept;

/// The external stimulator in use and how its pulses reach the amplifier.
struct ExternalStimulatorSettings {
    std::string name = "External constant-current stimulator (TTL to trigger input)";
    std::string model;                  ///< e.g. "DS7A" (optional, shown with the name)
    int triggerBit = 0;                 ///< 0..15 = trigger input 1..16
    TriggerEdge edge = TriggerEdge::Rising;
    double refractoryMs = 2.0;          ///< edges this soon after a stimulus are contact bounce, ignored
    double intensityMa = 0.0;           ///< as entered by the clinician (0 = not entered)
    double pulseWidthMs = 0.2;
    std::uint16_t siteId = 0;
};

/// How the stimulator panel names it: "Digitimer (DS7A) on trigger input 3, falling edge, 2 ms refractory".
std::string describe(const ExternalStimulatorSettings& settings);

/// Finds the stimulus edges in a stream of trigger words, one call per sample. Runs on the device
/// thread: no allocation, no locks; setCommand() may be called from any thread.
class TriggerStimulusDetector {
public:
    /// Throws std::invalid_argument for a bit outside 0..15, a rate <= 0 or a negative refractory time.
    TriggerStimulusDetector(const ExternalStimulatorSettings& settings, double sampleRateHz);

    /// Forget the line's level (the first sample after a reset sets it; it is never an edge).
    void reset() noexcept;
    /// The trigger inputs at `sampleIndex`; true and `event` filled when a stimulus starts there.
    bool feed(std::int64_t sampleIndex, std::uint16_t triggers, StimulusEvent& event) noexcept;
    /// What the clinician set for the next pulses (intensity, width, site, train length). Checked
    /// with validateStimulus against `limits` first; throws std::invalid_argument if refused.
    void setCommand(const StimulusCommand& command, const StimulatorLimits& limits);

    const ExternalStimulatorSettings& settings() const noexcept { return settings_; }
    std::uint64_t edgesIgnored() const noexcept { return ignored_.load(std::memory_order_relaxed); }

private:
    ExternalStimulatorSettings settings_;
    std::uint16_t mask_;
    std::int64_t refractorySamples_;
    bool haveLevel_ = false;
    bool level_ = false;
    std::int64_t lastEvent_ = 0;
    bool haveEvent_ = false;
    std::uint32_t seenGeneration_ = 0;
    std::uint16_t trainIndex_ = 0;

    std::atomic<double> intensityMa_;
    std::atomic<double> widthMs_;
    std::atomic<std::uint32_t> site_;
    std::atomic<std::uint32_t> trainCount_{1};
    std::atomic<std::uint32_t> generation_{0};
    std::atomic<std::uint64_t> ignored_{0};
};

}  // namespace emg

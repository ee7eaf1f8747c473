#pragma once
// The built-in simulated amplifier: a Device that generates realistic needle EMG and nerve
// conduction responses on its own thread, 1-32 channels at 4-48 kHz, 24-bit counts.
// Needle channels (ChannelInfo::electrode == Needle) show the selected muscle; surface
// channels show the selected nerve's responses to stimulate(); trigger channels show the pulse.
// Pacing RealTime sleeps on the steady clock; FreeRunning waits on a full ring (never drops).

#include <sim/ncs_model.h>
#include <sim/needle_emg_model.h>

#include <emg/acq/device.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

namespace emg::sim {

struct SimulationSettings {
    // needle channels
    MusclePattern pattern = MusclePattern::Normal;
    double effort = 0.2;                 ///< 0..1
    int denervationGrade = 0;            ///< 0..4: fibrillations / positive sharp waves at rest
    bool fasciculations = false;
    // surface channels (NCS)
    std::string nerve = "median-motor";  ///< nervePreset() key
    std::size_t siteIndex = 0;           ///< current stimulation site (0 = distal)
    double rnsDecrementPercent = -1.0;   ///< <0: the preset's (0 = normal)
    bool stimulusArtifact = true;
    /// A lesion's findings on the selected nerve (issue 14: the protocol run sets them per test):
    /// the CMAP/SNAP amplitude (and the H and F that scale with it) x this, 0.05-1.
    double amplitudeScale = 1.0;
    bool hReflexAbsent = false;          ///< no H-reflex (an S1 lesion)
    // environment
    double mainsHz = 50.0;
    double mainsAmplitudeUv = 5.0;
    double surfaceNoiseRmsUv = 3.0;
    double needleNoiseRmsUv = 7.0;
    double driftAmplitudeUv = 0.0;
    std::uint64_t seed = 1;
    /// Throws std::invalid_argument with a message for out-of-range values.
    void validate() const;
};

class SimulatedAmplifier : public Device {
public:
    static constexpr double kMicrovoltsPerCount = 0.1;   ///< 24-bit: +-838 mV range
    static constexpr std::int32_t kDigitalMax = 8388607;
    static constexpr std::int32_t kDigitalMin = -8388608;

    SimulatedAmplifier();
    explicit SimulatedAmplifier(SimulationSettings settings);
    ~SimulatedAmplifier() override;

    DeviceInfo info() const override;
    void open() override;
    void close() override;
    void configure(const AcquisitionConfig& config) override;
    AcquisitionConfig configuration() const override;
    void start(AcquisitionRing& ring) override;
    void stop() override;
    /// Validated against info().stimulator and kAbsoluteStimulatorBounds (std::invalid_argument
    /// with the reason). Pulses start at the next block boundary on the sample clock; trains
    /// follow at the train rate. std::logic_error if not running.
    void stimulate(const StimulusCommand& command) override;
    DeviceStatus status() const override;

    /// Thread-safe, at any time: effort-only changes apply at the next block; other changes
    /// rebuild the models (on the calling thread) and swap them in at the next block.
    void setSettings(const SimulationSettings& settings);
    SimulationSettings settings() const;
    /// Convenience setters (thread-safe).
    void setEffort(double effort);
    void setMusclePattern(MusclePattern pattern);
    void setStimulationSite(std::size_t siteIndex);

    /// Channels 0..needleChannels-1 needle, the rest surface; rate 4-48 kHz, 1-32 channels.
    static AcquisitionConfig makeConfig(std::size_t channels, double sampleRateHz, std::size_t needleChannels,
                                        Pacing pacing = Pacing::RealTime);
    /// Truth for the current nerve/site at the given stimulus (for tests and teaching).
    NcsResponseTruth expectedResponse(const StimulusCommand& command) const;

private:
    struct Models;
    struct Runtime;
    void run(AcquisitionRing* ring);
    /// Renders the responses of the pulses due before sample b1 into the accumulators and reports them.
    void deliverDuePulses(Runtime& rt, Models& m, std::size_t site, std::int64_t b1, double fs, AcquisitionRing* ring);
    std::unique_ptr<Models> buildModels(const SimulationSettings& s, const AcquisitionConfig& c,
                                        std::int64_t startSample) const;

    mutable std::mutex mutex_;           ///< settings, pending models, pending commands
    SimulationSettings settings_;
    AcquisitionConfig config_;
    std::unique_ptr<Models> pending_;    ///< built by setSettings, swapped in by the generator
    bool pendingFresh_ = false;          ///< pending_ holds new models (not the retired ones)
    std::unique_ptr<Runtime> rt_;        ///< generator-thread state (allocated in start())
    std::atomic<double> effort_{0.2};
    std::atomic<std::size_t> site_{0};
    std::atomic<DeviceState> state_{DeviceState::Closed};
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<std::int64_t> nextSample_{0};
    std::atomic<std::uint64_t> blocks_{0}, frames_{0}, droppedBlocks_{0}, droppedFrames_{0};
};

}  // namespace emg::sim

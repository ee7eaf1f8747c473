#pragma once
// Replays a recorded session (EDF+/BDF+ or WFDB, read by emg_io) through the Device interface,
// so review, analysis and the GUI see a recording exactly as they see a live amplifier:
// the same blocks, sample clock and stimulus events (from "Stim <site>" annotations).

#include <emg/acq/device.h>
#include <emg/core/recording.h>
#include <emg/io/recording_io.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace emg::replay {

class ReplayDevice : public Device {
public:
    /// Takes the recording's biosignal channels that share the most common sample rate;
    /// channels at other rates and annotation/trigger channels are left out (logged). A
    /// recording of segments (Recording::segments, an EDF+D read) plays its holes as gaps, as below.
    explicit ReplayDevice(Recording recording, std::string sourceName = "recording");
    /// The same for a recording with holes (EDF+D holes, recorder gaps: ReadInfo::gaps): the
    /// frames inside a hole are never played (whatever a continuous file holds there); the next block
    /// starts after the hole on the same sample clock, so the engine and the views see a gap,
    /// not a flat line. Playback does not wait out a hole's time.
    ReplayDevice(Recording recording, const std::vector<io::DataGap>& holes, std::string sourceName);
    /// Reads the file with emg::io::readRecording (throws emg::io::FormatError on bad input); its
    /// gaps are holes as above.
    static std::unique_ptr<ReplayDevice> fromFile(const std::filesystem::path& path);
    ~ReplayDevice() override;

    DeviceInfo info() const override;
    void open() override;
    void close() override;
    /// The rate must be the recording's; channels are matched by label, else by position.
    void configure(const AcquisitionConfig& config) override;
    AcquisitionConfig configuration() const override;
    void start(AcquisitionRing& ring) override;
    void stop() override;
    /// A recording cannot deliver stimuli: always refused with std::invalid_argument.
    void stimulate(const StimulusCommand& command) override;
    DeviceStatus status() const override;

    /// The configuration that plays every replayable channel (use with AcquisitionEngine::start).
    AcquisitionConfig defaultConfig(Pacing pacing = Pacing::RealTime) const;
    /// Site names in siteId order, from the "Stim <site>" annotations.
    const std::vector<std::string>& stimulusSites() const noexcept { return sites_; }
    /// Frames inside holes, never played.
    std::int64_t holeFrames() const noexcept;
    /// Frames in the recording, and whether playback reached the end.
    std::int64_t totalFrames() const noexcept { return totalFrames_; }
    bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }
    /// Counts per µV chosen for channel i (exact inverse of ChannelInfo::microvoltsPerCount).
    double microvoltsPerCount(std::size_t channel) const { return scaleUv_.at(channel); }

private:
    void run(AcquisitionRing* ring);

    std::string source_;
    double sampleRateHz_ = 0.0;
    std::int64_t totalFrames_ = 0;
    std::vector<RecordedChannel> channels_;     ///< replayable channels
    std::vector<double> scaleUv_;               ///< µV per count per replayable channel
    std::vector<StimulusEvent> stimuli_;        ///< sorted by sampleIndex
    std::vector<std::pair<std::int64_t, std::int64_t>> holes_;   ///< [first, end) frames never played, sorted, apart
    bool holesStored_ = true;   ///< the samples hold the holes' frames (recorder gaps); false: segments, nothing stored
    std::vector<std::string> sites_;
    AcquisitionConfig config_;
    std::vector<std::size_t> map_;              ///< configured channel -> replayable channel
    DeviceState state_ = DeviceState::Closed;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> finished_{false};
    std::atomic<std::uint64_t> blocks_{0}, frames_{0}, droppedBlocks_{0}, droppedFrames_{0};
};

}  // namespace emg::replay

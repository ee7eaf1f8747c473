#pragma once
// Self-describing sample data shared by drivers, engine, DSP, recorder and UI.
// Raw ADC counts are kept; physical values (µV) are derived with the channel's scale.

#include <cstdint>
#include <string>
#include <vector>

namespace emg {

enum class ElectrodeKind : std::uint8_t { Surface, Needle, Trigger, Other };

const char* toString(ElectrodeKind kind) noexcept;

/// One acquisition channel: what it records and how counts become microvolts.
struct ChannelInfo {
    std::string label;                    ///< e.g. "APB", "Tibialis anterior"
    ElectrodeKind electrode = ElectrodeKind::Surface;
    double microvoltsPerCount = 0.1;      ///< physical = counts * microvoltsPerCount
    double sampleRateHz = 20000.0;        ///< all channels of one acquisition share one rate
    std::int32_t digitalMin = -8388608;   ///< ADC range; a sample at either bound is clipped
    std::int32_t digitalMax = 8388607;
    double highPassHz = 0.0;              ///< hardware filter, 0 = none/DC
    double lowPassHz = 0.0;               ///< hardware filter, 0 = none

    [[nodiscard]] double toMicrovolts(std::int32_t counts) const noexcept {
        return static_cast<double>(counts) * microvoltsPerCount;
    }
    [[nodiscard]] bool isClipped(std::int32_t counts) const noexcept {
        return counts <= digitalMin || counts >= digitalMax;
    }
};

/// A nerve stimulus delivered by the stimulator, located on the sample clock.
struct StimulusEvent {
    std::int64_t sampleIndex = 0;        ///< index of the sample at which the pulse started
    double intensityMa = 0.0;            ///< requested current
    double deliveredMa = 0.0;            ///< current measured by the device (0 if unknown)
    double pulseWidthMs = 0.0;
    std::uint16_t siteId = 0;            ///< index into the study's stimulation sites
    std::uint16_t trainIndex = 0;        ///< position within a train (0 for single shocks)
};

/// Header of one block in the acquisition ring: `sampleFrames` frames of `channelCount`
/// interleaved int32 counts follow in the sample ring.
struct BlockHeader {
    std::uint64_t sequence = 0;          ///< device block counter, +1 per block
    std::int64_t firstSampleIndex = 0;   ///< sample-clock index of the first frame
    std::uint32_t sampleFrames = 0;      ///< frames (time points) in the block
    std::uint16_t channelCount = 0;
    std::uint16_t flags = 0;             ///< BlockFlags
};

enum BlockFlags : std::uint16_t {
    kBlockClipped = 1u << 0,             ///< device reports ADC saturation in this block
    kBlockLeadsOff = 1u << 1,            ///< device reports an electrode off
    kBlockSamplesMissing = 1u << 2,      ///< device marked samples as lost (filled with zeros)
};

/// A block as handed to consumers after the engine has checked and scaled it.
struct SampleBlockView {
    std::int64_t firstSampleIndex = 0;
    std::uint32_t frames = 0;
    std::uint16_t channelCount = 0;
    const std::int32_t* counts = nullptr;       ///< frames * channelCount, interleaved
    const float* microvolts = nullptr;          ///< frames * channelCount, interleaved
    const StimulusEvent* stimuli = nullptr;     ///< events whose sampleIndex falls in this block
    std::uint32_t stimulusCount = 0;
    [[nodiscard]] float uv(std::uint32_t frame, std::uint16_t channel) const noexcept {
        return microvolts[static_cast<std::size_t>(frame) * channelCount + channel];
    }
    [[nodiscard]] std::int32_t count(std::uint32_t frame, std::uint16_t channel) const noexcept {
        return counts[static_cast<std::size_t>(frame) * channelCount + channel];
    }
};

}  // namespace emg

#include <emg/acq/trigger_stimulus.h>

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace emg {

const char* toString(TriggerEdge edge) noexcept { return edge == TriggerEdge::Rising ? "rising" : "falling"; }

std::string describe(const ExternalStimulatorSettings& s) {
    char refractory[32];
    const auto r = std::to_chars(refractory, refractory + sizeof refractory, s.refractoryMs);
    return s.name + (s.model.empty() ? "" : " (" + s.model + ")") + " on trigger input " + std::to_string(s.triggerBit + 1) +
           ", " + toString(s.edge) + " edge, " + std::string(refractory, r.ptr) + " ms refractory";
}

TriggerStimulusDetector::TriggerStimulusDetector(const ExternalStimulatorSettings& settings, double sampleRateHz)
    : settings_(settings),
      mask_(0),
      refractorySamples_(0),
      intensityMa_(settings.intensityMa),
      widthMs_(settings.pulseWidthMs),
      site_(settings.siteId) {
    if (settings.triggerBit < 0 || settings.triggerBit > 15)
        throw std::invalid_argument("external stimulator: trigger bit " + std::to_string(settings.triggerBit) +
                                    " is not one of the 16 trigger inputs (0..15)");
    if (!(sampleRateHz > 0)) throw std::invalid_argument("external stimulator: sample rate must be positive");
    if (!(settings.refractoryMs >= 0)) throw std::invalid_argument("external stimulator: refractory time must be >= 0 ms");
    mask_ = static_cast<std::uint16_t>(1u << settings.triggerBit);
    refractorySamples_ = static_cast<std::int64_t>(std::ceil(settings.refractoryMs * 1e-3 * sampleRateHz));
}

void TriggerStimulusDetector::reset() noexcept {
    haveLevel_ = false;
    haveEvent_ = false;
}

void TriggerStimulusDetector::setCommand(const StimulusCommand& command, const StimulatorLimits& limits) {
    if (auto why = validateStimulus(command, limits)) throw std::invalid_argument("external stimulator setting refused: " + *why);
    intensityMa_.store(command.intensityMa, std::memory_order_relaxed);
    widthMs_.store(command.pulseWidthMs, std::memory_order_relaxed);
    site_.store(command.siteId, std::memory_order_relaxed);
    trainCount_.store(command.trainCount == 0 ? 1u : command.trainCount, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
}

bool TriggerStimulusDetector::feed(std::int64_t sampleIndex, std::uint16_t triggers, StimulusEvent& event) noexcept {
    const bool high = (triggers & mask_) != 0;
    if (!haveLevel_) {
        haveLevel_ = true;
        level_ = high;
        return false;
    }
    const bool edge = settings_.edge == TriggerEdge::Rising ? (!level_ && high) : (level_ && !high);
    level_ = high;
    if (!edge) return false;
    if (haveEvent_ && sampleIndex - lastEvent_ < refractorySamples_) {
        ignored_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    haveEvent_ = true;
    lastEvent_ = sampleIndex;
    const std::uint32_t gen = generation_.load(std::memory_order_acquire);
    if (gen != seenGeneration_) {
        seenGeneration_ = gen;
        trainIndex_ = 0;
    }
    const std::uint32_t train = trainCount_.load(std::memory_order_relaxed);
    event = StimulusEvent{};
    event.sampleIndex = sampleIndex;
    event.intensityMa = intensityMa_.load(std::memory_order_relaxed);
    // A TTL line does not report the current: the clinician enters the delivered intensity (read
    // off the constant-current stimulator); 0 = not entered, and then nothing is claimed.
    event.deliveredMa = event.intensityMa;
    event.pulseWidthMs = widthMs_.load(std::memory_order_relaxed);
    event.siteId = static_cast<std::uint16_t>(site_.load(std::memory_order_relaxed));
    event.trainIndex = static_cast<std::uint16_t>(trainIndex_ % train);
    ++trainIndex_;
    return true;
}

}  // namespace emg

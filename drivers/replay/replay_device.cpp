#include "replay_device.h"

#include <emg/core/file_text.h>
#include <emg/dsp/stimulus_events.h>
#include <emg/io/recording_io.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace emg::replay {
namespace {

/// The stimulation site an annotation names, as the analysis reads it (dsp::parseStimText: "Stim
/// wrist", "stim: Wrist 20 mA", the EDF+ example's "Stimulus right wrist 0.2ms x 8.2mA ...",
/// BrainVision's "Stimulus/S  1" -> "wrist", "right wrist", "s1"; "site" for a stimulus that names
/// none); empty if the text is no stimulus.
std::string stimulusSite(const std::string& text) {
    const auto st = dsp::parseStimText(text);
    if (!st) return {};
    return st->site.empty() ? std::string("site") : utf8FromFileText(st->site);
}

}  // namespace

ReplayDevice::ReplayDevice(Recording recording, std::string sourceName) : source_(std::move(sourceName)) {
    std::map<double, int> rateVotes;
    for (const auto& c : recording.channels)
        if (!c.isAnnotationOrTrigger && c.sampleRateHz > 0 && !c.samples.empty()) ++rateVotes[c.sampleRateHz];
    if (rateVotes.empty()) throw std::invalid_argument(source_ + ": no signal channel to replay");
    sampleRateHz_ = std::max_element(rateVotes.begin(), rateVotes.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; })->first;
    for (auto& c : recording.channels) {
        if (c.isAnnotationOrTrigger || c.sampleRateHz != sampleRateHz_ || c.samples.empty()) {
            if (!c.isAnnotationOrTrigger)
                spdlog::warn("replay {}: channel '{}' at {} Hz left out (playing {} Hz)", source_, c.label, c.sampleRateHz,
                             sampleRateHz_);
            continue;
        }
        double peak = 0.0;
        for (double v : c.samples) peak = std::max(peak, std::abs(v));
        // 0.001 µV per count keeps any EDF/BDF resolution exactly; coarser only for huge ranges.
        const double scale = std::max(0.001, peak / static_cast<double>(1 << 30));
        scaleUv_.push_back(scale);
        totalFrames_ = std::max<std::int64_t>(totalFrames_, static_cast<std::int64_t>(c.samples.size()));
        channels_.push_back(std::move(c));
    }
    for (const auto& a : recording.annotations) {
        const std::string site = stimulusSite(a.text);
        if (site.empty()) continue;
        auto it = std::find(sites_.begin(), sites_.end(), site);
        if (it == sites_.end()) it = sites_.insert(sites_.end(), site);
        StimulusEvent ev;
        ev.sampleIndex = static_cast<std::int64_t>(std::llround(a.onsetSec * sampleRateHz_));
        ev.siteId = static_cast<std::uint16_t>(it - sites_.begin());
        stimuli_.push_back(ev);
    }
    std::sort(stimuli_.begin(), stimuli_.end(), [](const auto& a, const auto& b) { return a.sampleIndex < b.sampleIndex; });
    // a recording of segments (an EDF+D read): the samples hold no frame of the holes between
    // them; the frame clock is the file's, the holes on it never played
    if (!recording.segments.empty()) {
        holesStored_ = false;
        for (std::size_t k = 1; k < recording.segments.size(); ++k) {
            const auto& before = recording.segments[k - 1];
            const auto a = std::llround((before.startSec + before.durationSec) * sampleRateHz_);
            const auto b = std::llround(recording.segments[k].startSec * sampleRateHz_);
            if (b > a) holes_.emplace_back(a, b);
        }
        totalFrames_ += holeFrames();
    }
    config_ = defaultConfig();
    for (std::size_t i = 0; i < channels_.size(); ++i) map_.push_back(i);
}

ReplayDevice::ReplayDevice(Recording recording, const std::vector<io::DataGap>& holes, std::string sourceName)
    : ReplayDevice(std::move(recording), std::move(sourceName)) {
    if (!holesStored_) return;   // the segments' holes, which `holes` repeats (ReadInfo::gaps of an EDF+D)
    for (const auto& g : holes) {
        const auto a = std::max<std::int64_t>(0, std::llround(g.onsetSec * sampleRateHz_));
        const auto b = std::min<std::int64_t>(totalFrames_, std::llround((g.onsetSec + g.durationSec) * sampleRateHz_));
        if (b > a) holes_.emplace_back(a, b);
    }
    std::sort(holes_.begin(), holes_.end());
    std::vector<std::pair<std::int64_t, std::int64_t>> merged;
    for (const auto& h : holes_) {
        if (!merged.empty() && h.first <= merged.back().second) merged.back().second = std::max(merged.back().second, h.second);
        else merged.push_back(h);
    }
    holes_ = std::move(merged);
}

std::int64_t ReplayDevice::holeFrames() const noexcept {
    std::int64_t n = 0;
    for (const auto& h : holes_) n += h.second - h.first;
    return n;
}

std::unique_ptr<ReplayDevice> ReplayDevice::fromFile(const std::filesystem::path& path) {
    io::ReadInfo info;
    auto rec = io::readRecording(path, info);
    return std::make_unique<ReplayDevice>(std::move(rec), info.gaps, path.filename().string());
}

ReplayDevice::~ReplayDevice() { stop(); }

DeviceInfo ReplayDevice::info() const {
    DeviceInfo i;
    i.driver = "replay";
    i.name = "Replay: " + source_;
    i.maxChannels = static_cast<std::uint16_t>(channels_.size());
    i.sampleRatesHz = {sampleRateHz_};
    i.adcBits = 32;
    i.stimulator.present = false;
    return i;
}

void ReplayDevice::open() {
    if (state_ == DeviceState::Closed) state_ = DeviceState::Open;
}

void ReplayDevice::close() {
    stop();
    state_ = DeviceState::Closed;
}

AcquisitionConfig ReplayDevice::defaultConfig(Pacing pacing) const {
    AcquisitionConfig cfg;
    cfg.sampleRateHz = sampleRateHz_;
    cfg.pacing = pacing;
    for (std::size_t i = 0; i < channels_.size(); ++i) {
        ChannelInfo ci;
        ci.label = channels_[i].label;
        ci.sampleRateHz = sampleRateHz_;
        ci.microvoltsPerCount = scaleUv_[i];
        ci.digitalMin = std::numeric_limits<std::int32_t>::min();
        ci.digitalMax = std::numeric_limits<std::int32_t>::max();
        const std::string t = channels_[i].transducer;
        ci.electrode = t.find("needle") != std::string::npos || t.find("Needle") != std::string::npos
                           ? ElectrodeKind::Needle : ElectrodeKind::Surface;
        cfg.channels.push_back(ci);
    }
    return cfg;
}

void ReplayDevice::configure(const AcquisitionConfig& config) {
    if (state_ == DeviceState::Running) throw std::logic_error("replay: stop before configuring");
    if (std::abs(config.sampleRateHz - sampleRateHz_) > 1e-9)
        throw std::invalid_argument("replay: the recording was made at " + std::to_string(sampleRateHz_) +
                                    " Hz; it cannot be played at " + std::to_string(config.sampleRateHz) + " Hz");
    if (config.channels.empty() || config.channels.size() > channels_.size())
        throw std::invalid_argument("replay: between 1 and " + std::to_string(channels_.size()) + " channels can be played");
    std::vector<std::size_t> map;
    AcquisitionConfig applied = config;
    for (std::size_t i = 0; i < config.channels.size(); ++i) {
        std::size_t src = i;
        for (std::size_t k = 0; k < channels_.size(); ++k)
            if (channels_[k].label == config.channels[i].label) src = k;
        map.push_back(src);
        // the scale is the recording's: counts are made from its physical values
        applied.channels[i].microvoltsPerCount = scaleUv_[src];
        applied.channels[i].sampleRateHz = sampleRateHz_;
        applied.channels[i].digitalMin = std::numeric_limits<std::int32_t>::min();
        applied.channels[i].digitalMax = std::numeric_limits<std::int32_t>::max();
    }
    map_ = std::move(map);
    config_ = applied;
    state_ = DeviceState::Configured;
}

AcquisitionConfig ReplayDevice::configuration() const { return config_; }

void ReplayDevice::start(AcquisitionRing& ring) {
    if (state_ == DeviceState::Running) throw std::logic_error("replay: already running");
    stop_ = false;
    finished_ = false;
    state_ = DeviceState::Running;
    thread_ = std::thread([this, &ring] { run(&ring); });
}

void ReplayDevice::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (state_ == DeviceState::Running) state_ = DeviceState::Configured;
}

void ReplayDevice::stimulate(const StimulusCommand&) {
    throw std::invalid_argument("replay: a recorded session cannot deliver stimuli");
}

DeviceStatus ReplayDevice::status() const {
    DeviceStatus s;
    s.state = state_;
    s.blocksProduced = blocks_;
    s.framesProduced = frames_;
    s.blocksDroppedRingFull = droppedBlocks_;
    s.framesDroppedRingFull = droppedFrames_;
    return s;
}

void ReplayDevice::run(AcquisitionRing* ring) {
    const std::size_t ch = config_.channels.size();
    const auto framesPerBlock = static_cast<std::uint32_t>(
        config_.framesPerBlock ? config_.framesPerBlock : std::max(1.0, std::round(sampleRateHz_ / 100.0)));
    std::vector<std::int32_t> block(static_cast<std::size_t>(framesPerBlock) * ch);
    std::vector<double> inverse(ch);
    for (std::size_t c = 0; c < ch; ++c) inverse[c] = 1.0 / scaleUv_[map_[c]];
    std::size_t nextStim = 0, nextHole = 0;
    std::uint64_t seq = 0;
    std::int64_t skipped = 0;   // frames of holes passed: not waited for
    const auto t0 = std::chrono::steady_clock::now();
    for (std::int64_t first = 0; first < totalFrames_ && !stop_;) {
        if (nextHole < holes_.size() && first >= holes_[nextHole].first) {   // a hole: the clock jumps over it
            skipped += holes_[nextHole].second - first;
            first = holes_[nextHole++].second;
            continue;
        }
        const std::int64_t end = nextHole < holes_.size() ? holes_[nextHole].first : totalFrames_;
        const auto frames = static_cast<std::uint32_t>(std::min<std::int64_t>(framesPerBlock, end - first));
        for (std::uint32_t f = 0; f < frames; ++f) {
            for (std::size_t c = 0; c < ch; ++c) {
                const auto& s = channels_[map_[c]].samples;
                const auto idx = static_cast<std::size_t>(first + f - (holesStored_ ? 0 : skipped));
                const double v = idx < s.size() ? s[idx] : 0.0;
                block[f * ch + c] = static_cast<std::int32_t>(std::llround(v * inverse[c]));
            }
        }
        const std::size_t n = static_cast<std::size_t>(frames) * ch;
        if (config_.pacing == Pacing::FreeRunning) {
            while (!stop_ && !ring->hasRoomFor(n)) std::this_thread::yield();
        } else {
            const auto due = t0 + std::chrono::duration<double>(static_cast<double>(first + frames - skipped) / sampleRateHz_);
            std::this_thread::sleep_until(std::chrono::time_point_cast<std::chrono::steady_clock::duration>(due));
        }
        while (nextStim < stimuli_.size() && stimuli_[nextStim].sampleIndex < first + frames) {
            if (stimuli_[nextStim].sampleIndex >= first) ring->pushStimulus(stimuli_[nextStim]);
            ++nextStim;
        }
        const BlockHeader header{seq++, first, frames, static_cast<std::uint16_t>(ch), 0};
        if (ring->pushBlock(header, std::span<const std::int32_t>(block.data(), n))) {
            ++blocks_;
            frames_ += frames;
        } else {
            ++droppedBlocks_;
            droppedFrames_ += frames;
        }
        first += frames;
    }
    finished_.store(true, std::memory_order_release);
}

}  // namespace emg::replay

#include "late_series.h"

#include <emg/study/sweep_capture.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

namespace emg::ui {

void LateSeries::start(std::int64_t fromSampleIndex, std::size_t channel) {
    from_ = fromSampleIndex;
    channel_ = channel;
    started_ = true;
    generation_ = 0;
    stimuli_.clear();
}

void LateSeries::setChannel(std::size_t channel) {
    if (channel == channel_) return;
    channel_ = channel;
    for (auto& s : stimuli_) {
        s.rawSweep.reset();
        s.lost = false;
    }
}

bool LateSeries::collect(const DisplayBuffer& buffer) {
    if (!started_) return false;
    if (generation_ == 0) generation_ = buffer.generation();
    if (buffer.generation() != generation_) {   // a new run: its sample clock starts again
        spdlog::info("late responses: acquisition restarted, series cleared");
        generation_ = buffer.generation();
        from_ = 0;
        stimuli_.clear();
    }
    const std::int64_t newest = stimuli_.empty() ? from_ - 1 : stimuli_.back().event.sampleIndex;
    for (const auto& ev : buffer.recentStimuli())
        if (ev.sampleIndex > newest && ev.sampleIndex >= from_) stimuli_.push_back({ev, std::nullopt, false});

    bool added = false;
    const std::int64_t oldest = buffer.endSampleIndex() >= 0 ? buffer.oldestSampleIndex() : 0;
    const auto preSamples = static_cast<std::int64_t>(std::llround(kPreMs * buffer.sampleRateHz() / 1000.0));
    for (std::size_t i = 0; i < stimuli_.size(); ++i) {
        auto& s = stimuli_[i];
        if (s.rawSweep || s.lost) continue;
        if (s.event.sampleIndex - preSamples < oldest) {
            s.lost = true;
            spdlog::warn("late responses: stimulus at sample {} is no longer in the display buffer", s.event.sampleIndex);
            continue;
        }
        s.rawSweep = study::captureSweep(buffer, channel_, s.event, dsp::SweepSettings{kPreMs, kWindowMs});
        if (!s.rawSweep) continue;
        s.rawSweep->index = i;
        added = true;
    }
    return added;
}

std::vector<dsp::Sweep> LateSeries::rawSweeps() const {
    std::vector<dsp::Sweep> out;
    for (const auto& s : stimuli_)
        if (s.rawSweep) out.push_back(*s.rawSweep);
    return out;
}

std::vector<StimulusEvent> LateSeries::sweepEvents() const {
    std::vector<StimulusEvent> out;
    for (const auto& s : stimuli_)
        if (s.rawSweep) out.push_back(s.event);
    return out;
}

std::size_t LateSeries::lostCount() const {
    return static_cast<std::size_t>(std::count_if(stimuli_.begin(), stimuli_.end(), [](const LateStimulus& s) { return s.lost; }));
}

}  // namespace emg::ui

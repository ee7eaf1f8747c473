#pragma once
// The stimuli of one late-response series (F-wave train, RNS train, H-reflex or supramaximal
// intensity series): from "Start series" on, every stimulus delivered is cut from the live
// display buffer on the chosen channel as a raw sweep, at the widest window any mode needs.

#include <emg/acq/display_buffer.h>
#include <emg/dsp/sweeps.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace emg::ui {

struct LateStimulus {
    StimulusEvent event;
    std::optional<dsp::Sweep> rawSweep;   ///< nothing while not all in yet, or when it was lost
    bool lost = false;                    ///< the buffer no longer holds it
};

class LateSeries {
public:
    /// Raw sweeps are [stimulus - preMs, stimulus + windowMs).
    static constexpr double kPreMs = 5.0;
    static constexpr double kWindowMs = 100.0;

    /// Starts a new series: stimuli from `fromSampleIndex` on belong to it.
    void start(std::int64_t fromSampleIndex, std::size_t channel);
    /// The whole series again on another channel (sweeps no longer in the buffer are lost).
    void setChannel(std::size_t channel);
    std::size_t channel() const noexcept { return channel_; }

    /// Takes the new stimuli and cuts every sweep that is complete. Returns true if a sweep was added.
    bool collect(const DisplayBuffer& buffer);

    const std::vector<LateStimulus>& stimuli() const noexcept { return stimuli_; }
    /// The raw sweeps cut so far, in stimulus order, with their Sweep::index = position in the series.
    std::vector<dsp::Sweep> rawSweeps() const;
    std::vector<StimulusEvent> sweepEvents() const;   ///< the events of rawSweeps(), same order
    std::size_t lostCount() const;

private:
    std::int64_t from_ = 0;
    std::size_t channel_ = 0;
    std::uint64_t generation_ = 0;
    bool started_ = false;
    std::vector<LateStimulus> stimuli_;
};

}  // namespace emg::ui

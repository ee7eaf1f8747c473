#pragma once
// A replayed (or opened) recording as one late-response series: the whole file goes through the
// recording chain (prepareSignal: artifact blanking, zero-phase filter, hum removal) as
// `emgws-cli analyze --test fwave|hreflex|rns` does, so the tab and the CLI give the same numbers.

#include <emg/study/late_analysis.h>

#include <emg/core/recording.h>

#include <optional>

namespace emg::ui {

/// F-wave, H-reflex, supramaximal: the stimuli at the site of the recording's last stimulus.
/// RNS: its last train. `channel` as prepareSignal takes it (nothing = first signal channel).
study::LateAnalysis analyzeLateRecording(study::LateMode mode, const Recording& recording, std::optional<int> channel);

}  // namespace emg::ui

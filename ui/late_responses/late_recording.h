#pragma once
// A replayed (or opened) recording as one late-response series: the whole file goes through the
// recording chain (prepareSignal: artifact blanking, zero-phase filter, hum removal) as
// `emgws-cli analyze --test fwave|hreflex|rns` does, so the tab and the CLI give the same numbers.

#include <emg/study/late_analysis.h>

#include <emg/core/recording.h>

#include <optional>

namespace emg::ui {

/// F-wave, H-reflex, supramaximal: the stimuli at the site of the recording's last stimulus.
/// RNS: the train `rnsTrain` (from 0; nothing or past the last = the last), every train's label
/// and the chosen one's facilitation in the result. `channel` as prepareSignal takes it (nothing =
/// first signal channel).
study::LateAnalysis analyzeLateRecording(study::LateMode mode, const Recording& recording, std::optional<int> channel,
                                         std::optional<std::size_t> rnsTrain = std::nullopt);

}  // namespace emg::ui

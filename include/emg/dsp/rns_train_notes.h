#pragma once
// What a view that shows one RNS train of a file holding several (the late-responses panel: the
// train chosen, the last by default; the report's RNS figure: the stored test's) says of the
// others: where the shown one starts and why, the other trains' decrements, and the shown train's
// first response against the first train's of its site (after exercise: the post-exercise
// facilitation).

#include <emg/dsp/late_responses.h>
#include <emg/dsp/ncs_analysis.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace emg::dsp {

struct OtherTrains {
    std::string note;                      ///< "shown: train 2 of 2 in the file (...); train 1 (wrist, 10 stimuli): decrement 4th 21 %, 5th 20 %"
    std::optional<RnsResult> firstOfSite;  ///< the first train of the shown train's site, read, when it comes before the shown one
};
/// The train `shown` of `trains` (nullopt: the last) is the one shown; `sweeps` are the file's
/// (lateResponseSweeps), each other train read from its own with analyzeRns(`detection`).
OtherTrains describeOtherTrains(const PreparedSignal& signal, const std::vector<StimulusTrain>& trains, std::span<const Sweep> sweeps,
                                const DetectionSettings& detection, std::optional<std::size_t> shown = std::nullopt);

/// The sweeps of `sweeps` whose stimulus belongs to `train`, in their order.
std::vector<Sweep> sweepsOfTrain(std::span<const Sweep> sweeps, const StimulusTrain& train);

/// "; this train's first response +50 % against the first train's (...)", "" without both responses.
std::string facilitationNote(const std::optional<RnsResult>& firstOfSite, const RnsResult& shown);

}  // namespace emg::dsp

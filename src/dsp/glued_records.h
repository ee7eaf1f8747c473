#pragma once
// Records of separate acquisitions glued back to back in one continuous file (an EDF+C of one
// data record per sweep, each record its own acquisition): every record has its own DC level,
// drift and mains-hum phase, so the level jumps where a record starts, at the same distance
// before every stimulus (the system's pre-trigger). Found from those jumps; used by the H-reflex
// and RNS chains, which then measure each sweep from its stimulus alone, as records that start at
// it (a filter or a hum fit run across the records spreads every record's jump and hum phase into
// its neighbours' sweeps). Internal to emg_dsp.
#include "level_steps.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace emg::dsp::detail {

/// Where a glued record's start is looked for before each stimulus k >= 1 (sample range [first,
/// second), empty when the stretch is too short): after the previous stimulus's `windowMs` (its
/// responses), at most `searchToMs` after it, until 1 ms before stimulus k. Entry 0 is empty.
std::vector<std::pair<std::size_t, std::size_t>> gluedSearchRanges(std::span<const std::int64_t> stimulusSamples, std::size_t totalSamples,
                                                                   double fs, double windowMs, double searchToMs);

/// Where the glued records start, one per stimulus (sample indices, ascending), or empty when the
/// file is not glued records, from the level step found in each search range (`steps[k]`: its
/// sample index; `looked`: the ranges searched). Glued when a step was found before at least half
/// of the stimuli searched (two at least), at one distance before its stimulus (within 0.2 ms or 2
/// samples of their median): every record then starts at that distance before its stimulus.
std::vector<std::int64_t> gluedRecordStarts(std::span<const std::int64_t> stimulusSamples, double fs,
                                            const std::vector<std::optional<std::int64_t>>& steps, std::size_t looked);

}  // namespace emg::dsp::detail

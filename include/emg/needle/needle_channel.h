#pragma once
// Which channel of a recording a needle analysis reads, and which muscle it is, chosen the same
// way wherever a needle analysis starts from a recording (`emgws-cli analyze --test needle`, the
// needle panel measuring a span sent from the review view). Qt-free.
#include <emg/core/recording.h>
#include <emg/needle/muscle_reading.h>

#include <optional>
#include <string>

namespace emg::needle {

/// A channel whose transducer or label says needle (concentric, monopolar, "needle").
bool isNeedleChannel(const RecordedChannel& channel);

/// The electrode the channel's transducer (else its label) names: "monopolar" -> Monopolar,
/// "concentric" -> Concentric, else Unknown (any case).
NeedleElectrode needleElectrodeOf(const RecordedChannel& channel);

/// "monopolar needle", "concentric needle", "not stated".
const char* toString(NeedleElectrode electrode);

/// `asked` when given (throws std::invalid_argument when it is an annotation/trigger channel or
/// out of range), else the first needle channel, else the first signal channel; -1 when the
/// recording has no signal channel.
int pickNeedleChannel(const Recording& recording, std::optional<int> asked = std::nullopt);

/// The muscle to read the channel against: `typed` when not empty, else the channel's label when
/// the reference values know it as a muscle, else empty. `source` (optional) gets "--muscle"
/// (typed), "channel label" or "none".
std::string muscleFor(const RecordedChannel& channel, const std::string& typed, std::string* source = nullptr);

}  // namespace emg::needle

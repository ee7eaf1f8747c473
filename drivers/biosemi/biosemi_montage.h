#pragma once
// Montages for the ActiveTwo: which channels are recorded and displayed, as the labels the driver
// parses (biosemi_protocol.h parseChannel): "EX1-EX2" (a bipolar pair of external electrodes,
// belly-tendon for surface EMG and NCS), "A5" (one electrode against CMS), "Status".

#include "biosemi_protocol.h"

#include <optional>
#include <string>
#include <vector>

namespace emg::biosemi {

struct MontagePreset {
    std::string name;
    std::vector<std::string> labels;
};

/// The presets offered by the montage editor: the four EX pairs, EX pairs with A1-A8 against CMS,
/// A1-A32 against CMS, one EX pair with the Status channel.
std::vector<MontagePreset> montagePresets();
/// The montage used when none was chosen: EX1-EX2, EX3-EX4, EX5-EX6, EX7-EX8.
std::vector<std::string> defaultMontage();

/// Why `labels` cannot be recorded in `layout` (empty, a duplicate, a label parseChannel refuses),
/// or nullopt when it can.
std::optional<std::string> montageError(const std::vector<std::string>& labels, const Layout& layout);
/// The layout to check a montage against before a receiver is open: the most channels with EX
/// inputs (Mk2, speed mode 4: 256 electrodes + EX1-EX8).
Layout montageCheckLayout();

}  // namespace emg::biosemi

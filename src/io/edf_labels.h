#pragma once
// EDF+ signal labels in the standard form "<type> <specification>" (edfplus.info standard texts:
// "EMG L_Biceps_Bra", "NC L_APB"). We write the type; we read labels with or without it.

#include <string>
#include <string_view>

namespace emg::io::detail {

struct SplitLabel {
    std::string type;            ///< "EMG", "NC", "EEG", ... or empty when the label has none
    std::string specification;   ///< what follows the type ("APB"), or the whole label
};

/// Splits a label that starts with a standard signal type and a space; other labels are kept
/// whole (a lone "EMG" is a specification, not a type).
SplitLabel splitStandardLabel(std::string_view label);

/// The label we write (the header cuts it to 16 characters): `type` + " " + `specification`, unless the specification
/// already starts with a standard type or `type` is empty. Trigger and annotation channels are
/// written as they are.
std::string standardLabel(std::string_view type, std::string_view specification);

}  // namespace emg::io::detail

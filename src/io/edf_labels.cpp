#include "edf_labels.h"

#include "edf_fields.h"

#include <array>
#include <cctype>

namespace emg::io::detail {

namespace {
// Signal types of the EDF+ standard texts that an EMG/NCS file can meet (case-sensitive there;
// read case-insensitively here).
constexpr std::array<std::string_view, 14> kTypes{"EEG", "ECG", "EOG", "ERG", "EMG", "MEG", "MCG", "EP",
                                                 "NC", "Temp", "Resp", "SaO2", "Light", "Sound"};

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}
}  // namespace

SplitLabel splitStandardLabel(std::string_view label) {
    label = trimSpaces(label);
    const auto space = label.find(' ');
    if (space != std::string_view::npos) {
        const std::string_view head = label.substr(0, space);
        const std::string_view rest = trimSpaces(label.substr(space + 1));
        if (!rest.empty())
            for (std::string_view t : kTypes)
                if (equalsIgnoringCase(head, t)) return {std::string(t), std::string(rest)};
    }
    return {{}, std::string(label)};
}

std::string standardLabel(std::string_view type, std::string_view specification) {
    specification = trimSpaces(specification);
    if (type.empty() || equalsIgnoringCase(type, specification) || !splitStandardLabel(specification).type.empty())
        return std::string(specification);
    return std::string(type) + " " + std::string(specification);   // cut to the 16-character field by the header writer
}

}  // namespace emg::io::detail

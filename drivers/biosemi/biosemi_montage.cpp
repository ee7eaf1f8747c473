#include "biosemi_montage.h"

#include <set>
#include <stdexcept>

namespace emg::biosemi {

namespace {
std::vector<std::string> exPairs() { return {"EX1-EX2", "EX3-EX4", "EX5-EX6", "EX7-EX8"}; }
std::vector<std::string> electrodes(int count) {
    std::vector<std::string> out;
    for (int i = 1; i <= count; ++i) out.push_back("A" + std::to_string(i));
    return out;
}
}  // namespace

std::vector<MontagePreset> montagePresets() {
    std::vector<MontagePreset> out;
    out.push_back({"EMG pairs: EX1-EX2, EX3-EX4, EX5-EX6, EX7-EX8 (bipolar)", exPairs()});
    auto withA = exPairs();
    for (auto& a : electrodes(8)) withA.push_back(a);
    out.push_back({"EMG pairs and A1-A8 against CMS", withA});
    out.push_back({"A1-A32 against CMS (high-density grid)", electrodes(32)});
    out.push_back({"NCS: EX1-EX2 (belly-tendon) and Status", {"EX1-EX2", "Status"}});
    return out;
}

std::vector<std::string> defaultMontage() { return exPairs(); }

std::optional<std::string> montageError(const std::vector<std::string>& labels, const Layout& layout) {
    if (labels.empty()) return "the montage has no channel";
    std::set<std::string> seen;
    for (const auto& label : labels) {
        if (!seen.insert(label).second) return "\"" + label + "\" is in the montage twice";
        try {
            (void)parseChannel(layout, label);
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
    }
    return std::nullopt;
}

Layout montageCheckLayout() { return *layoutFor(true, 4); }

}  // namespace emg::biosemi

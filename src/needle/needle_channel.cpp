#include <emg/needle/needle_channel.h>
#include <emg/needle/reference_values.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace emg::needle {

namespace {
std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}
}  // namespace

bool isNeedleChannel(const RecordedChannel& c) {
    const auto t = lower(c.transducer), l = lower(c.label);
    return t.find("needle") != std::string::npos || t.find("concentric") != std::string::npos ||
           t.find("monopolar") != std::string::npos || l.find("needle") != std::string::npos;
}

NeedleElectrode needleElectrodeOf(const RecordedChannel& c) {
    for (const auto& field : {lower(c.transducer), lower(c.label)}) {
        if (field.find("monopolar") != std::string::npos) return NeedleElectrode::Monopolar;
        if (field.find("concentric") != std::string::npos) return NeedleElectrode::Concentric;
    }
    return NeedleElectrode::Unknown;
}

const char* toString(NeedleElectrode e) {
    switch (e) {
        case NeedleElectrode::Monopolar: return "monopolar needle";
        case NeedleElectrode::Concentric: return "concentric needle";
        case NeedleElectrode::Unknown: break;
    }
    return "not stated";
}

int pickNeedleChannel(const Recording& rec, std::optional<int> asked) {
    if (asked) {
        if (*asked < 0 || *asked >= static_cast<int>(rec.channels.size()))
            throw std::invalid_argument("channel " + std::to_string(*asked) + " does not exist (the recording has " +
                                        std::to_string(rec.channels.size()) + " channels, 0-based)");
        if (rec.channels[static_cast<std::size_t>(*asked)].isAnnotationOrTrigger)
            throw std::invalid_argument("channel " + std::to_string(*asked) + " is an annotation/trigger channel");
        return *asked;
    }
    for (std::size_t i = 0; i < rec.channels.size(); ++i)
        if (!rec.channels[i].isAnnotationOrTrigger && isNeedleChannel(rec.channels[i])) return static_cast<int>(i);
    for (std::size_t i = 0; i < rec.channels.size(); ++i)
        if (!rec.channels[i].isAnnotationOrTrigger) return static_cast<int>(i);
    return -1;
}

std::string muscleFor(const RecordedChannel& channel, const std::string& typed, std::string* source) {
    if (!typed.empty()) {
        if (source) *source = "--muscle";
        return typed;
    }
    if (muapReference(channel.label, std::nullopt).muscle != "general") {
        if (source) *source = "channel label";
        return channel.label;
    }
    if (source) *source = "none";
    return {};
}

}  // namespace emg::needle

#include "biosemi_protocol.h"

#include <cctype>
#include <stdexcept>

namespace emg::biosemi {

namespace {

// Per speed mode 0..8 (docs/biosemi.md, "Speed modes"): sample rate, 32-bit words per frame
// (sync and Status included) and electrode channels; the words left after the electrodes are
// EX1..EX8 and then the sensor/AIB inputs.
struct ModeRow {
    std::uint32_t rateHz;
    std::uint16_t words;
    std::uint16_t electrodes;
};
constexpr ModeRow kMk1Modes[kMaxSpeedMode + 1] = {
    {2048, 258, 256}, {4096, 130, 128}, {8192, 66, 64},  {16384, 34, 32}, {2048, 258, 232},
    {4096, 130, 104}, {8192, 66, 40},   {16384, 34, 8},  {2048, 290, 256},
};
constexpr ModeRow kMk2Modes[kMaxSpeedMode + 1] = {
    {2048, 610, 512}, {2048, 610, 512}, {2048, 610, 512}, {2048, 610, 512}, {2048, 282, 256},
    {4096, 154, 128}, {8192, 90, 64},   {16384, 58, 32},  {2048, 314, 280},
};
constexpr std::uint16_t kFirstChannelWord = 2;  // after sync and Status

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::optional<unsigned> positiveNumber(const std::string& digits) {
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    unsigned v = 0;
    for (char c : digits) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v == 0) return std::nullopt;
    return v;
}

}  // namespace

std::array<std::uint8_t, kCommandBytes> command(std::uint8_t first) {
    std::array<std::uint8_t, kCommandBytes> c{};
    c[0] = first;
    return c;
}

Status decodeStatus(std::uint32_t v) noexcept {
    using namespace status_bits;
    Status s;
    s.triggers = static_cast<std::uint16_t>(v & kTriggerMask);
    s.newEpoch = (v & kNewEpoch) != 0;
    s.speedMode = ((v & kSpeed0) ? 1 : 0) | ((v & kSpeed1) ? 2 : 0) | ((v & kSpeed2) ? 4 : 0) | ((v & kSpeed3) ? 8 : 0);
    s.cmsInRange = (v & kCmsInRange) != 0;
    s.batteryLow = (v & kBatteryLow) != 0;
    s.mk2 = (v & kMk2) != 0;
    return s;
}

std::uint32_t encodeStatus(const Status& s) noexcept {
    using namespace status_bits;
    std::uint32_t v = s.triggers;
    if (s.newEpoch) v |= kNewEpoch;
    if (s.speedMode & 1) v |= kSpeed0;
    if (s.speedMode & 2) v |= kSpeed1;
    if (s.speedMode & 4) v |= kSpeed2;
    if (s.speedMode & 8) v |= kSpeed3;
    if (s.cmsInRange) v |= kCmsInRange;
    if (s.batteryLow) v |= kBatteryLow;
    if (s.mk2) v |= kMk2;
    return v;
}

std::optional<Layout> layoutFor(bool mk2, int mode) noexcept {
    if (mode < 0 || mode > kMaxSpeedMode) return std::nullopt;
    const ModeRow& r = (mk2 ? kMk2Modes : kMk1Modes)[mode];
    Layout l;
    l.mk2 = mk2;
    l.speedMode = mode;
    l.rateHz = r.rateHz;
    l.frameWords = r.words;
    l.electrodes = r.electrodes;
    l.extras = static_cast<std::uint16_t>(r.words - kFirstChannelWord - r.electrodes);
    return l;
}

std::optional<std::uint16_t> wordIndexOf(const Layout& layout, const std::string& name) {
    const std::string n = upper(name);
    if (n.rfind("EX", 0) == 0) {
        const auto k = positiveNumber(n.substr(2));
        if (!k || *k > layout.exChannels()) return std::nullopt;
        return static_cast<std::uint16_t>(kFirstChannelWord + layout.electrodes + *k - 1);
    }
    if (n.size() < 2 || n[0] < 'A' || n[0] > 'P') return std::nullopt;
    const auto k = positiveNumber(n.substr(1));
    if (!k || *k > 32) return std::nullopt;
    const unsigned index = static_cast<unsigned>(n[0] - 'A') * 32 + *k - 1;
    if (index >= layout.electrodes) return std::nullopt;
    return static_cast<std::uint16_t>(kFirstChannelWord + index);
}

std::vector<std::string> channelNames(const Layout& layout) {
    std::vector<std::string> names;
    for (unsigned i = 0; i < layout.electrodes; ++i)
        names.push_back(std::string(1, static_cast<char>('A' + i / 32)) + std::to_string(i % 32 + 1));
    for (unsigned i = 0; i < layout.exChannels(); ++i) names.push_back("EX" + std::to_string(i + 1));
    return names;
}

ChannelSource parseChannel(const Layout& layout, const std::string& label) {
    const auto what = [&](const std::string& why) {
        return std::invalid_argument("BioSemi channel \"" + label + "\": " + why + " (speed mode " +
                                     std::to_string(layout.speedMode) + (layout.mk2 ? ", Mk2" : ", Mk1") + ": " +
                                     std::to_string(layout.electrodes) + " electrodes, " +
                                     std::to_string(layout.exChannels()) + " EX inputs)");
    };
    ChannelSource s;
    if (upper(label) == "STATUS") {
        s.kind = ChannelSource::Kind::Status;
        return s;
    }
    if (const auto dash = label.find('-'); dash != std::string::npos) {
        const auto plus = wordIndexOf(layout, label.substr(0, dash));
        const auto minus = wordIndexOf(layout, label.substr(dash + 1));
        if (!plus || !minus) throw what("a bipolar pair needs two channel names this mode sends");
        if (*plus == *minus) throw what("a bipolar pair of one channel with itself");
        s.kind = ChannelSource::Kind::Bipolar;
        s.word = *plus;
        s.minusWord = *minus;
        return s;
    }
    const auto w = wordIndexOf(layout, label);
    if (!w) throw what("not a channel this mode sends");
    s.word = *w;
    return s;
}

std::optional<FoundLayout> findLayout(const std::uint8_t* bytes, std::size_t size) noexcept {
    for (std::size_t at = 0; at + 2 * kWordBytes <= size; ++at) {
        if (loadWord(bytes + at) != kSyncWord) continue;
        const Status st = decodeStatus(statusValue(loadWord(bytes + at + kWordBytes)));
        const auto layout = layoutFor(st);
        if (!layout) continue;
        const std::size_t next = at + layout->frameBytes();
        if (next + 2 * kWordBytes > size || loadWord(bytes + next) != kSyncWord) continue;
        const Status st2 = decodeStatus(statusValue(loadWord(bytes + next + kWordBytes)));
        if (st2.mk2 != st.mk2 || st2.speedMode != st.speedMode) continue;
        return FoundLayout{*layout, at, st};
    }
    return std::nullopt;
}

}  // namespace emg::biosemi

#pragma once
// The emulated ActiveTwo receiver shared by the fixture generator (what the receiver sends) and
// the umockdev tests (what must arrive): scenarios, their layouts and their damaged frames.

#include "biosemi_stream.h"

#include <utility>
#include <vector>

namespace emg::biosemi::test {

/// Every speed mode 0..8 of both models, in the order the "modes" replay serves them.
inline std::vector<std::pair<bool, int>> allModes() {
    std::vector<std::pair<bool, int>> m;
    for (bool mk2 : {false, true})
        for (int mode = 0; mode <= kMaxSpeedMode; ++mode) m.emplace_back(mk2, mode);
    return m;
}

/// Frames streamed per speed mode in the "modes" replay: 3.5 transfers' worth.
inline std::int64_t modeFrames(const Layout& l) { return static_cast<std::int64_t>(kTransferBytes * 7 / 2 / l.frameBytes()); }

/// The channels the tests ask for in `l`: first and last electrode, EX1-EX2 when there, Status.
inline std::vector<std::string> testChannels(const Layout& l) {
    const auto names = channelNames(l);
    std::vector<std::string> c = {"A1", names[l.electrodes - 1]};
    if (l.exChannels() > 0) c.push_back("EX1-EX2");
    c.push_back("Status");
    return c;
}

// "lostsync": Mk2 speed mode 4, frame kLostSyncFrame's sync word damaged, frame kShortFrame
// missing its last kShortWords words.
inline constexpr int kLostSyncMode = 4;
inline constexpr std::int64_t kLostSyncFrames = 600;
inline constexpr std::int64_t kLostSyncFrame = 250;
inline constexpr std::int64_t kShortFrame = 400;
inline constexpr std::size_t kShortWords = 3;

// "disconnect": Mk2 speed mode 7 (16 kHz); the receiver goes away after kBeforeUnplug frames and
// returns for a run of kAfterReplug frames.
inline constexpr int kDisconnectMode = 7;
inline constexpr std::int64_t kBeforeUnplug = 2000;
inline constexpr std::int64_t kAfterReplug = 500;

// "ncs": Mk2 speed mode 7 (16 kHz), ncsFrames(): trigger pulses on input 1 and CMAPs on EX1.
inline constexpr int kNcsMode = 7;

// "trigger3": Mk2 speed mode 7, trigger3Frames(): stimuli on input 3's falling edges, another
// line on input 1; the workstation's dialogs choose the input, edge and montage (test_biosemi_gui).
inline constexpr int kTrigger3Mode = 7;

inline constexpr const char* kSysfsPath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1";

}  // namespace emg::biosemi::test

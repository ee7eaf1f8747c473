// Writes the umockdev fixtures for the USB driver tests from the protocol code itself:
//   <dir>/amplifier.umockdev   sysfs description with the raw USB descriptors
//   <dir>/<scenario>.pcap      usbmon capture (linktype 220) the replay serves to libusb
// The capture models the host side of the protocol exactly as UsbAmplifier drives it: control
// requests in order, then kTransfersInFlight bulk submissions, and after each completion the
// resubmission of that transfer.
// Usage: usb_fixture_gen <output dir>

#include "usb_scenarios.h"
#include "../support/usbmon_pcap.h"

#include <usb/usb_device.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace emg::usb;
using namespace emg::usb::test;
namespace fs = std::filesystem;

constexpr std::uint8_t kBus = 1, kDevAddr = 2;

void le(std::vector<std::uint8_t>& v, std::uint64_t x, int bytes) {
    for (int i = 0; i < bytes; ++i) v.push_back(static_cast<std::uint8_t>(x >> (8 * i)));
}

std::vector<std::uint8_t> descriptors() {
    return {// device: USB 2.0, vendor class, EP0 64 bytes, VID/PID, bcdDevice 1.00, no strings, 1 config
            18, 1, 0x00, 0x02, 0xFF, 0, 0, 64, proto::kVendorId & 0xFF, proto::kVendorId >> 8,
            proto::kProductId & 0xFF, proto::kProductId >> 8, 0x00, 0x01, 0, 0, 0, 1,
            // configuration: 25 bytes total, 1 interface, value 1, bus powered 100 mA
            9, 2, 25, 0, 1, 1, 0, 0x80, 50,
            // interface 0: one endpoint, vendor class
            9, 4, proto::kInterface, 0, 1, 0xFF, 0, 0, 0,
            // bulk IN endpoint 0x81, 512-byte packets
            7, 5, proto::kBulkInEndpoint, 2, proto::kBulkMaxPacket & 0xFF, proto::kBulkMaxPacket >> 8, 0};
}

void writeUmockdev(const fs::path& file) {
    std::ofstream o(file);
    const std::string sys = std::string(kSysfsPath).substr(4);  // without "/sys"
    char ids[64];
    std::snprintf(ids, sizeof ids, "%04x/%04x/100", proto::kVendorId, proto::kProductId);
    o << "P: " << sys << "\nN: bus/usb/001/002\n"
      << "E: DEVNAME=/dev/bus/usb/001/002\nE: DEVTYPE=usb_device\nE: DRIVER=usb\nE: PRODUCT=" << ids
      << "\nE: TYPE=255/0/0\nE: BUSNUM=001\nE: DEVNUM=002\nE: MAJOR=189\nE: MINOR=1\nE: SUBSYSTEM=usb\n";
    char vid[8], pid[8];
    std::snprintf(vid, sizeof vid, "%04x", proto::kVendorId);
    std::snprintf(pid, sizeof pid, "%04x", proto::kProductId);
    o << "A: bConfigurationValue=1\\n\nA: bDeviceClass=ff\\n\nA: bNumConfigurations=1\\n\nA: bNumInterfaces= 1\\n\n"
      << "A: busnum=1\\n\nA: dev=189:1\\n\nA: devnum=2\\n\nA: devpath=1\\n\nA: idProduct=" << pid
      << "\\n\nA: idVendor=" << vid << "\\n\nA: speed=480\\n\nH: descriptors=";
    for (auto b : descriptors()) {
        char h[3];
        std::snprintf(h, sizeof h, "%02X", b);
        o << h;
    }
    o << "\n";
}

/// The usbmon capture writer shared with the BioSemi fixtures, on this device's bus and address.
class PcapWriter : public emg::test::UsbmonPcap {
public:
    explicit PcapWriter(const fs::path& file) : UsbmonPcap(file, kBus, kDevAddr) {}
};

std::vector<std::uint8_t> setupPacket(std::uint8_t type, std::uint8_t request, std::uint16_t length) {
    std::vector<std::uint8_t> s;
    s.push_back(type);
    s.push_back(request);
    le(s, 0, 2);                  // wValue
    le(s, proto::kInterface, 2);  // wIndex
    le(s, length, 2);
    return s;
}

/// Control transfers as usbmon shows them: setup in the header, urb_len = wLength, the data
/// stage without the setup. Vendor requests are never skipped by the replay: it waits for them.
void controlIn(PcapWriter& w, std::uint8_t request, const std::vector<std::uint8_t>& answer) {
    const auto n = static_cast<std::uint16_t>(answer.size());
    const auto id = w.nextId();
    w.record(id, 'S', 2, 0x80, -115, n, setupPacket(proto::kRequestTypeIn, request, n), {});
    w.record(id, 'C', 2, 0x80, 0, n, {}, answer);
}
/// The replay compares the OUT data stage byte for byte with what the driver sends.
void controlOut(PcapWriter& w, std::uint8_t request, const std::vector<std::uint8_t>& payload) {
    const auto n = static_cast<std::uint16_t>(payload.size());
    const auto id = w.nextId();
    w.record(id, 'S', 2, 0x00, -115, n, setupPacket(proto::kRequestTypeOut, request, n), payload);
    w.record(id, 'C', 2, 0x00, 0, n, {}, {});
}

/// Frames [0, count) with sample values sampleAt(); `skipFrom..skipFrom+skip` are not sent.
std::vector<std::uint8_t> frameStream(std::uint32_t count, std::uint32_t skipFrom, std::uint32_t skip,
                                      std::int64_t stimFrame, std::int64_t corruptFrame) {
    const std::uint16_t spf = wireConfig().samplesPerFrame;
    const std::size_t fbytes = proto::frameBytes(kChannels, spf);
    std::vector<std::uint8_t> stream;
    std::vector<std::int32_t> samples(kChannels * spf);
    for (std::uint32_t f = 0; f < count + skip; ++f) {
        if (skip && f >= skipFrom && f < skipFrom + skip) continue;
        proto::FrameHeader h;
        h.channelCount = kChannels;
        h.sampleFrames = spf;
        h.sequence = f;
        h.firstSampleIndex = static_cast<std::int64_t>(f) * spf;
        for (std::uint16_t t = 0; t < spf; ++t)
            for (std::size_t c = 0; c < kChannels; ++c) samples[t * kChannels + c] = sampleAt(h.firstSampleIndex + t, c);
        if (static_cast<std::int64_t>(f) == stimFrame) {
            h.flags |= proto::kFrameStimulus;
            h.stimOffset = kStimOffset;
            h.stimDeliveredUa = kStimDeliveredUa;
        }
        const std::size_t at = stream.size();
        stream.resize(at + fbytes);
        proto::encodeFrame(h, samples, stream.data() + at);
        if (static_cast<std::int64_t>(f) == corruptFrame) stream[at + proto::kFrameHeaderBytes + 40] ^= 0x10;
    }
    return stream;
}

/// START, kTransfersInFlight submissions, one completion + resubmission per transfer.
/// Returns the ids of the transfers left in flight. `between(t)` may add records after transfer t.
template <typename Between>
std::vector<std::uint64_t> streamRecords(PcapWriter& w, const std::vector<std::uint8_t>& stream, std::int64_t stallAt,
                                         Between between) {
    const std::uint16_t spf = wireConfig().samplesPerFrame;
    const auto transferLen =
        static_cast<std::uint32_t>(proto::framesPerTransfer(kRateHz, spf) * proto::frameBytes(kChannels, spf));
    constexpr int k = UsbAmplifier::kTransfersInFlight;
    controlOut(w, proto::kStart, {});
    std::vector<std::uint64_t> slotId(k);
    for (int i = 0; i < k; ++i) {
        slotId[i] = w.nextId();
        w.record(slotId[i], 'S', 3, proto::kBulkInEndpoint, -115, transferLen, {}, {});
    }
    std::size_t offset = 0;
    for (std::uint32_t transfer = 0; offset < stream.size(); ++transfer) {
        const int slot = static_cast<int>(transfer % k);
        if (static_cast<std::int64_t>(transfer) == stallAt) {
            w.record(slotId[slot], 'C', 3, proto::kBulkInEndpoint, -32 /* EPIPE */, 0, {}, {});
        } else {
            const std::size_t n = std::min<std::size_t>(transferLen, stream.size() - offset);
            std::vector<std::uint8_t> data(stream.begin() + static_cast<std::ptrdiff_t>(offset),
                                           stream.begin() + static_cast<std::ptrdiff_t>(offset + n));
            w.record(slotId[slot], 'C', 3, proto::kBulkInEndpoint, 0, static_cast<std::uint32_t>(n), {}, data);
            offset += n;
        }
        slotId[slot] = w.nextId();  // the host resubmits the transfer from its callback
        w.record(slotId[slot], 'S', 3, proto::kBulkInEndpoint, -115, transferLen, {}, {});
        between(transfer);
    }
    return slotId;
}

void openAndConfigure(PcapWriter& w) {
    const auto d = proto::encodeDescription(amplifierDescription());
    controlIn(w, proto::kGetDescription, {d.begin(), d.end()});
    controlOut(w, proto::kSetConfig, proto::encodeConfig(wireConfig()));
}

void writeScenario(const fs::path& file, const ScenarioSpec& spec) {
    PcapWriter w(file);
    openAndConfigure(w);
    const auto none = [](std::uint32_t) {};
    const std::int64_t special = spec.specialFrame;
    switch (spec.kind) {
    case Scenario::Describe: {
        std::vector<std::uint8_t> imp;
        for (std::size_t c = 0; c < kChannels; ++c) le(imp, impedanceOhmsAt(c), 4);
        controlIn(w, proto::kImpedance, imp);
        return;
    }
    case Scenario::Stream: streamRecords(w, frameStream(spec.frames, 0, 0, -1, -1), -1, none); break;
    case Scenario::Corrupt: streamRecords(w, frameStream(spec.frames, 0, 0, -1, special), -1, none); break;
    case Scenario::Gap: streamRecords(w, frameStream(spec.frames, spec.specialFrame, kGapFrames, -1, -1), -1, none); break;
    case Scenario::Stall: streamRecords(w, frameStream(spec.frames, 0, 0, -1, -1), special, none); break;
    case Scenario::Stimulus: {
        emg::StimulusCommand cmd;
        cmd.intensityMa = kStimRequestedMa;
        cmd.pulseWidthMs = kStimWidthMs;
        const auto payload = proto::encodeStimulus(proto::toWire(cmd));
        // the command arrives mid-stream, after kStimAfterTransfer transfers; the pulse is reported later
        streamRecords(w, frameStream(spec.frames, 0, 0, special, -1), -1, [&](std::uint32_t t) {
            if (t == kStimAfterTransfer) controlOut(w, proto::kStimulate, {payload.begin(), payload.end()});
        });
        break;
    }
    case Scenario::Disconnect: {
        auto inFlight = streamRecords(w, frameStream(spec.frames, 0, 0, -1, -1), -1, none);
        for (auto id : inFlight) w.record(id, 'C', 3, proto::kBulkInEndpoint, -19 /* ENODEV */, 0, {}, {});
        // the device comes back: reopen, reconfigure, a short second run
        openAndConfigure(w);
        streamRecords(w, frameStream(kFramesAfterReconnect, 0, 0, -1, -1), -1, none);
        break;
    }
    }
    controlOut(w, proto::kStop, {});
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: usb_fixture_gen <output dir>\n");
        return 2;
    }
    try {
        const fs::path dir = argv[1];
        fs::create_directories(dir);
        writeUmockdev(dir / "amplifier.umockdev");
        for (const auto& s : kScenarios) writeScenario(dir / (std::string(s.name) + ".pcap"), s);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "usb_fixture_gen: %s\n", e.what());
        return 1;
    }
    return 0;
}

// Writes the umockdev fixtures for the BioSemi receiver tests from the protocol code:
//   <dir>/receiver.umockdev   sysfs description with the receiver's USB descriptors
//   <dir>/<scenario>.pcap     usbmon capture the replay serves to libusb, in the order the
//                             driver issues its requests (handshake, bulk IN in flight, stop)
// Usage: biosemi_fixture_gen <output dir>

#include "biosemi_scenarios.h"

#include "../support/usbmon_pcap.h"

#include <biosemi/biosemi_device.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

using namespace emg::biosemi;
using namespace emg::biosemi::test;
using emg::test::UsbmonPcap;
namespace fs = std::filesystem;

std::vector<std::uint8_t> descriptors() {
    const std::uint16_t mp = 512;
    return {// device: USB 2.0, vendor class, EP0 64 bytes, 0547:1005, one configuration
            18, 1, 0x00, 0x02, 0xFF, 0, 0, 64, kVendorId & 0xFF, kVendorId >> 8, kProductId & 0xFF, kProductId >> 8,
            0x00, 0x01, 0, 0, 0, 1,
            // configuration 1: 32 bytes, one interface, self powered
            9, 2, 32, 0, 1, kConfiguration, 0, 0xC0, 0,
            // interface 0: two bulk endpoints
            9, 4, kInterface, 0, 2, 0xFF, 0, 0, 0,
            7, 5, kBulkOutEndpoint, 2, mp & 0xFF, mp >> 8, 0,
            7, 5, kBulkInEndpoint, 2, mp & 0xFF, mp >> 8, 0};
}

void writeUmockdev(const fs::path& file) {
    std::ofstream o(file);
    char ids[64];
    std::snprintf(ids, sizeof ids, "%x/%x/100", kVendorId, kProductId);
    o << "P: " << std::string(kSysfsPath).substr(4) << "\nN: bus/usb/001/002\n"
      << "E: DEVNAME=/dev/bus/usb/001/002\nE: DEVTYPE=usb_device\nE: DRIVER=usb\nE: PRODUCT=" << ids
      << "\nE: TYPE=255/0/0\nE: BUSNUM=001\nE: DEVNUM=002\nE: MAJOR=189\nE: MINOR=1\nE: SUBSYSTEM=usb\n";
    char vid[8], pid[8];
    std::snprintf(vid, sizeof vid, "%04x", kVendorId);
    std::snprintf(pid, sizeof pid, "%04x", kProductId);
    o << "A: bConfigurationValue=1\\n\nA: bDeviceClass=ff\\n\nA: bNumConfigurations=1\\n\nA: bNumInterfaces= 1\\n\n"
      << "A: busnum=1\\n\nA: dev=189:1\\n\nA: devnum=2\\n\nA: devpath=1\\n\nA: idProduct=" << pid << "\\n\nA: idVendor=" << vid
      << "\\n\nA: manufacturer=BioSemi\\n\nA: product=ActiveTwo USB2 receiver\\n\nA: speed=480\\n\nH: descriptors=";
    for (auto b : descriptors()) {
        char h[3];
        std::snprintf(h, sizeof h, "%02X", b);
        o << h;
    }
    o << "\n";
}

std::vector<std::uint8_t> cmd(std::uint8_t first) {
    const auto c = command(first);
    return {c.begin(), c.end()};
}

/// open(): stop, start, one 64 KiB read answered with frames, stop.
void handshake(UsbmonPcap& w, const Layout& l) {
    w.bulkOut(kBulkOutEndpoint, cmd(kCommandStop));
    w.bulkOut(kBulkOutEndpoint, cmd(kCommandStart));
    const auto id = w.nextId();
    auto data = plainFrames(l, 0, static_cast<std::int64_t>(kTransferBytes / l.frameBytes()) + 1);
    data.resize(kTransferBytes);
    w.record(id, 'S', UsbmonPcap::kBulk, kBulkInEndpoint, -115, kTransferBytes, {});
    w.record(id, 'C', UsbmonPcap::kBulk, kBulkInEndpoint, 0, kTransferBytes, data);
    w.bulkOut(kBulkOutEndpoint, cmd(kCommandStop));
}

/// start(): the start command, kTransfersInFlight submissions, then each completion (64 KiB of
/// the stream, the last one short) followed by that transfer's resubmission. Returns the ids left
/// in flight.
std::vector<std::uint64_t> stream(UsbmonPcap& w, const std::vector<std::uint8_t>& bytes) {
    w.bulkOut(kBulkOutEndpoint, cmd(kCommandStart));
    constexpr int k = ActiveTwo::kTransfersInFlight;
    std::vector<std::uint64_t> slot(k);
    for (auto& id : slot) {
        id = w.nextId();
        w.record(id, 'S', UsbmonPcap::kBulk, kBulkInEndpoint, -115, kTransferBytes, {});
    }
    std::size_t at = 0;
    for (std::size_t t = 0; at < bytes.size(); ++t) {
        const std::size_t n = std::min(kTransferBytes, bytes.size() - at);
        auto& id = slot[t % k];
        w.record(id, 'C', UsbmonPcap::kBulk, kBulkInEndpoint, 0, static_cast<std::uint32_t>(n),
                 {bytes.begin() + static_cast<std::ptrdiff_t>(at), bytes.begin() + static_cast<std::ptrdiff_t>(at + n)});
        at += n;
        id = w.nextId();
        w.record(id, 'S', UsbmonPcap::kBulk, kBulkInEndpoint, -115, kTransferBytes, {});
    }
    return slot;
}

void writeModes(const fs::path& file) {
    UsbmonPcap w(file, 1, 2);
    for (const auto& [mk2, mode] : allModes()) {
        const Layout l = *layoutFor(mk2, mode);
        handshake(w, l);
        stream(w, plainFrames(l, 0, modeFrames(l)));
        w.bulkOut(kBulkOutEndpoint, cmd(kCommandStop));
    }
}

void writeLostSync(const fs::path& file) {
    UsbmonPcap w(file, 1, 2);
    const Layout l = *layoutFor(true, kLostSyncMode);
    handshake(w, l);
    auto bytes = plainFrames(l, 0, kLostSyncFrames);
    bytes[static_cast<std::size_t>(kLostSyncFrame) * l.frameBytes() + 2] = 0x7F;  // sync word damaged
    const std::size_t shortEnd = static_cast<std::size_t>(kShortFrame + 1) * l.frameBytes();
    bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(shortEnd - kShortWords * kWordBytes),
                bytes.begin() + static_cast<std::ptrdiff_t>(shortEnd));
    stream(w, bytes);
    w.bulkOut(kBulkOutEndpoint, cmd(kCommandStop));
}

void writeDisconnect(const fs::path& file) {
    UsbmonPcap w(file, 1, 2);
    const Layout l = *layoutFor(true, kDisconnectMode);
    handshake(w, l);
    for (auto id : stream(w, plainFrames(l, 0, kBeforeUnplug)))
        w.record(id, 'C', UsbmonPcap::kBulk, kBulkInEndpoint, -19 /* ENODEV */, 0, {});
    handshake(w, l);  // back: reopen() runs the handshake again
    stream(w, plainFrames(l, 0, kAfterReplug));
    w.bulkOut(kBulkOutEndpoint, cmd(kCommandStop));
}

void writeNcs(const fs::path& file) {
    UsbmonPcap w(file, 1, 2);
    const Layout l = *layoutFor(true, kNcsMode);
    handshake(w, l);
    stream(w, ncsFrames(l));
    w.bulkOut(kBulkOutEndpoint, cmd(kCommandStop));
}

void writeTrigger3(const fs::path& file) {
    UsbmonPcap w(file, 1, 2);
    const Layout l = *layoutFor(true, kTrigger3Mode);
    handshake(w, l);
    stream(w, trigger3Frames(l));
    w.bulkOut(kBulkOutEndpoint, cmd(kCommandStop));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: biosemi_fixture_gen <output dir>\n");
        return 2;
    }
    try {
        const fs::path dir = argv[1];
        fs::create_directories(dir);
        writeUmockdev(dir / "receiver.umockdev");
        writeModes(dir / "modes.pcap");
        writeLostSync(dir / "lostsync.pcap");
        writeDisconnect(dir / "disconnect.pcap");
        writeNcs(dir / "ncs.pcap");
        writeTrigger3(dir / "trigger3.pcap");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "biosemi_fixture_gen: %s\n", e.what());
        return 1;
    }
    return 0;
}

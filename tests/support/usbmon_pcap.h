#pragma once
// Writes usbmon captures (classic pcap, linktype 220 USB_LINUX_MMAPPED) that umockdev-run -p
// replays to libusb: each record a 64-byte usbmon header then the data. 'S' (submit) carries the
// requested length and, for OUT, the data the host must send; 'C' (complete) the actual length
// and, for IN, the data. See /work/shared/GOTCHAS.md ("USB without hardware").

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace emg::test {

class UsbmonPcap {
public:
    static constexpr std::uint8_t kControl = 2, kBulk = 3;

    UsbmonPcap(const std::filesystem::path& file, std::uint8_t bus, std::uint8_t devnum)
        : out_(file, std::ios::binary), bus_(bus), dev_(devnum) {
        std::vector<std::uint8_t> h;
        le(h, 0xa1b2c3d4, 4);
        le(h, 2, 2);
        le(h, 4, 2);
        le(h, 0, 8);
        le(h, 1u << 24, 4);  // snap length
        le(h, 220, 4);
        put(h);
    }

    std::uint64_t nextId() { return ++id_; }

    /// One record. status: 0, -115 (EINPROGRESS, a submission), -19 (ENODEV), -32 (EPIPE).
    void record(std::uint64_t id, char event, std::uint8_t type, std::uint8_t endpoint, std::int32_t status,
                std::uint32_t urbLength, const std::vector<std::uint8_t>& data) {
        record(id, event, type, endpoint, status, urbLength, {}, data);
    }
    /// A record with a setup packet (control transfers: 8 bytes; empty for none).
    void record(std::uint64_t id, char event, std::uint8_t type, std::uint8_t endpoint, std::int32_t status,
                std::uint32_t urbLength, const std::vector<std::uint8_t>& setup, const std::vector<std::uint8_t>& data) {
        usec_ += 125;
        std::vector<std::uint8_t> p;
        le(p, id, 8);
        p.push_back(static_cast<std::uint8_t>(event));
        p.push_back(type);
        p.push_back(endpoint);
        p.push_back(dev_);
        le(p, bus_, 2);
        p.push_back(setup.empty() ? '-' : 0);  // '-': no setup packet
        p.push_back(data.empty() ? (event == 'S' ? '>' : '<') : 0);
        le(p, usec_ / 1000000, 8);
        le(p, usec_ % 1000000, 4);
        le(p, static_cast<std::uint32_t>(status), 4);
        le(p, urbLength, 4);
        le(p, data.size(), 4);
        std::uint8_t setupBytes[8] = {};
        if (setup.size() >= 8) std::memcpy(setupBytes, setup.data(), 8);
        p.insert(p.end(), setupBytes, setupBytes + 8);
        le(p, 0, 16);  // interval, start frame, flags, descriptor count
        p.insert(p.end(), data.begin(), data.end());
        std::vector<std::uint8_t> rh;
        le(rh, usec_ / 1000000, 4);
        le(rh, usec_ % 1000000, 4);
        le(rh, p.size(), 4);
        le(rh, p.size(), 4);
        put(rh);
        put(p);
    }

    /// A synchronous bulk OUT write the replay compares byte for byte.
    void bulkOut(std::uint8_t endpoint, const std::vector<std::uint8_t>& data) {
        const auto id = nextId();
        record(id, 'S', kBulk, endpoint, -115, static_cast<std::uint32_t>(data.size()), data);
        record(id, 'C', kBulk, endpoint, 0, static_cast<std::uint32_t>(data.size()), {});
    }

private:
    static void le(std::vector<std::uint8_t>& v, std::uint64_t x, int bytes) {
        for (int i = 0; i < bytes; ++i) v.push_back(static_cast<std::uint8_t>(bytes > 8 ? 0 : x >> (8 * i)));
    }
    void put(const std::vector<std::uint8_t>& v) { out_.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size())); }

    std::ofstream out_;
    std::uint8_t bus_, dev_;
    std::uint64_t usec_ = 1000000;
    std::uint64_t id_ = 0x2000;
};

}  // namespace emg::test

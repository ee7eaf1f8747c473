#pragma once
// The libusb plumbing shared by the USB drivers (drivers/usb, drivers/biosemi): finding devices by
// vendor/product id, hotplug, opening and claiming one, and a stream of asynchronous bulk IN
// transfers kept in flight by an event thread. libusb is included only in usb_link.cpp; a driver
// keeps its protocol (commands, decoding, device state) and reports through StreamSink.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace emg::usblink {

struct UsbIds {
    std::uint16_t vendorId = 0;
    std::uint16_t productId = 0;
};

/// Where a device sits on the bus.
struct BusLocation {
    std::uint8_t bus = 0;
    std::uint8_t address = 0;
    std::string portPath;  ///< "1-1.4": stable across reconnects to the same socket
};

/// libusb's error codes the drivers test for (the values of libusb_error).
inline constexpr int kErrorAccess = -3;
inline constexpr int kErrorNoDevice = -4;
inline constexpr int kErrorTimeout = -7;
std::string errorText(int rc);

/// All devices with these ids. Never throws: an unusable libusb gives an empty list (logged as logName).
std::vector<BusLocation> enumerate(UsbIds ids, const std::string& logName);
/// True when libusb can report arrivals and removals here.
bool hotplugSupported();

/// Reports arrivals and removals of devices with these ids on its own thread (libusb hotplug);
/// devices present at construction are reported as arrivals. Inactive (and silent) where libusb
/// has no hotplug; then refresh with enumerate().
class HotplugWatcher {
public:
    using Callback = std::function<void(const BusLocation& where, bool arrived)>;
    HotplugWatcher(UsbIds ids, std::string logName, Callback callback);
    ~HotplugWatcher();
    HotplugWatcher(const HotplugWatcher&) = delete;
    HotplugWatcher& operator=(const HotplugWatcher&) = delete;
    bool active() const noexcept;
    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

/// A watcher whose callback receives the driver's own entry, made from the bus location.
template <class Entry>
class EntryHotplugWatcher {
public:
    using Callback = std::function<void(const Entry& entry, bool arrived)>;
    using EntryMaker = std::function<Entry(const BusLocation&)>;
    EntryHotplugWatcher(UsbIds ids, std::string logName, EntryMaker make, Callback callback)
        : watcher_(ids, std::move(logName),
                   [make = std::move(make), callback = std::move(callback)](const BusLocation& where, bool arrived) {
                       if (callback) callback(make(where), arrived);
                   }) {}
    bool active() const noexcept { return watcher_.active(); }

private:
    HotplugWatcher watcher_;
};

/// What the bulk IN stream tells its driver, on the event thread.
class StreamSink {
public:
    virtual ~StreamSink() = default;
    /// A completed transfer's bytes (decode them here).
    virtual void onData(std::span<const std::uint8_t> bytes) = 0;
    /// The device is gone (NO_DEVICE, or a resubmission refused): streaming has ended.
    virtual void onDisconnected(const std::string& why) = 0;
    /// A stalled endpoint could not be cleared: this transfer stays out of flight.
    virtual void onFatal(const std::string& why) = 0;
};

struct StreamCounters {
    std::uint64_t completed = 0;
    std::uint64_t resubmitted = 0;  ///< completions whose transfer went back in flight
    std::uint64_t stalls = 0;       ///< endpoint halted, cleared and resumed (clearHaltOnStall)
    std::uint64_t errors = 0;       ///< TIMED_OUT, ERROR, OVERFLOW (and STALL without clearHaltOnStall)
    std::uint64_t bytes = 0;
};

/// The stream's counters with the driver's decoder counters, as a driver's linkCounters() gives them.
template <class DecoderCounters>
struct LinkCountersOf {
    std::uint64_t transfersCompleted = 0;
    std::uint64_t transfersResubmitted = 0;  ///< completions whose transfer went back in flight
    std::uint64_t stalls = 0;                ///< bulk endpoint halted; cleared and resumed
    std::uint64_t transferErrors = 0;
    std::uint64_t bytesReceived = 0;
    DecoderCounters decoder;
};

struct StreamSpec {
    std::uint8_t endpoint = 0x82;
    int transfers = 4;
    std::size_t transferBytes = 65536;
    bool clearHaltOnStall = false;
};

/// One opened device: handle, claimed interface, synchronous requests, bulk IN stream.
class UsbLink {
public:
    UsbLink(UsbIds ids, std::uint8_t interfaceNumber, std::string logName);
    ~UsbLink();
    UsbLink(const UsbLink&) = delete;
    UsbLink& operator=(const UsbLink&) = delete;

    /// Finds the device on portPath (empty: the first with the ids) and opens it. Returns libusb's
    /// code (0 = open) and fills where.
    int open(const std::string& portPath, BusLocation& where);
    /// Selects the configuration unless already active (setting it again resets the device).
    void selectConfiguration(int configuration);
    /// Claims the interface; libusb's code.
    int claim();
    void close();
    bool isOpen() const noexcept;

    int bulkTransfer(std::uint8_t endpoint, std::uint8_t* data, int length, int& transferred, unsigned timeoutMs);
    /// libusb_control_transfer: bytes moved, or a negative libusb code.
    int controlTransfer(std::uint8_t requestType, std::uint8_t request, std::uint16_t value, std::uint16_t index,
                        std::uint8_t* data, std::uint16_t length, unsigned timeoutMs);

    /// Allocates the stream's transfers and buffers (replacing any).
    void allocateStream(const StreamSpec& spec);
    void freeStream();
    /// Submits every transfer and starts the event thread; throws when none could be submitted.
    void startStream(StreamSink& sink);
    /// Cancels the transfers and joins the event thread. Returns true if it was still streaming
    /// (false after a disconnect or when not started).
    bool stopStream();
    bool streamRunning() const noexcept;
    StreamCounters counters() const;
    template <class DecoderCounters>
    LinkCountersOf<DecoderCounters> countersWith(const DecoderCounters& decoder) const {
        const auto c = counters();
        return {c.completed, c.resubmitted, c.stalls, c.errors, c.bytes, decoder};
    }

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace emg::usblink

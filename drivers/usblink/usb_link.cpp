#include "usb_link.h"

#include <libusb.h>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <thread>

namespace emg::usblink {

namespace {

std::string portPathOf(libusb_device* dev) {
    std::uint8_t ports[8];
    const int n = libusb_get_port_numbers(dev, ports, 8);
    std::string s = std::to_string(libusb_get_bus_number(dev));
    for (int i = 0; i < n; ++i) s += (i == 0 ? "-" : ".") + std::to_string(ports[i]);
    return s;
}

bool matches(libusb_device* dev, UsbIds ids) {
    libusb_device_descriptor d{};
    return libusb_get_device_descriptor(dev, &d) == 0 && d.idVendor == ids.vendorId && d.idProduct == ids.productId;
}

BusLocation locationOf(libusb_device* dev) {
    BusLocation l;
    l.bus = libusb_get_bus_number(dev);
    l.address = libusb_get_device_address(dev);
    l.portPath = portPathOf(dev);
    return l;
}

void bump(std::atomic<std::uint64_t>& a, std::uint64_t n = 1) { a.fetch_add(n, std::memory_order_relaxed); }

}  // namespace

std::string errorText(int rc) { return libusb_strerror(static_cast<libusb_error>(rc)); }

// ------------------------------------------------------------------ enumeration and hotplug

std::vector<BusLocation> enumerate(UsbIds ids, const std::string& logName) {
    std::vector<BusLocation> out;
    libusb_context* ctx = nullptr;
    if (const int rc = libusb_init(&ctx); rc != 0) {
        spdlog::warn("{}: USB enumeration unavailable: {}", logName, errorText(rc));
        return out;
    }
    libusb_device** list = nullptr;
    const ssize_t n = libusb_get_device_list(ctx, &list);
    for (ssize_t i = 0; i < n; ++i)
        if (matches(list[i], ids)) out.push_back(locationOf(list[i]));
    if (n >= 0) libusb_free_device_list(list, 1);
    libusb_exit(ctx);
    return out;
}

bool hotplugSupported() { return libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) != 0; }

struct HotplugWatcher::Impl {
    libusb_context* ctx = nullptr;
    libusb_hotplug_callback_handle handle{};
    bool registered = false;
    std::thread thread;
    std::atomic<bool> stop{false};
    std::string logName;
    Callback callback;

    static int LIBUSB_CALL onEvent(libusb_context*, libusb_device* dev, libusb_hotplug_event event, void* user) {
        auto* self = static_cast<Impl*>(user);
        const bool arrived = event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED;
        const auto where = locationOf(dev);
        spdlog::info("{} {} on port {}", self->logName, arrived ? "connected" : "removed", where.portPath);
        try {
            if (self->callback) self->callback(where, arrived);
        } catch (const std::exception& e) {
            spdlog::error("{}: hotplug handler failed: {}", self->logName, e.what());
        }
        return 0;  // stay registered
    }
};

HotplugWatcher::HotplugWatcher(UsbIds ids, std::string logName, Callback callback) : impl_(std::make_unique<Impl>()) {
    impl_->callback = std::move(callback);
    impl_->logName = std::move(logName);
    if (!hotplugSupported()) {
        spdlog::info("{}: USB hotplug not supported here; the device list is refreshed on demand", impl_->logName);
        return;
    }
    if (libusb_init(&impl_->ctx) != 0) {
        impl_->ctx = nullptr;
        spdlog::warn("{}: USB hotplug unavailable (libusb_init failed)", impl_->logName);
        return;
    }
    const int rc = libusb_hotplug_register_callback(
        impl_->ctx,
        static_cast<libusb_hotplug_event>(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT),
        LIBUSB_HOTPLUG_ENUMERATE, ids.vendorId, ids.productId, LIBUSB_HOTPLUG_MATCH_ANY, &Impl::onEvent, impl_.get(),
        &impl_->handle);
    if (rc != 0) {
        spdlog::warn("{}: USB hotplug registration failed: {}", impl_->logName, errorText(rc));
        return;
    }
    impl_->registered = true;
    impl_->thread = std::thread([im = impl_.get()] {
        timeval tv{0, 100000};
        while (!im->stop.load(std::memory_order_acquire)) libusb_handle_events_timeout_completed(im->ctx, &tv, nullptr);
    });
}

HotplugWatcher::~HotplugWatcher() {
    impl_->stop.store(true, std::memory_order_release);
    if (impl_->registered) libusb_hotplug_deregister_callback(impl_->ctx, impl_->handle);  // wakes the loop
    if (impl_->thread.joinable()) impl_->thread.join();
    if (impl_->ctx) libusb_exit(impl_->ctx);
}

bool HotplugWatcher::active() const noexcept { return impl_->registered; }

// ------------------------------------------------------------------ one opened device

struct UsbLink::Impl {
    UsbIds ids;
    std::uint8_t interfaceNumber = 0;
    std::string logName;
    libusb_context* ctx = nullptr;
    libusb_device_handle* handle = nullptr;
    bool claimed = false;

    StreamSpec spec;
    StreamSink* sink = nullptr;
    std::vector<libusb_transfer*> transfers;
    std::vector<std::vector<std::uint8_t>> buffers;
    std::atomic<int> inFlight{0};
    std::atomic<bool> streaming{false};
    std::atomic<bool> stopEvents{false};
    std::thread eventThread;
    std::atomic<std::uint64_t> completed{0}, resubmitted{0}, stalls{0}, errors{0}, bytes{0};

    void closeHandle() {
        if (handle) {
            if (claimed) libusb_release_interface(handle, interfaceNumber);
            libusb_close(handle);
        }
        handle = nullptr;
        claimed = false;
    }
    void freeTransfers() {
        for (auto* t : transfers) libusb_free_transfer(t);
        transfers.clear();
        buffers.clear();
    }
    void lost(const std::string& why) {
        if (streaming.exchange(false)) sink->onDisconnected(why);
    }
    /// STALL: clears the halt; false when it cannot be cleared (reported, not resubmitted).
    bool clearStall(libusb_transfer* t) {
        bump(stalls);
        spdlog::warn("{}: bulk endpoint stalled; clearing the halt and continuing", logName);
        if (const int rc = libusb_clear_halt(t->dev_handle, spec.endpoint); rc != 0) {
            sink->onFatal("bulk endpoint stalled and could not be cleared: " + errorText(rc));
            return false;
        }
        return true;
    }
    static void LIBUSB_CALL onTransfer(libusb_transfer* t);
    void eventLoop();
};

void UsbLink::Impl::onTransfer(libusb_transfer* t) {
    auto* im = static_cast<Impl*>(t->user_data);
    bool resubmit = im->streaming.load(std::memory_order_acquire);
    switch (t->status) {
    case LIBUSB_TRANSFER_COMPLETED:
        bump(im->completed);
        bump(im->bytes, static_cast<std::uint64_t>(t->actual_length));
        im->sink->onData({t->buffer, static_cast<std::size_t>(t->actual_length)});
        break;
    case LIBUSB_TRANSFER_NO_DEVICE:
        im->lost("disconnected during acquisition");
        resubmit = false;
        break;
    case LIBUSB_TRANSFER_CANCELLED: resubmit = false; break;
    case LIBUSB_TRANSFER_STALL:
        if (im->spec.clearHaltOnStall) {
            const bool cleared = im->clearStall(t);
            resubmit = resubmit && cleared;
            break;
        }
        [[fallthrough]];
    default:  // TIMED_OUT, ERROR, OVERFLOW: counted; the driver's decoder handles the data
        bump(im->errors);
        spdlog::warn("{}: bulk transfer ended with status {}; resubmitting", im->logName, static_cast<int>(t->status));
        break;
    }
    if (resubmit) {
        if (libusb_submit_transfer(t) == 0) {
            bump(im->resubmitted);
            return;
        }
        im->lost("disconnected (transfer resubmission refused)");
    }
    im->inFlight.fetch_sub(1, std::memory_order_acq_rel);
}

void UsbLink::Impl::eventLoop() {
    timeval tv{0, 20000};
    while (!stopEvents.load(std::memory_order_acquire) || inFlight.load(std::memory_order_acquire) > 0) {
        const int rc = libusb_handle_events_timeout_completed(ctx, &tv, nullptr);
        if (rc != 0 && rc != LIBUSB_ERROR_INTERRUPTED) {
            spdlog::error("{}: USB event handling failed: {}", logName, errorText(rc));
            break;
        }
    }
}

UsbLink::UsbLink(UsbIds ids, std::uint8_t interfaceNumber, std::string logName) : impl_(std::make_unique<Impl>()) {
    impl_->ids = ids;
    impl_->interfaceNumber = interfaceNumber;
    impl_->logName = std::move(logName);
}

UsbLink::~UsbLink() {
    stopStream();
    impl_->freeTransfers();
    impl_->closeHandle();
    if (impl_->ctx) libusb_exit(impl_->ctx);
}

int UsbLink::open(const std::string& portPath, BusLocation& where) {
    auto& im = *impl_;
    im.closeHandle();
    if (!im.ctx) {
        if (const int rc = libusb_init(&im.ctx); rc != 0) {
            im.ctx = nullptr;
            throw std::runtime_error(im.logName + ": libusb_init failed: " + errorText(rc));
        }
    }
    libusb_device** list = nullptr;
    const ssize_t n = libusb_get_device_list(im.ctx, &list);
    libusb_device* chosen = nullptr;
    for (ssize_t i = 0; i < n && !chosen; ++i)
        if (matches(list[i], im.ids) && (portPath.empty() || portPathOf(list[i]) == portPath)) chosen = list[i];
    int rc = LIBUSB_ERROR_NO_DEVICE;
    if (chosen) {
        where = locationOf(chosen);
        rc = libusb_open(chosen, &im.handle);
    }
    if (n >= 0) libusb_free_device_list(list, 1);
    if (rc != 0) im.handle = nullptr;
    return rc;
}

void UsbLink::selectConfiguration(int configuration) {
    auto& im = *impl_;
    int active = 0;
    if (libusb_get_configuration(im.handle, &active) == 0 && active == configuration) return;
    if (const int rc = libusb_set_configuration(im.handle, configuration); rc != 0)
        spdlog::warn("{}: selecting configuration {} failed ({}); continuing with the active one", im.logName,
                     configuration, errorText(rc));
}

int UsbLink::claim() {
    const int rc = libusb_claim_interface(impl_->handle, impl_->interfaceNumber);
    impl_->claimed = rc == 0;
    return rc;
}

void UsbLink::close() { impl_->closeHandle(); }

bool UsbLink::isOpen() const noexcept { return impl_->handle != nullptr; }

int UsbLink::bulkTransfer(std::uint8_t endpoint, std::uint8_t* data, int length, int& transferred, unsigned timeoutMs) {
    if (!impl_->handle) return LIBUSB_ERROR_NO_DEVICE;
    return libusb_bulk_transfer(impl_->handle, endpoint, data, length, &transferred, timeoutMs);
}

int UsbLink::controlTransfer(std::uint8_t requestType, std::uint8_t request, std::uint16_t value, std::uint16_t index,
                             std::uint8_t* data, std::uint16_t length, unsigned timeoutMs) {
    if (!impl_->handle) return LIBUSB_ERROR_NO_DEVICE;
    return libusb_control_transfer(impl_->handle, requestType, request, value, index, data, length, timeoutMs);
}

void UsbLink::allocateStream(const StreamSpec& spec) {
    auto& im = *impl_;
    im.freeTransfers();
    im.spec = spec;
    for (int i = 0; i < spec.transfers; ++i) {
        im.buffers.emplace_back(spec.transferBytes);
        im.transfers.push_back(libusb_alloc_transfer(0));
    }
}

void UsbLink::freeStream() { impl_->freeTransfers(); }

void UsbLink::startStream(StreamSink& sink) {
    auto& im = *impl_;
    im.sink = &sink;
    im.streaming.store(true, std::memory_order_release);
    for (std::size_t i = 0; i < im.transfers.size(); ++i) {
        libusb_fill_bulk_transfer(im.transfers[i], im.handle, im.spec.endpoint, im.buffers[i].data(),
                                  static_cast<int>(im.buffers[i].size()), &Impl::onTransfer, &im, 0);
        if (const int rc = libusb_submit_transfer(im.transfers[i]); rc != 0) {
            spdlog::error("{}: bulk submission failed: {}", im.logName, errorText(rc));
            break;
        }
        im.inFlight.fetch_add(1, std::memory_order_acq_rel);
    }
    if (im.inFlight.load() == 0) {
        im.streaming.store(false);
        throw std::runtime_error(im.logName + ": no bulk transfer could be submitted");
    }
    im.stopEvents.store(false, std::memory_order_release);
    im.eventThread = std::thread([&im] { im.eventLoop(); });
}

bool UsbLink::stopStream() {
    auto& im = *impl_;
    if (!im.eventThread.joinable()) return false;
    const bool wasStreaming = im.streaming.exchange(false);
    for (auto* t : im.transfers) libusb_cancel_transfer(t);  // harmless for transfers not in flight
    im.stopEvents.store(true, std::memory_order_release);
    im.eventThread.join();
    return wasStreaming;
}

bool UsbLink::streamRunning() const noexcept { return impl_->eventThread.joinable(); }

StreamCounters UsbLink::counters() const {
    StreamCounters c;
    c.completed = impl_->completed.load();
    c.resubmitted = impl_->resubmitted.load();
    c.stalls = impl_->stalls.load();
    c.errors = impl_->errors.load();
    c.bytes = impl_->bytes.load();
    return c;
}

}  // namespace emg::usblink

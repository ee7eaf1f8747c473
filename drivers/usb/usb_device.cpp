#include "usb_device.h"

#include <libusb.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <stdexcept>

namespace emg::usb {

using namespace proto;

namespace {

std::string portPathOf(libusb_device* dev) {
    std::uint8_t ports[8];
    const int n = libusb_get_port_numbers(dev, ports, 8);
    std::string s = std::to_string(libusb_get_bus_number(dev));
    for (int i = 0; i < n; ++i) s += (i == 0 ? "-" : ".") + std::to_string(ports[i]);
    return s;
}

bool isOurs(libusb_device* dev) {
    libusb_device_descriptor d{};
    return libusb_get_device_descriptor(dev, &d) == 0 && d.idVendor == kVendorId && d.idProduct == kProductId;
}

UsbDeviceEntry entryOf(libusb_device* dev) {
    UsbDeviceEntry e;
    e.bus = libusb_get_bus_number(dev);
    e.address = libusb_get_device_address(dev);
    e.portPath = portPathOf(dev);
    e.label = "emgws USB amplifier (bus " + std::to_string(e.bus) + ", port " + e.portPath + ")";
    return e;
}

void bump(std::atomic<std::uint64_t>& a, std::uint64_t n = 1) { a.fetch_add(n, std::memory_order_relaxed); }

}  // namespace

struct UsbAmplifier::Impl {
    libusb_context* ctx = nullptr;
    libusb_device_handle* handle = nullptr;
    bool claimed = false;
    std::vector<libusb_transfer*> transfers;
    std::vector<std::vector<std::uint8_t>> buffers;
    std::atomic<int> inFlight{0};
    std::atomic<bool> streaming{false};
    std::atomic<std::uint64_t> completed{0}, stalls{0}, errors{0}, bytes{0};
    UsbAmplifier* owner = nullptr;

    ~Impl() {
        freeTransfers();
        closeHandle();
        if (ctx) libusb_exit(ctx);
    }
    void closeHandle() {
        if (handle) {
            if (claimed) libusb_release_interface(handle, kInterface);
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
    static void LIBUSB_CALL onTransfer(libusb_transfer* t);
};

std::vector<UsbDeviceEntry> enumerate() {
    std::vector<UsbDeviceEntry> out;
    libusb_context* ctx = nullptr;
    if (const int rc = libusb_init(&ctx); rc != 0) {
        spdlog::warn("USB enumeration unavailable: {}", libusb_strerror(static_cast<libusb_error>(rc)));
        return out;
    }
    libusb_device** list = nullptr;
    const ssize_t n = libusb_get_device_list(ctx, &list);
    for (ssize_t i = 0; i < n; ++i)
        if (isOurs(list[i])) out.push_back(entryOf(list[i]));
    if (n >= 0) libusb_free_device_list(list, 1);
    libusb_exit(ctx);
    return out;
}

bool hotplugSupported() { return libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) != 0; }

struct UsbHotplugWatcher::Impl {
    libusb_context* ctx = nullptr;
    libusb_hotplug_callback_handle handle{};
    bool registered = false;
    std::thread thread;
    std::atomic<bool> stop{false};
    Callback callback;

    static int LIBUSB_CALL onEvent(libusb_context*, libusb_device* dev, libusb_hotplug_event event, void* user) {
        auto* self = static_cast<Impl*>(user);
        const bool arrived = event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED;
        const auto entry = entryOf(dev);
        spdlog::info("USB amplifier {} on port {}", arrived ? "connected" : "removed", entry.portPath);
        try {
            if (self->callback) self->callback(entry, arrived);
        } catch (const std::exception& e) {
            spdlog::error("USB hotplug handler failed: {}", e.what());
        }
        return 0;  // stay registered
    }
};

UsbHotplugWatcher::UsbHotplugWatcher(Callback callback) : impl_(std::make_unique<Impl>()) {
    impl_->callback = std::move(callback);
    if (!hotplugSupported()) {
        spdlog::info("USB hotplug is not supported here; the device list is refreshed on demand");
        return;
    }
    if (libusb_init(&impl_->ctx) != 0) {
        impl_->ctx = nullptr;
        spdlog::warn("USB hotplug unavailable: libusb_init failed");
        return;
    }
    const int rc = libusb_hotplug_register_callback(
        impl_->ctx,
        static_cast<libusb_hotplug_event>(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT),
        LIBUSB_HOTPLUG_ENUMERATE, kVendorId, kProductId, LIBUSB_HOTPLUG_MATCH_ANY, &Impl::onEvent, impl_.get(),
        &impl_->handle);
    if (rc != 0) {
        spdlog::warn("USB hotplug registration failed: {}", libusb_strerror(static_cast<libusb_error>(rc)));
        return;
    }
    impl_->registered = true;
    impl_->thread = std::thread([im = impl_.get()] {
        timeval tv{0, 100000};
        while (!im->stop.load(std::memory_order_acquire)) libusb_handle_events_timeout_completed(im->ctx, &tv, nullptr);
    });
}

UsbHotplugWatcher::~UsbHotplugWatcher() {
    impl_->stop.store(true, std::memory_order_release);
    if (impl_->registered) libusb_hotplug_deregister_callback(impl_->ctx, impl_->handle);  // wakes the loop
    if (impl_->thread.joinable()) impl_->thread.join();
    if (impl_->ctx) libusb_exit(impl_->ctx);
}

bool UsbHotplugWatcher::active() const noexcept { return impl_->registered; }

UsbAmplifier::UsbAmplifier(UsbDeviceEntry entry) : entry_(std::move(entry)), impl_(std::make_unique<Impl>()) {
    impl_->owner = this;
}

UsbAmplifier::~UsbAmplifier() {
    try {
        close();
    } catch (const std::exception& e) {
        spdlog::error("USB amplifier close failed: {}", e.what());
    }
}

void UsbAmplifier::setState(DeviceState s, const std::string& error) {
    std::lock_guard lock(stateMutex_);
    state_ = s;
    if (!error.empty()) lastError_ = error;
}

DeviceInfo UsbAmplifier::info() const {
    DeviceInfo i;
    i.driver = "usb";
    i.name = entry_.label.empty() ? "emgws USB amplifier" : entry_.label;
    i.serial = entry_.portPath;
    i.firmwareVersion = description_.firmwareVersion();
    i.maxChannels = description_.channelCount;
    for (auto r : description_.ratesHz) i.sampleRatesHz.push_back(r);
    for (auto g : description_.gainsNvPerCount) i.gainsMicrovoltsPerCount.push_back(g / 1000.0);
    i.adcBits = description_.adcBits;
    i.stimulator = description_.stimulatorLimits();
    return i;
}

void UsbAmplifier::open() {
    {
        std::lock_guard lock(stateMutex_);
        if (state_ != DeviceState::Closed && state_ != DeviceState::Disconnected && state_ != DeviceState::Error) return;
    }
    auto& im = *impl_;
    im.closeHandle();
    if (!im.ctx) {
        if (const int rc = libusb_init(&im.ctx); rc != 0) {
            im.ctx = nullptr;
            throw std::runtime_error(std::string("USB: libusb_init failed: ") + libusb_strerror(static_cast<libusb_error>(rc)));
        }
    }
    libusb_device** list = nullptr;
    const ssize_t n = libusb_get_device_list(im.ctx, &list);
    libusb_device* chosen = nullptr;
    for (ssize_t i = 0; i < n && !chosen; ++i)
        if (isOurs(list[i]) && (entry_.portPath.empty() || portPathOf(list[i]) == entry_.portPath)) chosen = list[i];
    int rc = LIBUSB_ERROR_NO_DEVICE;
    if (chosen) {
        if (entry_.portPath.empty()) entry_ = entryOf(chosen);
        entry_.address = libusb_get_device_address(chosen);
        rc = libusb_open(chosen, &im.handle);
    }
    if (n >= 0) libusb_free_device_list(list, 1);
    if (rc != 0) {
        im.handle = nullptr;
        throw std::runtime_error(std::string("USB amplifier (VID 1209, PID E3C0) ") +
                                 (entry_.portPath.empty() ? "" : "on port " + entry_.portPath + " ") +
                                 "could not be opened: " + libusb_strerror(static_cast<libusb_error>(rc)));
    }
    if ((rc = libusb_claim_interface(im.handle, kInterface)) != 0) {
        im.closeHandle();
        throw std::runtime_error(std::string("USB amplifier: cannot claim interface 0: ") +
                                 libusb_strerror(static_cast<libusb_error>(rc)));
    }
    im.claimed = true;
    std::uint8_t buf[kDescriptionBytes];
    rc = libusb_control_transfer(im.handle, kRequestTypeIn, kGetDescription, 0, kInterface, buf, kDescriptionBytes, 1000);
    if (rc < 0) {
        im.closeHandle();
        throw std::runtime_error(std::string("USB amplifier: reading the device description failed: ") +
                                 libusb_strerror(static_cast<libusb_error>(rc)));
    }
    try {
        description_ = decodeDescription({buf, static_cast<std::size_t>(rc)});
    } catch (...) {
        im.closeHandle();
        throw;
    }
    setState(DeviceState::Open);
    spdlog::info("USB amplifier opened on port {}: {} channels, {}-bit ADC, firmware {}", entry_.portPath,
                 description_.channelCount, description_.adcBits, description_.firmwareVersion());
}

void UsbAmplifier::close() {
    stop();
    impl_->freeTransfers();
    impl_->closeHandle();
    decoder_.reset();
    configured_ = false;
    std::lock_guard lock(stateMutex_);
    if (state_ != DeviceState::Disconnected) state_ = DeviceState::Closed;
}

void UsbAmplifier::controlOut(std::uint8_t request, const std::uint8_t* data, std::uint16_t length, unsigned timeoutMs) {
    if (!impl_->handle) throw std::runtime_error("USB amplifier: not open");
    const int rc = libusb_control_transfer(impl_->handle, kRequestTypeOut, request, 0, kInterface,
                                           const_cast<std::uint8_t*>(data), length, timeoutMs);
    if (rc == LIBUSB_ERROR_NO_DEVICE) {
        setState(DeviceState::Disconnected, "USB amplifier disconnected");
        spdlog::error("USB amplifier disconnected (control request {:#04x})", request);
    }
    if (rc < 0)
        throw std::runtime_error("USB amplifier: control request " + std::to_string(request) +
                                 " failed: " + libusb_strerror(static_cast<libusb_error>(rc)));
}

void UsbAmplifier::configure(const AcquisitionConfig& config) {
    const auto st = status().state;
    if (st == DeviceState::Running) throw std::logic_error("USB amplifier: stop before reconfiguring");
    if (st != DeviceState::Open && st != DeviceState::Configured) open();
    const auto& d = description_;
    if (config.channels.empty() || config.channels.size() > d.channelCount)
        throw std::invalid_argument("USB amplifier: " + std::to_string(config.channels.size()) +
                                    " channels requested, the device has " + std::to_string(d.channelCount));
    const auto rate = static_cast<std::uint32_t>(std::lround(config.sampleRateHz));
    bool rateOk = false;
    for (auto r : d.ratesHz) rateOk |= (r == rate && std::abs(config.sampleRateHz - r) < 1e-6);
    if (!rateOk) {
        std::string list;
        for (auto r : d.ratesHz) list += (list.empty() ? "" : ", ") + std::to_string(r);
        throw std::invalid_argument("USB amplifier: " + std::to_string(config.sampleRateHz) +
                                    " Hz is not a supported rate (" + list + " Hz)");
    }
    Config w;
    w.rateHz = rate;
    w.samplesPerFrame = defaultSamplesPerFrame(rate, config.channels.size());
    AcquisitionConfig applied = config;
    applied.framesPerBlock = w.samplesPerFrame;
    const std::int32_t maxCount = (1 << (d.adcBits - 1)) - 1;
    for (std::size_t c = 0; c < config.channels.size(); ++c) {
        auto& ch = applied.channels[c];
        w.channelMask |= 1u << c;
        ChannelConfig cc;
        bool gainOk = false;
        for (std::size_t g = 0; g < d.gainsNvPerCount.size() && !gainOk; ++g)
            if (std::abs(ch.microvoltsPerCount - d.gainsNvPerCount[g] / 1000.0) <= 1e-9 * d.gainsNvPerCount[g]) {
                cc.gainIndex = static_cast<std::uint8_t>(g);
                gainOk = true;
            }
        if (!gainOk)
            throw std::invalid_argument("USB amplifier: channel " + std::to_string(c) + " scale " +
                                        std::to_string(ch.microvoltsPerCount) + " uV/count is not one of the device's gains");
        if (ch.highPassHz < 0 || ch.highPassHz > 1000 || ch.lowPassHz < 0 || ch.lowPassHz > rate / 2.0 ||
            (ch.lowPassHz > 0 && ch.lowPassHz <= ch.highPassHz))
            throw std::invalid_argument("USB amplifier: channel " + std::to_string(c) + " hardware filter " +
                                        std::to_string(ch.highPassHz) + ".." + std::to_string(ch.lowPassHz) +
                                        " Hz is invalid at " + std::to_string(rate) + " Hz");
        cc.highPassDeciHz = static_cast<std::uint16_t>(std::lround(ch.highPassHz * 10));
        cc.lowPassHz = static_cast<std::uint16_t>(std::lround(ch.lowPassHz));
        w.channels.push_back(cc);
        ch.sampleRateHz = config.sampleRateHz;
        ch.digitalMin = -maxCount - 1;
        ch.digitalMax = maxCount;
    }
    const auto bytes = encodeConfig(w);
    controlOut(kSetConfig, bytes.data(), static_cast<std::uint16_t>(bytes.size()));
    wireConfig_ = w;
    config_ = applied;
    const std::size_t transferBytes = framesPerTransfer(rate, w.samplesPerFrame) * frameBytes(config.channels.size(), w.samplesPerFrame);
    decoder_ = std::make_unique<FrameDecoder>(static_cast<std::uint16_t>(config.channels.size()), transferBytes);
    auto& im = *impl_;
    im.freeTransfers();
    for (int i = 0; i < kTransfersInFlight; ++i) {
        im.buffers.emplace_back(transferBytes);
        im.transfers.push_back(libusb_alloc_transfer(0));
    }
    configured_ = true;
    setState(DeviceState::Configured);
}

AcquisitionConfig UsbAmplifier::configuration() const { return config_; }

void UsbAmplifier::Impl::onTransfer(libusb_transfer* t) {
    auto* im = static_cast<Impl*>(t->user_data);
    auto* self = im->owner;
    bool resubmit = im->streaming.load(std::memory_order_acquire);
    switch (t->status) {
    case LIBUSB_TRANSFER_COMPLETED:
        bump(im->completed);
        bump(im->bytes, static_cast<std::uint64_t>(t->actual_length));
        self->decoder_->feed({t->buffer, static_cast<std::size_t>(t->actual_length)});
        break;
    case LIBUSB_TRANSFER_STALL:
        bump(im->stalls);
        spdlog::warn("USB amplifier: bulk endpoint stalled; clearing the halt and continuing");
        if (const int rc = libusb_clear_halt(t->dev_handle, kBulkInEndpoint); rc != 0) {
            self->setState(DeviceState::Error, std::string("bulk endpoint stalled and could not be cleared: ") +
                                                   libusb_strerror(static_cast<libusb_error>(rc)));
            resubmit = false;
        }
        break;
    case LIBUSB_TRANSFER_NO_DEVICE:
        if (im->streaming.exchange(false)) {
            self->setState(DeviceState::Disconnected, "USB amplifier disconnected during acquisition");
            spdlog::error("USB amplifier on port {} disconnected during acquisition; data up to sample {} kept",
                          self->entry_.portPath, self->decoder_->counters().samplesFrames);
        }
        resubmit = false;
        break;
    case LIBUSB_TRANSFER_CANCELLED:
        resubmit = false;
        break;
    default:  // TIMED_OUT, ERROR, OVERFLOW
        bump(im->errors);
        spdlog::warn("USB amplifier: bulk transfer failed ({}); resubmitting", static_cast<int>(t->status));
        break;
    }
    if (resubmit && libusb_submit_transfer(t) == 0) return;
    if (resubmit) {  // submission refused: the device is gone
        if (im->streaming.exchange(false)) {
            self->setState(DeviceState::Disconnected, "USB amplifier disconnected during acquisition");
            spdlog::error("USB amplifier on port {} disconnected (transfer resubmission refused)", self->entry_.portPath);
        }
    }
    im->inFlight.fetch_sub(1, std::memory_order_acq_rel);
}

void UsbAmplifier::eventThreadMain() {
    auto& im = *impl_;
    timeval tv{0, 20000};
    while (!stopEvents_.load(std::memory_order_acquire) || im.inFlight.load(std::memory_order_acquire) > 0) {
        const int rc = libusb_handle_events_timeout_completed(im.ctx, &tv, nullptr);
        if (rc != 0 && rc != LIBUSB_ERROR_INTERRUPTED) {
            spdlog::error("USB event handling failed: {}", libusb_strerror(static_cast<libusb_error>(rc)));
            break;
        }
    }
}

void UsbAmplifier::start(AcquisitionRing& ring) {
    if (const auto st = status().state; st != DeviceState::Configured || !configured_)
        throw std::logic_error(std::string("USB amplifier: cannot start while ") + toString(st) +
                               (st == DeviceState::Disconnected ? " (reopen() when the device is back)" : " (configure() first)"));
    auto& im = *impl_;
    decoder_->reset();
    decoder_->setRing(&ring);
    controlOut(kStart, nullptr, 0);
    im.streaming.store(true, std::memory_order_release);
    for (std::size_t i = 0; i < im.transfers.size(); ++i) {
        libusb_fill_bulk_transfer(im.transfers[i], im.handle, kBulkInEndpoint, im.buffers[i].data(),
                                  static_cast<int>(im.buffers[i].size()), &Impl::onTransfer, &im, 0);
        if (const int rc = libusb_submit_transfer(im.transfers[i]); rc != 0) {
            spdlog::error("USB amplifier: bulk submission failed: {}", libusb_strerror(static_cast<libusb_error>(rc)));
            break;
        }
        im.inFlight.fetch_add(1, std::memory_order_acq_rel);
    }
    if (im.inFlight.load() == 0) {
        im.streaming.store(false);
        throw std::runtime_error("USB amplifier: no bulk transfer could be submitted");
    }
    stopEvents_.store(false, std::memory_order_release);
    setState(DeviceState::Running);
    eventThread_ = std::thread([this] { eventThreadMain(); });
}

void UsbAmplifier::stop() {
    auto& im = *impl_;
    if (!eventThread_.joinable()) return;
    const bool wasStreaming = im.streaming.exchange(false);
    for (auto* t : im.transfers) libusb_cancel_transfer(t);  // harmless for transfers not in flight
    stopEvents_.store(true, std::memory_order_release);
    eventThread_.join();
    const bool disconnected = status().state == DeviceState::Disconnected;
    if (wasStreaming && !disconnected) {
        try {
            controlOut(kStop, nullptr, 0, 250);
        } catch (const std::exception& e) {
            spdlog::warn("USB amplifier did not acknowledge STOP ({}); the stream was cancelled on the host", e.what());
        }
    }
    if (decoder_) decoder_->setRing(nullptr);
    const auto c = decoder_ ? decoder_->counters() : DecoderCounters{};
    spdlog::info("USB acquisition stopped: {} frames, {} bad, {} sequence gaps ({} samples lost), {} stalls",
                 c.frames, c.badFrames, c.sequenceGaps, c.framesLost, im.stalls.load());
    if (status().state == DeviceState::Running) setState(DeviceState::Configured);
}

void UsbAmplifier::stimulate(const StimulusCommand& command) {
    if (auto why = validateStimulus(command, description_.stimulatorLimits()))
        throw std::invalid_argument("USB stimulator command refused: " + *why);
    const auto st = status().state;
    if (st != DeviceState::Configured && st != DeviceState::Running)
        throw std::runtime_error(std::string("USB amplifier: cannot stimulate while ") + toString(st));
    decoder_->setStimulusContext({command.intensityMa, command.pulseWidthMs, command.siteId});
    const auto bytes = encodeStimulus(toWire(command));
    controlOut(kStimulate, bytes.data(), static_cast<std::uint16_t>(bytes.size()));
}

std::vector<double> UsbAmplifier::impedanceOhms() {
    if (status().state == DeviceState::Running) throw std::logic_error("USB amplifier: impedance check while running");
    if (!impl_->handle || !configured_) throw std::logic_error("USB amplifier: configure() before the impedance check");
    const std::size_t n = config_.channels.size();
    std::vector<std::uint8_t> buf(4 * n);
    const int rc = libusb_control_transfer(impl_->handle, kRequestTypeIn, kImpedance, 0, kInterface, buf.data(),
                                           static_cast<std::uint16_t>(buf.size()), 5000);
    if (rc != static_cast<int>(buf.size()))
        throw std::runtime_error(std::string("USB amplifier: impedance check failed: ") +
                                 (rc < 0 ? libusb_strerror(static_cast<libusb_error>(rc)) : "short answer"));
    std::vector<double> ohms(n);
    for (std::size_t i = 0; i < n; ++i)
        ohms[i] = buf[4 * i] | (buf[4 * i + 1] << 8) | (buf[4 * i + 2] << 16) | (std::uint32_t{buf[4 * i + 3]} << 24);
    return ohms;
}

bool UsbAmplifier::reopen() {
    stop();
    impl_->freeTransfers();
    impl_->closeHandle();
    decoder_.reset();
    configured_ = false;
    setState(DeviceState::Disconnected);
    try {
        open();
        if (!config_.channels.empty()) configure(config_);
        spdlog::info("USB amplifier on port {} is back", entry_.portPath);
        return true;
    } catch (const std::exception& e) {
        spdlog::info("USB amplifier not back yet: {}", e.what());
        setState(DeviceState::Disconnected);
        return false;
    }
}

DeviceStatus UsbAmplifier::status() const {
    DeviceStatus s;
    {
        std::lock_guard lock(stateMutex_);
        s.state = state_;
        s.lastError = lastError_;
    }
    if (decoder_) {
        const auto c = decoder_->counters();
        s.blocksProduced = c.frames - c.blocksDroppedRingFull;
        s.framesProduced = c.samplesFrames;
        s.blocksDroppedRingFull = c.blocksDroppedRingFull;
        s.framesDroppedRingFull = c.framesDroppedRingFull;
        s.badFrames = c.badFrames;
        s.sequenceGaps = c.sequenceGaps;
    }
    return s;
}

LinkCounters UsbAmplifier::linkCounters() const {
    LinkCounters l;
    l.transfersCompleted = impl_->completed.load();
    l.stalls = impl_->stalls.load();
    l.transferErrors = impl_->errors.load();
    l.bytesReceived = impl_->bytes.load();
    if (decoder_) l.decoder = decoder_->counters();
    return l;
}

}  // namespace emg::usb

#include "biosemi_device.h"

#include <libusb.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <stdexcept>

namespace emg::biosemi {

namespace {

std::string usbError(int rc) { return libusb_strerror(static_cast<libusb_error>(rc)); }

std::string portOf(libusb_device* dev) {
    std::uint8_t ports[8];
    const int n = libusb_get_port_numbers(dev, ports, 8);
    std::string s = std::to_string(libusb_get_bus_number(dev));
    for (int i = 0; i < n; ++i) s += (i == 0 ? "-" : ".") + std::to_string(ports[i]);
    return s;
}

bool isReceiver(libusb_device* dev) {
    libusb_device_descriptor d{};
    return libusb_get_device_descriptor(dev, &d) == 0 && d.idVendor == kVendorId && d.idProduct == kProductId;
}

ReceiverEntry entryFor(libusb_device* dev) {
    ReceiverEntry e;
    e.bus = libusb_get_bus_number(dev);
    e.address = libusb_get_device_address(dev);
    e.portPath = portOf(dev);
    e.label = "BioSemi ActiveTwo USB2 receiver (bus " + std::to_string(e.bus) + ", port " + e.portPath + ")";
    return e;
}

void add(std::atomic<std::uint64_t>& a, std::uint64_t n = 1) { a.fetch_add(n, std::memory_order_relaxed); }

/// The ActiveTwo's anti-aliasing response: -3 dB at rate / 4.9112 (docs/biosemi.md).
double lowPassHz(double rateHz) { return rateHz / 4.9112; }

}  // namespace

// ------------------------------------------------------------------ enumeration and hotplug

std::vector<ReceiverEntry> enumerate() {
    std::vector<ReceiverEntry> out;
    libusb_context* ctx = nullptr;
    if (const int rc = libusb_init(&ctx); rc != 0) {
        spdlog::warn("BioSemi: USB enumeration unavailable: {}", usbError(rc));
        return out;
    }
    libusb_device** list = nullptr;
    const ssize_t n = libusb_get_device_list(ctx, &list);
    for (ssize_t i = 0; i < n; ++i)
        if (isReceiver(list[i])) out.push_back(entryFor(list[i]));
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
    Callback callback;

    static int LIBUSB_CALL onEvent(libusb_context*, libusb_device* dev, libusb_hotplug_event event, void* user) {
        auto* self = static_cast<Impl*>(user);
        const bool arrived = event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED;
        const auto entry = entryFor(dev);
        spdlog::info("BioSemi receiver {} on port {}", arrived ? "connected" : "removed", entry.portPath);
        try {
            if (self->callback) self->callback(entry, arrived);
        } catch (const std::exception& e) {
            spdlog::error("BioSemi hotplug handler failed: {}", e.what());
        }
        return 0;
    }
};

HotplugWatcher::HotplugWatcher(Callback callback) : impl_(std::make_unique<Impl>()) {
    impl_->callback = std::move(callback);
    if (!hotplugSupported()) {
        spdlog::info("BioSemi: USB hotplug not supported here; refresh the device list with enumerate()");
        return;
    }
    if (libusb_init(&impl_->ctx) != 0) {
        impl_->ctx = nullptr;
        spdlog::warn("BioSemi: USB hotplug unavailable (libusb_init failed)");
        return;
    }
    const int rc = libusb_hotplug_register_callback(
        impl_->ctx,
        static_cast<libusb_hotplug_event>(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT),
        LIBUSB_HOTPLUG_ENUMERATE, kVendorId, kProductId, LIBUSB_HOTPLUG_MATCH_ANY, &Impl::onEvent, impl_.get(),
        &impl_->handle);
    if (rc != 0) {
        spdlog::warn("BioSemi: USB hotplug registration failed: {}", usbError(rc));
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
    if (impl_->registered) libusb_hotplug_deregister_callback(impl_->ctx, impl_->handle);
    if (impl_->thread.joinable()) impl_->thread.join();
    if (impl_->ctx) libusb_exit(impl_->ctx);
}

bool HotplugWatcher::active() const noexcept { return impl_->registered; }

// ------------------------------------------------------------------ the receiver

struct ActiveTwo::Impl {
    libusb_context* ctx = nullptr;
    libusb_device_handle* handle = nullptr;
    bool claimed = false;
    std::vector<libusb_transfer*> transfers;
    std::vector<std::vector<std::uint8_t>> buffers;
    std::atomic<int> inFlight{0};
    std::atomic<bool> streaming{false};
    std::atomic<std::uint64_t> completed{0}, resubmitted{0}, errors{0}, bytes{0};
    ActiveTwo* owner = nullptr;

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

ActiveTwo::ActiveTwo(ReceiverEntry entry) : entry_(std::move(entry)), impl_(std::make_unique<Impl>()) {
    impl_->owner = this;
}

ActiveTwo::~ActiveTwo() {
    try {
        close();
    } catch (const std::exception& e) {
        spdlog::error("BioSemi close failed: {}", e.what());
    }
}

void ActiveTwo::setState(DeviceState s, const std::string& error) {
    std::lock_guard lock(stateMutex_);
    state_ = s;
    if (!error.empty()) lastError_ = error;
}

DeviceInfo ActiveTwo::info() const {
    DeviceInfo i;
    i.driver = "biosemi";
    i.name = layout_ ? std::string("BioSemi ActiveTwo ") + (layout_->mk2 ? "Mk2" : "Mk1") + ", speed mode " +
                           std::to_string(layout_->speedMode)
                     : "BioSemi ActiveTwo";
    i.serial = entry_.portPath;
    i.firmwareVersion = "";
    if (layout_) {
        i.maxChannels = static_cast<std::uint16_t>(layout_->electrodes + layout_->exChannels());
        i.sampleRatesHz = {static_cast<double>(layout_->rateHz)};
    }
    i.gainsMicrovoltsPerCount = {kMicrovoltsPerCount};
    i.adcBits = 24;
    i.stimulator = kAbsoluteStimulatorBounds;
    i.stimulator.present = external_.has_value();
    if (external_) {
        i.stimulatorName = external_->name + " on trigger input " + std::to_string(external_->triggerBit + 1) + ", " +
                           toString(external_->edge) + " edge";
        i.stimulatorExternal = true;
    }
    return i;
}

void ActiveTwo::sendCommand(std::uint8_t first, unsigned timeoutMs) {
    if (!impl_->handle) throw std::runtime_error("BioSemi receiver: not open");
    auto cmd = command(first);
    int sent = 0;
    const int rc = libusb_bulk_transfer(impl_->handle, kBulkOutEndpoint, cmd.data(), static_cast<int>(cmd.size()), &sent, timeoutMs);
    if (rc == LIBUSB_ERROR_NO_DEVICE) setState(DeviceState::Disconnected, "BioSemi receiver disconnected");
    if (rc != 0 || sent != static_cast<int>(cmd.size()))
        throw std::runtime_error(std::string("BioSemi receiver: the ") + (first == kCommandStart ? "start" : "stop") +
                                 " command failed: " + (rc ? usbError(rc) : "short write"));
}

/// The handshake once: stop, start, one 64 KiB read, stop. The first frames tell the model and
/// the speed mode (the rate switch on the AD box), which the host cannot set.
void ActiveTwo::probeLayout() {
    sendCommand(kCommandStop);
    sendCommand(kCommandStart);
    std::vector<std::uint8_t> buf(kTransferBytes);
    int got = 0;
    const int rc = libusb_bulk_transfer(impl_->handle, kBulkInEndpoint, buf.data(), static_cast<int>(buf.size()), &got, 2000);
    try {
        sendCommand(kCommandStop);
    } catch (const std::exception& e) {
        spdlog::warn("BioSemi: stop after the handshake failed: {}", e.what());
    }
    if (rc != 0 && rc != LIBUSB_ERROR_TIMEOUT)
        throw std::runtime_error("BioSemi receiver: no data after the start command: " + usbError(rc));
    const auto found = findLayout(buf.data(), static_cast<std::size_t>(got));
    if (!found)
        throw std::runtime_error("BioSemi receiver: no frame (sync word 0xFFFFFF00 twice, one frame apart) in the first " +
                                 std::to_string(got) + " bytes: is the AD box switched on, its battery charged and the "
                                 "optical fibre connected?");
    layout_ = found->layout;
    probeStatus_ = found->status;
}

void ActiveTwo::open() {
    {
        std::lock_guard lock(stateMutex_);
        if (state_ != DeviceState::Closed && state_ != DeviceState::Disconnected && state_ != DeviceState::Error) return;
    }
    auto& im = *impl_;
    im.closeHandle();
    if (!im.ctx) {
        if (const int rc = libusb_init(&im.ctx); rc != 0) {
            im.ctx = nullptr;
            throw std::runtime_error("BioSemi: libusb_init failed: " + usbError(rc));
        }
    }
    libusb_device** list = nullptr;
    const ssize_t n = libusb_get_device_list(im.ctx, &list);
    libusb_device* chosen = nullptr;
    for (ssize_t i = 0; i < n && !chosen; ++i)
        if (isReceiver(list[i]) && (entry_.portPath.empty() || portOf(list[i]) == entry_.portPath)) chosen = list[i];
    int rc = LIBUSB_ERROR_NO_DEVICE;
    if (chosen) {
        if (entry_.portPath.empty()) entry_ = entryFor(chosen);
        entry_.address = libusb_get_device_address(chosen);
        rc = libusb_open(chosen, &im.handle);
    }
    if (n >= 0) libusb_free_device_list(list, 1);
    if (rc != 0) {
        im.handle = nullptr;
        throw std::runtime_error("BioSemi ActiveTwo receiver (USB 0547:1005) " +
                                 (entry_.portPath.empty() ? std::string() : "on port " + entry_.portPath + " ") +
                                 "could not be opened: " + usbError(rc) +
                                 (rc == LIBUSB_ERROR_ACCESS ? " (install the udev rule, see README)" : ""));
    }
    // select configuration 1 unless it is already active (setting it again resets the device)
    int active = 0;
    if (libusb_get_configuration(im.handle, &active) != 0 || active != kConfiguration) {
        if ((rc = libusb_set_configuration(im.handle, kConfiguration)) != 0)
            spdlog::warn("BioSemi: selecting configuration {} failed ({}); continuing with the active one", kConfiguration,
                         usbError(rc));
    }
    if ((rc = libusb_claim_interface(im.handle, kInterface)) != 0) {
        im.closeHandle();
        throw std::runtime_error("BioSemi receiver: cannot claim interface 0: " + usbError(rc));
    }
    im.claimed = true;
    try {
        probeLayout();
    } catch (...) {
        im.closeHandle();
        throw;
    }
    setState(DeviceState::Open);
    spdlog::info("BioSemi ActiveTwo {} opened on port {}: speed mode {}, {} Hz, {} electrodes + {} EX, CMS {}, battery {}",
                 layout_->mk2 ? "Mk2" : "Mk1", entry_.portPath, layout_->speedMode, layout_->rateHz, layout_->electrodes,
                 layout_->exChannels(), probeStatus_.cmsInRange ? "in range" : "OUT OF RANGE",
                 probeStatus_.batteryLow ? "LOW" : "ok");
}

void ActiveTwo::close() {
    stop();
    impl_->freeTransfers();
    impl_->closeHandle();
    decoder_.reset();
    configured_ = false;
    std::lock_guard lock(stateMutex_);
    if (state_ != DeviceState::Disconnected) state_ = DeviceState::Closed;
}

void ActiveTwo::setExternalStimulator(std::optional<ExternalStimulatorSettings> settings) {
    if (status().state == DeviceState::Running) throw std::logic_error("BioSemi: stop before changing the stimulator");
    external_ = std::move(settings);
    if (configured_) configure(config_);
}

void ActiveTwo::configure(const AcquisitionConfig& config) {
    const auto st = status().state;
    if (st == DeviceState::Running) throw std::logic_error("BioSemi: stop before reconfiguring");
    if (st != DeviceState::Open && st != DeviceState::Configured) open();
    const Layout& l = *layout_;
    if (config.channels.empty()) throw std::invalid_argument("BioSemi: no channels requested");
    if (std::abs(config.sampleRateHz - l.rateHz) > 1e-6)
        throw std::invalid_argument("BioSemi: " + std::to_string(config.sampleRateHz) + " Hz requested, but the AD box's "
                                    "speed switch (mode " + std::to_string(l.speedMode) + ") gives " +
                                    std::to_string(l.rateHz) + " Hz; change the switch, then reopen");
    std::vector<ChannelSource> sources;
    AcquisitionConfig applied = config;
    for (auto& ch : applied.channels) {
        const ChannelSource s = parseChannel(l, ch.label);  // throws with the reason
        sources.push_back(s);
        ch.sampleRateHz = l.rateHz;
        ch.highPassHz = 0.0;  // DC-coupled
        if (s.kind == ChannelSource::Kind::Status) {
            ch.electrode = ElectrodeKind::Trigger;
            ch.microvoltsPerCount = 1.0;
            ch.lowPassHz = 0.0;
        } else {
            ch.microvoltsPerCount = kMicrovoltsPerCount;
            ch.lowPassHz = lowPassHz(l.rateHz);
        }
        const std::int32_t half = s.kind == ChannelSource::Kind::Bipolar ? (1 << 24) : (1 << 23);
        ch.digitalMin = -half;
        ch.digitalMax = half - 1;
    }
    const std::uint32_t blockFrames = std::max<std::uint32_t>(1, l.rateHz / 128);  // 7.8 ms
    applied.framesPerBlock = blockFrames;
    trigger_ = external_ ? std::make_unique<TriggerStimulusDetector>(*external_, l.rateHz) : nullptr;
    decoder_ = std::make_unique<Decoder>(l, std::move(sources), kTransferBytes, blockFrames);
    decoder_->setTriggerDetector(trigger_.get());
    auto& im = *impl_;
    im.freeTransfers();
    for (int i = 0; i < kTransfersInFlight; ++i) {
        im.buffers.emplace_back(kTransferBytes);
        im.transfers.push_back(libusb_alloc_transfer(0));
    }
    config_ = applied;
    configured_ = true;
    setState(DeviceState::Configured);
}

AcquisitionConfig ActiveTwo::configuration() const { return config_; }

void ActiveTwo::Impl::onTransfer(libusb_transfer* t) {
    auto* im = static_cast<Impl*>(t->user_data);
    auto* self = im->owner;
    bool resubmit = im->streaming.load(std::memory_order_acquire);
    switch (t->status) {
    case LIBUSB_TRANSFER_COMPLETED:
        add(im->completed);
        add(im->bytes, static_cast<std::uint64_t>(t->actual_length));
        self->decoder_->feed({t->buffer, static_cast<std::size_t>(t->actual_length)});
        break;
    case LIBUSB_TRANSFER_NO_DEVICE: resubmit = false; break;
    case LIBUSB_TRANSFER_CANCELLED: resubmit = false; break;
    default:  // TIMED_OUT, ERROR, STALL, OVERFLOW: counted; the decoder's resync handles the data
        add(im->errors);
        spdlog::warn("BioSemi: bulk transfer ended with status {}; resubmitting", static_cast<int>(t->status));
        break;
    }
    if (t->status == LIBUSB_TRANSFER_NO_DEVICE || (resubmit && libusb_submit_transfer(t) != 0)) {
        if (im->streaming.exchange(false)) {
            self->setState(DeviceState::Disconnected, "BioSemi receiver disconnected during acquisition");
            spdlog::error("BioSemi receiver on port {} disconnected; {} frames kept", self->entry_.portPath,
                          self->decoder_->counters().frames);
        }
    } else if (resubmit) {
        add(im->resubmitted);
        return;
    }
    im->inFlight.fetch_sub(1, std::memory_order_acq_rel);
}

void ActiveTwo::eventThreadMain() {
    auto& im = *impl_;
    timeval tv{0, 20000};
    while (!stopEvents_.load(std::memory_order_acquire) || im.inFlight.load(std::memory_order_acquire) > 0) {
        const int rc = libusb_handle_events_timeout_completed(im.ctx, &tv, nullptr);
        if (rc != 0 && rc != LIBUSB_ERROR_INTERRUPTED) {
            spdlog::error("BioSemi: USB event handling failed: {}", usbError(rc));
            break;
        }
    }
}

void ActiveTwo::start(AcquisitionRing& ring) {
    if (const auto st = status().state; st != DeviceState::Configured || !configured_)
        throw std::logic_error(std::string("BioSemi: cannot start while ") + toString(st) +
                               (st == DeviceState::Disconnected ? " (reopen() when the receiver is back)" : " (configure() first)"));
    auto& im = *impl_;
    decoder_->reset();
    decoder_->setRing(&ring);
    sendCommand(kCommandStart);
    im.streaming.store(true, std::memory_order_release);
    for (std::size_t i = 0; i < im.transfers.size(); ++i) {
        libusb_fill_bulk_transfer(im.transfers[i], im.handle, kBulkInEndpoint, im.buffers[i].data(),
                                  static_cast<int>(im.buffers[i].size()), &Impl::onTransfer, &im, 0);
        if (const int rc = libusb_submit_transfer(im.transfers[i]); rc != 0) {
            spdlog::error("BioSemi: bulk submission failed: {}", usbError(rc));
            break;
        }
        im.inFlight.fetch_add(1, std::memory_order_acq_rel);
    }
    if (im.inFlight.load() == 0) {
        im.streaming.store(false);
        throw std::runtime_error("BioSemi: no bulk transfer could be submitted");
    }
    stopEvents_.store(false, std::memory_order_release);
    setState(DeviceState::Running);
    eventThread_ = std::thread([this] { eventThreadMain(); });
}

void ActiveTwo::stop() {
    auto& im = *impl_;
    if (!eventThread_.joinable()) return;
    const bool wasStreaming = im.streaming.exchange(false);
    for (auto* t : im.transfers) libusb_cancel_transfer(t);
    stopEvents_.store(true, std::memory_order_release);
    eventThread_.join();
    if (wasStreaming && status().state != DeviceState::Disconnected) {
        try {
            sendCommand(kCommandStop, 250);
        } catch (const std::exception& e) {
            spdlog::warn("BioSemi: stop command failed ({}); the stream was cancelled on the host", e.what());
        }
    }
    if (decoder_) decoder_->setRing(nullptr);
    const auto c = decoder_ ? decoder_->counters() : DecoderCounters{};
    spdlog::info("BioSemi acquisition stopped: {} frames, {} sync losses ({} samples lost), {} stimuli, {} ring drops",
                 c.frames, c.syncLosses, c.framesLost, c.stimuli, c.blocksDroppedRingFull);
    if (status().state == DeviceState::Running) setState(DeviceState::Configured);
}

void ActiveTwo::stimulate(const StimulusCommand& command) {
    if (!trigger_)
        throw std::invalid_argument("BioSemi: no external stimulator is set up (choose its trigger input first)");
    const auto st = status().state;
    if (st != DeviceState::Configured && st != DeviceState::Running)
        throw std::runtime_error(std::string("BioSemi: cannot stimulate while ") + toString(st));
    trigger_->setCommand(command, info().stimulator);  // the engine's bounds; nothing goes to the hardware
}

bool ActiveTwo::reopen() {
    stop();
    impl_->freeTransfers();
    impl_->closeHandle();
    decoder_.reset();
    configured_ = false;
    setState(DeviceState::Disconnected);
    try {
        open();
        if (!config_.channels.empty()) configure(config_);
        spdlog::info("BioSemi receiver on port {} is back", entry_.portPath);
        return true;
    } catch (const std::exception& e) {
        spdlog::info("BioSemi receiver not back yet: {}", e.what());
        setState(DeviceState::Disconnected);
        return false;
    }
}

Status ActiveTwo::lastStatus() const {
    if (decoder_ && decoder_->counters().frames > 0) return decodeStatus(decoder_->counters().lastStatus);
    return probeStatus_;
}

DeviceStatus ActiveTwo::status() const {
    DeviceStatus s;
    {
        std::lock_guard lock(stateMutex_);
        s.state = state_;
        s.lastError = lastError_;
    }
    if (decoder_) {
        const auto c = decoder_->counters();
        s.blocksProduced = c.blocks;
        s.framesProduced = c.frames;
        s.blocksDroppedRingFull = c.blocksDroppedRingFull;
        s.framesDroppedRingFull = c.framesDroppedRingFull;
        s.badFrames = c.syncLosses;
        s.sequenceGaps = c.syncLosses;
        if (c.layoutChanges > 0 && s.lastError.empty())
            s.lastError = "the AD box's speed mode changed during acquisition: stop, then reopen";
    }
    return s;
}

LinkCounters ActiveTwo::linkCounters() const {
    LinkCounters l;
    l.transfersCompleted = impl_->completed.load();
    l.transfersResubmitted = impl_->resubmitted.load();
    l.transferErrors = impl_->errors.load();
    l.bytesReceived = impl_->bytes.load();
    if (decoder_) l.decoder = decoder_->counters();
    return l;
}

}  // namespace emg::biosemi

#include "biosemi_device.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <stdexcept>

namespace emg::biosemi {

namespace {

constexpr usblink::UsbIds kIds{kVendorId, kProductId};
constexpr const char* kLogName = "BioSemi receiver";

/// The ActiveTwo's anti-aliasing response: -3 dB at rate / 4.9112 (docs/biosemi.md).
double lowPassHz(double rateHz) { return rateHz / 4.9112; }

}  // namespace

// ------------------------------------------------------------------ enumeration and hotplug

ReceiverEntry receiverEntry(const usblink::BusLocation& where) {
    ReceiverEntry e;
    static_cast<usblink::BusLocation&>(e) = where;
    e.label = "BioSemi ActiveTwo USB2 receiver (bus " + std::to_string(e.bus) + ", port " + e.portPath + ")";
    return e;
}

std::vector<ReceiverEntry> enumerate() {
    std::vector<ReceiverEntry> out;
    for (const auto& where : usblink::enumerate(kIds, kLogName)) out.push_back(receiverEntry(where));
    return out;
}

HotplugWatcher::HotplugWatcher(Callback callback)
    : EntryHotplugWatcher(kIds, kLogName, &receiverEntry, std::move(callback)) {}

// ------------------------------------------------------------------ the receiver

ActiveTwo::ActiveTwo(ReceiverEntry entry) : LinkedDevice(kIds, kInterface, kLogName), entry_(std::move(entry)) {}

ActiveTwo::~ActiveTwo() { closeQuietly(); }

void ActiveTwo::onData(std::span<const std::uint8_t> bytes) { decoder_->feed(bytes); }

std::uint64_t ActiveTwo::framesKept() const { return decoder_ ? decoder_->counters().frames : 0; }

void ActiveTwo::forgetStream() {
    decoder_.reset();
    configured_ = false;
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
        i.stimulatorName = describe(*external_);
        i.stimulatorExternal = true;
    }
    return i;
}

void ActiveTwo::sendCommand(std::uint8_t first, unsigned timeoutMs) {
    if (!link_.isOpen()) throw std::runtime_error("BioSemi receiver: not open");
    auto cmd = command(first);
    int sent = 0;
    const int rc = link_.bulkTransfer(kBulkOutEndpoint, cmd.data(), static_cast<int>(cmd.size()), sent, timeoutMs);
    if (rc == usblink::kErrorNoDevice) setState(DeviceState::Disconnected, "BioSemi receiver disconnected");
    if (rc != 0 || sent != static_cast<int>(cmd.size()))
        throw std::runtime_error(std::string("BioSemi receiver: the ") + (first == kCommandStart ? "start" : "stop") +
                                 " command failed: " + (rc ? usblink::errorText(rc) : "short write"));
}

/// The handshake once: stop, start, one 64 KiB read, stop. The first frames tell the model and
/// the speed mode (the rate switch on the AD box), which the host cannot set.
void ActiveTwo::probeLayout() {
    sendCommand(kCommandStop);
    sendCommand(kCommandStart);
    std::vector<std::uint8_t> buf(kTransferBytes);
    int got = 0;
    const int rc = link_.bulkTransfer(kBulkInEndpoint, buf.data(), static_cast<int>(buf.size()), got, 2000);
    try {
        sendCommand(kCommandStop);
    } catch (const std::exception& e) {
        spdlog::warn("BioSemi: stop after the handshake failed: {}", e.what());
    }
    if (rc != 0 && rc != usblink::kErrorTimeout)
        throw std::runtime_error("BioSemi receiver: no data after the start command: " + usblink::errorText(rc));
    const auto found = findLayout(buf.data(), static_cast<std::size_t>(got));
    if (!found)
        throw std::runtime_error("BioSemi receiver: no frame (sync word 0xFFFFFF00 twice, one frame apart) in the first " +
                                 std::to_string(got) + " bytes: is the AD box switched on, its battery charged and the "
                                 "optical fibre connected?");
    layout_ = found->layout;
    probeStatus_ = found->status;
}

void ActiveTwo::open() {
    if (!needsOpen()) return;
    auto& link = link_;
    usblink::BusLocation where;
    int rc = link.open(entry_.portPath, where);
    if (rc == 0) {
        if (entry_.portPath.empty()) entry_ = receiverEntry(where);
        entry_.address = where.address;
    } else {
        throw std::runtime_error("BioSemi ActiveTwo receiver (USB 0547:1005) " +
                                 (entry_.portPath.empty() ? std::string() : "on port " + entry_.portPath + " ") +
                                 "could not be opened: " + usblink::errorText(rc) +
                                 (rc == usblink::kErrorAccess ? " (install the udev rule, see README)" : ""));
    }
    link.selectConfiguration(kConfiguration);
    claimOrThrow();
    try {
        probeLayout();
    } catch (...) {
        link.close();
        throw;
    }
    setState(DeviceState::Open);
    spdlog::info("BioSemi ActiveTwo {} opened on port {}: speed mode {}, {} Hz, {} electrodes + {} EX, CMS {}, battery {}",
                 layout_->mk2 ? "Mk2" : "Mk1", entry_.portPath, layout_->speedMode, layout_->rateHz, layout_->electrodes,
                 layout_->exChannels(), probeStatus_.cmsInRange ? "in range" : "OUT OF RANGE",
                 probeStatus_.batteryLow ? "LOW" : "ok");
}

void ActiveTwo::setExternalStimulator(std::optional<ExternalStimulatorSettings> settings) {
    if (state() == DeviceState::Running) throw std::logic_error("BioSemi: stop before changing the stimulator");
    external_ = std::move(settings);
    if (configured_) configure(config_);
}

void ActiveTwo::configure(const AcquisitionConfig& config) {
    const auto st = state();
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
    if (trigger_ && lastCommand_) trigger_->setCommand(*lastCommand_, info().stimulator);
    decoder_ = std::make_unique<Decoder>(l, std::move(sources), kTransferBytes, blockFrames);
    decoder_->setTriggerDetector(trigger_.get());
    link_.allocateStream({kBulkInEndpoint, kTransfersInFlight, kTransferBytes, false});
    config_ = applied;
    configured_ = true;
    setState(DeviceState::Configured);
}

AcquisitionConfig ActiveTwo::configuration() const { return config_; }

void ActiveTwo::start(AcquisitionRing& ring) {
    requireConfigured(configured_);
    decoder_->reset();
    decoder_->setRing(&ring);
    sendCommand(kCommandStart);
    beginStreaming();
}

void ActiveTwo::sendStopCommand(unsigned timeoutMs) { sendCommand(kCommandStop, timeoutMs); }

void ActiveTwo::afterStop() {
    if (decoder_) decoder_->setRing(nullptr);
    const auto c = decoder_ ? decoder_->counters() : DecoderCounters{};
    spdlog::info("BioSemi acquisition stopped: {} frames, {} sync losses ({} samples lost), {} stimuli, {} ring drops",
                 c.frames, c.syncLosses, c.framesLost, c.stimuli, c.blocksDroppedRingFull);
}

void ActiveTwo::stimulate(const StimulusCommand& command) {
    if (!external_)
        throw std::invalid_argument("BioSemi: no external stimulator is set up (choose its trigger input first)");
    // the engine's bounds; nothing goes to the hardware. Kept for the detectors configure() makes
    // later, so what the clinician set holds from the next start on, too.
    if (auto why = validateStimulus(command, info().stimulator))
        throw std::invalid_argument("external stimulator setting refused: " + *why);
    lastCommand_ = command;
    if (trigger_) trigger_->setCommand(command, info().stimulator);
}

Status ActiveTwo::lastStatus() const {
    if (decoder_ && decoder_->counters().frames > 0) return decodeStatus(decoder_->counters().lastStatus);
    return probeStatus_;
}

DeviceStatus ActiveTwo::status() const {
    DeviceStatus s = baseStatus();
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
    return link_.countersWith(decoder_ ? decoder_->counters() : DecoderCounters{});
}

}  // namespace emg::biosemi

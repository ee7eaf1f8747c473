#include "usb_device.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <stdexcept>

namespace emg::usb {

using namespace proto;

namespace {

constexpr usblink::UsbIds kIds{kVendorId, kProductId};
constexpr const char* kLogName = "USB amplifier";

}  // namespace

UsbDeviceEntry amplifierEntry(const usblink::BusLocation& where) {
    UsbDeviceEntry e;
    static_cast<usblink::BusLocation&>(e) = where;
    e.label = "emgws USB amplifier (bus " + std::to_string(e.bus) + ", port " + e.portPath + ")";
    return e;
}

std::vector<UsbDeviceEntry> enumerate() {
    std::vector<UsbDeviceEntry> out;
    for (const auto& where : usblink::enumerate(kIds, kLogName)) out.push_back(amplifierEntry(where));
    return out;
}

UsbHotplugWatcher::UsbHotplugWatcher(Callback callback)
    : EntryHotplugWatcher(kIds, kLogName, &amplifierEntry, std::move(callback)) {}

UsbAmplifier::UsbAmplifier(UsbDeviceEntry entry) : LinkedDevice(kIds, kInterface, kLogName), entry_(std::move(entry)) {}

UsbAmplifier::~UsbAmplifier() { closeQuietly(); }

void UsbAmplifier::onData(std::span<const std::uint8_t> bytes) { decoder_->feed(bytes); }

std::uint64_t UsbAmplifier::framesKept() const { return decoder_ ? decoder_->counters().samplesFrames : 0; }

void UsbAmplifier::forgetStream() {
    decoder_.reset();
    configured_ = false;
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
    if (!needsOpen()) return;
    auto& link = link_;
    usblink::BusLocation where;
    int rc = link.open(entry_.portPath, where);
    if (rc != 0)
        throw std::runtime_error(std::string("USB amplifier (VID 1209, PID E3C0) ") +
                                 (entry_.portPath.empty() ? "" : "on port " + entry_.portPath + " ") +
                                 "could not be opened: " + usblink::errorText(rc));
    if (entry_.portPath.empty()) entry_ = amplifierEntry(where);
    entry_.address = where.address;
    claimOrThrow();
    std::uint8_t buf[kDescriptionBytes];
    rc = link.controlTransfer(kRequestTypeIn, kGetDescription, 0, kInterface, buf, kDescriptionBytes, 1000);
    if (rc < 0) {
        link.close();
        throw std::runtime_error("USB amplifier: reading the device description failed: " + usblink::errorText(rc));
    }
    try {
        description_ = decodeDescription({buf, static_cast<std::size_t>(rc)});
    } catch (...) {
        link.close();
        throw;
    }
    setState(DeviceState::Open);
    spdlog::info("USB amplifier opened on port {}: {} channels, {}-bit ADC, firmware {}", entry_.portPath,
                 description_.channelCount, description_.adcBits, description_.firmwareVersion());
}

void UsbAmplifier::controlOut(std::uint8_t request, const std::uint8_t* data, std::uint16_t length, unsigned timeoutMs) {
    if (!link_.isOpen()) throw std::runtime_error("USB amplifier: not open");
    const int rc = link_.controlTransfer(kRequestTypeOut, request, 0, kInterface, const_cast<std::uint8_t*>(data),
                                               length, timeoutMs);
    if (rc == usblink::kErrorNoDevice) {
        setState(DeviceState::Disconnected, "USB amplifier disconnected");
        spdlog::error("USB amplifier disconnected (control request {:#04x})", request);
    }
    if (rc < 0)
        throw std::runtime_error("USB amplifier: control request " + std::to_string(request) +
                                 " failed: " + usblink::errorText(rc));
}

void UsbAmplifier::configure(const AcquisitionConfig& config) {
    const auto st = state();
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
    link_.allocateStream({kBulkInEndpoint, kTransfersInFlight, transferBytes, true});
    configured_ = true;
    setState(DeviceState::Configured);
}

AcquisitionConfig UsbAmplifier::configuration() const { return config_; }

void UsbAmplifier::start(AcquisitionRing& ring) {
    requireConfigured(configured_);
    decoder_->reset();
    decoder_->setRing(&ring);
    controlOut(kStart, nullptr, 0);
    beginStreaming();
}

void UsbAmplifier::sendStopCommand(unsigned timeoutMs) { controlOut(kStop, nullptr, 0, timeoutMs); }

void UsbAmplifier::afterStop() {
    if (decoder_) decoder_->setRing(nullptr);
    const auto c = decoder_ ? decoder_->counters() : DecoderCounters{};
    spdlog::info("USB acquisition stopped: {} frames, {} bad, {} sequence gaps ({} samples lost), {} stalls",
                 c.frames, c.badFrames, c.sequenceGaps, c.framesLost, link_.counters().stalls);
}

void UsbAmplifier::stimulate(const StimulusCommand& command) {
    if (auto why = validateStimulus(command, description_.stimulatorLimits()))
        throw std::invalid_argument("USB stimulator command refused: " + *why);
    const auto st = state();
    if (st != DeviceState::Configured && st != DeviceState::Running)
        throw std::runtime_error(std::string("USB amplifier: cannot stimulate while ") + toString(st));
    decoder_->setStimulusContext({command.intensityMa, command.pulseWidthMs, command.siteId});
    const auto bytes = encodeStimulus(toWire(command));
    controlOut(kStimulate, bytes.data(), static_cast<std::uint16_t>(bytes.size()));
}

std::vector<double> UsbAmplifier::impedanceOhms() {
    if (state() == DeviceState::Running) throw std::logic_error("USB amplifier: impedance check while running");
    if (!link_.isOpen() || !configured_) throw std::logic_error("USB amplifier: configure() before the impedance check");
    const std::size_t n = config_.channels.size();
    std::vector<std::uint8_t> buf(4 * n);
    const int rc = link_.controlTransfer(kRequestTypeIn, kImpedance, 0, kInterface, buf.data(),
                                               static_cast<std::uint16_t>(buf.size()), 5000);
    if (rc != static_cast<int>(buf.size()))
        throw std::runtime_error(std::string("USB amplifier: impedance check failed: ") +
                                 (rc < 0 ? usblink::errorText(rc) : std::string("short answer")));
    std::vector<double> ohms(n);
    for (std::size_t i = 0; i < n; ++i)
        ohms[i] = buf[4 * i] | (buf[4 * i + 1] << 8) | (buf[4 * i + 2] << 16) | (std::uint32_t{buf[4 * i + 3]} << 24);
    return ohms;
}

DeviceStatus UsbAmplifier::status() const {
    DeviceStatus s = baseStatus();
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
    return link_.countersWith(decoder_ ? decoder_->counters() : DecoderCounters{});
}

}  // namespace emg::usb

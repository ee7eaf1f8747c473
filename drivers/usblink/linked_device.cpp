#include "linked_device.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace emg::usblink {

LinkedDevice::LinkedDevice(UsbIds ids, std::uint8_t interfaceNumber, std::string name)
    : link_(ids, interfaceNumber, name), name_(std::move(name)) {}

void LinkedDevice::setState(DeviceState s, const std::string& error) {
    std::lock_guard lock(stateMutex_);
    state_ = s;
    if (!error.empty()) lastError_ = error;
}

DeviceState LinkedDevice::state() const {
    std::lock_guard lock(stateMutex_);
    return state_;
}

bool LinkedDevice::needsOpen() const {
    const auto s = state();
    return s == DeviceState::Closed || s == DeviceState::Disconnected || s == DeviceState::Error;
}

void LinkedDevice::claimOrThrow() {
    if (const int rc = link_.claim(); rc != 0) {
        link_.close();
        throw std::runtime_error(name_ + ": cannot claim interface 0: " + errorText(rc));
    }
}

void LinkedDevice::requireConfigured(bool configured) const {
    if (const auto st = state(); st != DeviceState::Configured || !configured)
        throw std::logic_error(name_ + ": cannot start while " + toString(st) +
                               (st == DeviceState::Disconnected ? " (reopen() when the device is back)" : " (configure() first)"));
}

void LinkedDevice::beginStreaming() {
    setState(DeviceState::Running);  // before the event thread: a disconnect it reports must win
    try {
        link_.startStream(*this);
    } catch (...) {
        setState(DeviceState::Configured);
        throw;
    }
}

void LinkedDevice::stop() {
    if (!link_.streamRunning()) return;
    const bool wasStreaming = link_.stopStream();
    if (wasStreaming && state() != DeviceState::Disconnected) {
        try {
            sendStopCommand(250);
        } catch (const std::exception& e) {
            spdlog::warn("{}: stop command failed ({}); the stream was cancelled on the host", name_, e.what());
        }
    }
    afterStop();
    if (state() == DeviceState::Running) setState(DeviceState::Configured);
}

void LinkedDevice::close() {
    stop();
    link_.freeStream();
    link_.close();
    forgetStream();
    std::lock_guard lock(stateMutex_);
    if (state_ != DeviceState::Disconnected) state_ = DeviceState::Closed;
}

void LinkedDevice::closeQuietly() noexcept {
    try {
        close();
    } catch (const std::exception& e) {
        spdlog::error("{}: close failed: {}", name_, e.what());
    }
}

bool LinkedDevice::reopen() {
    stop();
    link_.freeStream();
    link_.close();
    const AcquisitionConfig last = configuration();
    forgetStream();
    setState(DeviceState::Disconnected);
    try {
        open();
        if (!last.channels.empty()) configure(last);
        spdlog::info("{} on port {} is back", name_, portPath());
        return true;
    } catch (const std::exception& e) {
        spdlog::info("{} not back yet: {}", name_, e.what());
        setState(DeviceState::Disconnected);
        return false;
    }
}

DeviceStatus LinkedDevice::baseStatus() const {
    DeviceStatus s;
    std::lock_guard lock(stateMutex_);
    s.state = state_;
    s.lastError = lastError_;
    return s;
}

void LinkedDevice::onDisconnected(const std::string& why) {
    setState(DeviceState::Disconnected, name_ + " " + why);
    spdlog::error("{} on port {} {}; {} frames kept", name_, portPath(), why, framesKept());
}

void LinkedDevice::onFatal(const std::string& why) { setState(DeviceState::Error, why); }

}  // namespace emg::usblink

// The USB driver through real libusb against an emulated amplifier: each test case runs inside
// `umockdev-run -d amplifier.umockdev -p <sysfs>=<scenario>.pcap` (registered by CMake) and is
// selected by its tag. Fixtures come from usb_fixture_gen, i.e. from the protocol code itself.

#include "usb_scenarios.h"
#include "../support/ring_drain.h"

#include <usb/usb_device.h>

#include <emg/acq/acquisition_engine.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

using namespace emg;
using namespace emg::usb;
using namespace emg::usb::test;

namespace {

const ScenarioSpec& spec(Scenario kind) {
    for (const auto& s : kScenarios)
        if (s.kind == kind) return s;
    throw std::logic_error("no such scenario");
}

std::uint16_t samplesPerFrame() { return wireConfig().samplesPerFrame; }

/// Wait until the driver has decoded `frames` good frames or left Running (at most 10 s).
void waitForFrames(UsbAmplifier& amp, std::uint64_t frames) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
        const auto l = amp.linkCounters();
        if (l.decoder.frames >= frames || amp.status().state != DeviceState::Running) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

using emg::test::Drained;
using emg::test::drain;

/// Every delivered sample equals what the device sent, block by block.
void requireExactSamples(const Drained& d) {
    std::size_t k = 0;
    std::size_t mismatches = 0;
    for (const auto& h : d.headers)
        for (std::uint32_t t = 0; t < h.sampleFrames; ++t)
            for (std::size_t c = 0; c < h.channelCount; ++c, ++k)
                mismatches += d.samples[k] != sampleAt(h.firstSampleIndex + t, c);
    REQUIRE(k == d.samples.size());
    REQUIRE(mismatches == 0);
}

class Collector : public AcquisitionConsumer {
public:
    void onStart(const AcquisitionConfig&) override {}
    void onBlock(const SampleBlockView& b) override {
        for (std::uint32_t t = 0; t < b.frames; ++t)
            for (std::uint16_t c = 0; c < b.channelCount; ++c) {
                ++samples;
                mismatches += b.count(t, c) != sampleAt(b.firstSampleIndex + t, c);
                maxUvError = std::max(maxUvError, std::abs(double(b.uv(t, c)) - sampleAt(b.firstSampleIndex + t, c) * 0.1));
            }
        frames += b.frames;
    }
    std::uint64_t frames = 0, samples = 0, mismatches = 0;
    double maxUvError = 0;
};

}  // namespace

TEST_CASE("USB enumeration and device description through libusb", "[usb-umockdev][describe]") {
    const auto list = enumerate();
    REQUIRE(list.size() == 1);
    CHECK(list[0].bus == 1);
    CHECK(list[0].portPath == "1-1");

    if (hotplugSupported()) {  // present devices are reported as arrivals at registration
        std::vector<std::string> arrived;
        std::mutex m;
        {
            UsbHotplugWatcher watcher([&](const UsbDeviceEntry& e, bool in) {
                std::lock_guard lock(m);
                if (in) arrived.push_back(e.portPath);
            });
            CHECK(watcher.active());
        }
        REQUIRE(arrived.size() == 1);
        CHECK(arrived[0] == "1-1");
    }

    UsbAmplifier amp(list[0]);
    amp.open();
    const auto info = amp.info();
    CHECK(info.driver == "usb");
    CHECK(info.maxChannels == 8);
    CHECK(info.adcBits == 24);
    CHECK(info.firmwareVersion == "1.2.3");
    REQUIRE(info.sampleRatesHz == std::vector<double>{2000, 5000, 10000, 20000, 48000});
    REQUIRE(info.gainsMicrovoltsPerCount.size() == 4);
    CHECK(info.gainsMicrovoltsPerCount[1] == Approx(0.1));
    CHECK(info.stimulator.maxIntensityMa == Approx(100.0));
    CHECK(info.stimulator.minPulseWidthMs == Approx(0.05));
    CHECK(info.stimulator.maxTrainRateHz == Approx(50.0));

    // configuration: unsupported settings are refused before anything is sent
    auto bad = hostConfig();
    bad.sampleRateHz = 12345;
    CHECK_THROWS_AS(amp.configure(bad), std::invalid_argument);
    bad = hostConfig();
    bad.channels[0].microvoltsPerCount = 0.3;
    CHECK_THROWS_AS(amp.configure(bad), std::invalid_argument);
    bad = hostConfig();
    bad.channels[2].lowPassHz = 6000;  // above Nyquist at 10 kHz
    CHECK_THROWS_AS(amp.configure(bad), std::invalid_argument);

    amp.configure(hostConfig());  // the replay checks the request length against the protocol
    CHECK(amp.status().state == DeviceState::Configured);
    const auto cfg = amp.configuration();
    CHECK(cfg.channels[0].digitalMax == 8388607);
    CHECK(cfg.channels[0].digitalMin == -8388608);

    const auto ohms = amp.impedanceOhms();
    REQUIRE(ohms.size() == kChannels);
    for (std::size_t c = 0; c < kChannels; ++c) CHECK(ohms[c] == impedanceOhmsAt(c));
    amp.close();
    CHECK(amp.status().state == DeviceState::Closed);
}

TEST_CASE("USB streaming of 5000 frames arrives sample-exact through the acquisition engine", "[usb-umockdev][stream]") {
    const auto& s = spec(Scenario::Stream);
    UsbAmplifier amp;
    amp.open();
    Collector col;
    AcquisitionEngine engine(5.0);
    engine.addConsumer(&col);
    engine.start(amp, hostConfig());
    waitForFrames(amp, s.frames);
    // let the engine drain the ring
    for (int i = 0; i < 1000 && col.frames < std::uint64_t{s.frames} * samplesPerFrame(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    engine.stop();
    const auto st = amp.status();
    const auto es = engine.stats();
    CHECK(col.frames == std::uint64_t{s.frames} * samplesPerFrame());  // 50 000 time points = 5 s at 10 kHz
    CHECK(col.samples == col.frames * kChannels);
    CHECK(col.mismatches == 0);
    CHECK(col.maxUvError <= 0.5);  // float µV of 24-bit counts at 0.1 µV/count: well under a count
    CHECK(st.badFrames == 0);
    CHECK(st.sequenceGaps == 0);
    CHECK(st.framesDroppedRingFull == 0);
    CHECK(es.gaps == 0);
    CHECK(es.sequenceGaps == 0);
    CHECK(amp.linkCounters().transfersCompleted == s.frames / proto::framesPerTransfer(kRateHz, samplesPerFrame()));
    CHECK(st.state == DeviceState::Configured);
}

TEST_CASE("USB corrupted frame is dropped on its CRC and counted", "[usb-umockdev][corrupt]") {
    const auto& s = spec(Scenario::Corrupt);
    UsbAmplifier amp;
    amp.configure(hostConfig());
    AcquisitionRing ring(1 << 20);
    amp.start(ring);
    waitForFrames(amp, s.frames - 1);
    amp.stop();
    const auto d = drain(ring);
    const auto st = amp.status();
    CHECK(st.badFrames == 1);
    CHECK(st.sequenceGaps == 1);
    CHECK(amp.linkCounters().decoder.framesLost == samplesPerFrame());
    REQUIRE(d.headers.size() == s.frames - 1);
    requireExactSamples(d);  // the corrupted frame's samples never reached the ring
    for (const auto& h : d.headers) CHECK(h.firstSampleIndex != std::int64_t{s.specialFrame} * samplesPerFrame());
    CHECK(d.headers[s.specialFrame].firstSampleIndex == std::int64_t{s.specialFrame + 1} * samplesPerFrame());
    CHECK((d.headers[s.specialFrame].flags & kBlockSamplesMissing) != 0);
}

TEST_CASE("USB sequence gap is counted and the lost samples are marked", "[usb-umockdev][gap]") {
    const auto& s = spec(Scenario::Gap);
    UsbAmplifier amp;
    amp.configure(hostConfig());
    AcquisitionRing ring(1 << 20);
    amp.start(ring);
    waitForFrames(amp, s.frames);
    amp.stop();
    const auto d = drain(ring);
    const auto st = amp.status();
    CHECK(st.badFrames == 0);
    CHECK(st.sequenceGaps == 1);
    CHECK(amp.linkCounters().decoder.framesLost == kGapFrames * samplesPerFrame());
    REQUIRE(d.headers.size() == s.frames);
    requireExactSamples(d);
    const auto& after = d.headers[s.specialFrame];
    CHECK(after.firstSampleIndex == std::int64_t{s.specialFrame + kGapFrames} * samplesPerFrame());
    CHECK(after.sequence == s.specialFrame + kGapFrames);
    CHECK((after.flags & kBlockSamplesMissing) != 0);
    CHECK((d.headers[s.specialFrame + 1].flags & kBlockSamplesMissing) == 0);
}

TEST_CASE("USB stimulus command is checked then echoed with the measured current", "[usb-umockdev][stimulus]") {
    const auto& s = spec(Scenario::Stimulus);
    UsbAmplifier amp;
    amp.configure(hostConfig());

    StimulusCommand tooStrong;
    tooStrong.intensityMa = 120.0;  // above the 100 mA absolute bound: refused, nothing sent
    CHECK_THROWS_AS(amp.stimulate(tooStrong), std::invalid_argument);
    StimulusCommand tooFast;
    tooFast.intensityMa = 10.0;
    tooFast.trainCount = 10;
    tooFast.trainRateHz = 100.0;  // above 50 Hz
    CHECK_THROWS_AS(amp.stimulate(tooFast), std::invalid_argument);

    AcquisitionRing ring(1 << 20);
    amp.start(ring);
    // mid-stream: the emulated device holds its stream until the command arrives after 60 frames
    waitForFrames(amp, (kStimAfterTransfer + 1) * proto::framesPerTransfer(kRateHz, samplesPerFrame()));
    StimulusCommand cmd;
    cmd.intensityMa = kStimRequestedMa;
    cmd.pulseWidthMs = kStimWidthMs;
    cmd.siteId = 2;
    amp.stimulate(cmd);  // the replay compares the request's bytes with the protocol's encoding
    waitForFrames(amp, s.frames);
    amp.stop();
    const auto d = drain(ring);
    REQUIRE(d.headers.size() == s.frames);
    requireExactSamples(d);
    REQUIRE(d.stimuli.size() == 1);
    const auto& e = d.stimuli[0];
    CHECK(e.sampleIndex == std::int64_t{s.specialFrame} * samplesPerFrame() + kStimOffset);
    CHECK(e.intensityMa == Approx(25.0));
    CHECK(e.deliveredMa == Approx(24.87).margin(1e-9));
    CHECK(e.pulseWidthMs == Approx(0.2));
    CHECK(e.siteId == 2);
}

TEST_CASE("USB stall clears the halt and the stream continues without loss", "[usb-umockdev][stall]") {
    const auto& s = spec(Scenario::Stall);
    UsbAmplifier amp;
    amp.configure(hostConfig());
    AcquisitionRing ring(1 << 20);
    amp.start(ring);
    waitForFrames(amp, s.frames);
    amp.stop();
    const auto d = drain(ring);
    CHECK(amp.linkCounters().stalls == 1);
    CHECK(amp.status().sequenceGaps == 0);
    CHECK(amp.status().badFrames == 0);
    REQUIRE(d.headers.size() == s.frames);
    requireExactSamples(d);
}

TEST_CASE("USB disconnect mid-stream stops cleanly and keeps what was recorded", "[usb-umockdev][disconnect]") {
    const auto& s = spec(Scenario::Disconnect);
    UsbAmplifier amp;
    amp.configure(hostConfig());
    AcquisitionRing ring(1 << 20);
    amp.start(ring);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (amp.status().state == DeviceState::Running && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const auto st = amp.status();
    CHECK(st.state == DeviceState::Disconnected);
    CHECK(st.lastError.find("disconnected") != std::string::npos);
    amp.stop();  // no STOP request to a device that is gone; must not hang or throw
    const auto d = drain(ring);
    REQUIRE(d.headers.size() == s.frames);  // everything before the disconnect is kept
    requireExactSamples(d);
    CHECK(amp.status().state == DeviceState::Disconnected);
    CHECK_THROWS_AS(amp.start(ring), std::logic_error);

    // the device returns: reopen re-reads the description and re-sends the configuration
    REQUIRE(amp.reopen());
    CHECK(amp.status().state == DeviceState::Configured);
    AcquisitionRing ring2(1 << 20);
    amp.start(ring2);
    waitForFrames(amp, kFramesAfterReconnect);
    amp.stop();
    const auto d2 = drain(ring2);
    REQUIRE(d2.headers.size() == kFramesAfterReconnect);
    requireExactSamples(d2);
    CHECK(amp.status().state == DeviceState::Configured);
}

namespace {

/// Records the engine's view of a run: blocks on the engine's sample clock and its gaps.
class ClockCollector : public AcquisitionConsumer {
public:
    void onStart(const AcquisitionConfig&) override { ++starts; }
    void onBlock(const SampleBlockView& b) override {
        std::lock_guard lock(m);
        blocks.push_back({b.firstSampleIndex, b.frames, b.count(0, 0)});
        frames += b.frames;
    }
    void onGap(std::int64_t first, std::int64_t n) override {
        std::lock_guard lock(m);
        gaps.push_back({first, n});
    }
    void onStop() override { ++stops; }
    struct Block { std::int64_t first; std::uint32_t frames; std::int32_t firstCount; };
    std::mutex m;
    std::vector<Block> blocks;
    std::vector<std::pair<std::int64_t, std::int64_t>> gaps;
    std::uint64_t frames = 0;
    int starts = 0, stops = 0;
};

}  // namespace

TEST_CASE("A disconnect mid-run keeps the run open and it resumes on the same sample clock",
          "[usb-umockdev][engine-disconnect]") {
    const auto& s = spec(Scenario::Disconnect);
    UsbAmplifier amp;
    AcquisitionEngine engine;
    ClockCollector sink;
    engine.addConsumer(&sink);
    engine.start(amp, hostConfig());

    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!engine.deviceLost() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(engine.deviceLost());
    auto st = engine.stats();
    CHECK(st.deviceLost);
    CHECK(st.deviceMessage.find("disconnected") != std::string::npos);
    CHECK(engine.running());       // the run (and a recorder's file) stays open
    CHECK(sink.stops == 0);
    const std::uint64_t framesBefore = st.frames;
    CHECK(framesBefore == std::uint64_t{s.frames} * samplesPerFrame());  // nothing before the loss is lost

    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the device is away ~0.1 s
    REQUIRE(engine.tryResume());
    CHECK_FALSE(engine.deviceLost());

    const std::uint64_t framesAfter = std::uint64_t{kFramesAfterReconnect} * samplesPerFrame();
    const auto until2 = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (engine.stats().frames < framesBefore + framesAfter && std::chrono::steady_clock::now() < until2)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    engine.stop();
    st = engine.stats();
    CHECK(st.frames == framesBefore + framesAfter);
    CHECK(st.reconnects == 1);
    CHECK(sink.starts == 1);
    CHECK(sink.stops == 1);

    // one gap, as long as the time away (0.1 s at 10 kHz = 1000 frames, generous upper bound for a loaded machine)
    REQUIRE(sink.gaps.size() == 1);
    CHECK(sink.gaps[0].first == static_cast<std::int64_t>(framesBefore));
    CHECK(sink.gaps[0].second >= 900);
    CHECK(sink.gaps[0].second <= 30000);
    // the engine's clock is continuous apart from that gap, and the samples are the device's
    std::int64_t expected = 0;
    std::int64_t deviceIndex = 0;
    for (const auto& b : sink.blocks) {
        if (b.first != expected) {
            CHECK(b.first == expected + sink.gaps[0].second);
            deviceIndex = 0;  // the device's own clock restarted with the new run
        }
        CHECK(b.firstCount == sampleAt(deviceIndex, 0));
        expected = b.first + b.frames;
        deviceIndex += b.frames;
    }
}

// The BioSemi receiver driver through real libusb against an emulated receiver: each case runs
// inside `umockdev-run -d receiver.umockdev -p <sysfs>=<scenario>.pcap` (registered by CMake),
// selected by its tag. The fixtures come from biosemi_fixture_gen, i.e. from the protocol code.

#include "biosemi_scenarios.h"
#include "../support/ring_drain.h"

#include <biosemi/biosemi_device.h>

#include <emg/acq/acquisition_engine.h>
#include <emg/dsp/ncs_analysis.h>
#include <emg/io/edf_recorder.h>
#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <unistd.h>
#include <mutex>
#include <thread>

using namespace emg;
using namespace emg::biosemi;
using namespace emg::biosemi::test;

namespace {

/// Every completed transfer is back in flight (the replay serves the requests strictly in order:
/// stopping before the last resubmission would leave it waiting for that submission).
bool settled(const ActiveTwo& amp) {
    const auto l = amp.linkCounters();
    return l.transfersResubmitted == l.transfersCompleted;
}

/// Wait (at most 20 s) until the driver decoded `frames` frames and resubmitted, or left Running.
void waitForFrames(ActiveTwo& amp, std::uint64_t frames) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < until) {
        if (amp.status().state != DeviceState::Running) return;
        if (amp.linkCounters().decoder.frames >= frames && settled(amp)) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

AcquisitionConfig configFor(const Layout& l, const std::vector<std::string>& labels) {
    AcquisitionConfig c;
    c.sampleRateHz = l.rateHz;
    for (const auto& s : labels) {
        ChannelInfo ch;
        ch.label = s;
        c.channels.push_back(ch);
    }
    return c;
}

using emg::test::Drained;
using emg::test::drain;

/// The value the emulated receiver sent for `label` at sample i (plainFrames streams).
std::int32_t expected(const Layout& l, const std::string& label, std::int64_t i) {
    const auto src = parseChannel(l, label);
    switch (src.kind) {
    case ChannelSource::Kind::Monopolar: return sampleAt(i, src.word);
    case ChannelSource::Kind::Bipolar: return sampleAt(i, src.word) - sampleAt(i, src.minusWord);
    case ChannelSource::Kind::Status: return sampleOf(statusFor(l, 0) << 8);
    }
    return 0;
}

std::size_t mismatches(const Drained& d, const Layout& l, const std::vector<std::string>& labels) {
    std::size_t bad = 0, k = 0;
    for (const auto& h : d.headers)
        for (std::uint32_t t = 0; t < h.sampleFrames; ++t)
            for (const auto& label : labels) bad += d.samples[k++] != expected(l, label, h.firstSampleIndex + t);
    return bad;
}

}  // namespace

TEST_CASE("BioSemi receiver: found by USB IDs, every speed mode on Mk1 and Mk2 streams sample-exact", "[biosemi-umockdev][modes]") {
    const auto list = enumerate();
    REQUIRE(list.size() == 1);
    CHECK(list[0].portPath == "1-1");
    CHECK(list[0].label.find("BioSemi ActiveTwo") != std::string::npos);
    if (hotplugSupported()) {
        std::vector<std::string> arrived;
        std::mutex m;
        {
            HotplugWatcher watcher([&](const ReceiverEntry& e, bool in) {
                std::lock_guard lock(m);
                if (in) arrived.push_back(e.portPath);
            });
            CHECK(watcher.active());
        }
        REQUIRE(arrived.size() == 1);
        CHECK(arrived[0] == "1-1");
    }
    for (const auto& [mk2, mode] : allModes()) {
        const Layout l = *layoutFor(mk2, mode);
        INFO((mk2 ? "Mk2" : "Mk1") << " speed mode " << mode);
        ActiveTwo amp(list[0]);
        amp.open();  // the handshake tells the mode
        REQUIRE(amp.layout());
        CHECK(amp.layout()->mk2 == mk2);
        CHECK(amp.layout()->speedMode == mode);
        const auto info = amp.info();
        CHECK(info.driver == "biosemi");
        REQUIRE(info.sampleRatesHz.size() == 1);
        CHECK(info.sampleRatesHz[0] == l.rateHz);
        CHECK(info.maxChannels == l.electrodes + l.exChannels());
        CHECK(info.gainsMicrovoltsPerCount[0] == Approx(0.03125));
        CHECK(amp.lastStatus().cmsInRange);
        auto wrongRate = configFor(l, {"A1"});
        wrongRate.sampleRateHz = l.rateHz * 2;  // the rate is the AD box's switch, not ours
        CHECK_THROWS_AS(amp.configure(wrongRate), std::invalid_argument);
        const auto labels = testChannels(l);
        amp.configure(configFor(l, labels));
        const auto applied = amp.configuration();
        CHECK(applied.channels[0].microvoltsPerCount == Approx(1.0 / 32.0));
        CHECK(applied.channels.back().electrode == ElectrodeKind::Trigger);
        AcquisitionRing ring(1 << 22);
        amp.start(ring);
        const auto frames = static_cast<std::uint64_t>(modeFrames(l) - 1);  // the last waits for a next sync word
        waitForFrames(amp, frames);
        amp.stop();
        const auto d = drain(ring);
        const auto c = amp.linkCounters().decoder;
        CHECK(c.frames == frames);
        CHECK(c.syncLosses == 0);
        CHECK(c.framesLost == 0);
        CHECK(amp.linkCounters().transfersCompleted == 4);  // 3.5 transfers of 64 KiB: frames span them
        CHECK(mismatches(d, l, labels) == 0);
        CHECK(amp.status().state == DeviceState::Configured);
        amp.close();
    }
}

TEST_CASE("BioSemi receiver: a lost sync word and a short frame are counted gaps, channels aligned", "[biosemi-umockdev][lostsync]") {
    const Layout l = *layoutFor(true, kLostSyncMode);
    ActiveTwo amp;
    const std::vector<std::string> labels = {"A1", "A2", "H32", "EX1", "EX8", "EX1-EX2"};
    amp.configure(configFor(l, labels));
    AcquisitionRing ring(1 << 22);
    amp.start(ring);
    waitForFrames(amp, kLostSyncFrames - 3);
    amp.stop();
    const auto d = drain(ring);
    const auto c = amp.linkCounters().decoder;
    CHECK(c.syncLosses == 2);
    CHECK(c.framesLost == 2);
    CHECK(c.frames == kLostSyncFrames - 3);
    CHECK(amp.status().badFrames == 2);
    CHECK(mismatches(d, l, labels) == 0);  // no sample is read from the wrong word
    int flagged = 0;
    for (const auto& h : d.headers) {
        CHECK((h.firstSampleIndex > kShortFrame || h.firstSampleIndex + h.sampleFrames <= kShortFrame));
        CHECK((h.firstSampleIndex > kLostSyncFrame || h.firstSampleIndex + h.sampleFrames <= kLostSyncFrame));
        if (h.flags & kBlockSamplesMissing) {
            ++flagged;
            CHECK((h.firstSampleIndex == kLostSyncFrame + 1 || h.firstSampleIndex == kShortFrame + 1));
        }
    }
    CHECK(flagged == 2);
}

namespace {
class ClockCollector : public AcquisitionConsumer {
public:
    void onStart(const AcquisitionConfig&) override { ++starts; }
    void onBlock(const SampleBlockView& b) override {
        std::lock_guard lock(m);
        frames += b.frames;
        for (std::uint32_t t = 0; t < b.frames; ++t) firstChannel.push_back(b.count(t, 0));
        for (std::uint32_t s = 0; s < b.stimulusCount; ++s) stimuli.push_back(b.stimuli[s]);
        for (std::uint32_t t = 0; t < b.frames; ++t) uv.push_back(b.uv(t, 0));
    }
    void onGap(std::int64_t first, std::int64_t n) override {
        std::lock_guard lock(m);
        gaps.emplace_back(first, n);
    }
    void onStop() override { ++stops; }
    std::mutex m;
    std::uint64_t frames = 0;
    std::vector<std::int32_t> firstChannel;
    std::vector<float> uv;
    std::vector<StimulusEvent> stimuli;
    std::vector<std::pair<std::int64_t, std::int64_t>> gaps;
    int starts = 0, stops = 0;
};
}  // namespace

TEST_CASE("BioSemi receiver: unplugged mid-run, the run stays open and resumes when it returns", "[biosemi-umockdev][disconnect]") {
    const Layout l = *layoutFor(true, kDisconnectMode);
    ActiveTwo amp;
    AcquisitionEngine engine;
    ClockCollector sink;
    engine.addConsumer(&sink);
    engine.start(amp, configFor(l, {"EX1"}));
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!engine.deviceLost() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(engine.deviceLost());
    CHECK(engine.stats().deviceMessage.find("disconnected") != std::string::npos);
    CHECK(engine.running());
    // all but the last frame before the loss (it waited for a next sync word that never came)
    CHECK(engine.stats().frames == static_cast<std::uint64_t>(kBeforeUnplug - 1));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE(engine.tryResume());
    const auto until2 = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while ((engine.stats().frames < static_cast<std::uint64_t>(kBeforeUnplug - 1 + kAfterReplug - 1) || !settled(amp)) &&
           std::chrono::steady_clock::now() < until2)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    engine.stop();
    CHECK(engine.stats().frames == static_cast<std::uint64_t>(kBeforeUnplug - 1 + kAfterReplug - 1));
    CHECK(engine.stats().reconnects == 1);
    REQUIRE(sink.gaps.size() == 1);
    CHECK(sink.gaps[0].first == kBeforeUnplug - 1);
    CHECK(sink.gaps[0].second >= 1600);  // >= 0.1 s away at 16384 Hz
    // the samples are the receiver's, each run on its own clock
    const auto ex1 = *wordIndexOf(l, "EX1");
    std::size_t bad = 0;
    for (std::size_t i = 0; i < sink.firstChannel.size(); ++i) {
        const auto deviceIndex = static_cast<std::int64_t>(i < kBeforeUnplug - 1 ? i : i - (kBeforeUnplug - 1));
        bad += sink.firstChannel[i] != sampleAt(deviceIndex, ex1);
    }
    CHECK(bad == 0);
}

TEST_CASE("BioSemi receiver: an external stimulator's trigger pulses drive a motor NCS unchanged", "[biosemi-umockdev][ncs]") {
    const Layout l = *layoutFor(true, kNcsMode);
    ActiveTwo amp;
    ExternalStimulatorSettings ext;
    ext.name = "Digitimer DS7A (TTL to trigger input 1)";
    ext.triggerBit = 0;
    ext.edge = TriggerEdge::Rising;
    amp.setExternalStimulator(ext);
    amp.open();
    CHECK(amp.info().stimulator.present);
    AcquisitionEngine engine;
    ClockCollector sink;
    engine.addConsumer(&sink);
    // Record: BDF+ with the trigger-derived stimuli as annotations
    const auto bdf = std::filesystem::temp_directory_path() / ("biosemi-ncs-" + std::to_string(::getpid()) + ".bdf");
    io::EdfRecorderOptions recOptions;
    recOptions.siteNames = {"wrist"};
    recOptions.intensityInAnnotations = true;  // as the workstation records an external stimulator
    auto recorder = std::make_unique<io::EdfRecorder>(bdf, recOptions);
    engine.addConsumer(recorder.get());
    // the clinician's entry before the start holds for the pulses of the run
    StimulusCommand entered;
    entered.intensityMa = 25.0;
    entered.pulseWidthMs = 0.2;
    amp.stimulate(entered);
    engine.start(amp, configFor(l, {"EX1-EX2", "Status"}));
    StimulusCommand tooMuch;
    tooMuch.intensityMa = 120.0;  // the engine's bound applies to what the clinician enters
    CHECK_THROWS_AS(amp.stimulate(tooMuch), std::invalid_argument);
    const auto period = static_cast<std::int64_t>(std::llround(kNcsPeriodMs * 1e-3 * l.rateHz));
    const std::int64_t total = kNcsFirstPulse + period * kNcsStimuli;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while ((engine.stats().frames < static_cast<std::uint64_t>(total - 1) || !settled(amp)) && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    engine.stop();
    REQUIRE(sink.uv.size() == static_cast<std::size_t>(total - 1));
    REQUIRE(sink.stimuli.size() == kNcsStimuli);
    for (int k = 0; k < kNcsStimuli; ++k) {
        CHECK(sink.stimuli[k].sampleIndex == kNcsFirstPulse + k * period);  // the rising edge's sample
        CHECK(sink.stimuli[k].intensityMa == Approx(25.0));
        CHECK(sink.stimuli[k].deliveredMa == Approx(25.0));  // entered = delivered (a TTL line reports none)
    }

    // the BDF+ file as Record wrote it: both channels, the stimuli as "Stim wrist 25 mA" annotations
    recorder.reset();
    const Recording rec = io::readRecording(bdf);
    std::filesystem::remove(bdf);
    REQUIRE(rec.channels.size() == 2);
    CHECK(rec.channels[0].label == "EX1-EX2");
    CHECK(rec.channels[1].label == "Status");
    CHECK(rec.channels[0].sampleRateHz == Approx(l.rateHz));
    std::vector<double> stimOnsets;
    for (const auto& a : rec.annotations)
        if (a.text == "Stim wrist 25 mA") stimOnsets.push_back(a.onsetSec);
    REQUIRE(stimOnsets.size() == kNcsStimuli);
    for (int k = 0; k < kNcsStimuli; ++k)
        CHECK(stimOnsets[k] == Approx((kNcsFirstPulse + k * period) / double(l.rateHz)).margin(0.5 / l.rateHz));
    // the EMG channel's samples are the recorded microvolts (BDF keeps the 24-bit counts exactly)
    REQUIRE(rec.channels[0].samples.size() >= sink.uv.size());
    double maxDiffUv = 0;
    for (std::size_t i = 0; i < sink.uv.size(); ++i) maxDiffUv = std::max(maxDiffUv, std::abs(rec.channels[0].samples[i] - sink.uv[i]));
    CHECK(maxDiffUv < 0.05);  // under 2 counts of 31.25 nV
    const auto settings = dsp::ncsSettingsFor(dsp::NcsTest::Motor);
    const auto prepared = dsp::prepareSignal(rec, 0, settings);
    const auto sites = dsp::analyzeSites(prepared, settings);
    REQUIRE(sites.size() == 1);
    CHECK(sites[0].site == "wrist");
    CHECK(sites[0].stimulusIndices.size() == kNcsStimuli);
    REQUIRE(sites[0].intensityMa.has_value());
    CHECK(*sites[0].intensityMa == Approx(25.0));  // the NCS result carries the entered intensity
    const auto& r = sites[0].response;
    REQUIRE(r.found);
    CHECK(r.measures.onsetLatencyMs == Approx(kNcsLatencyMs).margin(0.15));            // the CMAP's onset, 3.6 ms
    CHECK(std::abs(r.measures.amplitudeUv) == Approx(kNcsNegativeUv).epsilon(0.05));   // baseline to negative peak, 8 mV
    CHECK(r.measures.peakLatencyMs == Approx(kNcsLatencyMs + kNcsNegativeMs / 2).margin(0.15));
}

// The simulated amplifier through the acquisition engine: no sample lost at 32 ch x 48 kHz
// free-running, stimulus refusal, stimulus events on the sample clock with the response after
// the right latency, run-time settings.
#include "sim_test_util.h"

#include <sim/simulated_amplifier.h>

#include <emg/acq/acquisition_engine.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

using namespace emg;
using namespace emg::sim;

namespace {

/// Collects what the engine delivers (optionally every sample of the first channels).
class Collector : public AcquisitionConsumer {
public:
    std::size_t keepChannels = 0;
    std::atomic<std::int64_t> frames{0};
    std::atomic<int> discontinuities{0};
    std::int64_t expected = 0;
    std::mutex mutex;
    std::vector<std::vector<double>> samples;
    std::vector<StimulusEvent> stimuli;
    std::vector<double> blockMaxAbs0;

    void onStart(const AcquisitionConfig& c) override {
        samples.assign(std::min(keepChannels, c.channels.size()), {});
        expected = 0;
    }
    void onBlock(const SampleBlockView& b) override {
        if (b.firstSampleIndex != expected) ++discontinuities;
        expected = b.firstSampleIndex + b.frames;
        std::lock_guard lock(mutex);
        for (std::size_t c = 0; c < samples.size(); ++c)
            for (std::uint32_t f = 0; f < b.frames; ++f) samples[c].push_back(b.uv(f, static_cast<std::uint16_t>(c)));
        for (std::uint32_t i = 0; i < b.stimulusCount; ++i) stimuli.push_back(b.stimuli[i]);
        float mx = 0;
        for (std::uint32_t f = 0; f < b.frames; ++f) mx = std::max(mx, std::abs(b.uv(f, 0)));
        blockMaxAbs0.push_back(mx);
        frames += b.frames;
    }
    void waitFrames(std::int64_t n) {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (frames < n && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        REQUIRE(frames >= n);
    }
};

SimulationSettings quietSettings() {
    SimulationSettings s;
    s.mainsAmplitudeUv = 0.0;
    s.surfaceNoiseRmsUv = 0.0;
    s.needleNoiseRmsUv = 0.0;
    s.stimulusArtifact = false;
    return s;
}

}  // namespace

TEST_CASE("32 ch x 48 kHz free-running through the engine: no sample lost, sequence continuous", "[sim][amplifier]") {
    SimulatedAmplifier amp;
    auto s = amp.settings();
    s.effort = 0.6;
    s.denervationGrade = 2;
    amp.setSettings(s);
    const auto cfg = SimulatedAmplifier::makeConfig(32, 48000.0, 16, Pacing::FreeRunning);
    AcquisitionEngine engine;
    Collector col;
    engine.addConsumer(&col);
    engine.start(amp, cfg);
    col.waitFrames(3 * 48000);
    engine.stop();
    const auto st = engine.stats();
    CHECK(col.discontinuities == 0);
    CHECK(st.framesLostGap == 0);
    CHECK(st.gaps == 0);
    CHECK(st.sequenceGaps == 0);
    CHECK(st.framesDroppedRingFull == 0);
    CHECK(amp.status().framesDroppedRingFull == 0);
    CHECK(st.channelCount == 32);
    CHECK(st.frames >= 3u * 48000u);
    CHECK(st.clippedSamples == 0);
}

TEST_CASE("stimulate() refuses commands outside the stimulator bounds with a clear message", "[sim][amplifier]") {
    SimulatedAmplifier amp;
    StimulusCommand c;
    c.intensityMa = 150.0;
    CHECK_THROWS_WITH(amp.stimulate(c), Catch::Contains("150") && Catch::Contains("mA"));
    c.intensityMa = 20.0;
    c.pulseWidthMs = 2.0;
    CHECK_THROWS_WITH(amp.stimulate(c), Catch::Contains("pulse width"));
    c.pulseWidthMs = 0.01;
    CHECK_THROWS_AS(amp.stimulate(c), std::invalid_argument);
    c.pulseWidthMs = 0.2;
    c.trainCount = 10;
    c.trainRateHz = 80.0;
    CHECK_THROWS_WITH(amp.stimulate(c), Catch::Contains("train rate"));
    c.trainCount = 1;
    CHECK_THROWS_AS(amp.stimulate(c), std::logic_error);   // valid, but not running
    CHECK(amp.info().driver == "sim");
    CHECK(amp.info().stimulator.maxIntensityMa <= 100.0);
}

TEST_CASE("configure() validates channels and rate", "[sim][amplifier]") {
    SimulatedAmplifier amp;
    CHECK_THROWS_WITH(amp.configure(SimulatedAmplifier::makeConfig(33, 20000.0, 1)), Catch::Contains("32"));
    CHECK_THROWS_WITH(amp.configure(SimulatedAmplifier::makeConfig(4, 3000.0, 1)), Catch::Contains("4-48 kHz"));
    CHECK_THROWS_AS(amp.configure(SimulatedAmplifier::makeConfig(4, 50000.0, 1)), std::invalid_argument);
    AcquisitionConfig empty;
    empty.sampleRateHz = 20000.0;
    CHECK_THROWS_AS(amp.configure(empty), std::invalid_argument);
    CHECK_NOTHROW(amp.configure(SimulatedAmplifier::makeConfig(1, 4000.0, 1)));
    CHECK(amp.configuration().channels[0].microvoltsPerCount == SimulatedAmplifier::kMicrovoltsPerCount);
    auto bad = amp.settings();
    bad.effort = 2.0;
    CHECK_THROWS_WITH(amp.setSettings(bad), Catch::Contains("effort"));
    bad = amp.settings();
    bad.nerve = "median-motor";
    bad.siteIndex = 9;
    CHECK_THROWS_WITH(amp.setSettings(bad), Catch::Contains("site"));
}

TEST_CASE("stimulus events arrive on the sample clock and the response follows at the right latency", "[sim][amplifier]") {
    for (std::size_t site : {std::size_t{0}, std::size_t{1}}) {
        auto s = quietSettings();
        s.nerve = "median-motor";
        s.siteIndex = site;
        SimulatedAmplifier amp(s);
        const double fs = 48000.0;
        auto cfg = SimulatedAmplifier::makeConfig(2, fs, 0, Pacing::FreeRunning);
        cfg.channels[1].electrode = ElectrodeKind::Trigger;
        AcquisitionEngine engine;
        Collector col;
        col.keepChannels = 2;
        engine.addConsumer(&col);
        engine.start(amp, cfg);
        col.waitFrames(4800);
        StimulusCommand c;
        c.intensityMa = 40.0;
        c.pulseWidthMs = 0.2;
        c.trainCount = 3;
        c.trainRateHz = 10.0;
        c.siteId = static_cast<std::uint16_t>(site);
        amp.stimulate(c);
        const auto expected = amp.expectedResponse(c);
        // free-running: the generator runs up to a ring's length ahead of the consumer, so the
        // pulses land wherever the generator is; wait for them, then for their responses
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        std::int64_t lastEvent = -1;
        while (lastEvent < 0 && std::chrono::steady_clock::now() < until) {
            {
                std::lock_guard lock(col.mutex);
                if (col.stimuli.size() >= 3) lastEvent = col.stimuli[2].sampleIndex;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        REQUIRE(lastEvent >= 0);
        col.waitFrames(lastEvent + static_cast<std::int64_t>(0.2 * fs));
        engine.stop();
        std::lock_guard lock(col.mutex);
        REQUIRE(col.stimuli.size() == 3);
        const auto& v = col.samples[0];
        for (std::size_t k = 0; k < 3; ++k) {
            const auto& ev = col.stimuli[k];
            CHECK(ev.trainIndex == k);
            CHECK(ev.siteId == site);
            CHECK(ev.intensityMa == 40.0);
            if (k > 0) CHECK(ev.sampleIndex - col.stimuli[k - 1].sampleIndex == 4800);   // 10 Hz train
            const auto at = static_cast<std::size_t>(ev.sampleIndex);
            REQUIRE(at + 4800 <= v.size());
            // the trigger channel marks the pulse exactly at the event's sample
            CHECK(col.samples[1][at] > 500.0);
            CHECK(col.samples[1][at - 1] == 0.0);
            // nothing before the expected onset, the CMAP right after it
            const std::vector<double> sweep(v.begin() + static_cast<std::ptrdiff_t>(at), v.begin() + static_cast<std::ptrdiff_t>(at + 4800));
            const double onset = emg::sim::test::onsetIndex(sweep, 0.01 * expected.amplitudeUv);   // interpolated
            const double latencyMs = onset * 1000.0 / fs;
            INFO("site " << site << " latency " << latencyMs << " expected " << expected.onsetLatencyMs);
            CHECK(std::abs(latencyMs - expected.onsetLatencyMs) <= 1000.0 / fs + 1e-9);
            double peak = 0;
            for (std::size_t i = at; i < at + 960; ++i) peak = std::max(peak, -v[i]);
            CHECK(peak == Approx(expected.amplitudeUv).epsilon(0.01));
        }
    }
}

TEST_CASE("run-time settings: effort changes recruitment, pattern swaps models, no gaps", "[sim][amplifier]") {
    auto s = quietSettings();
    s.effort = 0.5;
    SimulatedAmplifier amp(s);
    const auto cfg = SimulatedAmplifier::makeConfig(1, 20000.0, 1, Pacing::FreeRunning);
    AcquisitionEngine engine;
    Collector col;
    engine.addConsumer(&col);
    engine.start(amp, cfg);
    col.waitFrames(20000);
    {
        std::lock_guard lock(col.mutex);
        CHECK(*std::max_element(col.blockMaxAbs0.begin(), col.blockMaxAbs0.end()) > 100.0);
    }
    amp.setMusclePattern(MusclePattern::Myopathic);
    col.waitFrames(col.frames + 20000);
    amp.setEffort(0.0);
    CHECK(amp.settings().effort == 0.0);
    col.waitFrames(col.frames + 40000);
    // Free-running, the producer may run up to a full ring ahead of this consumer (a loaded machine
    // deschedules it): the samples made after the change can arrive later than 2 s of data. Wait
    // (bounded) until the last 100 ms of blocks come from after it, then check them.
    const auto lastBlocksSilent = [&col] {
        std::lock_guard lock(col.mutex);
        const auto& m = col.blockMaxAbs0;
        return m.size() > 10 && std::all_of(m.end() - 10, m.end(), [](double x) { return x == 0.0; });
    };
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!lastBlocksSilent() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    engine.stop();
    std::lock_guard lock(col.mutex);
    // after the effort dropped to rest the needle channel falls silent (last 100 ms of blocks)
    const auto& m = col.blockMaxAbs0;
    REQUIRE(m.size() > 10);
    for (std::size_t i = m.size() - 10; i < m.size(); ++i) CHECK(m[i] == 0.0f);
    CHECK(col.discontinuities == 0);
    CHECK(amp.settings().pattern == MusclePattern::Myopathic);
}

TEST_CASE("real-time pacing delivers about one second of data per second", "[sim][amplifier]") {
    SimulatedAmplifier amp;
    const auto cfg = SimulatedAmplifier::makeConfig(4, 10000.0, 2, Pacing::RealTime);
    AcquisitionEngine engine;
    Collector col;
    engine.addConsumer(&col);
    const auto t0 = std::chrono::steady_clock::now();
    engine.start(amp, cfg);
    col.waitFrames(1000);
    engine.stop();
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // not a timing test: only that real-time mode does not run ahead of the wall clock
    CHECK(static_cast<double>(col.frames) <= (elapsed + 0.05) * 10000.0);
    CHECK(col.frames >= 1000);
}

TEST_CASE("the amplifier's samples are deterministic under the seed", "[sim][amplifier]") {
    const auto capture = [](std::uint64_t seed) {
        SimulationSettings s;
        s.seed = seed;
        s.effort = 0.4;
        s.denervationGrade = 1;
        SimulatedAmplifier amp(s);
        const auto cfg = SimulatedAmplifier::makeConfig(3, 20000.0, 2, Pacing::FreeRunning);
        AcquisitionEngine engine;
        Collector col;
        col.keepChannels = 3;
        engine.addConsumer(&col);
        engine.start(amp, cfg);
        col.waitFrames(20000);
        engine.stop();
        std::lock_guard lock(col.mutex);
        for (auto& ch : col.samples) ch.resize(20000);
        return col.samples;
    };
    const auto a = capture(5), b = capture(5), c = capture(6);
    CHECK(a == b);
    CHECK(a != c);
    CHECK(a[0] != a[1]);   // each needle channel has its own muscle
}

TEST_CASE("a full ring: real-time pacing drops and counts whole blocks, free-running waits and never drops", "[sim][amplifier]") {
    for (Pacing pacing : {Pacing::RealTime, Pacing::FreeRunning}) {
        SimulatedAmplifier amp;
        auto cfg = SimulatedAmplifier::makeConfig(4, 48000.0, 2, pacing);
        amp.open();
        amp.configure(cfg);
        AcquisitionRing ring(4 * 480 * 4);   // room for four 10 ms blocks; nobody drains it
        amp.start(ring);
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        const std::uint64_t want = pacing == Pacing::RealTime ? 8 : 4;
        while (amp.status().blocksProduced + amp.status().blocksDroppedRingFull < want && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (pacing == Pacing::FreeRunning) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        amp.stop();
        const auto st = amp.status();
        INFO((pacing == Pacing::RealTime ? "real-time" : "free-running"));
        CHECK(st.blocksProduced == 4);
        if (pacing == Pacing::RealTime) {
            CHECK(st.blocksDroppedRingFull >= 4);
            CHECK(ring.droppedBlocks() == st.blocksDroppedRingFull);
            CHECK(ring.droppedFrames() == st.blocksDroppedRingFull * 480);
        } else {
            CHECK(st.blocksDroppedRingFull == 0);
            CHECK(ring.droppedBlocks() == 0);
        }
        // what is in the ring is continuous from sample 0
        BlockHeader h;
        std::int64_t next = 0;
        while (ring.popHeader(h)) {
            CHECK(h.firstSampleIndex == next);
            next += h.sampleFrames;
            ring.releaseSamples(static_cast<std::size_t>(h.sampleFrames) * h.channelCount);
        }
        CHECK(next == 4 * 480);
    }
}

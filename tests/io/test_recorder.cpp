// The incremental recorder: every raw count stored, stimuli and markers as annotations, gaps
// zero-filled and annotated, and a crash (no close) loses at most the last flush interval.
#include "io_test_util.h"
#include "support/counting_device.h"

#include <emg/acq/acquisition_engine.h>
#include <emg/dsp/stimulus_events.h>
#include <emg/io/edf_recorder.h>
#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>

#include <thread>

using namespace emg;

namespace {
AcquisitionConfig twoChannels(double rateHz) {
    AcquisitionConfig cfg;
    cfg.sampleRateHz = rateHz;
    ChannelInfo a;
    a.label = "APB";
    a.microvoltsPerCount = 0.1;
    a.sampleRateHz = rateHz;
    a.highPassHz = 2;
    a.lowPassHz = 10000;
    ChannelInfo b = a;
    b.label = "TA needle";
    b.electrode = ElectrodeKind::Needle;
    b.microvoltsPerCount = 0.05;
    cfg.channels = {a, b};
    return cfg;
}
std::int32_t countAt(std::int64_t i, int c) { return static_cast<std::int32_t>(((i * 37 + c * 1001) % 200001) - 100000); }

// Feed `frames` frames starting at sample `first` in blocks of `block`.
void feed(io::EdfRecorder& r, std::int64_t first, std::int64_t frames, std::uint32_t block,
          const std::vector<StimulusEvent>& stimuli = {}) {
    std::vector<std::int32_t> counts(block * 2);
    std::vector<float> uv(block * 2);
    for (std::int64_t s = first; s < first + frames; s += block) {
        const auto n = static_cast<std::uint32_t>(std::min<std::int64_t>(block, first + frames - s));
        for (std::uint32_t f = 0; f < n; ++f)
            for (int c = 0; c < 2; ++c) counts[f * 2 + static_cast<std::size_t>(c)] = countAt(s + f, c);
        std::vector<StimulusEvent> mine;
        for (const auto& e : stimuli)
            if (e.sampleIndex >= s && e.sampleIndex < s + n) mine.push_back(e);
        SampleBlockView v;
        v.firstSampleIndex = s;
        v.frames = n;
        v.channelCount = 2;
        v.counts = counts.data();
        v.microvolts = uv.data();
        v.stimuli = mine.data();
        v.stimulusCount = static_cast<std::uint32_t>(mine.size());
        r.onBlock(v);
    }
}
}  // namespace

TEST_CASE("BDF+ recorder stores every count exactly with stimuli and markers as annotations", "[io][recorder]") {
    const auto dir = test::ioTempDir("rec-bdf");
    const auto path = dir / "rec.bdf";
    const double fs = 5000;
    {
        io::EdfRecorderOptions opt;
        opt.siteNames = {"wrist", "elbow"};
        opt.patientId = "P-17";
        opt.startDateTime = "2025-01-02T03:04:05";
        io::EdfRecorder r(path, opt);
        r.onStart(twoChannels(fs));
        CHECK(r.recordDurationSec() == 1.0);
        std::vector<StimulusEvent> stim(2);
        stim[0].sampleIndex = 1000 + 1234;
        stim[0].siteId = 0;
        stim[0].pulseWidthMs = 0.2;
        stim[1].sampleIndex = 1000 + 7777;
        stim[1].siteId = 1;
        r.addMarker(1000 + 9000, "Fibrillation");
        feed(r, 1000, 12345, 100, stim);   // 2.469 s of data, starting at sample clock 1000
        r.onStop();
        CHECK(r.clippedSamples() == 0);
    }
    io::ReadInfo info;
    const auto rec = io::readRecording(path, info);
    CHECK(info.format == io::FileFormat::BdfPlus);
    REQUIRE(rec.channels.size() == 2);
    CHECK(rec.channels[0].label == "APB");
    CHECK(rec.channels[1].transducer == "needle electrode");
    CHECK(rec.channels[0].prefilter == "HP:2Hz LP:10000Hz");
    CHECK(rec.channels[0].sampleRateHz == fs);
    REQUIRE(rec.channels[0].samples.size() == 15000);   // 3 records of 1 s, the last padded
    std::int64_t worstUlp = 0;
    for (std::int64_t i = 0; i < 12345; ++i) {
        // 0.1 and 0.05 µV per count fit the 8-character fields exactly: counts come back exactly
        const double a = rec.channels[0].samples[static_cast<std::size_t>(i)] / 0.1;
        const double b = rec.channels[1].samples[static_cast<std::size_t>(i)] / 0.05;
        worstUlp = std::max<std::int64_t>(worstUlp, std::llabs(std::llround(a) - countAt(1000 + i, 0)));
        worstUlp = std::max<std::int64_t>(worstUlp, std::llabs(std::llround(b) - countAt(1000 + i, 1)));
    }
    CHECK(worstUlp == 0);
    std::vector<std::string> texts;
    for (const auto& a : rec.annotations) texts.push_back(a.text);
    REQUIRE(rec.annotations.size() == 4);
    CHECK(rec.annotations[0].text == "Stim wrist");
    CHECK(rec.annotations[0].onsetSec == Approx(1234 / fs).margin(0.5 / fs));
    CHECK(rec.annotations[0].durationSec == Approx(0.0002).margin(1e-7));
    CHECK(rec.annotations[1].text == "Stim elbow");
    CHECK(rec.annotations[1].onsetSec == Approx(7777 / fs).margin(0.5 / fs));
    CHECK(rec.annotations[2].text == "Fibrillation");
    CHECK(rec.annotations[2].onsetSec == Approx(9000 / fs).margin(0.5 / fs));
    CHECK(rec.annotations[3].text.rfind("Recording end", 0) == 0);
    CHECK(rec.annotations[3].onsetSec == Approx(12345 / fs).margin(0.5 / fs));
    CHECK(rec.startDateTime == "2025-01-02T03:04:05");
    std::filesystem::remove_all(dir);
}

TEST_CASE("an external stimulator's entered intensity is written into its stimulus annotations and read back", "[io][recorder]") {
    const auto dir = test::ioTempDir("rec-intensity");
    const auto path = dir / "rec.bdf";
    const double fs = 5000;
    {
        io::EdfRecorderOptions opt;
        opt.siteNames = {"wrist", "elbow"};
        opt.intensityInAnnotations = true;
        io::EdfRecorder r(path, opt);
        r.onStart(twoChannels(fs));
        std::vector<StimulusEvent> stim(3);
        stim[0].sampleIndex = 500;
        stim[0].intensityMa = stim[0].deliveredMa = 25.0;   // entered by the clinician
        stim[1].sampleIndex = 1500;
        stim[1].siteId = 1;
        stim[1].intensityMa = stim[1].deliveredMa = 32.75;
        stim[2].sampleIndex = 2500;                          // nothing entered: no number claimed
        feed(r, 0, 4000, 100, stim);
        r.onStop();
    }
    const auto rec = io::readRecording(path);
    REQUIRE(rec.annotations.size() >= 3);
    CHECK(rec.annotations[0].text == "Stim wrist 25 mA");
    CHECK(rec.annotations[1].text == "Stim elbow 32.75 mA");
    CHECK(rec.annotations[2].text == "Stim wrist");
    // the readers' stimulus parser takes the site and the intensity back from the text
    const auto marks = dsp::stimuliFromAnnotations(rec, fs);
    REQUIRE(marks.size() == 3);
    CHECK(marks[0].site == "wrist");
    REQUIRE(marks[0].intensityMa.has_value());
    CHECK(*marks[0].intensityMa == Approx(25.0));
    CHECK(marks[1].site == "elbow");
    REQUIRE(marks[1].intensityMa.has_value());
    CHECK(*marks[1].intensityMa == Approx(32.75));
    CHECK_FALSE(marks[2].intensityMa.has_value());
    std::filesystem::remove_all(dir);
}

TEST_CASE("a recorder that never closes (crash) leaves a readable file with every flushed second", "[io][recorder]") {
    const auto dir = test::ioTempDir("rec-crash");
    const auto path = dir / "crash.bdf";
    const double fs = 2000;
    io::EdfRecorderOptions opt;
    opt.flushIntervalSec = 1.0;
    auto* r = new io::EdfRecorder(path, opt);   // deliberately never destroyed before the copy
    r->onStart(twoChannels(fs));
    feed(*r, 0, static_cast<std::int64_t>(3.7 * fs), 50);   // 3.7 s: 3 whole records flushed
    // "crash": copy the file as it is now, without close()
    std::filesystem::copy_file(path, dir / "copy.bdf");
    io::ReadInfo info;
    const auto rec = io::readRecording(dir / "copy.bdf", info);
    REQUIRE(rec.channels.size() == 2);
    CHECK(info.dataRecords == 3);
    REQUIRE(rec.channels[0].samples.size() == 6000);   // all 3 flushed seconds
    for (std::size_t i = 0; i < 6000; ++i) REQUIRE(std::llround(rec.channels[0].samples[i] / 0.1) == countAt(static_cast<std::int64_t>(i), 0));
    delete r;
    std::filesystem::remove_all(dir);
}

TEST_CASE("EDF+ 16-bit recorder: no silent clipping and errors within one LSB", "[io][recorder]") {
    const auto dir = test::ioTempDir("rec-edf");
    const double fs = 1000;
    SECTION("default full scale is the ADC range: nothing clips") {
        io::EdfRecorderOptions opt;
        opt.format = io::FileFormat::EdfPlus;
        io::EdfRecorder r(dir / "full.edf", opt);
        r.onStart(twoChannels(fs));
        feed(r, 0, 2000, 100);
        r.onStop();
        CHECK(r.clippedSamples() == 0);
        const auto rec = io::readRecording(dir / "full.edf");
        const double lsb0 = 8388608 * 0.1 / 32767;   // ±838.9 mV over 16 bits: 25.6 µV
        double worst = 0;
        for (std::size_t i = 0; i < 2000; ++i)
            worst = std::max(worst, std::fabs(rec.channels[0].samples[i] - countAt(static_cast<std::int64_t>(i), 0) * 0.1));
        CHECK(worst <= lsb0 * 1.0001);
    }
    SECTION("a narrower full scale clips and counts every clipped sample") {
        io::EdfRecorderOptions opt;
        opt.format = io::FileFormat::EdfPlus;
        opt.edfFullScaleUv = 5000;   // ±5 mV: the ramp reaches ±10 mV on channel 0
        io::EdfRecorder r(dir / "narrow.edf", opt);
        r.onStart(twoChannels(fs));
        feed(r, 0, 2000, 100);
        r.onStop();
        std::uint64_t expected = 0;
        for (std::int64_t i = 0; i < 2000; ++i) {
            expected += std::fabs(countAt(i, 0) * 0.1) > 5000.0 * 1.0001 ? 1 : 0;
            expected += std::fabs(countAt(i, 1) * 0.05) > 5000.0 * 1.0001 ? 1 : 0;
        }
        CHECK(expected > 0);
        CHECK(r.clippedSamples() == expected);
        const auto rec = io::readRecording(dir / "narrow.edf");
        const double lsb = 5000.0 / 32767;   // 0.15 µV
        for (std::size_t i = 0; i < 2000; ++i) {
            const double truth = countAt(static_cast<std::int64_t>(i), 1) * 0.05;
            if (std::fabs(truth) < 4999) REQUIRE(std::fabs(rec.channels[1].samples[i] - truth) <= lsb);
        }
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("recorder behind the acquisition engine: gap zero-filled and annotated", "[io][recorder]") {
    const auto dir = test::ioTempDir("rec-engine");
    const auto path = dir / "engine.bdf";
    test::CountingDevice dev;
    dev.totalFrames = 3000;
    dev.framesPerBlock = 100;
    dev.skipBlock = 12;   // samples 1200..1299 never arrive
    AcquisitionConfig cfg = twoChannels(1000);
    cfg.pacing = Pacing::FreeRunning;
    io::EdfRecorder recorder(path);
    {
        AcquisitionEngine engine;
        engine.addConsumer(&recorder);
        engine.start(dev, cfg);
        dev.waitUntilDone();
        for (int i = 0; i < 2000 && engine.stats().frames < 2900; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        engine.stop();
    }
    CHECK(recorder.gapFramesFilled() == 100);
    const auto rec = io::readRecording(path);
    REQUIRE(rec.channels.size() == 2);
    REQUIRE(rec.channels[0].samples.size() == 3000);
    for (std::size_t i = 0; i < 3000; ++i) {
        const double expected = (i >= 1200 && i < 1300) ? 0.0 : test::CountingDevice::valueAt(static_cast<std::int64_t>(i), 0, 2) * 0.1;
        REQUIRE(rec.channels[0].samples[i] == Approx(expected).margin(1e-6));
    }
    REQUIRE_FALSE(rec.annotations.empty());
    CHECK(rec.annotations[0].text == "Gap 100 samples");
    CHECK(rec.annotations[0].onsetSec == Approx(1.2).margin(0.0005));
    CHECK(rec.annotations[0].durationSec == Approx(0.1).margin(1e-6));
    std::filesystem::remove_all(dir);
}

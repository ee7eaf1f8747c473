#include <replay/replay_device.h>

#include <emg/acq/acquisition_engine.h>
#include <emg/io/recording_io.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <thread>

using namespace emg;
namespace fs = std::filesystem;

namespace {

Recording makeRecording() {
    Recording rec;
    rec.patientId = "X";
    const double fs = 10000.0;
    for (int c = 0; c < 2; ++c) {
        RecordedChannel ch;
        ch.label = c == 0 ? "APB" : "ADM";
        ch.sampleRateHz = fs;
        for (int i = 0; i < 25000; ++i)
            ch.samples.push_back(std::round((500.0 * std::sin(2 * M_PI * (7.0 + c) * i / fs) + (c ? 0.0 : -40.0)) * 8) / 8);
        rec.channels.push_back(ch);
    }
    rec.annotations = {{0.5, 0, "Stim wrist"}, {1.0, 0, "Stim elbow"}, {1.5, 0, "stim: Wrist 20 mA"}, {2.0, 0, "Note"}};
    return rec;
}

struct Collector : AcquisitionConsumer {
    std::vector<std::vector<double>> uv;
    std::vector<StimulusEvent> stimuli;
    void onStart(const AcquisitionConfig& c) override { uv.assign(c.channels.size(), {}); }
    void onBlock(const SampleBlockView& b) override {
        for (std::uint32_t f = 0; f < b.frames; ++f)
            for (std::uint16_t c = 0; c < b.channelCount; ++c) uv[c].push_back(b.uv(f, c));
        for (std::uint32_t i = 0; i < b.stimulusCount; ++i) stimuli.push_back(b.stimuli[i]);
    }
};

}  // namespace

TEST_CASE("a recording replays through the engine with its samples and stimulus events", "[replay]") {
    replay::ReplayDevice dev(makeRecording(), "test");
    REQUIRE(dev.stimulusSites() == std::vector<std::string>{"wrist", "elbow"});
    Collector col;
    AcquisitionEngine engine(0.5);
    engine.addConsumer(&col);
    engine.start(dev, dev.defaultConfig(Pacing::FreeRunning));
    while (!dev.finished()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    engine.stop();
    const auto rec = makeRecording();
    REQUIRE(col.uv.size() == 2);
    REQUIRE(col.uv[0].size() == 25000);
    double maxErr = 0;
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < 25000; ++i) maxErr = std::max(maxErr, std::abs(col.uv[c][i] - rec.channels[c].samples[i]));
    CHECK(maxErr < 0.01);  // float scaling of µV values up to 540: well under 0.01 µV
    REQUIRE(col.stimuli.size() == 3);
    CHECK(col.stimuli[0].sampleIndex == 5000);
    CHECK(col.stimuli[0].siteId == 0);
    CHECK(col.stimuli[1].sampleIndex == 10000);
    CHECK(col.stimuli[1].siteId == 1);
    CHECK(col.stimuli[2].siteId == 0);  // "stim: Wrist 20 mA" is the wrist again
    CHECK(engine.stats().framesLostGap == 0);
}

TEST_CASE("a file written by emg_io replays with its samples", "[replay]") {
    const auto path = fs::temp_directory_path() / ("emgws-replay-" + std::to_string(::getpid()) + ".bdf");
    io::writeRecording(makeRecording(), path, io::FileFormat::BdfPlus);
    auto dev = replay::ReplayDevice::fromFile(path);
    CHECK(dev->info().driver == "replay");
    // EDF/BDF store whole 1 s data records: the writer pads the last one (docs/file-formats.md)
    CHECK(dev->totalFrames() >= 25000);
    CHECK(dev->totalFrames() <= 30000);
    CHECK(dev->stimulusSites().size() == 2);
    fs::remove(path);
}

TEST_CASE("replay refuses stimuli and a sample rate other than the recording's", "[replay]") {
    replay::ReplayDevice dev(makeRecording(), "test");
    CHECK_THROWS_AS(dev.stimulate(StimulusCommand{}), std::invalid_argument);
    auto cfg = dev.defaultConfig();
    cfg.sampleRateHz = 20000;
    CHECK_THROWS_WITH(dev.configure(cfg), Catch::Contains("10000"));
    Recording empty;
    CHECK_THROWS_AS(replay::ReplayDevice(empty, "empty"), std::invalid_argument);
}

// Issue 12: an EDF+D hole is played as a gap. 2.5 s at 10 kHz with a hole [1.0, 1.4) s: the
// engine gets 21000 frames, one gap of 4000 frames at sample 10000, and not one frame of the hole
// (the reader's zeros there, here a marker value, never reach a consumer); the stimulus at 1.0 s
// lies in the hole and is not delivered, the others are.
TEST_CASE("a recording with a hole replays it as a gap, not as samples", "[replay]") {
    auto rec = makeRecording();
    for (auto& c : rec.channels)
        for (std::size_t i = 10000; i < 14000; ++i) c.samples[i] = 0.0;   // what a reader fills a hole with
    replay::ReplayDevice dev(rec, {io::DataGap{1.0, 0.4}}, "test");
    CHECK(dev.holeFrames() == 4000);
    struct GapCollector : Collector {
        std::vector<std::pair<std::int64_t, std::int64_t>> gaps;
        std::vector<std::int64_t> blockStarts;
        void onBlock(const SampleBlockView& b) override {
            blockStarts.push_back(b.firstSampleIndex);
            Collector::onBlock(b);
        }
        void onGap(std::int64_t first, std::int64_t frames) override { gaps.emplace_back(first, frames); }
    } col;
    AcquisitionEngine engine(0.5);
    engine.addConsumer(&col);
    engine.start(dev, dev.defaultConfig(Pacing::FreeRunning));
    while (!dev.finished()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    engine.stop();
    REQUIRE(col.uv.size() == 2);
    CHECK(col.uv[0].size() == 21000u);
    REQUIRE(col.gaps.size() == 1);
    CHECK(col.gaps[0].first == 10000);
    CHECK(col.gaps[0].second == 4000);
    for (auto s : col.blockStarts) CHECK_FALSE((s >= 10000 && s < 14000));
    // the samples after the hole are the recording's from 1.4 s on
    double maxErr = 0;
    for (std::size_t i = 0; i < 11000; ++i) maxErr = std::max(maxErr, std::abs(col.uv[0][10000 + i] - rec.channels[0].samples[14000 + i]));
    CHECK(maxErr < 0.01);
    REQUIRE(col.stimuli.size() == 2);
    CHECK(col.stimuli[0].sampleIndex == 5000);
    CHECK(col.stimuli[1].sampleIndex == 15000);
    CHECK(engine.stats().framesLostGap == 4000);
}

// The same hole as a reader gives it now (issue 12): an EDF+D read holds no frame of the hole,
// Recording::segments say where the samples lie. The engine gets the same 21000 frames, the same
// gap at the same sample, the same samples after it, and the stimulus in the hole is not delivered.
TEST_CASE("a recording of segments (an EDF+D read) replays its hole as a gap", "[replay][edfd]") {
    const auto full = makeRecording();
    auto rec = full;
    for (auto& c : rec.channels) c.samples.erase(c.samples.begin() + 10000, c.samples.begin() + 14000);
    rec.segments = {{0.0, 1.0}, {1.4, 1.1}};
    replay::ReplayDevice dev(rec, {io::DataGap{1.0, 0.4}}, "test");   // the gaps repeat the segments' hole: taken once
    CHECK(dev.holeFrames() == 4000);
    CHECK(dev.totalFrames() == 25000);
    struct GapCollector : Collector {
        std::vector<std::pair<std::int64_t, std::int64_t>> gaps;
        void onGap(std::int64_t first, std::int64_t frames) override { gaps.emplace_back(first, frames); }
    } col;
    AcquisitionEngine engine(0.5);
    engine.addConsumer(&col);
    engine.start(dev, dev.defaultConfig(Pacing::FreeRunning));
    while (!dev.finished()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    engine.stop();
    REQUIRE(col.uv.size() == 2);
    CHECK(col.uv[0].size() == 21000u);
    REQUIRE(col.gaps.size() == 1);
    CHECK(col.gaps[0].first == 10000);
    CHECK(col.gaps[0].second == 4000);
    double maxErr = 0;
    for (std::size_t i = 0; i < 10000; ++i) maxErr = std::max(maxErr, std::abs(col.uv[0][i] - full.channels[0].samples[i]));
    for (std::size_t i = 0; i < 11000; ++i) maxErr = std::max(maxErr, std::abs(col.uv[0][10000 + i] - full.channels[0].samples[14000 + i]));
    CHECK(maxErr < 0.01);
    REQUIRE(col.stimuli.size() == 2);
    CHECK(col.stimuli[0].sampleIndex == 5000);
    CHECK(col.stimuli[1].sampleIndex == 15000);
}

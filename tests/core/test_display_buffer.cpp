// DisplayBuffer: exact per-column min/max against brute force, ring wrap-around, gaps, freeze,
// stimuli, and a concurrent writer/reader that must never see a wrong column.
#include <emg/acq/display_buffer.h>

#include "../support/counting_device.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <thread>
#include <vector>

using emg::ColumnMinMax;
using emg::DisplayBuffer;

namespace {

emg::AcquisitionConfig makeConfig(std::size_t channels, double rateHz) {
    emg::AcquisitionConfig cfg;
    cfg.sampleRateHz = rateHz;
    for (std::size_t c = 0; c < channels; ++c) {
        emg::ChannelInfo ch;
        ch.label = "ch" + std::to_string(c);
        ch.sampleRateHz = rateHz;
        cfg.channels.push_back(ch);
    }
    return cfg;
}

// value of channel c at sample i for the synthetic signals below
float synth(std::int64_t i, std::size_t c) {
    return static_cast<float>(((i * 7919 + static_cast<std::int64_t>(c) * 104729) % 2001) - 1000);
}

void push(DisplayBuffer& buf, std::size_t channels, std::int64_t first, std::uint32_t frames,
          const std::vector<emg::StimulusEvent>& stimuli = {}) {
    std::vector<float> uv(frames * channels);
    for (std::uint32_t f = 0; f < frames; ++f)
        for (std::size_t c = 0; c < channels; ++c) uv[f * channels + c] = synth(first + f, c);
    emg::SampleBlockView v;
    v.firstSampleIndex = first;
    v.frames = frames;
    v.channelCount = static_cast<std::uint16_t>(channels);
    v.microvolts = uv.data();
    v.stimuli = stimuli.data();
    v.stimulusCount = static_cast<std::uint32_t>(stimuli.size());
    buf.onBlock(v);
}

ColumnMinMax bruteForce(std::int64_t a, std::int64_t b, std::size_t c, std::int64_t lo, std::int64_t hi) {
    a = std::max(a, lo);
    b = std::min(b, hi);
    if (a >= b) return {NAN, NAN};
    float mn = synth(a, c), mx = mn;
    for (std::int64_t i = a; i < b; ++i) {
        mn = std::min(mn, synth(i, c));
        mx = std::max(mx, synth(i, c));
    }
    return {mn, mx};
}

void checkColumns(const DisplayBuffer& buf, std::size_t c, std::int64_t start, double spc, std::size_t columns,
                  std::int64_t lo, std::int64_t hi) {
    std::vector<ColumnMinMax> out(columns);
    buf.minMaxColumns(c, start, spc, columns, out);
    for (std::size_t k = 0; k < columns; ++k) {
        const auto a = start + static_cast<std::int64_t>(std::floor(static_cast<double>(k) * spc));
        auto b = start + static_cast<std::int64_t>(std::floor(static_cast<double>(k + 1) * spc));
        b = std::max(b, a + 1);
        const auto expect = bruteForce(a, b, c, lo, hi);
        INFO("column " << k << " samples [" << a << "," << b << ") spc " << spc);
        REQUIRE(out[k].empty() == expect.empty());
        if (!expect.empty()) {
            REQUIRE(out[k].minUv == expect.minUv);
            REQUIRE(out[k].maxUv == expect.maxUv);
        }
    }
}

}  // namespace

TEST_CASE("display buffer: per-column min/max equals brute force for any samples per column", "[display]") {
    DisplayBuffer buf(1.0);
    buf.onStart(makeConfig(3, 2000.0));
    REQUIRE(buf.capacityFrames() == 2048);
    REQUIRE(buf.endSampleIndex() == -1);
    for (std::int64_t first = 0; first < 1500; first += 100) push(buf, 3, first, 100);
    REQUIRE(buf.endSampleIndex() == 1500);
    REQUIRE(buf.oldestSampleIndex() == 0);
    for (double spc : {0.25, 1.0, 2.7, 13.0, 100.3, 400.0})
        for (std::size_t c = 0; c < 3; ++c) checkColumns(buf, c, 17, spc, 200, 0, 1500);
    // columns wholly before the data or after the newest sample are empty
    std::vector<ColumnMinMax> out(10);
    REQUIRE(buf.minMaxColumns(0, -1000, 10.0, 10, out) == 0);
    REQUIRE(buf.minMaxColumns(0, 1500, 1.0, 10, out) == 0);
    REQUIRE(buf.minMaxColumns(0, 1495, 1.0, 10, out) == 5);
}

TEST_CASE("display buffer: the ring wraps and keeps exactly the newest capacity frames", "[display]") {
    DisplayBuffer buf(0.01);  // 10 frames at 1 kHz -> 16 (power of two)
    buf.onStart(makeConfig(2, 1000.0));
    REQUIRE(buf.capacityFrames() == 16);
    std::int64_t first = 0;
    for (std::uint32_t frames : {5u, 7u, 11u, 3u, 40u, 9u}) {
        push(buf, 2, first, frames);
        first += frames;
    }
    REQUIRE(buf.endSampleIndex() == 75);
    REQUIRE(buf.oldestSampleIndex() == 75 - 16);
    for (std::size_t c = 0; c < 2; ++c) {
        checkColumns(buf, c, 40, 1.0, 40, 75 - 16, 75);
        checkColumns(buf, c, 55, 3.0, 8, 75 - 16, 75);
    }
    std::vector<float> s(20);
    REQUIRE(buf.readSamples(1, 57, s) == 16);
    REQUIRE(std::isnan(s[0]));
    REQUIRE(std::isnan(s[1]));
    for (int i = 2; i < 18; ++i) REQUIRE(s[static_cast<std::size_t>(i)] == synth(57 + i, 1));
    REQUIRE(std::isnan(s[18]));
}

TEST_CASE("display buffer: a gap in the sample clock reads as empty columns", "[display]") {
    DisplayBuffer buf(1.0);
    buf.onStart(makeConfig(1, 1000.0));
    push(buf, 1, 1000, 10);  // the clock need not start at zero
    buf.onGap(1010, 10);
    push(buf, 1, 1020, 10);
    REQUIRE(buf.oldestSampleIndex() == 1000);
    std::vector<ColumnMinMax> out(30);
    REQUIRE(buf.minMaxColumns(0, 1000, 1.0, 30, out) == 20);
    for (std::size_t k = 0; k < 30; ++k) REQUIRE(out[k].empty() == (k >= 10 && k < 20));
    // a column straddling the gap reduces only the samples present
    REQUIRE(buf.minMaxColumns(0, 1005, 10.0, 1, out) == 1);
    REQUIRE(out[0].minUv == bruteForce(1005, 1010, 0, 1000, 1010).minUv);
}

TEST_CASE("display buffer: freeze keeps the picture, resume shows the frozen time as a gap", "[display]") {
    DisplayBuffer buf(1.0);
    buf.onStart(makeConfig(1, 1000.0));
    push(buf, 1, 0, 100);
    buf.setFrozen(true);
    REQUIRE(buf.frozen());
    for (std::int64_t f = 100; f < 5000; f += 100) push(buf, 1, f, 100, {{f + 5, 20.0, 20.0, 0.2, 1, 0}});
    REQUIRE(buf.endSampleIndex() == 100);
    REQUIRE(buf.recentStimuli().empty());
    checkColumns(buf, 0, 0, 1.0, 100, 0, 100);
    buf.setFrozen(false);
    push(buf, 1, 5000, 100);
    REQUIRE(buf.endSampleIndex() == 5100);
    std::vector<ColumnMinMax> out(100);
    REQUIRE(buf.minMaxColumns(0, 4900, 1.0, 100, out) == 0);  // skipped while frozen
    checkColumns(buf, 0, 5000, 1.0, 100, 5000, 5100);
}

TEST_CASE("display buffer: stimuli are kept newest last, at most kMaxStimuli", "[display]") {
    DisplayBuffer buf(1.0);
    buf.onStart(makeConfig(1, 1000.0));
    for (std::int64_t i = 0; i < 300; ++i)
        push(buf, 1, i * 10, 10, {{i * 10 + 3, 10.0 + static_cast<double>(i) * 0.1, 0.0, 0.2, 0, 0}});
    auto all = buf.recentStimuli();
    REQUIRE(all.size() == DisplayBuffer::kMaxStimuli);
    REQUIRE(all.front().sampleIndex == (300 - 256) * 10 + 3);
    REQUIRE(all.back().sampleIndex == 299 * 10 + 3);
    auto last3 = buf.recentStimuli(3);
    REQUIRE(last3.size() == 3);
    REQUIRE(last3[0].sampleIndex == 297 * 10 + 3);
    REQUIRE(last3[2].intensityMa == Approx(10.0 + 29.9));
}

TEST_CASE("display buffer: a new run resets the data and bad channel indices throw", "[display]") {
    DisplayBuffer buf(1.0);
    buf.onStart(makeConfig(2, 1000.0));
    const auto g = buf.generation();
    push(buf, 2, 0, 50);
    buf.onStart(makeConfig(4, 4000.0));
    REQUIRE(buf.generation() == g + 1);
    REQUIRE(buf.endSampleIndex() == -1);
    REQUIRE(buf.channelCount() == 4);
    REQUIRE(buf.sampleRateHz() == 4000.0);
    push(buf, 2, 0, 50);  // wrong channel count: ignored
    REQUIRE(buf.endSampleIndex() == -1);
    std::vector<ColumnMinMax> out(4);
    REQUIRE_THROWS_AS(buf.minMaxColumns(4, 0, 1.0, 4, out), std::out_of_range);
    REQUIRE_THROWS_AS(buf.minMaxColumns(0, 0, 0.0, 4, out), std::invalid_argument);
    REQUIRE_THROWS_AS(DisplayBuffer(0.0), std::invalid_argument);
}

TEST_CASE("display buffer: concurrent reader never sees a wrong column while the writer wraps", "[display][threads]") {
    constexpr std::size_t kChannels = 4;
    DisplayBuffer buf(0.05);  // 512 frames at 10 kHz: wraps every ~10 blocks
    buf.onStart(makeConfig(kChannels, 10000.0));
    const auto cap = static_cast<std::int64_t>(buf.capacityFrames());
    std::atomic<bool> done{false};
    constexpr std::int64_t kTotal = 3'000'000;
    std::thread writer([&] {
        std::mt19937 rng(7);
        std::int64_t first = 0;
        while (first < kTotal) {
            const auto frames = static_cast<std::uint32_t>(16 + rng() % 64);
            push(buf, kChannels, first, frames);
            first += frames;
        }
        done = true;
    });
    std::mt19937 rng(11);
    std::size_t checkedColumns = 0, emptyColumns = 0;
    std::vector<ColumnMinMax> out(64);
    std::vector<float> samples(128);
    while (!done.load()) {
        const std::int64_t end = buf.endSampleIndex();
        if (end < cap) continue;
        const auto c = rng() % kChannels;
        // read close to the overwrite edge, where the writer races the reader
        const std::int64_t start = end - cap + static_cast<std::int64_t>(rng() % 64);
        const double spc = 1.0 + static_cast<double>(rng() % 8);
        buf.minMaxColumns(c, start, spc, out.size(), out);
        for (std::size_t k = 0; k < out.size(); ++k) {
            if (out[k].empty()) {
                ++emptyColumns;
                continue;
            }
            const auto a = start + static_cast<std::int64_t>(std::floor(static_cast<double>(k) * spc));
            const auto b = start + static_cast<std::int64_t>(std::floor(static_cast<double>(k + 1) * spc));
            // the reader clamps a column to the data it held ([end-cap, end) when it started), so
            // a column's min/max are those of a non-empty part of [a, b): actual samples, in bounds
            const auto whole = bruteForce(a, b, c, 0, kTotal);
            REQUIRE(out[k].minUv >= whole.minUv);
            REQUIRE(out[k].maxUv <= whole.maxUv);
            bool minSeen = false, maxSeen = false;
            for (std::int64_t i = a; i < std::max(b, a + 1); ++i) {
                minSeen = minSeen || synth(i, c) == out[k].minUv;
                maxSeen = maxSeen || synth(i, c) == out[k].maxUv;
            }
            REQUIRE(minSeen);
            REQUIRE(maxSeen);
            ++checkedColumns;
        }
        buf.readSamples(c, start, samples);
        for (std::size_t i = 0; i < samples.size(); ++i)
            if (!std::isnan(samples[i])) REQUIRE(samples[i] == synth(start + static_cast<std::int64_t>(i), c));
    }
    writer.join();
    INFO("checked " << checkedColumns << " columns, " << emptyColumns << " reported empty (overwritten while read)");
    REQUIRE(checkedColumns > 0);
    checkColumns(buf, 2, kTotal - cap, 5.0, static_cast<std::size_t>(cap / 5), kTotal - cap, kTotal);
}

TEST_CASE("display buffer: fed by the acquisition engine it holds the device's last samples in µV", "[display][engine]") {
    emg::test::CountingDevice dev;
    dev.totalFrames = 48000;
    dev.framesPerBlock = 480;
    auto cfg = makeConfig(8, 48000.0);
    for (auto& ch : cfg.channels) ch.microvoltsPerCount = 0.5;
    cfg.pacing = emg::Pacing::FreeRunning;
    DisplayBuffer buf(0.5);
    emg::AcquisitionEngine engine;
    engine.addConsumer(&buf);
    engine.start(dev, cfg);
    dev.waitUntilDone();
    engine.stop();
    REQUIRE(buf.endSampleIndex() == 48000);
    std::vector<float> s(1000);
    for (std::size_t c = 0; c < 8; ++c) {
        REQUIRE(buf.readSamples(c, 47000, s) == 1000);
        for (std::size_t i = 0; i < s.size(); ++i)
            REQUIRE(s[i] == Approx(0.5 * emg::test::CountingDevice::valueAt(47000 + static_cast<std::int64_t>(i), c, 8)));
    }
}

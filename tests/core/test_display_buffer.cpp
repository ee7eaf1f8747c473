// DisplayBuffer: exact per-column min/max against brute force, ring wrap-around, gaps, freeze,
// stimuli, and a concurrent writer/reader that must never see a wrong column.
#include <emg/acq/display_buffer.h>

#include "../support/counting_device.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
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
        const auto [a, b] = DisplayBuffer::columnRange(start, spc, k);
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

TEST_CASE("display buffer: wide columns snap to 8-sample summary blocks, narrow ones are exact", "[display]") {
    using R = std::pair<std::int64_t, std::int64_t>;
    REQUIRE(DisplayBuffer::columnRange(100, 2.5, 0) == R{100, 102});
    REQUIRE(DisplayBuffer::columnRange(100, 2.5, 1) == R{102, 105});
    REQUIRE(DisplayBuffer::columnRange(100, 0.25, 1) == R{100, 101});  // at least one sample
    REQUIRE(DisplayBuffer::columnRange(100, 31.0, 1) == R{131, 162});
    // from 32 samples per column: ends rounded to the nearest multiple of 8 (here 133 -> 136)
    REQUIRE(DisplayBuffer::columnRange(101, 32.0, 1) == R{136, 168});
    REQUIRE(DisplayBuffer::columnRange(-13, 40.0, 0) == R{-16, 24});
    for (std::size_t k = 0; k < 100; ++k) {  // contiguous, never more than 4 samples off
        const auto [a, b] = DisplayBuffer::columnRange(7, 132.3, k);
        REQUIRE(b == DisplayBuffer::columnRange(7, 132.3, k + 1).first);
        REQUIRE(std::abs(a - (7 + static_cast<std::int64_t>(std::floor(static_cast<double>(k) * 132.3)))) <= 4);
    }
}

TEST_CASE("display buffer: the ring wraps and keeps exactly the newest capacity frames", "[display]") {
    DisplayBuffer buf(0.05);  // 50 frames at 1 kHz -> 64 (power of two)
    buf.onStart(makeConfig(2, 1000.0));
    REQUIRE(buf.capacityFrames() == 64);
    std::int64_t first = 0;
    for (std::uint32_t frames : {5u, 7u, 11u, 3u, 40u, 9u, 61u, 33u, 1u, 70u}) {
        push(buf, 2, first, frames);
        first += frames;
    }
    const std::int64_t end = 240, oldest = end - 64;
    REQUIRE(buf.endSampleIndex() == end);
    REQUIRE(buf.oldestSampleIndex() == oldest);
    for (std::size_t c = 0; c < 2; ++c) {
        checkColumns(buf, c, oldest - 20, 1.0, 100, oldest, end);
        checkColumns(buf, c, oldest - 3, 3.0, 30, oldest, end);
        checkColumns(buf, c, oldest, 64.0, 1, oldest, end);   // whole ring in one column (summary level)
        checkColumns(buf, c, oldest + 5, 57.5, 2, oldest, end);
    }
    std::vector<float> s(70);
    REQUIRE(buf.readSamples(1, oldest - 2, s) == 64);
    REQUIRE(std::isnan(s[0]));
    REQUIRE(std::isnan(s[1]));
    for (int i = 2; i < 66; ++i) REQUIRE(s[static_cast<std::size_t>(i)] == synth(oldest - 2 + i, 1));
    REQUIRE(std::isnan(s[66]));
}

TEST_CASE("display buffer: a gap in the sample clock reads as empty columns", "[display]") {
    DisplayBuffer buf(1.0);
    buf.onStart(makeConfig(1, 1000.0));
    push(buf, 1, 1000, 100);  // the clock need not start at zero
    buf.onGap(1100, 200);
    push(buf, 1, 1300, 100);
    REQUIRE(buf.oldestSampleIndex() == 1000);
    std::vector<ColumnMinMax> out(400);
    REQUIRE(buf.minMaxColumns(0, 1000, 1.0, 400, out) == 200);
    for (std::size_t k = 0; k < 400; ++k) REQUIRE(out[k].empty() == (k >= 100 && k < 300));
    // a column straddling the gap reduces only the samples present, raw or through the summary level
    REQUIRE(buf.minMaxColumns(0, 1090, 20.0, 1, out) == 1);
    REQUIRE(out[0].minUv == bruteForce(1090, 1100, 0, 1000, 1100).minUv);
    REQUIRE(DisplayBuffer::columnRange(1000, 400.0, 0) == std::pair<std::int64_t, std::int64_t>{1000, 1400});
    REQUIRE(buf.minMaxColumns(0, 1000, 400.0, 1, out) == 1);
    const auto before = bruteForce(1000, 1100, 0, 0, 5000), after = bruteForce(1300, 1400, 0, 0, 5000);
    REQUIRE(out[0].minUv == std::min(before.minUv, after.minUv));
    REQUIRE(out[0].maxUv == std::max(before.maxUv, after.maxUv));
    REQUIRE(buf.minMaxColumns(0, 1120, 150.0, 1, out) == 0);  // wholly inside the gap
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
    DisplayBuffer buf(0.2);  // 2048 frames at 10 kHz: wraps every ~40 blocks
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
        const double spc = 1.0 + static_cast<double>(rng() % 30);  // raw and summary-level columns
        buf.minMaxColumns(c, start, spc, out.size(), out);
        for (std::size_t k = 0; k < out.size(); ++k) {
            if (out[k].empty()) {
                ++emptyColumns;
                continue;
            }
            const auto [a, b] = DisplayBuffer::columnRange(start, spc, k);
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
    const std::int64_t end = buf.endSampleIndex();
    REQUIRE(end >= kTotal);
    checkColumns(buf, 2, end - cap, 5.0, static_cast<std::size_t>(cap / 5), end - cap, end);
    checkColumns(buf, 3, end - cap, 100.0, static_cast<std::size_t>(cap / 100), end - cap, end);
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

namespace {
struct CountingListener : emg::ArrivalListener {
    std::atomic<int> calls{0};
    const DisplayBuffer* buffer = nullptr;
    std::atomic<std::int64_t> endSeen{-1};
    void samplesArrived() noexcept override {
        calls.fetch_add(1);
        if (buffer) endSeen.store(buffer->endSampleIndex());
    }
};
}  // namespace

TEST_CASE("arrival listeners are told after each block is published, not while frozen, not after removal", "[display]") {
    DisplayBuffer buf(1.0);
    buf.onStart(makeConfig(2, 1000.0));
    CountingListener a, b;
    a.buffer = &buf;
    REQUIRE(buf.addArrivalListener(&a));
    REQUIRE(buf.addArrivalListener(&b));
    for (int i = 0; i < 10; ++i) push(buf, 2, i * 50, 50);
    CHECK(a.calls.load() == 10);
    CHECK(b.calls.load() == 10);
    CHECK(a.endSeen.load() == 500);   // the block is published when the listener hears of it
    buf.setFrozen(true);
    push(buf, 2, 500, 50);
    CHECK(a.calls.load() == 10);
    buf.setFrozen(false);
    push(buf, 2, 400, 50);   // nothing new: no call
    CHECK(a.calls.load() == 10);
    buf.removeArrivalListener(&b);
    push(buf, 2, 600, 50);
    CHECK(a.calls.load() == 11);
    CHECK(b.calls.load() == 10);
    SECTION("at most kMaxArrivalListeners at once") {
        std::vector<CountingListener> more(DisplayBuffer::kMaxArrivalListeners);
        std::size_t added = 0;
        for (auto& l : more) added += buf.addArrivalListener(&l) ? 1 : 0;
        CHECK(added == DisplayBuffer::kMaxArrivalListeners - 1);   // `a` holds one slot
        for (auto& l : more) buf.removeArrivalListener(&l);
    }
    buf.removeArrivalListener(&a);
}

TEST_CASE("an arrival listener removed while the writer runs is never called after removal returns", "[display]") {
    DisplayBuffer buf(1.0);
    buf.onStart(makeConfig(1, 10000.0));
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        std::int64_t first = 0;
        while (!stop.load()) {
            push(buf, 1, first, 16);
            first += 16;
        }
    });
    for (int round = 0; round < 200; ++round) {
        CountingListener l;
        REQUIRE(buf.addArrivalListener(&l));
        while (l.calls.load() == 0) std::this_thread::yield();
        buf.removeArrivalListener(&l);
        const int after = l.calls.load();
        std::this_thread::sleep_for(std::chrono::microseconds(50));
        REQUIRE(l.calls.load() == after);   // `l` is destroyed next: a late call would be a use after free
    }
    stop.store(true);
    writer.join();
}

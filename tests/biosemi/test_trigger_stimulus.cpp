// An external stimulator's TTL pulse on a trigger input becomes a stimulus event at the sample
// of the chosen edge; the clinician's settings pass the engine's stimulus bounds first.

#include <emg/acq/trigger_stimulus.h>

#include <catch2/catch.hpp>

#include <vector>

using namespace emg;

namespace {
/// Trigger words with bit `bit` high on [start, start + width) for each start.
std::vector<std::uint16_t> pulses(std::size_t n, int bit, const std::vector<std::size_t>& starts, std::size_t width,
                                  std::uint16_t otherBits = 0) {
    std::vector<std::uint16_t> w(n, otherBits);
    for (auto s : starts)
        for (std::size_t i = s; i < s + width && i < n; ++i) w[i] = static_cast<std::uint16_t>(w[i] | (1u << bit));
    return w;
}
std::vector<StimulusEvent> run(TriggerStimulusDetector& d, const std::vector<std::uint16_t>& words, std::int64_t first = 0) {
    std::vector<StimulusEvent> out;
    StimulusEvent e;
    for (std::size_t i = 0; i < words.size(); ++i)
        if (d.feed(first + static_cast<std::int64_t>(i), words[i], e)) out.push_back(e);
    return out;
}
}  // namespace

TEST_CASE("Trigger stimulus: rising edges of the chosen bit at their exact samples", "[trigger]") {
    ExternalStimulatorSettings s;
    s.triggerBit = 3;
    s.intensityMa = 22.5;
    s.pulseWidthMs = 0.2;
    TriggerStimulusDetector d(s, 16384.0);
    // other inputs toggling (bit 0 and bit 4) must not count
    auto w = pulses(20000, 3, {1000, 9192, 17384}, 16, 0);
    for (std::size_t i = 0; i < w.size(); i += 50) w[i] = static_cast<std::uint16_t>(w[i] | 0x11);
    const auto ev = run(d, w, 5000);
    REQUIRE(ev.size() == 3);
    CHECK(ev[0].sampleIndex == 6000);
    CHECK(ev[1].sampleIndex == 14192);
    CHECK(ev[2].sampleIndex == 22384);
    CHECK(ev[0].intensityMa == Approx(22.5));
    CHECK(ev[0].pulseWidthMs == Approx(0.2));
    CHECK(ev[0].deliveredMa == Approx(22.5));  // the delivered intensity is the clinician's entry
}

TEST_CASE("Trigger stimulus: falling edge (active-low output), bounce and a line high at start", "[trigger]") {
    ExternalStimulatorSettings s;
    s.triggerBit = 0;
    s.edge = TriggerEdge::Falling;
    s.refractoryMs = 2.0;  // 4.1 samples at 2048 Hz -> 5
    TriggerStimulusDetector d(s, 2048.0);
    std::vector<std::uint16_t> w(3000, 1);  // idles high
    for (std::size_t i = 500; i < 510; ++i) w[i] = 0;
    w[503] = 1;                              // contact bounce: falls again at 504, 4 samples after the edge: ignored
    for (std::size_t i = 2000; i < 2010; ++i) w[i] = 0;
    const auto ev = run(d, w);
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].sampleIndex == 500);
    CHECK(ev[1].sampleIndex == 2000);
    CHECK(d.edgesIgnored() == 1);

    // a line already active when acquisition starts is not a stimulus
    ExternalStimulatorSettings r;
    TriggerStimulusDetector rising(r, 2048.0);
    const auto ev2 = run(rising, pulses(100, 0, {0, 50}, 10));
    REQUIRE(ev2.size() == 1);
    CHECK(ev2[0].sampleIndex == 50);
}

TEST_CASE("Trigger stimulus: the clinician's settings pass the engine's bounds", "[trigger]") {
    ExternalStimulatorSettings s;
    TriggerStimulusDetector d(s, 4096.0);
    StimulusCommand c;
    c.intensityMa = 150.0;  // above the 100 mA absolute bound
    CHECK_THROWS_AS(d.setCommand(c, kAbsoluteStimulatorBounds), std::invalid_argument);
    c.intensityMa = 30.0;
    c.pulseWidthMs = 0.1;
    c.siteId = 4;
    c.trainCount = 5;
    c.trainRateHz = 3.0;
    d.setCommand(c, kAbsoluteStimulatorBounds);
    const auto ev = run(d, pulses(8192, 0, {100, 1465, 2830, 4195, 5560, 6925}, 8));
    REQUIRE(ev.size() == 6);
    CHECK(ev[0].intensityMa == Approx(30.0));
    CHECK(ev[0].siteId == 4);
    CHECK(ev[0].trainIndex == 0);
    CHECK(ev[4].trainIndex == 4);
    CHECK(ev[5].trainIndex == 0);  // a sixth pulse starts the next train of five
    ExternalStimulatorSettings bad;
    bad.triggerBit = 16;
    CHECK_THROWS_AS(TriggerStimulusDetector(bad, 2048.0), std::invalid_argument);
}

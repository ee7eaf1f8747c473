// One position of a protocol run at the bedside (emg/study/run_site.h): sensory sweeps averaged
// (noise falls as 1/sqrt(n)), a motor site measured on its latest sweep, a rejected sweep left out
// but kept, markers moved one sample at a time; and the simulator set up for a run's test with a
// lesion's findings (sim/protocol/sim_protocol_setup.h).
#include <emg/study/run_site.h>
#include <sim/protocol/sim_protocol_setup.h>
#include <sim/ncs_model.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace st = emg::study;

namespace {
constexpr double kRateHz = 20000.0;
constexpr double kPreMs = 5.0;
constexpr double kOnsetMs = 2.5, kNegativeMs = 1.0, kAmplitudeUv = 20.0, kNoiseUv = 2.0;

/// A SNAP-like sweep: a negative half-sine (kAmplitudeUv, kNegativeMs from kOnsetMs) then a
/// positive one of half its size, with white noise of kNoiseUv rms.
st::RunSweep snapSweep(std::mt19937& rng) {
    std::normal_distribution<double> noise(0.0, kNoiseUv);
    st::RunSweep s;
    s.sampleRateHz = kRateHz;
    s.stimulusIndex = static_cast<int>(kPreMs * kRateHz / 1000.0);
    const std::size_t n = static_cast<std::size_t>((kPreMs + 20.0) * kRateHz / 1000.0);
    for (std::size_t i = 0; i < n; ++i) {
        const double t = (static_cast<double>(i) - s.stimulusIndex) * 1000.0 / kRateHz - kOnsetMs;
        double v = 0.0;
        if (t > 0.0 && t < kNegativeMs) v = -kAmplitudeUv * std::sin(M_PI * t / kNegativeMs);
        if (t >= kNegativeMs && t < 2.0 * kNegativeMs) v = 0.5 * kAmplitudeUv * std::sin(M_PI * (t - kNegativeMs) / kNegativeMs);
        s.microvolts.push_back(static_cast<float>(v + noise(rng)));
    }
    return s;
}

double baselineSdUv(const emg::dsp::Sweep& s) {
    const std::size_t n = s.preSamples - 10;   // the last 0.5 ms before the stimulus left out
    const double mean = std::accumulate(s.uv.begin(), s.uv.begin() + static_cast<std::ptrdiff_t>(n), 0.0) / static_cast<double>(n);
    double ss = 0.0;
    for (std::size_t i = 0; i < n; ++i) ss += (s.uv[i] - mean) * (s.uv[i] - mean);
    return std::sqrt(ss / static_cast<double>(n - 1));
}
}  // namespace

TEST_CASE("run site: sensory sweeps averaged, a rejected sweep left out but kept", "[study][run][bedside]") {
    std::mt19937 rng(7);
    st::RunSite site(emg::TestKind::Sensory);
    for (int i = 0; i < 16; ++i) site.add(snapSweep(rng));
    REQUIRE(site.keptCount() == 16);
    REQUIRE(site.measured().has_value());
    // averaging 16 sweeps of independent noise: rms / 4 (a 160-sample estimate: within 25 %)
    CHECK(baselineSdUv(*site.measured()) == Approx(kNoiseUv / 4.0).epsilon(0.25));
    REQUIRE(site.result().has_value());
    CHECK(site.result()->measures.amplitudeUv == Approx(kAmplitudeUv).epsilon(0.10));
    CHECK(site.result()->measures.peakLatencyMs == Approx(kOnsetMs + kNegativeMs / 2.0).margin(0.1));
    CHECK(site.result()->measures.onsetLatencyMs == Approx(kOnsetMs).margin(0.15));

    for (int i = 0; i < 12; ++i) REQUIRE(site.rejectLast());
    CHECK(site.sweeps().size() == 16);   // still there (in the store too), only left out
    CHECK(site.keptCount() == 4);
    CHECK_FALSE(site.isKept(15));
    CHECK(site.isKept(3));
    CHECK(baselineSdUv(*site.measured()) == Approx(kNoiseUv / 2.0).epsilon(0.25));
    for (int i = 0; i < 4; ++i) REQUIRE(site.rejectLast());
    CHECK_FALSE(site.rejectLast());
    CHECK_FALSE(site.measured().has_value());
    CHECK_FALSE(site.result().has_value());
}

TEST_CASE("run site: a motor site is measured on its latest sweep, markers move one sample per key", "[study][run][bedside]") {
    std::mt19937 rng(11);
    st::RunSite site(emg::TestKind::Motor);
    const auto first = snapSweep(rng);
    site.add(first);
    const auto last = snapSweep(rng);
    site.add(last);
    REQUIRE(site.measured().has_value());
    REQUIRE(site.measured()->uv.size() == last.microvolts.size());
    // the latest sweep (its baseline model removed), not an average: its own noise, not the first's
    auto rmsFrom = [&](const st::RunSweep& s) {
        double ss = 0.0;
        for (std::size_t i = 0; i < s.microvolts.size(); ++i) ss += std::pow(site.measured()->uv[i] - s.microvolts[i], 2);
        return std::sqrt(ss / static_cast<double>(s.microvolts.size()));
    };
    CHECK(rmsFrom(last) < 0.5);                          // the baseline fit takes out well under the 2 uV noise
    CHECK(rmsFrom(first) == Approx(std::sqrt(2.0) * kNoiseUv).epsilon(0.15));   // two independent noises
    REQUIRE(site.result().has_value());
    CHECK_FALSE(site.clinicianMoved());

    const double onset = site.result()->measures.onsetLatencyMs;
    REQUIRE(site.selectedMarker() == st::RunMarker::Onset);
    REQUIRE(site.nudgeSelected(+1));
    CHECK(site.result()->measures.onsetLatencyMs == Approx(onset + 1000.0 / kRateHz).margin(1e-9));   // 0.05 ms at 20 kHz
    CHECK(site.clinicianMoved());
    REQUIRE(site.nudgeSelected(-1));
    CHECK(site.result()->measures.onsetLatencyMs == Approx(onset).margin(1e-9));

    // the onset cannot pass the negative peak: refused, the markers stay
    const double peak = site.result()->provenance.markers.negativePeakMs;
    int moved = 0;
    while (site.nudgeSelected(+1)) REQUIRE(++moved < 200);
    CHECK(site.result()->provenance.markers.onsetMs <= peak);
    CHECK(moved == Approx((peak - onset) * kRateHz / 1000.0).margin(1.0));

    for (int i = 0; i < st::kRunMarkerCount; ++i) site.selectNextMarker();
    CHECK(site.selectedMarker() == st::RunMarker::Onset);
    site.selectNextMarker();
    CHECK(site.selectedMarker() == st::RunMarker::NegativePeak);
}

TEST_CASE("simulator set up for a run's test: nerve model, site, a lesion's smaller CMAP and absent H", "[study][run][sim]") {
    st::RunTest motor;
    motor.kind = emg::TestKind::Motor;
    motor.nerve = "peroneal";
    motor.sites = {{"ankle", 90.0}, {"below fibular head", std::nullopt}, {"lateral popliteal fossa", 100.0}};
    CHECK(emg::sim::nervePresetFor(motor) == "peroneal-motor");
    // the simulated limb as a tape measures it: 90 mm at the ankle, 390 - 90 mm to the fibular head
    CHECK(*emg::sim::simulatedDistanceMm(motor, 0) == Approx(90.0));
    CHECK(*emg::sim::simulatedDistanceMm(motor, 1) == Approx(300.0));

    st::ExpectedFinding normal, lesion;
    lesion.amplitudeFactor = st::kLesionCmapFactor;
    const auto a = emg::sim::liveSettingsFor({}, motor, 1, normal);
    const auto b = emg::sim::liveSettingsFor({}, motor, 1, lesion);
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    CHECK(a->nerve == "peroneal-motor");
    CHECK(a->siteIndex == 1);
    const emg::StimulusCommand supramaximal{50.0, 0.2};
    const auto cmapNormal = emg::sim::SimulatedAmplifier(*a).expectedResponse(supramaximal).amplitudeUv;
    const auto cmapLesion = emg::sim::SimulatedAmplifier(*b).expectedResponse(supramaximal).amplitudeUv;
    CHECK(cmapLesion / cmapNormal == Approx(0.25).epsilon(1e-9));

    st::RunTest h;
    h.kind = emg::TestKind::HReflex;
    h.nerve = "tibial";
    st::ExpectedFinding s1;
    s1.hAbsent = true;
    const emg::StimulusCommand submaximal{12.0, 1.0};   // H at its largest while M is small
    CHECK(emg::sim::SimulatedAmplifier(*emg::sim::liveSettingsFor({}, h, 0, normal)).expectedResponse(submaximal).hAmplitudeUv > 100.0);
    CHECK(emg::sim::SimulatedAmplifier(*emg::sim::liveSettingsFor({}, h, 0, s1)).expectedResponse(submaximal).hAmplitudeUv == 0.0);

    st::RunTest needle;
    needle.kind = emg::TestKind::Needle;
    st::ExpectedFinding denervated;
    denervated.neurogenic = true;
    denervated.denervationGrade = 2;
    const auto n = emg::sim::liveSettingsFor({}, needle, 0, denervated);
    REQUIRE(n.has_value());
    CHECK(n->pattern == emg::sim::MusclePattern::Neuropathic);
    CHECK(n->denervationGrade == 2);
    CHECK_FALSE(emg::sim::liveSettingsFor({}, st::RunTest{}, 0, normal).has_value());   // a nerve the simulator has no model of
}

TEST_CASE("run site: F waves of the simulated peroneal nerve at supramaximal stimulation are found where the simulator put them",
          "[study][run][sim][fwave]") {
    // The simulator's peroneal motor nerve: an F wave after 80 % of supramaximal stimuli, 25-300 µV
    // (0.5-6 % of a 5 mV CMAP), over 3 µV of noise and 5 µV of 50 Hz hum. 50 mA at 0.2 ms is
    // supramaximal (24.5 mA there). Each sweep is 5 ms before and 100 ms after the stimulus (the
    // protocol's F-wave window), as the run stores it.
    const emg::sim::NerveModel nerve(emg::sim::nervePreset("peroneal-motor"));
    emg::sim::SweepOptions o;
    o.sweepMs = 100.0;
    o.noiseRmsUv = 3.0;
    o.mainsAmplitudeUv = 5.0;
    std::mt19937_64 rng(2026);
    st::RunSite site(emg::TestKind::FWave);
    std::vector<bool> truth;
    for (int i = 0; i < 40; ++i) {
        const auto s = emg::sim::simulateSweep(nerve, {0, 50.0, 0.2, 0}, o, rng);
        truth.push_back(s.truth.fWave);
        st::RunSweep r;
        r.sampleRateHz = s.sampleRateHz;
        r.stimulusIndex = static_cast<int>(s.stimulusIndex);
        r.stimulusMa = 50.0;
        r.pulseWidthMs = 0.2;
        r.microvolts.assign(s.microvolts.begin(), s.microvolts.end());
        site.add(r);
    }
    REQUIRE(site.late().has_value());
    REQUIRE(site.late()->fwave.has_value());
    const auto& f = *site.late()->fwave;
    const auto present = static_cast<int>(std::count(truth.begin(), truth.end(), true));
    INFO("simulated F present in " << present << " of 40; read " << f.persistencePercent << " %");
    int agree = 0;
    for (std::size_t i = 0; i < f.traces.size(); ++i) agree += f.traces[i].present == truth[i] ? 1 : 0;
    CHECK(agree >= 36);   // at least 90 % of sweeps read as the simulator made them
    // the cause of the 20 % once read: the stimulus artifact of a sweep with just 5 ms before the
    // stimulus was not blanked, and the zero-phase low-pass rang back into the baseline (SD 26 µV,
    // F threshold 4 SD = 104 µV); the baseline must keep the noise's size (3 µV + 5 µV hum: 4.6 µV rms)
    for (const auto& p : site.late()->prepared.sweeps) CHECK(emg::dsp::baselineStats(p).sdUv < 8.0);
    CHECK(f.persistencePercent == Approx(100.0 * present / 40.0).margin(10.0));
}

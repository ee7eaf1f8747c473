// Mains hum in a needle record (needle_hum.h): found, fitted and subtracted before anything is
// measured, on Hermite-Rodriguez interference built outside our simulator (hermite_interference.h).
// Without it the hum's swings are counted as turns and its amplitude as the pattern's.
#include "hermite_interference.h"

#include <emg/needle/needle_analysis.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

using namespace emg::needle;

namespace {

constexpr double kFs = 32768.0;

/// The record with mains pickup added: the fundamental at `peakUv` and its 3rd harmonic at a tenth.
std::vector<double> withHum(std::vector<double> x, double mainsHz, double peakUv) {
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double t = static_cast<double>(i) / kFs;
        x[i] += peakUv * std::sin(2.0 * std::numbers::pi * mainsHz * t + 0.3) +
                0.1 * peakUv * std::sin(2.0 * std::numbers::pi * 3.0 * mainsHz * t + 1.1);
    }
    return x;
}

NeedleAnalysisOptions deltoidModerate() {
    NeedleAnalysisOptions o;
    o.muscle = "deltoid";
    o.declaredEffort = DeclaredEffort::Moderate;
    return o;
}

}  // namespace

TEST_CASE("mains hum in a needle record is subtracted before the interference pattern is measured") {
    // a healthy-sized interference pattern: units of 250-1000 uV, the deltoid's normal range of the
    // mean MUAP amplitude (Bischoff et al. 1994, muap_reference.json), over far units and 8 uV noise
    const auto ip = hermite::make({250, 320, 400, 480, 560, 650, 750, 850, 1000, 300, 450, 600}, kFs, 5.0, 31u, 30, 8.0);
    auto o = deltoidModerate();
    const auto clean = analyzeNeedleSignal(ip.microvolts, kFs, {}, o);
    REQUIRE(clean.interference.epochs.size() >= 3);
    CHECK(clean.filter.humSubtractedHz == 0.0);   // no line in the EMG's own spectrum

    for (double mains : {50.0, 60.0}) {
        // pickup as large as the largest normal potential: 1000 uV peak (the limit of the reference)
        const auto hummed = withHum(ip.microvolts, mains, 1000.0);
        const auto a = analyzeNeedleSignal(hummed, kFs, {}, o);
        CHECK(a.filter.humSubtractedHz == mains);
        CHECK(a.filter.humRmsUv == Approx(1000.0 / std::sqrt(2.0)).epsilon(0.05));
        // the measures of the muscle are those of the clean record: rms and turns within 3 %,
        // amplitude per turn and the largest potentials within 5 %, mean frequency within 5 %
        CHECK(a.interference.meanRmsUv == Approx(clean.interference.meanRmsUv).epsilon(0.03));
        CHECK(a.interference.meanTurnsPerSec == Approx(clean.interference.meanTurnsPerSec).epsilon(0.03));
        CHECK(a.interference.meanAmplitudePerTurnUv == Approx(clean.interference.meanAmplitudePerTurnUv).epsilon(0.05));
        CHECK(a.interference.largestSpikesUv == Approx(clean.interference.largestSpikesUv).epsilon(0.05));
        CHECK(a.interference.meanFrequencyHz == Approx(clean.interference.meanFrequencyHz).epsilon(0.05));
        CHECK(a.reading.pattern == clean.reading.pattern);

        // the same on the float path (the GUI's and the CLI's large files)
        std::vector<float> f(hummed.begin(), hummed.end());
        const auto af = analyzeNeedleSignalInPlace(std::span<float>(f), kFs, {}, o);
        CHECK(af.filter.humSubtractedHz == mains);
        CHECK(af.interference.meanRmsUv == Approx(a.interference.meanRmsUv).epsilon(0.001));
    }

    // left in (detection off), the hum is measured as the muscle's: the rms and the amplitude per
    // turn rise by more than half and the spectrum falls towards 50 Hz
    o.humAutoDetectDb = 0.0;
    const auto kept = analyzeNeedleSignal(withHum(ip.microvolts, 50.0, 1000.0), kFs, {}, o);
    CHECK(kept.filter.humSubtractedHz == 0.0);
    CHECK(kept.interference.meanRmsUv > 1.5 * clean.interference.meanRmsUv);
    CHECK(kept.interference.meanFrequencyHz < 0.8 * clean.interference.meanFrequencyHz);
}

TEST_CASE("no hum, no change: a record without a mains line is analysed as before") {
    const auto ip = hermite::make({200, 300, 450, 600, 800}, kFs, 3.0, 5u, 20, 8.0);
    auto o = deltoidModerate();
    const auto a = analyzeNeedleSignal(ip.microvolts, kFs, {}, o);
    o.humAutoDetectDb = 0.0;
    const auto b = analyzeNeedleSignal(ip.microvolts, kFs, {}, o);
    CHECK(a.filter.humSubtractedHz == 0.0);
    CHECK(a.filter.humToBackgroundDb < 10.0);   // the EMG's own 50/60 Hz content is no line
    CHECK(a.interference.meanRmsUv == b.interference.meanRmsUv);
    CHECK(a.interference.meanTurnsPerSec == b.interference.meanTurnsPerSec);
    // a notch asked for (mainsHz 50) is the notch, not the fit
    o.humAutoDetectDb = 10.0;
    o.mainsHz = 50.0;
    const auto n = analyzeNeedleSignal(withHum(ip.microvolts, 50.0, 300.0), kFs, {}, o);
    CHECK(n.filter.notchHz == 50.0);
    CHECK(n.filter.humSubtractedHz == 0.0);
}

TEST_CASE("no hum is painted where the record holds no signal (a file's zero padding)") {
    // 4 s of healthy-sized interference with 1 mV of 50 Hz, then 1 s of zeros (an EDF+ file's last
    // data record padded, or a disconnected input): a needle's noise alone is 5-20 uV rms
    const auto ip = hermite::make({250, 400, 560, 750, 1000, 320}, kFs, 4.0, 13u, 30, 8.0);
    auto x = withHum(ip.microvolts, 50.0, 1000.0);
    x.resize(x.size() + static_cast<std::size_t>(kFs), 0.0);
    const auto o = deltoidModerate();
    const auto a = analyzeNeedleSignal(x, kFs, {}, o);
    REQUIRE(a.filter.humSubtractedHz == 50.0);
    // the epochs of the padding (4.0-5.0 s) hold no interference pattern: < 30 turns/s, not counted
    for (const auto& e : a.interference.epochs) CHECK(e.startSec < 4.0 - 1e-9);
    // and the padding is left flat: what the band filter's edge leaves decays within 0.1 s
    std::vector<float> f(x.begin(), x.end());
    analyzeNeedleSignalInPlace(std::span<float>(f), kFs, {}, o);
    double peak = 0.0;
    for (std::size_t i = static_cast<std::size_t>(4.1 * kFs); i < f.size(); ++i) peak = std::max(peak, std::fabs(static_cast<double>(f[i])));
    CHECK(peak < 5.0);
}

TEST_CASE("a stretch without recording is left out of the segments and the noise (a file's zero padding)") {
    // The same 4 s of interference read alone and with 1 s of zeros after it (an EDF+ file whose last
    // data record the converter padded): the padding is neither effort nor the needle's noise, so the
    // reading, the noise and the units' sample are those of the 4 s recorded.
    const auto ip = hermite::make({250, 400, 560, 750, 1000, 320}, kFs, 4.0, 17u, 30, 8.0);
    auto padded = ip.microvolts;
    padded.resize(padded.size() + static_cast<std::size_t>(kFs), 0.0);
    const auto o = deltoidModerate();
    const auto alone = analyzeNeedleSignal(ip.microvolts, kFs, {}, o);
    const auto a = analyzeNeedleSignal(padded, kFs, {}, o);
    INFO("noise alone " << alone.noiseUv << " uV, padded " << a.noiseUv << " uV");
    // every segment ends where the recording does (within the 10 ms windows the stretch is found in)
    REQUIRE_FALSE(a.segments.empty());
    for (const auto& s : a.segments) CHECK(s.endSec <= 4.0 + 0.011);
    CHECK(a.weakSec + a.strongSec == Approx(alone.weakSec + alone.strongSec).margin(0.011));
    // the noise of the recorded part, not of the padding's quiet windows (which would make it ~0
    // and the baseline "quiet": a fair sample of units where there is none)
    CHECK(a.noiseUv == Approx(alone.noiseUv).epsilon(0.05));
    CHECK(a.motorUnits.noiseUv == Approx(alone.motorUnits.noiseUv).epsilon(0.05));
    CHECK(a.reading.pattern == alone.reading.pattern);
    bool noted = false;
    for (const auto& n : a.notes) noted = noted || n.find("without recording") != std::string::npos;
    CHECK(noted);
    // the float path the streamed reader uses does the same
    std::vector<float> f(padded.begin(), padded.end());
    const auto b = analyzeNeedleSignalInPlace(std::span<float>(f), kFs, {}, o);
    CHECK(b.noiseUv == Approx(a.noiseUv).epsilon(0.01));
    for (const auto& s : b.segments) CHECK(s.endSec <= 4.0 + 0.011);
}

// Needle EMG model physiology: firing rates, recruitment by pattern, MUAP reference ranges,
// spontaneous activity, truth consistency, determinism.
#include "sim_test_util.h"

#include <sim/needle_emg_model.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

using namespace emg::sim;

namespace {
NeedleSignal quiet(MusclePattern p, double effort, double seconds = 8.0, std::uint64_t seed = 11, int units = 0,
                   SpontaneousConfig sp = {}) {
    NeedleMuscleConfig c;
    c.pattern = p;
    c.effort = effort;
    c.seed = seed;
    c.motorUnitCount = units;
    c.spontaneous = sp;
    c.sampleRateHz = 20000.0;
    NeedleMuscleModel m(c);
    return m.generate(seconds);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

constexpr MusclePattern kPatterns[] = {MusclePattern::Normal, MusclePattern::Neuropathic, MusclePattern::Myopathic};
}  // namespace

TEST_CASE("motor units fire at 5-20 Hz with 10-20 % interval variability", "[sim][needle]") {
    for (auto p : kPatterns)
        for (double effort : {0.1, 0.3, 0.6, 1.0}) {
            const auto s = quiet(p, effort);
            for (const auto& u : s.units) {
                if (u.firingTimesSec.size() < 20) continue;
                INFO(toString(p) << " effort " << effort << " unit " << u.id << " rate " << u.meanRateHz);
                CHECK(u.meanRateHz >= 5.0);
                CHECK(u.meanRateHz <= 20.0);
                std::vector<double> isi;
                for (std::size_t i = 1; i < u.firingTimesSec.size(); ++i) isi.push_back(u.firingTimesSec[i] - u.firingTimesSec[i - 1]);
                const double mean = std::accumulate(isi.begin(), isi.end(), 0.0) / isi.size();
                double var = 0;
                for (double x : isi) var += (x - mean) * (x - mean);
                const double cv = std::sqrt(var / isi.size()) / mean;
                CHECK(cv > 0.08);
                CHECK(cv < 0.22);
            }
        }
}

TEST_CASE("recruitment grows with effort in every pattern", "[sim][needle]") {
    for (auto p : kPatterns) {
        int prev = -1;
        for (double effort : {0.0, 0.05, 0.15, 0.3, 0.6, 0.9}) {
            const int active = quiet(p, effort, 4.0).activeUnits();
            INFO(toString(p) << " effort " << effort << " active " << active);
            CHECK(active >= prev);
            if (effort == 0.0) CHECK(active == 0);
            prev = active;
        }
        CHECK(prev >= 5);
    }
}

TEST_CASE("recruitment differs by pattern: myopathic early, neuropathic reduced and fast", "[sim][needle]") {
    const auto normal = quiet(MusclePattern::Normal, 0.15);
    const auto neuro = quiet(MusclePattern::Neuropathic, 0.15);
    const auto myo = quiet(MusclePattern::Myopathic, 0.15);
    INFO("active units normal " << normal.activeUnits() << " neuropathic " << neuro.activeUnits() << " myopathic "
                                << myo.activeUnits());
    CHECK(myo.activeUnits() >= 2 * normal.activeUnits());     // early recruitment
    CHECK(neuro.activeUnits() < normal.activeUnits());        // reduced recruitment
    CHECK(neuro.fastestRateHz() > normal.fastestRateHz());
    // recruitment ratio (fastest rate / number of units): normal ~5, neuropathic > 10
    const double ratioNormal = normal.fastestRateHz() / normal.activeUnits();
    const double ratioNeuro = neuro.fastestRateHz() / neuro.activeUnits();
    CHECK(ratioNormal < 7.0);
    CHECK(ratioNeuro > 10.0);
    // recruitment frequency: rate of the first unit when the second is recruited
    NeedleMuscleConfig c;
    for (auto [p, lo, hi] : {std::tuple{MusclePattern::Normal, 8.0, 12.0}, std::tuple{MusclePattern::Neuropathic, 15.0, 20.0}}) {
        c.pattern = p;
        NeedleMuscleModel m(c);
        const auto units = m.unitTruth();
        const double rf = m.firingRateHz(0, units[1].recruitmentEffort);
        CHECK(rf >= lo);
        CHECK(rf <= hi);
    }
}

TEST_CASE("MUAPs lie in the published ranges per pattern", "[sim][needle]") {
    struct Stats { double medAmp, medDur, maxDur, minDur, minAmp, maxAmp, poly; };
    const auto stats = [](MusclePattern p) {
        NeedleMuscleConfig c;
        c.pattern = p;
        c.motorUnitCount = 200;
        c.seed = 5;
        NeedleMuscleModel m(c);
        std::vector<double> amp, dur;
        int poly = 0;
        for (const auto& u : m.unitTruth()) {
            amp.push_back(u.peakToPeakUv);
            dur.push_back(u.durationMs);
            poly += u.polyphasic ? 1 : 0;
            // the sampled template carries the stated size and starts at baseline
            const auto [mn, mx] = std::minmax_element(u.templateUv.begin(), u.templateUv.end());
            CHECK(*mx - *mn == Approx(u.peakToPeakUv).epsilon(0.03));
            CHECK(u.templateUv.front() == 0.0);
            CHECK(u.phases == (u.polyphasic ? std::max(5, u.phases) : u.phases));
            CHECK(u.phases >= 2);
        }
        return Stats{median(amp), median(dur), *std::max_element(dur.begin(), dur.end()), *std::min_element(dur.begin(), dur.end()),
                     *std::min_element(amp.begin(), amp.end()), *std::max_element(amp.begin(), amp.end()), poly / 200.0};
    };
    const Stats n = stats(MusclePattern::Normal), ne = stats(MusclePattern::Neuropathic), my = stats(MusclePattern::Myopathic);
    // normal (Buchthal): 5-15 ms, 200-1000 uV, polyphasic < 15 %
    CHECK(n.minDur >= 5.0);
    CHECK(n.maxDur <= 15.0);
    CHECK(n.minAmp >= 200.0);
    CHECK(n.maxAmp <= 1000.0);
    CHECK(n.poly < 0.15);
    // neuropathic: larger (2-5x), longer, more often polyphasic
    CHECK(ne.medAmp / n.medAmp >= 2.0);
    CHECK(ne.medAmp / n.medAmp <= 5.0);
    CHECK(ne.minDur > 12.0);
    CHECK(ne.poly > 0.25);
    // myopathic: small, short, polyphasic
    CHECK(my.medAmp < 0.7 * n.medAmp);
    CHECK(my.maxDur < 6.0);
    CHECK(my.poly > 0.3);
}

TEST_CASE("rest is electrically silent without denervation", "[sim][needle]") {
    const auto s = quiet(MusclePattern::Normal, 0.0, 3.0);
    CHECK(std::all_of(s.microvolts.begin(), s.microvolts.end(), [](double v) { return v == 0.0; }));
    CHECK(s.spontaneous.empty());
}

TEST_CASE("fibrillations: regular 0.5-15 Hz, initial positive, 1-5 ms, 20-200 uV, PSW 10-30 ms", "[sim][needle]") {
    SpontaneousConfig sp;
    sp.fibrillationSources = 12;
    sp.positiveSharpWaveSources = 8;
    sp.fasciculationSources = 3;
    const auto s = quiet(MusclePattern::Neuropathic, 0.0, 20.0, 3, 0, sp);
    int fib = 0, psw = 0, fasc = 0;
    for (const auto& g : s.spontaneous) {
        const auto first = std::find_if(g.templateUv.begin(), g.templateUv.end(), [](double v) { return v != 0.0; });
        REQUIRE(first != g.templateUv.end());
        std::vector<double> isi;
        for (std::size_t i = 1; i < g.timesSec.size(); ++i) isi.push_back(g.timesSec[i] - g.timesSec[i - 1]);
        const double mean = isi.empty() ? 0.0 : std::accumulate(isi.begin(), isi.end(), 0.0) / isi.size();
        double var = 0;
        for (double x : isi) var += (x - mean) * (x - mean);
        const double cv = isi.empty() ? 0.0 : std::sqrt(var / isi.size()) / mean;
        if (g.kind == SpontaneousKind::Fibrillation || g.kind == SpontaneousKind::PositiveSharpWave) {
            CHECK(*first > 0.0);       // initial positive
            CHECK(g.initialPositive);
            CHECK(g.peakToPeakUv >= 20.0);
            CHECK(g.peakToPeakUv <= 200.0);
            REQUIRE(isi.size() >= 5);
            CHECK(1.0 / mean >= 0.45);
            CHECK(1.0 / mean <= 15.5);
            CHECK(cv < 0.05);           // regular discharge
        }
        if (g.kind == SpontaneousKind::Fibrillation) {
            ++fib;
            CHECK(g.durationMs >= 1.0);
            CHECK(g.durationMs <= 5.0);
        } else if (g.kind == SpontaneousKind::PositiveSharpWave) {
            ++psw;
            CHECK(g.durationMs >= 10.0);
            CHECK(g.durationMs <= 30.0);
            // sharp positive peak then a long low negative phase
            const auto mx = std::max_element(g.templateUv.begin(), g.templateUv.end());
            const auto mn = std::min_element(g.templateUv.begin(), g.templateUv.end());
            CHECK(mx < mn);
            CHECK(-*mn < 0.3 * *mx);
        } else {
            ++fasc;
            CHECK(g.rateHz >= 0.1);
            CHECK(g.rateHz <= 1.0);
        }
    }
    CHECK(fib == 12);
    CHECK(psw == 8);
    CHECK(fasc == 3);
    CHECK(SpontaneousConfig::fromGrade(0).fibrillationSources == 0);
    CHECK(SpontaneousConfig::fromGrade(4).fibrillationSources > SpontaneousConfig::fromGrade(1).fibrillationSources);
    CHECK_THROWS_AS(SpontaneousConfig::fromGrade(5), std::invalid_argument);
}

TEST_CASE("the needle signal is exactly the sum of the truth's templates at the truth's times", "[sim][needle]") {
    SpontaneousConfig sp;
    sp.fibrillationSources = 2;
    sp.positiveSharpWaveSources = 1;
    const auto s = quiet(MusclePattern::Normal, 0.4, 3.0, 21, 0, sp);
    std::vector<double> rebuilt(s.microvolts.size(), 0.0);
    const auto place = [&](const std::vector<double>& t, double atSec) {
        const auto at = static_cast<std::size_t>(std::llround(atSec * s.sampleRateHz));
        for (std::size_t j = 0; j < t.size() && at + j < rebuilt.size(); ++j) rebuilt[at + j] += t[j];
    };
    for (const auto& u : s.units)
        for (double t : u.firingTimesSec) place(u.templateUv, t);
    for (const auto& g : s.spontaneous)
        for (double t : g.timesSec) place(g.templateUv, t);
    double maxErr = 0;
    for (std::size_t i = 0; i < rebuilt.size(); ++i) maxErr = std::max(maxErr, std::abs(rebuilt[i] - s.microvolts[i]));
    CHECK(maxErr < 1e-9);
}

TEST_CASE("needle model is deterministic under a seed", "[sim][needle]") {
    const auto a = quiet(MusclePattern::Myopathic, 0.5, 2.0, 99);
    const auto b = quiet(MusclePattern::Myopathic, 0.5, 2.0, 99);
    const auto c = quiet(MusclePattern::Myopathic, 0.5, 2.0, 100);
    CHECK(a.microvolts == b.microvolts);
    CHECK(a.microvolts != c.microvolts);
}

TEST_CASE("effort schedule changes recruitment at the given time", "[sim][needle]") {
    NeedleMuscleConfig c;
    NeedleMuscleModel m(c);
    const auto s = m.generate(4.0, {{0.0, 0.0}, {2.0, 0.5}});
    for (const auto& u : s.units)
        for (double t : u.firingTimesSec) CHECK(t >= 2.0);
    CHECK(s.activeUnits() > 3);
}

TEST_CASE("needle configuration is validated with a message", "[sim][needle]") {
    NeedleMuscleConfig c;
    c.effort = 1.5;
    CHECK_THROWS_WITH(NeedleMuscleModel(c), Catch::Contains("effort"));
    c = {};
    c.sampleRateHz = 2000.0;
    CHECK_THROWS_WITH(NeedleMuscleModel(c), Catch::Contains("sample rate"));
    c = {};
    c.mainsHz = 55.0;
    CHECK_THROWS_WITH(NeedleMuscleModel(c), Catch::Contains("50 or 60"));
    CHECK_THROWS_WITH(parseMusclePattern("spastic"), Catch::Contains("normal"));
    CHECK(parseMusclePattern("Neuropathic") == MusclePattern::Neuropathic);
    NeedleMuscleModel m(NeedleMuscleConfig{});
    CHECK_THROWS_AS(m.generate(-1.0), std::invalid_argument);
}

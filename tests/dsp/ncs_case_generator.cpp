#include "ncs_case_generator.h"
#include "harness_common.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <random>
#include <sstream>

namespace emg::ncsgen {

const char* familyName(Family f) noexcept {
    switch (f) {
        case Family::RaisedCosine: return "raised-cosine";
        case Family::IntegratedGaussian: return "integrated-gaussian";
        case Family::Gamma: return "gamma";
        case Family::FiniteSlope: return "finite-slope";
        case Family::MotorUnitSum: return "motor-unit-sum";
        case Family::SensoryFibreSum: return "sensory-fibre-sum";
    }
    return "?";
}

const char* layoutName(Layout l) noexcept {
    switch (l) {
        case Layout::Continuous: return "continuous";
        case Layout::RecordsContiguous: return "records-contiguous";
        case Layout::RecordsSeparate: return "records-separate";
        case Layout::RecordsAtStimulus: return "records-at-stimulus";
    }
    return "?";
}

std::string Case::describe() const {
    std::ostringstream o;
    o.precision(4);
    o << "seed " << seed << " " << familyName(family) << (motor ? " motor" : " sensory") << " " << layoutName(layout) << " fs "
      << sampleRateHz << " noise " << noiseRmsUv << " hum " << humUv << "@" << mainsHz << " dc " << dcUv << " drift " << driftUv
      << " artifact " << artifactMs << " ms tail " << artifactTailUv;
    for (const auto& s : sites)
        o << " | " << s.name << " d " << s.distanceMm << " on " << s.onsetMs << " amp " << s.amplitudeUv << " n " << s.sweeps
          << (s.initialPositive ? " +dip" : "") << (s.lastSweepTruncated ? " cut" : "");
    return o.str();
}

namespace {
using Wave = std::function<double(double)>;   // response (µV) at t ms after the stimulus

double gauss(double z) { return std::exp(-0.5 * z * z); }
double phi(double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); }

struct Rng : harness::CaseRng {
    explicit Rng(std::uint64_t seed) : CaseRng(seed, 0x9E3779B97F4A7C15ULL, 12345) {}
};

/// Analytic motor response: rising edge of the family over riseMs, cosine fall to zero over fallMs,
/// positive half-sine; an optional positive dip starting at the take-off.
Wave analyticMotor(Family fam, double takeoffMs, double ampUv, double riseMs, double fallMs, double posUv, double posMs, double gammaK,
                   double dipUv, double dipMs) {
    const double negStart = takeoffMs + (dipUv > 0.0 ? 0.5 * dipMs : 0.0);
    return [=](double t) {
        double v = 0.0;
        if (dipUv > 0.0 && t > takeoffMs && t < takeoffMs + dipMs) {
            const double s = std::sin(std::numbers::pi * (t - takeoffMs) / dipMs);
            v += dipUv * s * s;
        }
        const double u = (t - negStart) / riseMs;
        if (fam == Family::IntegratedGaussian && u < 1.0) {
            const double k = 5.0, u0 = 0.5;
            return v - ampUv * phi(k * (u - u0)) / phi(k * (1.0 - u0));
        }
        if (u <= 0.0) return v;
        if (u < 1.0) {
            double e = 0.0;
            switch (fam) {
                case Family::RaisedCosine: e = 0.5 * (1.0 - std::cos(std::numbers::pi * u)); break;
                case Family::FiniteSlope: e = std::sin(0.5 * std::numbers::pi * u); break;
                case Family::Gamma: e = std::pow(u, gammaK) * std::exp(gammaK * (1.0 - u)); break;
                default: break;
            }
            return v - ampUv * e;
        }
        const double f = t - negStart - riseMs;
        if (f < fallMs) return v - ampUv * 0.5 * (1.0 + std::cos(std::numbers::pi * f / fallMs));
        const double p = f - fallMs;
        if (p < posMs) return v + posUv * std::sin(std::numbers::pi * p / posMs);
        return v;
    };
}

struct Unit {
    double amp, cv, delayMs, width;
};

/// Sum of unit potentials arriving at distance `mm` (shape per unit: motor biphasic Gaussian pair
/// with an optional leading positivity; sensory negated second derivative of a Gaussian).
Wave unitSum(const std::vector<Unit>& units, double mm, bool motor, double leadPos, double scale) {
    return [units, mm, motor, leadPos, scale](double t) {
        double v = 0.0;
        for (const auto& u : units) {
            const double tau = t - (u.delayMs + mm / u.cv);
            const double s = u.width;
            if (motor) {
                const double c1 = 3.0 * s;
                if (tau < 0.0 || tau > 14.0 * s) continue;
                double w = -gauss((tau - c1) / s) + 0.45 * gauss((tau - c1 - 2.6 * s) / (1.8 * s));
                if (leadPos > 0.0) w += leadPos * gauss((tau - c1 + 1.6 * s) / (0.6 * s));
                v += u.amp * w;
            } else {
                const double c = 4.0 * s;
                if (tau < 0.0 || tau > 8.0 * s) continue;
                const double z = (tau - c) / s;
                v += -u.amp * (1.0 - z * z) * gauss(z);
            }
        }
        return scale * v;
    };
}

double firstCrossingMs(const Wave& w, double level, double fromMs, double toMs) {
    const double step = 0.005;
    double prev = fromMs;
    for (double t = fromMs; t <= toMs; t += step) {
        if (std::fabs(w(t)) >= level) {
            double lo = prev, hi = t;
            for (int k = 0; k < 30; ++k) {
                const double m = 0.5 * (lo + hi);
                (std::fabs(w(m)) >= level ? hi : lo) = m;
            }
            return hi;
        }
        prev = t;
    }
    return -1.0;
}

/// Negative extreme and largest |value| over [fromMs, toMs] (grid 0.01 ms, golden refinement).
std::pair<double, double> extremes(const Wave& w, double fromMs, double toMs) {
    double tMin = fromMs, vMin = w(fromMs), absMax = 0.0;
    for (double t = fromMs; t <= toMs; t += 0.01) {
        const double v = w(t);
        if (v < vMin) {
            vMin = v;
            tMin = t;
        }
        absMax = std::max(absMax, std::fabs(v));
    }
    double a = tMin - 0.01, b = tMin + 0.01;
    for (int k = 0; k < 40; ++k) {
        const double m1 = a + (b - a) * 0.382, m2 = a + (b - a) * 0.618;
        (w(m1) < w(m2) ? b : a) = (w(m1) < w(m2) ? m2 : m1);
    }
    vMin = std::min(vMin, w(0.5 * (a + b)));
    return {-vMin, std::max(absMax, -vMin)};
}
}  // namespace

Case makeCase(std::uint64_t seed, const CaseOptions& opt) {
    Rng r(seed);
    Case c;
    c.seed = seed;
    c.motor = opt.forceMotor ? opt.motor : r.chance(0.6);
    if (opt.forceFamily) {
        c.family = opt.family;
        c.motor = c.family != Family::SensoryFibreSum;
    } else if (c.motor) {
        c.family = static_cast<Family>(r.integer(0, 4));
    } else {
        c.family = Family::SensoryFibreSum;
    }
    c.layout = opt.forceLayout ? opt.layout : static_cast<Layout>(r.integer(0, 2));
    c.sampleRateHz = harness::drawSampleRate(r);
    const double fs = c.sampleRateHz;
    harness::setBackground(c, harness::drawBackground(r));
    const int nSites = r.integer(3, 4);
    int sweepsPerSite = c.motor ? r.integer(1, 3) : (c.layout == Layout::Continuous ? 8 << r.integer(0, 2) : 8 << r.integer(0, 3));
    const bool atStimulus = c.layout == Layout::RecordsAtStimulus;
    if (atStimulus && !opt.sweepsAtStimulus) sweepsPerSite = 1;   // one record per site
    c.segmentMm.clear();
    double spanLeftMm = 650.0;   // wrist to Erb's point is about this long: proximal sites stay within it
    for (int k = 1; k < nSites; ++k) {
        const double hi = std::min(350.0, spanLeftMm - 80.0 * (nSites - 1 - k));
        const double mm = r.chance(0.25) ? r.uni(80.0, 120.0) : r.uni(80.0, std::max(80.0, hi));
        c.segmentMm.push_back(mm);
        spanLeftMm -= mm;
    }

    // Responses per site.
    std::vector<Wave> waves;
    std::vector<double> distance(static_cast<std::size_t>(nSites), 0.0);
    for (int k = 1; k < nSites; ++k) distance[static_cast<std::size_t>(k)] = distance[static_cast<std::size_t>(k) - 1] + c.segmentMm[static_cast<std::size_t>(k) - 1];
    const bool dip = c.motor && r.chance(0.12);
    if (c.family == Family::MotorUnitSum || c.family == Family::SensoryFibreSum) {
        const bool motor = c.family == Family::MotorUnitSum;
        const int n = r.integer(motor ? 80 : 100, 200);
        const double mean = motor ? r.uni(50.0, 60.0) : r.uni(52.0, 62.0);
        const double sd = motor ? r.uni(2.5, 5.0) : r.uni(3.0, 6.0);
        const double width = motor ? r.uni(0.7, 1.1) : r.uni(0.18, 0.3);
        const double firstMm = motor ? r.uni(50.0, 90.0) : r.uni(110.0, 150.0);
        std::vector<Unit> units;
        std::exponential_distribution<double> size(1.0);
        for (int i = 0; i < n; ++i) {
            Unit u;
            u.amp = motor ? size(r.g) : r.uni(0.5, 1.5);
            u.cv = std::clamp(r.normal(mean, sd), 35.0, 75.0);
            u.delayMs = motor ? std::max(0.5, r.normal(1.0, 0.15)) : 0.0;
            u.width = width * r.uni(0.85, 1.15);
            units.push_back(u);
        }
        const double leadPos = dip ? r.uni(0.12, 0.25) : 0.0;
        const double target = motor ? r.uni(200.0, 15000.0) : r.uni(2.0, 80.0);
        const auto raw = unitSum(units, firstMm, motor, leadPos, 1.0);
        const double rawAmp = extremes(raw, 0.0, 40.0).first;
        const double scale = target / rawAmp;
        for (int k = 0; k < nSites; ++k) waves.push_back(unitSum(units, firstMm + distance[static_cast<std::size_t>(k)], motor, leadPos, scale));
    } else {
        const double amp = r.uni(200.0, 15000.0);
        const double rise = r.uni(1.2, 3.5), fall = r.uni(1.5, 4.0), posMs = r.uni(3.0, 8.0), pos = amp * r.uni(0.3, 0.6);
        const double k = r.uni(2.0, 4.0);
        const double cv = r.uni(45.0, 65.0);
        const double distal = r.uni(2.5, 4.5);
        const double dipUv = dip ? amp * r.uni(0.05, 0.15) : 0.0, dipMs = r.uni(0.8, 1.5);
        for (int s = 0; s < nSites; ++s) {
            const double d = distance[static_cast<std::size_t>(s)];
            const double spread = 1.0 + 0.25 * d / 300.0;
            waves.push_back(analyticMotor(c.family, distal + d / cv, amp * (1.0 - 0.1 * d / 300.0), rise * spread, fall * spread, pos, posMs * spread,
                                          k, dipUv, dipMs));
        }
    }
    for (int s = 0; s < nSites; ++s) {
        SiteTruth t;
        t.name = "s" + std::to_string(s + 1);
        t.distanceMm = distance[static_cast<std::size_t>(s)];
        t.sweeps = sweepsPerSite;
        t.effectiveNoiseUv = c.noiseRmsUv / std::sqrt(static_cast<double>(sweepsPerSite));
        t.onsetMs = firstCrossingMs(waves[static_cast<std::size_t>(s)], 4.0 * t.effectiveNoiseUv, 0.0, 60.0);
        const auto [amp, peak] = extremes(waves[static_cast<std::size_t>(s)], 0.0, 60.0);
        t.amplitudeUv = amp;
        t.peakAbsUv = peak;
        if (t.onsetMs > 0.0) t.initialPositive = waves[static_cast<std::size_t>(s)](t.onsetMs + 1e-6) > 0.0;
        c.sites.push_back(t);
    }
    for (int s = 1; s < nSites; ++s) {
        const double dt = c.sites[static_cast<std::size_t>(s)].onsetMs - c.sites[static_cast<std::size_t>(s) - 1].onsetMs;
        c.segmentCvMPerS.push_back(dt > 0.0 ? c.segmentMm[static_cast<std::size_t>(s) - 1] / dt : 0.0);
    }

    // Stimulus artifact: main part of 0.1..2 ms (never closer than 1 ms to the distal take-off), tail of either sign.
    const double firstOnset = c.sites.front().onsetMs > 0.0 ? c.sites.front().onsetMs : 3.0;
    const auto art = harness::drawArtifact(r, std::clamp(firstOnset - 1.0, 0.1, 2.0), 0.5);
    c.artifactMs = art.ms;
    c.artifactTailUv = art.tailUv;
    auto artifact = [art](double t) { return art.at(t); };

    // Timing and the file.
    const double windowMs = c.motor ? 50.0 : 20.0;
    const std::size_t nStim = static_cast<std::size_t>(nSites * sweepsPerSite);
    c.stimuli = nStim;
    std::vector<double> stimSec;
    const auto recN = static_cast<std::size_t>(std::llround(0.1 * fs));
    const double preRecMs = r.uni(10.0, 20.0);
    const double spacing = c.motor ? r.uni(0.3, 0.6) : r.uni(0.2, 0.35);
    const auto preN = atStimulus ? std::size_t{0} : static_cast<std::size_t>(std::llround(preRecMs * 1e-3 * fs));
    std::vector<std::size_t> stimIdx;
    for (std::size_t k = 0; k < nStim; ++k) {
        if (c.layout == Layout::Continuous) stimIdx.push_back(static_cast<std::size_t>(std::llround((0.15 + spacing * static_cast<double>(k)) * fs)));
        else stimIdx.push_back(k * recN + preN);
    }
    std::size_t total = c.layout == Layout::Continuous ? stimIdx.back() + static_cast<std::size_t>(0.3 * fs) : nStim * recN;
    const bool truncate = r.chance(opt.truncateProbability);
    if (truncate) {
        const auto& last = c.sites.back();
        const double lo = std::min(windowMs - 1.0, last.onsetMs + (c.motor ? 12.0 : 5.0));
        const double cutMs = r.uni(lo, windowMs - 0.5);
        total = stimIdx.back() + static_cast<std::size_t>(cutMs * 1e-3 * fs);
        auto& cut = c.sites.back();
        cut.lastSweepTruncated = true;
        // The cut sweep is not averaged (the engine measures the complete ones), so the site's
        // average has the noise of one sweep fewer and the truth onset is 4 x that noise (with
        // all sweeps' noise the truth read seeds 583 and 706 s4 0.06 / 0.12 ms "late"). A site of
        // one sweep keeps it: that sweep is the only one and is measured as far as it goes.
        if (sweepsPerSite > 1) {
            const auto& w = waves.back();
            cut.effectiveNoiseUv = c.noiseRmsUv / std::sqrt(static_cast<double>(sweepsPerSite - 1));
            cut.onsetMs = firstCrossingMs(w, 4.0 * cut.effectiveNoiseUv, 0.0, 60.0);
            if (cut.onsetMs > 0.0) cut.initialPositive = w(cut.onsetMs + 1e-6) > 0.0;
            if (nSites > 1) {
                const double dt = cut.onsetMs - c.sites[static_cast<std::size_t>(nSites) - 2].onsetMs;
                c.segmentCvMPerS.back() = dt > 0.0 ? c.segmentMm.back() / dt : 0.0;
            }
        }
    }
    RecordedChannel ch;
    ch.label = c.motor ? "APB" : "Digit";
    ch.sampleRateHz = fs;
    ch.samples = harness::backgroundSamples(total, fs, c.layout == Layout::RecordsSeparate || atStimulus ? recN : 0,
                                            {c.noiseRmsUv, c.humUv, c.mainsHz, c.dcUv, c.driftUv}, r);
    if (opt.responseOnly) std::fill(ch.samples.begin(), ch.samples.end(), 0.0);
    const auto len = static_cast<std::size_t>(60e-3 * fs);
    std::vector<std::vector<double>> table(waves.size(), std::vector<double>(len));   // response + artifact at each sample
    for (std::size_t s = 0; s < waves.size(); ++s)
        for (std::size_t j = 0; j < len; ++j) {
            const double tMs = static_cast<double>(j) * 1000.0 / fs;
            table[s][j] = waves[s](tMs) + artifact(tMs);
        }
    for (std::size_t k = 0; k < nStim; ++k) {
        const std::size_t site = k / static_cast<std::size_t>(sweepsPerSite);
        const std::size_t s0 = stimIdx[k];
        for (std::size_t j = 0; j < len && s0 + j < total; ++j) ch.samples[s0 + j] += table[site][j];
        // records at the stimulus: record k starts at k s on the file's clock (holes between)
        c.recording.annotations.push_back({atStimulus ? static_cast<double>(k) : static_cast<double>(s0) / fs, 0.0, "Stim " + c.sites[site].name});
        if (atStimulus)
            c.recording.segments.push_back({static_cast<double>(k), static_cast<double>(std::min(recN, total - s0)) / fs});
    }
    c.recording.patientId = "generated";
    c.recording.channels.push_back(std::move(ch));
    return c;
}

}  // namespace emg::ncsgen

#include "fwave_case_generator.h"
#include "harness_common.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <sstream>

namespace emg::fwavegen {

std::string FCase::describe() const {
    std::ostringstream o;
    o.precision(4);
    std::size_t present = 0;
    for (const auto& s : sweeps) present += s.present;
    o << "seed " << seed << (lowerLimb ? " foot" : " hand") << " " << layoutName(layout) << " fs " << sampleRateHz << " noise "
      << noiseRmsUv << " hum " << humUv << "@" << mainsHz << " dc " << dcUv << " drift " << driftUv << " artifact " << artifactMs
      << " ms tail " << artifactTailUv << " | M " << mAmplitudeUv << " uV at " << mOnsetMs << " ms | F " << present << "/"
      << sweeps.size() << " min " << minLatencyMs << " ms (peak " << minLatencyPeakUv << " uV)";
    return o.str();
}

namespace {
struct Rng : harness::CaseRng {
    explicit Rng(std::uint64_t seed) : CaseRng(seed, 0xD1B54A32D192ED03ULL, 777) {}
};

/// A motor unit's F potential: contiguous sin^2 lobes of alternating sign from its start.
struct UnitShape {
    std::vector<double> lobeUv, lobeMs;   // signed lobe heights, widths
    double latencyMs = 0.0;               // start of the first lobe
};

double unitValue(const UnitShape& u, double startMs, double scale, double t) {
    double from = startMs;
    for (std::size_t k = 0; k < u.lobeMs.size(); ++k) {
        if (t < from) return 0.0;
        if (t < from + u.lobeMs[k]) {
            const double s = std::sin(std::numbers::pi * (t - from) / u.lobeMs[k]);
            return scale * u.lobeUv[k] * s * s;
        }
        from += u.lobeMs[k];
    }
    return 0.0;
}

struct Firing {
    const UnitShape* unit;
    double startMs, scale;
};

double fValue(const std::vector<Firing>& f, double t) {
    double v = 0.0;
    for (const auto& x : f) v += unitValue(*x.unit, x.startMs, x.scale, t);
    return v;
}

/// M: smooth negative phase (raised-cosine rise and fall) then a positive half-sine.
double mValue(double t, double onsetMs, double ampUv, double riseMs, double fallMs, double posUv, double posMs) {
    const double u = t - onsetMs;
    if (u <= 0.0) return 0.0;
    if (u < riseMs) return -ampUv * 0.5 * (1.0 - std::cos(std::numbers::pi * u / riseMs));
    if (u < riseMs + fallMs) return -ampUv * 0.5 * (1.0 + std::cos(std::numbers::pi * (u - riseMs) / fallMs));
    const double p = u - riseMs - fallMs;
    if (p < posMs) return posUv * std::sin(std::numbers::pi * p / posMs);
    return 0.0;
}
}  // namespace

FCase makeFCase(std::uint64_t seed, bool recordsAtStimulus) {
    Rng r(seed);
    FCase c;
    c.seed = seed;
    c.lowerLimb = r.chance(0.4);
    c.layout = static_cast<FLayout>(r.integer(0, 2));
    if (recordsAtStimulus) c.layout = FLayout::RecordsAtStimulus;   // the draw above kept: the rest of the case is the same
    c.sampleRateHz = harness::drawSampleRate(r);
    const double fs = c.sampleRateHz;
    harness::setBackground(c, harness::drawBackground(r));

    // M
    c.mAmplitudeUv = r.uni(2000.0, 15000.0);
    c.mOnsetMs = c.lowerLimb ? r.uni(3.5, 6.0) : r.uni(2.8, 4.5);
    const double mRise = r.uni(1.5, 3.5), mFall = r.uni(2.0, 4.5), mPos = c.mAmplitudeUv * r.uni(0.3, 0.6), mPosMs = r.uni(4.0, 9.0);

    // F units
    const int nUnits = r.integer(6, 20);
    const double firstLatency = c.lowerLimb ? r.uni(42.0, 58.0) : r.uni(22.0, 34.0);
    const double dispersion = r.uni(1.0, c.lowerLimb ? 6.0 : 4.0);
    std::vector<UnitShape> units(static_cast<std::size_t>(nUnits));
    for (int i = 0; i < nUnits; ++i) {
        auto& u = units[static_cast<std::size_t>(i)];
        u.latencyMs = firstLatency + (i == 0 ? 0.0 : r.uni(0.0, dispersion));
        const int lobes = r.integer(2, 4);
        const double pp = r.uni(20.0, 500.0);   // approximate peak to peak (lobes scaled to it below)
        double sign = r.sign();
        double hi = 0.0, lo = 0.0;
        for (int k = 0; k < lobes; ++k) {
            const double h = r.uni(0.3, 1.0) * sign;
            u.lobeUv.push_back(h);
            u.lobeMs.push_back(r.uni(0.6, 3.0));
            hi = std::max(hi, h);
            lo = std::min(lo, h);
            sign = -sign;
        }
        for (double& h : u.lobeUv) h *= pp / (hi - lo);
    }

    // Train
    const int nStim = r.integer(10, 20);
    const double persistence = r.uni(0.5, 1.0);
    std::vector<std::vector<Firing>> firings(static_cast<std::size_t>(nStim));
    std::vector<double> mScale(static_cast<std::size_t>(nStim));
    bool any = false;
    for (int k = 0; k < nStim; ++k) {
        mScale[static_cast<std::size_t>(k)] = r.uni(0.99, 1.01);
        const bool fire = r.chance(persistence) || (k == nStim - 1 && !any);
        if (!fire) continue;
        any = true;
        const int n = r.chance(0.6) ? 1 : r.integer(2, 3);
        for (int j = 0; j < n; ++j) {
            const auto& u = units[static_cast<std::size_t>(r.integer(0, nUnits - 1))];
            firings[static_cast<std::size_t>(k)].push_back({&u, u.latencyMs + r.uni(-0.15, 0.15), r.uni(0.85, 1.15)});
        }
    }

    // Truth per sweep (F alone: M has ended long before, see the latencies above), at a level: the
    // band's (the default) and the file's (FCase::fileNoise)
    const auto truthAt = [&](double level) {
        FTruth tr;
        std::size_t present = 0;
        for (int k = 0; k < nStim; ++k) {
            const auto& f = firings[static_cast<std::size_t>(k)];
            SweepTruth t;
            t.fired = !f.empty();
            if (t.fired) {
                double from = 1e9;
                for (const auto& x : f) from = std::min(from, x.startMs);
                const double step = 0.002;
                for (double tm = from; tm < from + 20.0; tm += step) {
                    const double v = std::fabs(fValue(f, tm));
                    t.peakAbsUv = std::max(t.peakAbsUv, v);
                    if (!t.present && v >= level) {
                        double a = tm - step, b = tm;
                        for (int it = 0; it < 40; ++it) {
                            const double m = 0.5 * (a + b);
                            (std::fabs(fValue(f, m)) >= level ? b : a) = m;
                        }
                        t.present = true;
                        t.onsetMs = b;
                    }
                }
            }
            if (t.present) {
                ++present;
                if (tr.minLatencyMs == 0.0 || t.onsetMs < tr.minLatencyMs) {
                    tr.minLatencyMs = t.onsetMs;
                    tr.minLatencyPeakUv = t.peakAbsUv;
                }
            }
            tr.sweeps.push_back(t);
        }
        tr.persistencePercent = 100.0 * static_cast<double>(present) / nStim;
        return tr;
    };
    c.bandNoiseRmsUv = c.noiseRmsUv * harness::analysisBandNoiseGain(fs, harness::kLateResponseLowPassHz, harness::kLateResponseLowPassOrder);
    c.fileNoise = truthAt(4.0 * c.noiseRmsUv);
    c.useTruth(truthAt(4.0 * c.bandNoiseRmsUv));

    // Stimulus artifact
    const auto art = harness::drawArtifact(r, std::min(2.0, c.mOnsetMs - 1.0), 0.5);
    c.artifactMs = art.ms;
    c.artifactTailUv = art.tailUv;
    auto artifact = [art](double t) { return art.at(t); };

    // The file
    const auto recN = static_cast<std::size_t>(std::llround(0.12 * fs));
    const bool atStimulus = c.layout == FLayout::RecordsAtStimulus;
    const auto preN = atStimulus ? std::size_t{0} : static_cast<std::size_t>(std::llround(r.uni(8.0, 15.0) * 1e-3 * fs));
    const double spacing = r.uni(0.5, 1.0);
    std::vector<std::size_t> stimIdx;
    for (int k = 0; k < nStim; ++k) {
        const auto kk = static_cast<std::size_t>(k);
        stimIdx.push_back(c.layout == FLayout::Continuous ? static_cast<std::size_t>(std::llround((0.2 + spacing * k) * fs)) : kk * recN + preN);
    }
    const std::size_t total = c.layout == FLayout::Continuous ? stimIdx.back() + static_cast<std::size_t>(0.4 * fs) : nStim * recN;
    RecordedChannel ch;
    ch.label = c.lowerLimb ? "AH" : "APB";
    ch.sampleRateHz = fs;
    ch.samples = harness::backgroundSamples(total, fs, c.layout == FLayout::RecordsSeparate || atStimulus ? recN : 0,
                                            {c.noiseRmsUv, c.humUv, c.mainsHz, c.dcUv, c.driftUv}, r);
    const auto len = static_cast<std::size_t>(100e-3 * fs);
    for (int k = 0; k < nStim; ++k) {
        const auto kk = static_cast<std::size_t>(k);
        const std::size_t s0 = stimIdx[kk];
        for (std::size_t j = 0; j < len && s0 + j < total; ++j) {
            const double tMs = static_cast<double>(j) * 1000.0 / fs;
            ch.samples[s0 + j] += mScale[kk] * mValue(tMs, c.mOnsetMs, c.mAmplitudeUv, mRise, mFall, mPos, mPosMs) + artifact(tMs) +
                                  fValue(firings[kk], tMs);
        }
        // records at the stimulus: record k starts at k s on the file's clock (holes between)
        c.recording.annotations.push_back({atStimulus ? static_cast<double>(k) : static_cast<double>(s0) / fs, 0.0,
                                           c.lowerLimb ? "Stim ankle" : "Stim wrist"});
        if (atStimulus) c.recording.segments.push_back({static_cast<double>(k), static_cast<double>(recN) / fs});
    }
    c.recording.patientId = "generated";
    c.recording.channels.push_back(std::move(ch));
    return c;
}

}  // namespace emg::fwavegen

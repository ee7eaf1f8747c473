#include "hreflex_case_generator.h"
#include "harness_common.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <sstream>

namespace emg::hgen {

std::string HCase::describe() const {
    std::ostringstream o;
    o.precision(4);
    o << "seed " << seed << " " << layoutName(layout) << " fs " << sampleRateHz << " record " << recordMs << " ms noise " << noiseRmsUv
      << " hum " << humUv << "@" << mainsHz << " dc " << dcUv << " drift " << driftUv << " artifact " << artifactMs << " ms tail "
      << artifactTailUv << " | Mmax " << mMaxUv << " uV, M " << mOnsetMs << "-" << mEndMs << " ms | ";
    if (hPresent)
        o << "H from " << hOnsetMs << " ms, Hmax " << hMaxUv << " uV pp on sweep " << hMaxSweep << ", H/M " << hmRatio << ", latency "
          << hLatencyMs;
    else
        o << "no H";
    return o.str();
}

namespace {
struct Rng : harness::CaseRng {
    explicit Rng(std::uint64_t seed) : CaseRng(seed, 0xA24BAED4963EE407ULL, 4242) {}
};

/// The H wave's shape: contiguous sin^2 lobes of alternating sign (signed heights, widths ms).
struct Lobes {
    std::vector<double> uv, ms;
    [[nodiscard]] double at(double u) const {   // u: ms from the wave's start
        double from = 0.0;
        for (std::size_t k = 0; k < ms.size(); ++k) {
            if (u < from) return 0.0;
            if (u < from + ms[k]) {
                const double s = std::sin(std::numbers::pi * (u - from) / ms[k]);
                return uv[k] * s * s;
            }
            from += ms[k];
        }
        return 0.0;
    }
    [[nodiscard]] double lengthMs() const {
        double l = 0.0;
        for (double m : ms) l += m;
        return l;
    }
};

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

/// Max - min of f over [a, b] sampled every 1 us.
template <class F>
double peakToPeak(F&& f, double a, double b) {
    double lo = 0.0, hi = 0.0;
    for (double t = a; t <= b; t += 0.001) {
        const double v = f(t);
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    return hi - lo;
}
}  // namespace

HCase makeHCase(std::uint64_t seed, int layout) {
    Rng r(seed);
    HCase c;
    c.seed = seed;
    const HLayout layouts[] = {HLayout::Continuous, HLayout::RecordsSeparate, HLayout::RecordsAtStimulus};
    c.layout = layouts[r.integer(0, 2)];
    if (layout >= 0) c.layout = static_cast<HLayout>(layout);   // the draw above kept: the rest of the case is the same
    c.sampleRateHz = harness::drawSampleRate(r);
    const double fs = c.sampleRateHz;
    harness::setBackground(c, harness::drawBackground(r));

    // M
    harness::SmoothCmap m;   // the soleus M
    m.onsetMs = r.uni(3.5, 7.0);
    m.riseMs = r.uni(1.5, 3.0);
    m.fallMs = r.uni(2.0, 4.0);
    m.posFraction = r.uni(0.3, 0.6);
    m.posMs = r.uni(5.0, 10.0);
    c.mMaxUv = r.uni(2000.0, 15000.0);
    c.mOnsetMs = m.onsetMs;
    c.mEndMs = m.endMs();

    // H: its shape, onset and size over the series
    c.hPresent = r.chance(0.9);
    Lobes h;
    {
        const bool initialPositive = r.chance(1.0 / 3.0);
        if (initialPositive) {
            h.uv.push_back(r.uni(0.05, 0.2));
            h.ms.push_back(r.uni(1.0, 2.0));
        }
        const int lobes = r.integer(2, 3);
        double sign = -1.0;   // the main deflection negative, as M's
        for (int k = 0; k < lobes; ++k) {
            h.uv.push_back(sign * (k == 0 ? 1.0 : r.uni(0.4, 0.9)));
            h.ms.push_back(r.uni(2.0, 6.0));
            sign = -sign;
        }
    }
    // onset never before M has ended + 1 ms (the engine's M/H separation; a real H does not ride on M)
    c.hOnsetMs = std::max(r.uni(26.0, 36.0), c.mEndMs + 1.0);
    const double ratio = r.uni(0.1, 0.7);
    double hLo = 0.0, hHi = 0.0;
    for (double u = 0.0; u < h.lengthMs(); u += 0.001) hLo = std::min(hLo, h.at(u)), hHi = std::max(hHi, h.at(u));
    const double hShapePp = hHi - hLo;
    const double mPpPerUv = peakToPeak([&](double t) { return m.at(t, 1.0); }, 0.0, c.mEndMs);

    // the series: intensities rising; M a logistic curve; H from a lower threshold, suppressed as M grows
    const int n = r.integer(8, 15);
    const double iStart = r.uni(3.0, 8.0), iStep = r.uni(1.5, 4.0);
    const double mMid = iStart + iStep * r.uni(0.4, 0.7) * n, mWidth = r.uni(1.0, 3.0) * iStep;
    const double hMid = iStart + iStep * r.uni(0.0, 0.25) * n, hWidth = r.uni(0.5, 1.5) * iStep;
    std::vector<double> hScale(static_cast<std::size_t>(n)), mAmp(static_cast<std::size_t>(n)), hShift(static_cast<std::size_t>(n));
    double hRawMax = 0.0;
    for (int k = 0; k < n; ++k) {
        const auto kk = static_cast<std::size_t>(k);
        const double mA = iStart + iStep * k;
        mAmp[kk] = c.mMaxUv * logistic((mA - mMid) / mWidth);
        const double mFrac = mAmp[kk] / c.mMaxUv;
        hScale[kk] = logistic((mA - hMid) / hWidth) * std::pow(1.0 - mFrac, 2.0) * r.uni(0.95, 1.05);
        hShift[kk] = r.uni(-0.1, 0.1);
        hRawMax = std::max(hRawMax, hScale[kk]);
        c.sweeps.push_back({std::round(mA * 10.0) / 10.0, 0.0, 0.0});
    }
    // scale H so that Hmax / Mmax (peak to peak, the largest of each over the series) is the drawn ratio
    double mPpMax = 0.0;
    for (int k = 0; k < n; ++k) mPpMax = std::max(mPpMax, mAmp[static_cast<std::size_t>(k)] * mPpPerUv);
    const double hUnit = c.hPresent && hRawMax > 0.0 ? ratio * mPpMax / (hRawMax * hShapePp) : 0.0;
    for (int k = 0; k < n; ++k) {
        const auto kk = static_cast<std::size_t>(k);
        auto& s = c.sweeps[kk];
        s.mPeakToPeakUv = mAmp[kk] * mPpPerUv;
        s.hPeakToPeakUv = hScale[kk] * hUnit * hShapePp;
        if (s.mPeakToPeakUv > c.mMaxPpUv) c.mMaxPpUv = s.mPeakToPeakUv, c.mMaxSweep = kk;
        if (s.hPeakToPeakUv > c.hMaxUv) c.hMaxUv = s.hPeakToPeakUv, c.hMaxSweep = kk;
    }
    c.hmRatio = c.mMaxPpUv > 0.0 ? c.hMaxUv / c.mMaxPpUv : 0.0;
    auto hAt = [&](std::size_t k, double t) { return hScale[k] * hUnit * h.at(t - c.hOnsetMs - hShift[k]); };
    // Truth latency: where the noise-free H of the Hmax sweep first reaches the level (bisected to 1e-12 ms).
    const auto crossingMs = [&](double level) {
        const std::size_t k = c.hMaxSweep;
        const double from = c.hOnsetMs + hShift[k];
        for (double t = from; t < from + h.lengthMs(); t += 0.002)
            if (std::fabs(hAt(k, t)) >= level) {
                double a = t - 0.002, b = t;
                for (int it = 0; it < 40; ++it) {
                    const double mid = 0.5 * (a + b);
                    (std::fabs(hAt(k, mid)) >= level ? b : a) = mid;
                }
                return b;
            }
        return 0.0;
    };
    if (c.hPresent) {
        c.bandNoiseRmsUv = c.noiseRmsUv * harness::analysisBandNoiseGain(fs, harness::kLateResponseLowPassHz, harness::kLateResponseLowPassOrder);
        c.hLatencyMs = crossingMs(4.0 * c.bandNoiseRmsUv);
        c.hLatencyFileNoiseMs = crossingMs(4.0 * c.noiseRmsUv);
    }

    // Stimulus artifact
    const auto art = harness::drawArtifact(r, std::min(2.0, c.mOnsetMs - 1.0), 0.5);
    c.artifactMs = art.ms;
    c.artifactTailUv = art.tailUv;
    auto artifact = [art](double t) { return art.at(t); };

    // The file
    const bool atStimulus = c.layout == HLayout::RecordsAtStimulus;
    const bool records = c.layout != HLayout::Continuous;
    const double preMs = atStimulus ? 0.0 : r.uni(8.0, 15.0);
    c.recordMs = atStimulus ? r.uni(60.0, 120.0) : (records ? preMs + 100.0 : 0.0);
    const auto recN = static_cast<std::size_t>(std::llround(c.recordMs * 1e-3 * fs));
    const auto preN = static_cast<std::size_t>(std::llround(preMs * 1e-3 * fs));
    const double spacing = r.uni(1.0, 2.0);
    std::vector<std::size_t> stimIdx;
    for (int k = 0; k < n; ++k) {
        const auto kk = static_cast<std::size_t>(k);
        stimIdx.push_back(records ? kk * recN + preN : static_cast<std::size_t>(std::llround((0.3 + spacing * k) * fs)));
    }
    const std::size_t total = records ? static_cast<std::size_t>(n) * recN : stimIdx.back() + static_cast<std::size_t>(0.4 * fs);
    RecordedChannel ch;
    ch.label = "Soleus";
    ch.sampleRateHz = fs;
    ch.samples = harness::backgroundSamples(total, fs, records ? recN : 0, {c.noiseRmsUv, c.humUv, c.mainsHz, c.dcUv, c.driftUv}, r);
    for (int k = 0; k < n; ++k) {
        const auto kk = static_cast<std::size_t>(k);
        const std::size_t s0 = stimIdx[kk];
        const auto len = static_cast<std::size_t>(std::llround(100e-3 * fs));
        for (std::size_t j = 0; j < len && s0 + j < total; ++j) {
            const double tMs = static_cast<double>(j) * 1000.0 / fs;
            ch.samples[s0 + j] += m.at(tMs, mAmp[kk]) + artifact(tMs) + hAt(kk, tMs);
        }
        std::ostringstream a;
        a << "Stim popliteal " << c.sweeps[kk].intensityMa << "mA";
        // records at the stimulus: record k starts at 2k s on the file's clock (holes between)
        c.recording.annotations.push_back({atStimulus ? 2.0 * k : static_cast<double>(s0) / fs, 0.0, a.str()});
        if (atStimulus) c.recording.segments.push_back({2.0 * k, static_cast<double>(recN) / fs});
    }
    c.recording.patientId = "generated";
    c.recording.channels.push_back(std::move(ch));
    return c;
}

}  // namespace emg::hgen

#include <emg/needle/interference.h>
#include <emg/needle/interference_spikes.h>

#include <emg/dsp/butterworth.h>
#include <emg/dsp/spectrum.h>
#include <emg/dsp/zero_phase.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

namespace emg::needle {

namespace {
template <class T>
std::vector<std::size_t> turnPointsOf(std::span<const T> x, double turnUv) {
    std::vector<std::size_t> tp;
    if (x.size() < 3) return tp;
    int dir = 0;
    std::size_t ext = 0, lo = 0, hi = 0;   // before the first direction: running extremes
    for (std::size_t i = 1; i < x.size(); ++i) {
        const double v = x[i];
        if (dir == 0) {
            if (v < x[lo]) lo = i;
            if (v > x[hi]) hi = i;
            if (v - x[lo] >= turnUv) { dir = 1; ext = i; }
            else if (x[hi] - v >= turnUv) { dir = -1; ext = i; }
        } else if (dir > 0) {
            if (v > x[ext]) ext = i;
            else if (x[ext] - v >= turnUv) { tp.push_back(ext); dir = -1; ext = i; }
        } else {
            if (v < x[ext]) ext = i;
            else if (v - x[ext] >= turnUv) { tp.push_back(ext); dir = 1; ext = i; }
        }
    }
    return tp;
}

}  // namespace

std::vector<std::size_t> turnPoints(std::span<const double> x, double turnUv) { return turnPointsOf(x, turnUv); }
std::vector<std::size_t> turnPoints(std::span<const float> x, double turnUv) { return turnPointsOf(x, turnUv); }

double turnsLowPassAppliedHz(double fs, const InterferenceCloud& cloud) {
    if (!(cloud.turnsLowPassHz > 0.0) || !(fs > 0.0)) return 0.0;
    return cloud.turnsLowPassHz < dsp::maxLowPassCornerHz(fs) ? cloud.turnsLowPassHz : 0.0;
}

namespace {
/// Turns are counted at no less than this rate: below it the band-limited epoch is interpolated
/// (a 1.5 kHz component has 2.7 samples a cycle at 4 kHz, whose extremes then fall between samples
/// and lose up to half their swing; at 20 kHz, 13 samples, under 3 %).
constexpr double kTurnsAnalysisRateHz = 20000.0;

/// One epoch of `x` from `start`, band-limited for the turn count and interpolated `up` times
/// (zero-stuffed, the low-pass designed at up x fs removes the images): filtered with `pad`
/// samples of the signal on either side (where it has them) so the zero-phase filter's edges fall
/// outside the epoch.
template <class T>
std::vector<double> analysisEpoch(std::span<const T> x, std::size_t start, std::size_t len, std::size_t pad,
                                  const dsp::BiquadCascade* lp, std::size_t up) {
    const std::size_t a = start >= pad ? start - pad : 0;
    const std::size_t b = std::min(x.size(), start + len + pad);
    std::vector<double> w((b - a) * up, 0.0);
    for (std::size_t i = a; i < b; ++i) w[(i - a) * up] = static_cast<double>(up) * static_cast<double>(x[i]);
    if (lp) dsp::filtfiltInPlace(*lp, std::span<double>(w));
    const auto from = static_cast<std::ptrdiff_t>((start - a) * up);
    return {w.begin() + from, w.begin() + from + static_cast<std::ptrdiff_t>(len * up)};
}

template <class T>
InterferenceResult analyzeInterferenceOf(std::span<const T> x, double fs, const InterferenceCloud& cloud,
                                         const InterferenceOptions& o) {
    if (!(fs > 0.0) || !std::isfinite(fs)) throw std::invalid_argument("analyzeInterference: sample rate must be > 0");
    InterferenceResult r;
    r.cloud = cloud;
    const auto epoch = static_cast<std::size_t>(std::lround(o.epochMs * 1e-3 * fs));
    const auto win10 = std::max<std::size_t>(4, static_cast<std::size_t>(std::lround(0.010 * fs)));
    if (epoch < win10 || x.size() < epoch) return r;
    int above = 0, below = 0;
    const double lpHz = turnsLowPassAppliedHz(fs, cloud);
    const std::size_t up = lpHz > 0.0 ? static_cast<std::size_t>(std::max(1.0, std::ceil(kTurnsAnalysisRateHz / fs))) : 1;
    std::optional<dsp::BiquadCascade> lp;
    if (lpHz > 0.0) lp = dsp::designButterworthLowPass(o.turnsLowPassOrder, lpHz, fs * static_cast<double>(up));
    r.turnsLowPassHz = lpHz;
    const auto pad = static_cast<std::size_t>(std::lround(0.010 * fs));   // 10 ms: > 10 x the low-pass's impulse response
    const std::size_t winA = win10 * up;   // the 10 ms windows at the analysis rate
    for (std::size_t s = 0; s + epoch <= x.size(); s += epoch) {
        const auto band = analysisEpoch(x, s, epoch, pad, lp ? &*lp : nullptr, up);
        const std::span<const double> seg(band);
        const auto tp = turnPoints(seg, cloud.turnCriterionUv);
        InterferenceEpoch e;
        e.startSec = static_cast<double>(s) / fs;
        e.turnsPerSec = static_cast<double>(tp.size()) / (o.epochMs * 1e-3);
        double sumAmp = 0.0;
        for (std::size_t k = 1; k < tp.size(); ++k) sumAmp += std::abs(static_cast<double>(seg[tp[k]]) - static_cast<double>(seg[tp[k - 1]]));
        e.meanAmplitudePerTurnUv = tp.size() > 1 ? sumAmp / static_cast<double>(tp.size() - 1) : 0.0;
        double env = 0.0;
        std::size_t windows = 0, filled = 0, ti = 0;
        for (std::size_t w = 0; w + winA <= seg.size(); w += winA, ++windows) {
            const auto [mn, mx] = std::minmax_element(seg.begin() + static_cast<std::ptrdiff_t>(w),
                                                      seg.begin() + static_cast<std::ptrdiff_t>(w + winA));
            env += *mx - *mn;
            while (ti < tp.size() && tp[ti] < w) ++ti;
            if (ti < tp.size() && tp[ti] < w + winA) ++filled;
        }
        double sq = 0.0;
        for (const double v : seg) sq += v * v;
        e.rmsUv = std::sqrt(sq / static_cast<double>(seg.size()));
        e.envelopeUv = windows ? env / static_cast<double>(windows) : 0.0;
        e.fillingPercent = windows ? 100.0 * static_cast<double>(filled) / static_cast<double>(windows) : 0.0;
        if (e.turnsPerSec < o.minTurnsPerSec) continue;
        const double lo = cloud.lowInterceptUv + cloud.lowSlopeUvPerTurnPerSec * e.turnsPerSec;
        const double hi = cloud.highInterceptUv + cloud.highSlopeUvPerTurnPerSec * e.turnsPerSec;
        e.cloudPosition = e.meanAmplitudePerTurnUv > hi ? 1 : (e.meanAmplitudePerTurnUv < lo ? -1 : 0);
        above += e.cloudPosition > 0;
        below += e.cloudPosition < 0;
        r.epochs.push_back(e);
    }
    if (r.epochs.empty()) return r;
    // 125 ms Welch segments: 8 Hz resolution, dozens of averages in a few seconds
    const auto segLen = std::min<std::size_t>(x.size(), std::max<std::size_t>(16, static_cast<std::size_t>(0.125 * fs)));
    r.spectrumLowHz = o.spectrumLowHz;
    r.spectrumHighHz = std::min(o.spectrumHighHz, 0.45 * fs);
    r.meanFrequencyHz = dsp::meanFrequencyHz(dsp::welchPsd(x, fs, segLen), r.spectrumLowHz, r.spectrumHighHz);
    const double n = static_cast<double>(r.epochs.size());
    for (const auto& e : r.epochs) {
        r.meanTurnsPerSec += e.turnsPerSec / n;
        r.meanAmplitudePerTurnUv += e.meanAmplitudePerTurnUv / n;
        r.meanEnvelopeUv += e.envelopeUv / n;
        r.meanRmsUv += e.rmsUv / n;
        r.maxTurnsPerSec = std::max(r.maxTurnsPerSec, e.turnsPerSec);
    }
    r.turnsPerRms = r.meanRmsUv > 0.0 ? r.meanTurnsPerSec / r.meanRmsUv : 0.0;
    LargestSpikesOptions so;
    so.minPeakUv = cloud.turnCriterionUv;
    const auto sp = largestSpikes(x, fs, so);
    r.largestSpikesUv = sp.medianUv;
    r.spikes = sp.spikes;
    r.pointsAbovePercent = 100.0 * above / n;
    r.pointsBelowPercent = 100.0 * below / n;
    const bool hiAb = r.pointsAbovePercent > o.outsidePercentAbnormal;
    const bool loAb = r.pointsBelowPercent > o.outsidePercentAbnormal;
    r.reading = hiAb && loAb ? InterferenceReading::Mixed
              : hiAb         ? InterferenceReading::Neuropathic
              : loAb         ? InterferenceReading::Myopathic
                             : InterferenceReading::Normal;
    return r;
}

}  // namespace

InterferenceResult analyzeInterference(std::span<const double> x, double fs, const InterferenceCloud& cloud,
                                       const InterferenceOptions& o) {
    return analyzeInterferenceOf(x, fs, cloud, o);
}
InterferenceResult analyzeInterference(std::span<const float> x, double fs, const InterferenceCloud& cloud,
                                       const InterferenceOptions& o) {
    return analyzeInterferenceOf(x, fs, cloud, o);
}

}  // namespace emg::needle

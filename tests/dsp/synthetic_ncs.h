#pragma once
// Synthetic nerve-conduction responses with known truth, for the dsp and cli accuracy tests.
// A response is a negative half-sine phase starting exactly at the onset (a sharp take-off, as
// a CMAP/SNAP has) followed by a positive half-sine phase of equal area, so:
//   onset = onsetMs, baseline-to-negative-peak = negativeUv, peak-to-peak = negativeUv + positiveUv,
//   negative-phase duration = negativeMs, negative area = 2/pi * negativeUv * negativeMs.
// Recordings add white noise, mains hum (fundamental + 3rd harmonic), a slow baseline drift and
// an exponentially decaying stimulus artifact at every stimulus.

#include <emg/core/recording.h>
#include <emg/dsp/sweeps.h>

#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace emg::test {

struct ResponseShape {
    double onsetMs = 3.5;
    double negativeUv = 5000.0;
    double negativeMs = 5.0;
    double positiveUv = 2000.0;   ///< positive phase duration follows from equal areas
    [[nodiscard]] double positiveMs() const { return negativeUv * negativeMs / positiveUv; }
    [[nodiscard]] double peakToPeakUv() const { return negativeUv + positiveUv; }
    [[nodiscard]] double negativeAreaUvMs() const { return 2.0 / std::numbers::pi * negativeUv * negativeMs; }
    [[nodiscard]] double peakLatencyMs() const { return onsetMs + 0.5 * negativeMs; }
    /// Where the noise-free response first leaves its baseline by `levelUv` (the harness's truth
    /// onset at 4 x the noise): the negative half-sine reaches it asin(level / A) / pi of its width in.
    [[nodiscard]] double visibleOnsetMs(double levelUv) const { return onsetMs + std::asin(levelUv / negativeUv) / std::numbers::pi * negativeMs; }
    /// Value (µV) at t ms after the stimulus.
    [[nodiscard]] double at(double tMs) const {
        const double u = tMs - onsetMs;
        if (u <= 0.0) return 0.0;
        if (u < negativeMs) return -negativeUv * std::sin(std::numbers::pi * u / negativeMs);
        const double v = u - negativeMs;
        if (v < positiveMs()) return positiveUv * std::sin(std::numbers::pi * v / positiveMs());
        return 0.0;
    }
};

struct Disturbances {
    double noiseRmsUv = 10.0;
    double humUv = 30.0;          ///< amplitude of the mains fundamental (3rd harmonic at a third of it)
    double mainsHz = 50.0;
    double driftUv = 150.0;       ///< amplitude of a 0.3 Hz drift
    double artifactUv = 3000.0;   ///< stimulus artifact peak
    double artifactTauMs = 0.1;
    unsigned seed = 1;
};

struct Stim {
    double timeSec = 0.0;
    std::string annotation;       ///< e.g. "Stim wrist"
    ResponseShape response;       ///< negativeUv 0 = no response
    std::vector<ResponseShape> late;   ///< further responses (F-wave, H-reflex)
};

/// Adds the disturbances and responses into a channel of `durationSec` at `fs`.
inline Recording synthesize(const std::vector<Stim>& stims, double fs, double durationSec, const Disturbances& d,
                            const std::string& label = "APB") {
    Recording rec;
    rec.patientId = "synthetic";
    RecordedChannel ch;
    ch.label = label;
    ch.sampleRateHz = fs;
    ch.transducer = "surface electrode";
    const auto n = static_cast<std::size_t>(durationSec * fs);
    ch.samples.assign(n, 0.0);
    std::mt19937 rng(d.seed);
    std::normal_distribution<double> noise(0.0, d.noiseRmsUv);
    const double humPhase = 0.7, driftPhase = 1.3;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / fs;
        ch.samples[i] = noise(rng) + d.humUv * std::sin(2 * std::numbers::pi * d.mainsHz * t + humPhase) +
                        d.humUv / 3.0 * std::sin(2 * std::numbers::pi * 3 * d.mainsHz * t) +
                        d.driftUv * std::sin(2 * std::numbers::pi * 0.3 * t + driftPhase);
    }
    for (const auto& s : stims) {
        const auto first = static_cast<std::size_t>(std::ceil(s.timeSec * fs));
        for (std::size_t i = first; i < n; ++i) {
            const double tMs = (static_cast<double>(i) / fs - s.timeSec) * 1000.0;
            if (tMs > 150.0) break;
            double v = d.artifactUv * std::exp(-tMs / d.artifactTauMs);
            if (s.response.negativeUv > 0.0) v += s.response.at(tMs);
            for (const auto& l : s.late) v += l.at(tMs);
            ch.samples[i] += v;
        }
        if (!s.annotation.empty()) rec.annotations.push_back({s.timeSec, 0.0, s.annotation});
    }
    rec.channels.push_back(std::move(ch));
    return rec;
}

/// A Gaussian lobe of `uv` at `centreMs` with standard deviation `sdMs`, at t ms.
inline double gaussianLobeUv(double tMs, double centreMs, double sdMs, double uv) {
    const double u = (tMs - centreMs) / sdMs;
    return uv * std::exp(-0.5 * u * u);
}

/// A sweep of `preMs` before and `postMs` after the stimulus at `fs`: shape(t ms) plus white
/// Gaussian noise of `noiseUv` rms (std::mt19937 seeded with `seed`, one draw per sample in order).
template <class Shape>
dsp::Sweep noisySweep(double fs, double preMs, double postMs, double noiseUv, unsigned seed, Shape&& shape) {
    dsp::Sweep s;
    s.sampleRateHz = fs;
    s.preSamples = static_cast<std::size_t>(preMs * 1e-3 * fs);
    s.uv.assign(s.preSamples + static_cast<std::size_t>(postMs * 1e-3 * fs), 0.0);
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, noiseUv);
    for (std::size_t i = 0; i < s.uv.size(); ++i) s.uv[i] = noise(rng) + shape(s.timeMs(static_cast<double>(i)));
    return s;
}

/// The first time in (loMs, hiMs] at which |f| reaches levelUv, by bisection: |f| must stay below
/// the level at loMs and reach it at hiMs, rising monotonically in between (a take-off up to its peak).
template <class F>
double firstReachMs(F&& f, double loMs, double hiMs, double levelUv) {
    for (int k = 0; k < 60; ++k) {
        const double m = 0.5 * (loMs + hiMs);
        (std::fabs(f(m)) >= levelUv ? hiMs : loMs) = m;
    }
    return hiMs;
}

/// `rec` as another system may store a study: one record per "Stim..." annotation, from `preMs`
/// before it to `postMs` after it (EDF+D: holes between, Recording::segments), the first channel
/// only, record k offset by dcUv[k % dcUv.size()] (an amplifier's offset drifting from sweep to
/// sweep; {0} for none). A stimulus too close to the end for its record is left out.
inline Recording recordPerStimulus(const Recording& rec, double preMs, double postMs, const std::vector<double>& dcUv = {0.0}) {
    Recording out = rec;
    const auto& src = rec.channels.at(0);
    const double fs = src.sampleRateHz;
    out.channels = {src};
    out.channels[0].samples.clear();
    out.annotations.clear();
    out.segments.clear();
    const auto n = static_cast<std::size_t>(std::llround((preMs + postMs) / 1000.0 * fs));
    for (const auto& a : rec.annotations) {
        if (a.text.rfind("Stim", 0) != 0) continue;
        const auto from = static_cast<std::size_t>(std::llround((a.onsetSec - preMs / 1000.0) * fs));
        if (from + n > src.samples.size()) continue;
        const double dc = dcUv[out.segments.size() % dcUv.size()];
        for (std::size_t i = from; i < from + n; ++i) out.channels[0].samples.push_back(src.samples[i] + dc);
        out.segments.push_back({static_cast<double>(from) / fs, static_cast<double>(n) / fs});
        out.annotations.push_back(a);
    }
    return out;
}

/// `rec` as recordPerStimulus stores it, the records glued back to back with no hole (an EDF+C of a
/// record per stimulus, each record its own acquisition): each stimulus annotation at its record's
/// place, `preMs` into it.
inline Recording gluedRecordPerStimulus(const Recording& rec, double preMs, double postMs, const std::vector<double>& dcUv) {
    Recording out = recordPerStimulus(rec, preMs, postMs, dcUv);
    const double fs = out.channels.at(0).sampleRateHz;
    const auto recN = std::llround((preMs + postMs) / 1000.0 * fs), preN = std::llround(preMs / 1000.0 * fs);
    for (std::size_t k = 0; k < out.annotations.size(); ++k)
        out.annotations[k].onsetSec = static_cast<double>(static_cast<long long>(k) * recN + preN) / fs;
    out.segments.clear();
    return out;
}

/// `rec` (one continuous acquisition or glued records) twice in one file, back to back: the second
/// copy's samples (every channel) scaled by `secondScale` (after exercise: a facilitation of
/// secondScale - 1), its annotations moved along, and an annotation `phase` where it starts.
inline Recording twiceWithPhase(const Recording& rec, double secondScale, const std::string& phase) {
    Recording out = rec;
    const double durSec = static_cast<double>(rec.channels.at(0).samples.size()) / rec.channels.at(0).sampleRateHz;
    for (std::size_t c = 0; c < out.channels.size(); ++c)
        for (const double v : rec.channels[c].samples) out.channels[c].samples.push_back(secondScale * v);
    for (auto a : rec.annotations) {
        a.onsetSec += durSec;
        out.annotations.push_back(a);
    }
    out.annotations.push_back({durSec, 0.0, phase});
    return out;
}

/// Appends one record of a file stored a record per sweep (EDF+D): `recordMs` (100 ms; less for a
/// record the file's end cuts short) at `fs` starting at its stimulus at `startSec` on the file's
/// clock, each sample `sampleAt(tMs)` (t from the stimulus), the stimulus annotation and the
/// record's segment.
template <class F>
void appendRecordAtStimulus(Recording& rec, RecordedChannel& ch, double startSec, const std::string& annotation, F&& sampleAt,
                            double recordMs = 100.0) {
    const auto recN = static_cast<std::size_t>(std::llround(recordMs * 1e-3 * ch.sampleRateHz));
    for (std::size_t i = 0; i < recN; ++i) ch.samples.push_back(sampleAt(static_cast<double>(i) * 1000.0 / ch.sampleRateHz));
    rec.annotations.push_back({startSec, 0.0, annotation});
    rec.segments.push_back({startSec, static_cast<double>(recN) / ch.sampleRateHz});
}

/// What a motor study stored a record per sweep carries besides its CMAPs and artifact: each record
/// its own DC (dcUv + dcSpreadUv x U(-1, 1)), 50 Hz hum of humUv at a phase of its own, a drift of
/// driftUvPerMs through the record's middle (its sign alternating from record to record) and white noise.
struct PerSweepBackground {
    double noiseUv = 5.0;
    double humUv = 0.0;
    double dcUv = 0.0;
    double dcSpreadUv = 2000.0;
    double driftUvPerMs = 0.0;
};

/// A motor study stored a record per sweep at its stimulus (EDF+D): one record a second per site,
/// annotated `names[k]`, holding the background, `artifactAt(tMs)` and the site's CMAP (any shape
/// with `at(tMs)`). Every record is 100 ms but the last, `lastRecordMs` long (less when the file's
/// end cuts it short).
template <class A, class Shape = ResponseShape>
Recording perSweepMotorRecording(double fs, const std::string& label, const std::vector<std::string>& names,
                                 const std::vector<Shape>& sites, const PerSweepBackground& bg, A&& artifactAt, unsigned seed,
                                 double lastRecordMs = 100.0) {
    Recording rec;
    RecordedChannel ch;
    ch.label = label;
    ch.sampleRateHz = fs;
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, bg.noiseUv);
    std::uniform_real_distribution<double> uni(-1.0, 1.0);
    const double w = 2.0 * std::numbers::pi * 50.0;
    for (std::size_t k = 0; k < sites.size(); ++k) {
        const double dc = bg.dcUv + bg.dcSpreadUv * uni(rng), phase = 3.2 * (1.0 + uni(rng));
        const double slope = (k % 2 == 0 ? 1.0 : -1.0) * bg.driftUvPerMs;
        appendRecordAtStimulus(
            rec, ch, static_cast<double>(k), names[k],
            [&](double tMs) {
                return dc + slope * (tMs - 50.0) + bg.humUv * std::sin(w * tMs * 1e-3 + phase) + noise(rng) + artifactAt(tMs) + sites[k].at(tMs);
            },
            k + 1 < sites.size() ? 100.0 : lastRecordMs);
    }
    rec.channels.push_back(std::move(ch));
    return rec;
}

}  // namespace emg::test

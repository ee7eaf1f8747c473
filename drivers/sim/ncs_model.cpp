#include "ncs_model.h"

#include "background.h"
#include "noise_source.h"
#include "waveform_lobes.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

namespace emg::sim {
namespace {

double normalCdf(double z) noexcept { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

/// 0 at lo, 1 at hi, cumulative-normal shaped between (recruitment of axons with normally
/// distributed thresholds), clamped outside.
double sigmoidBetween(double x, double lo, double hi) noexcept {
    if (x <= lo) return 0.0;
    if (x >= hi) return 1.0;
    const double mu = 0.5 * (lo + hi), sd = (hi - lo) / 5.0;
    const double a = normalCdf((lo - mu) / sd), b = normalCdf((hi - mu) / sd);
    return std::clamp((normalCdf((x - mu) / sd) - a) / (b - a), 0.0, 1.0);
}

constexpr double kMainPeakFraction = 0.4;
constexpr double kPositivePeakFraction = 0.35;
constexpr double kPositiveWidthRatio = 1.3;

/// The M/SNAP/H shape: negative lobe then a broader positive lobe.
std::array<Lobe, 2> biphasic(double negAmpUv, double negWidthMs, double posRatio) noexcept {
    return {Lobe{-negAmpUv, negWidthMs, kMainPeakFraction},
            Lobe{negAmpUv * posRatio, negWidthMs * kPositiveWidthRatio, kPositivePeakFraction}};
}

/// F-wave: small, polyphasic, fixed shape scaled to a peak-to-peak amplitude.
std::array<Lobe, 3> fShape(double ppUv) noexcept {
    const double neg = ppUv / 1.7;
    return {Lobe{-neg, 2.0, 0.4}, Lobe{0.7 * neg, 2.5, 0.4}, Lobe{-0.35 * neg, 3.0, 0.4}};
}

}  // namespace

NerveModel::NerveModel(NerveConfig config) : config_(std::move(config)) {
    const auto& c = config_;
    const std::string who = "nerve '" + c.name + "': ";
    if (c.sites.empty()) throw std::invalid_argument(who + "needs at least one stimulation site");
    double prev = 0.0;
    for (const auto& s : c.sites) {
        if (s.name.empty() || s.name.find(' ') != std::string::npos)
            throw std::invalid_argument(who + "site names must be one non-empty word ('" + s.name + "')");
        if (!(s.distanceMm > prev && s.distanceMm <= 2000.0))
            throw std::invalid_argument(who + "site distances must increase from distal to proximal, within 0-2000 mm");
        prev = s.distanceMm;
    }
    if (!(c.conductionVelocityMps >= 5.0 && c.conductionVelocityMps <= 120.0))
        throw std::invalid_argument(who + "conduction velocity must be 5-120 m/s");
    if (!(c.proximalVelocityMps >= 5.0 && c.proximalVelocityMps <= 120.0))
        throw std::invalid_argument(who + "proximal velocity must be 5-120 m/s");
    if (c.kind == NerveKind::Motor && !(c.distalLatencyMs > 0.0 && c.distalLatencyMs < 50.0))
        throw std::invalid_argument(who + "distal latency must be 0-50 ms");
    if (!(c.amplitudeUv > 0.0 && c.amplitudeUv <= 50000.0)) throw std::invalid_argument(who + "amplitude must be 0-50000 uV");
    if (!(c.negativeDurationMs >= 0.3 && c.negativeDurationMs <= 30.0))
        throw std::invalid_argument(who + "negative phase duration must be 0.3-30 ms");
    if (!(c.thresholdMa > 0.0 && c.supramaximalMa > c.thresholdMa && c.supramaximalMa <= 100.0))
        throw std::invalid_argument(who + "need 0 < threshold < supramaximal <= 100 mA");
    if (!(c.fPersistence >= 0.0 && c.fPersistence <= 1.0)) throw std::invalid_argument(who + "F persistence must be 0-1");
    if (!(c.rnsDecrementPercent >= 0.0 && c.rnsDecrementPercent <= 90.0))
        throw std::invalid_argument(who + "RNS decrement must be 0-90 %");
    if (!(c.positiveRatio >= 0.0 && c.positiveRatio <= 2.0)) throw std::invalid_argument(who + "positive ratio must be 0-2");
    if (!(c.chronaxieMs > 0.0 && c.chronaxieMs < 5.0)) throw std::invalid_argument(who + "chronaxie must be 0-5 ms");
}

std::size_t NerveModel::siteIndex(std::string_view name) const {
    std::string known;
    for (std::size_t i = 0; i < config_.sites.size(); ++i) {
        if (config_.sites[i].name == name) return i;
        known += (i ? ", " : "") + config_.sites[i].name;
    }
    throw std::invalid_argument("nerve '" + config_.name + "' has no site '" + std::string(name) + "' (" + known + ")");
}

double NerveModel::onsetLatencyMs(std::size_t site) const {
    const auto& s = config_.sites.at(site);
    if (config_.kind == NerveKind::Sensory) return s.distanceMm / config_.conductionVelocityMps;  // mm / (m/s) = ms
    return config_.distalLatencyMs + (s.distanceMm - config_.sites.front().distanceMm) / config_.conductionVelocityMps;
}

double NerveModel::thresholdMa(double w) const noexcept {
    const double c = config_.chronaxieMs;
    return config_.thresholdMa * (1.0 + c / w) / (1.0 + c / 0.1);
}

double NerveModel::supramaximalMa(double w) const noexcept {
    const double c = config_.chronaxieMs;
    return config_.supramaximalMa * (1.0 + c / w) / (1.0 + c / 0.1);
}

double NerveModel::recruitedFraction(double intensityMa, double w) const noexcept {
    if (!(w > 0.0)) return 0.0;
    return sigmoidBetween(intensityMa, thresholdMa(w), supramaximalMa(w));
}

double NerveModel::rnsFactor(int k) const noexcept {
    const double d = config_.rnsDecrementPercent / 100.0;
    if (k <= 0 || d <= 0.0) return 1.0;
    static constexpr double kShape[5] = {0.0, 0.45, 0.8, 1.0, 1.0};  // maximal decrement at the 4th-5th response
    if (k < 5) return 1.0 - d * kShape[k];
    return 1.0 - d * std::max(0.7, 1.0 - 0.06 * (k - 4));           // slight repair later in the train
}

NcsResponseTruth NerveModel::response(const StimulusSpec& stim, std::mt19937_64* rng) const {
    if (stim.site >= config_.sites.size())
        throw std::invalid_argument("nerve '" + config_.name + "': site index " + std::to_string(stim.site) + " out of range");
    const auto& c = config_;
    const double dd = c.sites[stim.site].distanceMm - c.sites.front().distanceMm;
    NcsResponseTruth t;
    t.onsetLatencyMs = onsetLatencyMs(stim.site);
    t.negativeDurationMs = c.negativeDurationMs * (1.0 + c.durationGainPer100Mm * dd / 100.0);
    t.peakLatencyMs = t.onsetLatencyMs + kMainPeakFraction * t.negativeDurationMs;
    t.recruitedFraction = recruitedFraction(stim.intensityMa, stim.pulseWidthMs);
    t.rnsFactor = rnsFactor(stim.trainIndex);
    const double siteAmp = c.amplitudeUv * std::max(0.05, 1.0 - c.amplitudeLossPer100Mm * dd / 100.0);
    t.amplitudeUv = siteAmp * t.recruitedFraction * t.rnsFactor;
    t.peakToPeakUv = t.amplitudeUv * (1.0 + c.positiveRatio);
    if (c.kind == NerveKind::Motor && rng && c.fPersistence > 0.0 && t.recruitedFraction > 0.0) {
        const double pPresent = c.fPersistence * t.recruitedFraction;
        if (uniform01(*rng) < pPresent) {
            const double d = std::max(10.0, c.spinalDistanceMm - dd);
            const double fMin = 2.0 * d / c.proximalVelocityMps + c.fTurnaroundMs + t.onsetLatencyMs;
            t.fWave = true;
            t.fLatencyMs = fMin + c.fLatencySpreadMs * uniform01(*rng);
            const double frac = std::clamp(c.fAmplitudeFraction * std::exp(0.5 * standardNormal(*rng)), 0.005, 0.06);
            t.fAmplitudeUv = frac * siteAmp;
        }
    }
    if (c.hReflex) {
        // Ia afferents have a lower threshold than motor axons; the H wave is cancelled by
        // antidromic collision as the M wave grows (Hmax at low M, gone at supramaximal).
        const double thM = thresholdMa(stim.pulseWidthMs);
        const double hRecruit = sigmoidBetween(stim.intensityMa, 0.45 * thM, 1.1 * thM);
        t.hAmplitudeUv = c.hMaxRatio * c.amplitudeUv * hRecruit * std::pow(1.0 - t.recruitedFraction, 1.5);
        t.hLatencyMs = c.hLatencyMs;
    }
    return t;
}

double NerveModel::responseValueUv(const StimulusSpec&, const NcsResponseTruth& t, double tMs) const noexcept {
    double v = 0.0;
    if (t.amplitudeUv > 0.0) {
        const auto m = biphasic(t.amplitudeUv, t.negativeDurationMs, config_.positiveRatio);
        v += lobeChainValue(m, tMs - t.onsetLatencyMs);
    }
    if (t.fWave && t.fAmplitudeUv > 0.0) v += lobeChainValue(fShape(t.fAmplitudeUv), tMs - t.fLatencyMs);
    if (t.hAmplitudeUv > 0.0) {
        const auto h = biphasic(t.hAmplitudeUv, config_.negativeDurationMs * 1.2, config_.positiveRatio);
        v += lobeChainValue(h, tMs - t.hLatencyMs);
    }
    return v;
}

void NerveModel::renderResponse(const StimulusSpec& stim, const NcsResponseTruth& t, double fs,
                                std::span<double> out) const noexcept {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] += responseValueUv(stim, t, 1000.0 * static_cast<double>(i) / fs);
}

double stimulusArtifactUv(double intensityMa, double w, double tMs) noexcept {
    if (tMs < 0.0 || intensityMa <= 0.0) return 0.0;
    const double a = 100.0 * intensityMa * std::sqrt(std::max(w, 0.01) / 0.1);
    if (tMs < w) return a;
    return -0.3 * a * std::exp(-(tMs - w) / 0.2);
}

void addStimulusArtifact(double intensityMa, double w, double fs, std::span<double> out) noexcept {
    const auto n = std::min<std::size_t>(out.size(), static_cast<std::size_t>(std::ceil((w + 3.0) * fs / 1000.0)));
    for (std::size_t i = 0; i < n; ++i) out[i] += stimulusArtifactUv(intensityMa, w, 1000.0 * static_cast<double>(i) / fs);
}

NcsSweep simulateSweep(const NerveModel& nerve, const StimulusSpec& stim, const SweepOptions& o, std::mt19937_64& rng) {
    if (!(o.sampleRateHz >= 4000.0 && o.sampleRateHz <= 48000.0))
        throw std::invalid_argument("sweep: sample rate must be 4-48 kHz");
    if (!(o.preStimulusMs >= 0.0 && o.preStimulusMs <= 1000.0 && o.sweepMs > 0.0 && o.sweepMs <= 5000.0))
        throw std::invalid_argument("sweep: pre-stimulus 0-1000 ms and sweep 0-5000 ms");
    NcsSweep s;
    s.sampleRateHz = o.sampleRateHz;
    s.stimulusIndex = static_cast<std::size_t>(std::llround(o.preStimulusMs * o.sampleRateHz / 1000.0));
    const auto post = static_cast<std::size_t>(std::llround(o.sweepMs * o.sampleRateHz / 1000.0));
    s.microvolts.assign(s.stimulusIndex + post, 0.0);
    s.truth = nerve.response(stim, &rng);
    std::span<double> after(s.microvolts.data() + s.stimulusIndex, post);
    nerve.renderResponse(stim, s.truth, o.sampleRateHz, after);
    if (o.artifact) addStimulusArtifact(stim.intensityMa, stim.pulseWidthMs, o.sampleRateHz, after);
    BackgroundConfig bc;
    bc.sampleRateHz = o.sampleRateHz;
    bc.noiseRmsUv = o.noiseRmsUv;
    bc.mainsHz = o.mainsHz;
    bc.mainsAmplitudeUv = o.mainsAmplitudeUv;
    bc.seed = rng();
    Background bg(bc);
    bg.skipTo(static_cast<std::int64_t>(bc.seed % 100000));
    bg.add(s.microvolts);
    return s;
}

}  // namespace emg::sim

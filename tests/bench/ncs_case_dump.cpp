// Looks at single cases of the NCS onset accuracy harness: for each seed given, the generated
// case (truth per site) and what the engine measured there (onset, amplitude, noise, notes and
// warnings). For development seeds only while changing the engine (held-out seeds are reported,
// never looked at: seeds from 9,000,001 on are refused): 1.., the retired held-out sets 1,000,001.., 6,000,001.. and 8,000,001.., the fresh
// sensory set from 3,000,001, the fresh all-family seeds 7,000,001.. and the records-at-stimulus motor
// set 11,000,001.. (its held-out seeds, from 12,000,001, are refused too) and the sensory record-per-sweep set
// 13,000,001.. (held out from 14,000,001: refused) (ncs_accuracy_eval.h).
// NCS_POOL=0|1 sets the noise pooling; DUMP_FAMILY=motor-unit-sum (etc.) forces the family; DUMP_MIXED=1 draws it as the
// mixed-family run does (fresh seeds 7,000,001.. with --held-first); DUMP_FLAGGED=1 lists every flagged goal site in a scan. Usage: bench_ncs_case_dump SEED [SEED ...]
//        bench_ncs_case_dump scan FIRST LAST: one line per goal site outside the goals (onset error
//        beyond 0.10 ms, amplitude beyond 2 % motor / 10 % sensory), or missed, and per site below
//        20 x noise given a confident onset. DUMP_AMP=1 adds per confident goal site "AMP seed site fs
//        sweeps amplitude-error-% error/SE SE-% truth-amplitude/noise rise-ms motor family".
#include "ncs_accuracy_eval.h"

#include <emg/core/recording_segments.h>

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/sweep_baseline.h>
#include <emg/dsp/onset_takeoff.h>

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <algorithm>
#include <cmath>
#include <vector>
#include <iostream>
#include <random>
#include <string>

using namespace emg::ncsgen;

namespace {
/// The case for a seed as the harness makes it: seeds of the fresh development set
/// (kFreshDevFirstSeed..) are sensory; DUMP_FAMILY=<family name> forces a family (as the fixed-seed
/// ctest subset does); DUMP_MIXED=1 draws the family as `bench_ncs_accuracy --held-first` does for
/// any seed (the mixed-family fresh sets 7,000,001..).
CaseOptions baseOptions(std::uint64_t seed) {
    // 3,000,001..6,000,000: the fresh sensory set (DUMP_MIXED=1: all families, as before the bench
    // made them sensory); 7,000,001.. (bench --held-first 7000001): all families, as the bench makes them.
    // 11,000,001..: motor cases in the EDF+ specification's layout (records at the stimulus)
    if (seed >= kAtStimulusDevFirstSeed && seed < kAtStimulusHeldFirstSeed) return atStimulusOptions();
    // 13,000,001..: sensory, a record per sweep at its stimulus
    if (seed >= kSweepsAtStimulusDevFirstSeed && seed < kSweepsAtStimulusHeldFirstSeed) return sweepsAtStimulusOptions();
    return seed >= kFreshDevFirstSeed && seed < 6000001 && !std::getenv("DUMP_MIXED") ? freshSensoryOptions() : CaseOptions{};
}

Case caseFor(std::uint64_t seed) {
    // Held-out seeds are reported by the bench, never looked at one by one.
    const bool held = (seed >= kHeldOutFirstSeed && seed < kAtStimulusDevFirstSeed) || (seed >= kAtStimulusHeldFirstSeed && seed < kSweepsAtStimulusDevFirstSeed) ||
                      seed >= kSweepsAtStimulusHeldFirstSeed;
    if (held && !std::getenv("DUMP_HELD_OUT_I_KNOW")) {
        std::cerr << "seed " << seed << " is held out (from " << kHeldOutFirstSeed << " on): not dumped\n";
        std::exit(2);
    }
    CaseOptions o = baseOptions(seed);
    if (const char* fam = std::getenv("DUMP_FAMILY"))
        for (int f = 0; f < kFamilyCount; ++f)
            if (std::string(fam) == familyName(static_cast<Family>(f))) {
                o.forceFamily = true;
                o.family = static_cast<Family>(f);
            }
    return makeCase(seed, o);
}
}  // namespace

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::warn);
    if (argc < 2) {
        std::cout << "usage: bench_ncs_case_dump SEED [SEED ...] | scan FIRST LAST  (DUMP_WAVE=s2 DUMP_MS=10: the measured sweep)\n";
        return 0;
    }
    if (argc == 4 && std::string(argv[1]) == "scan") {
        std::vector<std::vector<double>> signedErr(kFamilyCount);
        std::vector<double> segZ, segRelSe, segErr;
        std::vector<int> segShort, segLowFs;
        std::vector<double> segDtErr, segSe;
        for (auto seed = std::strtoull(argv[2], nullptr, 10); seed <= std::strtoull(argv[3], nullptr, 10); ++seed) {
            const auto c = caseFor(seed);
            const auto o = evaluate(c);
            if (!o.error.empty()) std::cout << seed << " exception " << o.error << "\n";
            for (std::size_t k = 0; k < o.sites.size(); ++k) {
                const auto& s = o.sites[k];
                if (!s.goal) {   // below 20 x noise: a confident onset here breaks the "onset uncertain" rule
                    if (s.found && !s.uncertainFlag)
                        std::cout << seed << " " << familyName(c.family) << " " << c.sites[k].name << " LOW-SNR CONFIDENT err " << s.onsetErrorMs
                                  << " peak/noise " << c.sites[k].peakAbsUv / c.sites[k].effectiveNoiseUv << "\n";
                    continue;
                }
                if (s.found && !s.uncertainFlag) signedErr[static_cast<std::size_t>(c.family)].push_back(s.onsetErrorMs);
                if (std::getenv("DUMP_FLAGGED") && s.found && s.uncertainFlag)   // every flagged goal site (to count a change's cost)
                    std::cout << seed << " " << familyName(c.family) << " " << c.sites[k].name << " FLAGGED err " << s.onsetErrorMs << "\n";
                const bool badOnset = !s.found || std::fabs(s.onsetErrorMs) > 0.10;
                const bool badAmp = s.found && std::fabs(s.amplitudeErrorPct) > (c.motor ? 2.0 : 10.0);
                if (badOnset || badAmp)
                    std::cout << seed << " " << familyName(c.family) << " " << layoutName(c.layout) << " " << c.sites[k].name
                              << (s.found ? "" : " MISSED") << " err " << s.onsetErrorMs << " amp% " << s.amplitudeErrorPct << " ampZ " << s.amplitudeZ
                              << (s.uncertainFlag ? " uncertain" : "") << (c.sites[k].lastSweepTruncated ? " cut" : "") << " n "
                              << c.sites[k].sweeps << " fs " << c.sampleRateHz << "\n";
            }
            if (std::getenv("DUMP_AMP"))   // one line per confident goal site, for an offline calibration of the amplitude SEs
                for (std::size_t k = 0; k < o.sites.size(); ++k) {
                    const auto& s = o.sites[k];
                    if (!s.goal || !s.found || s.uncertainFlag) continue;
                    std::cout << "AMP " << seed << " " << k << " " << c.sampleRateHz << " " << c.sites[k].sweeps << " " << s.amplitudeErrorPct << " "
                              << s.amplitudeZ << " " << s.amplitudeSeUv / c.sites[k].amplitudeUv * 100.0 << " " << c.sites[k].amplitudeUv / c.sites[k].effectiveNoiseUv
                              << " " << s.riseMs << " " << c.motor << " " << familyName(c.family) << "\n";
                }
            if (std::getenv("DUMP_SITES"))   // one line per site and per segment, for an offline calibration of the onset SEs
                for (std::size_t k = 0; k < o.sites.size(); ++k) {
                    const auto& s = o.sites[k];
                    std::cout << "SITE " << seed << " " << familyName(c.family) << " " << k << " " << c.sampleRateHz << " " << s.goal << " " << s.found
                              << " " << s.uncertainFlag << " " << s.onsetErrorMs << " " << s.onsetSeMs << " " << s.riseMs << " " << s.signalToNoise
                              << " " << c.sites[k].onsetMs << " " << c.sites[k].peakAbsUv / c.sites[k].effectiveNoiseUv << "\n";
                    if (k + 1 < o.sites.size())
                        std::cout << "SEG " << seed << " " << k << " " << o.segments[k].mm << " " << o.segments[k].goal << " " << o.segments[k].cvErrorPct
                                  << " " << c.sites[k + 1].onsetMs - c.sites[k].onsetMs << "\n";
                }
            for (std::size_t k = 0; k < o.segments.size(); ++k) {   // CV misses: goal segments beyond 3 % (>= 200 mm) or 5 % (80-120 mm)
                const auto& g = o.segments[k];
                const double lim = g.mm >= 200.0 ? 3.0 : g.mm <= 120.0 ? 5.0 : 0.0;
                if (!g.goal || lim == 0.0 || std::fabs(g.cvErrorPct) <= lim) continue;
                const auto& a = o.sites[k];
                const auto& b = o.sites[k + 1];
                std::cout << seed << " " << familyName(c.family) << " CV " << c.sites[k].name << "-" << c.sites[k + 1].name << " mm " << g.mm
                          << " cv% " << g.cvErrorPct << " dt " << c.sites[k + 1].onsetMs - c.sites[k].onsetMs << " ms onset errs " << a.onsetErrorMs
                          << " " << b.onsetErrorMs << " SEs " << a.onsetSeMs << " " << b.onsetSeMs << " z "
                          << (b.onsetErrorMs - a.onsetErrorMs) / std::hypot(a.onsetSeMs, b.onsetSeMs) << " fs " << c.sampleRateHz << " CV 95 % half width "
                          << g.cvHalfWidthPct << " %" << (g.velocityUncertain ? " VELOCITY UNCERTAIN" : "") << "\n";
            }
            for (std::size_t k = 0; k < o.segments.size(); ++k) {   // calibration of the onset SEs: z of the onset-difference error
                const auto& g = o.segments[k];
                const auto& a = o.sites[k];
                const auto& b = o.sites[k + 1];
                if (!g.goal || !(a.onsetSeMs > 0.0) || !(b.onsetSeMs > 0.0)) continue;
                const double dt = c.sites[k + 1].onsetMs - c.sites[k].onsetMs;
                segZ.push_back((b.onsetErrorMs - a.onsetErrorMs) / std::hypot(a.onsetSeMs, b.onsetSeMs));
                segRelSe.push_back(std::hypot(a.onsetSeMs, b.onsetSeMs) / dt * 100.0);
                segShort.push_back(g.mm <= 120.0 ? 1 : g.mm >= 200.0 ? 2 : 0);
                segErr.push_back(g.cvErrorPct);
                segLowFs.push_back(c.sampleRateHz < 10000.0);
                segDtErr.push_back(b.onsetErrorMs - a.onsetErrorMs);
                segSe.push_back(std::hypot(a.onsetSeMs, b.onsetSeMs));
            }
        }
        if (!segZ.empty()) {   // z = onset-difference error / its SE: SD 1 if the SEs are right; CV within the goal vs 2.5 SE
            double ss = 0.0;
            std::size_t beyond = 0;
            for (double z : segZ) {
                ss += z * z;
                beyond += std::fabs(z) > 2.5;
            }
            std::cout << "segment z: n " << segZ.size() << " rms " << std::sqrt(ss / static_cast<double>(segZ.size())) << " |z| > 2.5: " << beyond << "\n";
            for (int low : {1, 0}) {   // the onset-difference error's rms against the rms of its SE, by sample rate
                double e2 = 0.0, s2 = 0.0, z2 = 0.0;
                std::size_t n = 0;
                for (std::size_t i = 0; i < segZ.size(); ++i)
                    if (segLowFs[i] == low) {
                        e2 += segDtErr[i] * segDtErr[i];
                        s2 += segSe[i] * segSe[i];
                        z2 += segZ[i] * segZ[i];
                        ++n;
                    }
                if (n == 0) continue;
                const double nn = static_cast<double>(n);
                std::cout << (low ? "  fs < 10 kHz" : "  fs >= 10 kHz") << ": n " << n << " onset-difference error rms " << std::sqrt(e2 / nn) << " ms, SE rms "
                          << std::sqrt(s2 / nn) << " ms, z rms " << std::sqrt(z2 / nn) << "\n";
            }
            for (int kind : {1, 2}) {
                const double goal = kind == 1 ? 5.0 : 3.0;
                std::size_t n = 0, wide = 0, wideMiss = 0, narrowMiss = 0;
                for (std::size_t i = 0; i < segZ.size(); ++i) {
                    if (segShort[i] != kind) continue;
                    ++n;
                    const bool isWide = 2.5 * segRelSe[i] > 5.0, miss = std::fabs(segErr[i]) > goal;
                    wide += isWide;
                    wideMiss += isWide && miss;
                    narrowMiss += !isWide && miss;
                }
                std::cout << (kind == 1 ? "80-120 mm" : ">= 200 mm") << ": n " << n << " 2.5 SE wider than 5 %: " << wide << " (misses among them "
                          << wideMiss << "), misses among the others " << narrowMiss << "\n";
            }
        }
        for (int f = 0; f < kFamilyCount; ++f) {   // signed onset error per family: bias and spread
            auto v = signedErr[static_cast<std::size_t>(f)];
            if (v.empty()) continue;
            std::sort(v.begin(), v.end());
            auto q = [&](double p) { return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))]; };
            std::cout << "signed " << familyName(static_cast<Family>(f)) << " n " << v.size() << " p2.5 " << q(0.025) << " p25 " << q(0.25)
                      << " median " << q(0.5) << " p75 " << q(0.75) << " p97.5 " << q(0.975) << "\n";
        }
        return 0;
    }
    if (argc >= 4 && std::string(argv[1]) == "mc") {   // mc SEED SITE [N]: the take-off finder alone on the noise-free sweep + N noise draws
        const auto seed = std::strtoull(argv[2], nullptr, 10);
        const std::string site = argv[3];
        const int draws = argc > 4 ? std::atoi(argv[4]) : 200;
        const auto c = caseFor(seed);
        CaseOptions clean = baseOptions(seed);
        clean.forceFamily = true;
        clean.family = c.family;
        clean.responseOnly = true;
        const auto cc = makeCase(seed, clean);
        std::size_t k = 0;
        while (k < c.sites.size() && c.sites[k].name != site) ++k;
        if (k == c.sites.size()) return 1;
        const auto& t = c.sites[k];
        std::int64_t at = -1;
        for (std::size_t i = 0; i < cc.recording.annotations.size() && at < 0; ++i)
            if (cc.recording.annotations[i].text == "Stim " + site) at = std::llround(cc.recording.annotations[i].onsetSec * c.sampleRateHz);
        const auto& raw = cc.recording.channels.front().samples;
        emg::dsp::Sweep clean0;
        clean0.sampleRateHz = c.sampleRateHz;
        clean0.preSamples = static_cast<std::size_t>(0.005 * c.sampleRateHz);
        for (std::int64_t j = at - static_cast<std::int64_t>(clean0.preSamples); j < at + static_cast<std::int64_t>(0.05 * c.sampleRateHz) && j < static_cast<std::int64_t>(raw.size()); ++j)
            clean0.uv.push_back(raw[static_cast<std::size_t>(j)]);
        const double fromMs = std::max(c.artifactMs + 1.5, t.onsetMs - 3.0);
        const auto from = static_cast<std::size_t>(clean0.sampleAt(fromMs));
        std::mt19937_64 g(seed);
        std::normal_distribution<double> nd(0.0, t.effectiveNoiseUv);
        std::vector<double> err;
        for (int d = 0; d <= draws; ++d) {
            auto sw = clean0;
            if (d > 0)
                for (auto& v : sw.uv) v += nd(g);
            emg::dsp::TakeoffSettings ts;
            if (const char* v = std::getenv("MC_UPSD")) ts.fitUpSd = std::atof(v);
            if (const char* v = std::getenv("MC_UPFRAC")) ts.fitUpFraction = std::atof(v);
            if (const char* v = std::getenv("MC_BACK")) ts.fitBackMs = std::atof(v);
            const auto r = emg::dsp::findTakeoff(sw, 0.0, t.effectiveNoiseUv, from, sw.uv.size(), ts);
            const double e = r ? sw.timeMs(r->sample) - t.onsetMs : 99.0;
            if (d == 0) std::cout << "noise-free sweep: err " << e << " ms (p " << (r ? r->fitPower : 0) << ")\n";
            else err.push_back(e);
        }
        std::sort(err.begin(), err.end());
        double mean = 0.0, ss = 0.0;
        for (double e : err) mean += e;
        mean /= static_cast<double>(err.size());
        for (double e : err) ss += (e - mean) * (e - mean);
        auto q = [&](double p) { return err[static_cast<std::size_t>(p * static_cast<double>(err.size() - 1))]; };
        std::cout << c.describe() << "\n" << site << " " << draws << " draws at noise " << t.effectiveNoiseUv << ": mean " << mean << " sd "
                  << std::sqrt(ss / static_cast<double>(err.size())) << " min " << err.front() << " p2.5 " << q(0.025) << " median " << q(0.5)
                  << " p97.5 " << q(0.975) << " max " << err.back() << "\n";
        return 0;
    }
    for (int a = 1; a < argc; ++a) {
        const auto c = caseFor(std::strtoull(argv[a], nullptr, 10));
        std::cout << c.describe() << "\n";
        auto st = evalSettings(c.motor);
        // a file of contiguous segments (records at the stimulus): one analysis of the whole file, as
        // the harness does (NCS_PER_SEGMENT=1: each segment alone)
        const char* perSegmentEnv = std::getenv("NCS_PER_SEGMENT");
        const bool segmented = !c.recording.segments.empty() && perSegmentEnv && std::string(perSegmentEnv) == "1";
        for (std::size_t g = 0; g < (segmented ? c.recording.segments.size() : 1); ++g) try {
            const auto p = emg::dsp::prepareSignal(segmented ? emg::segmentRecording(c.recording, g) : c.recording, std::nullopt, st);
            const auto offset = static_cast<std::int64_t>(segmented ? emg::segmentFirstSample(c.recording, g, c.sampleRateHz) : 0);
            std::cout << "  sweepMains " << p.sweepMainsHz << " humRms " << p.humRmsUv << "\n";
            const auto sites = emg::dsp::analyzeSites(p, st);
            for (const auto& t : c.sites)
                for (const auto& s : sites) {
                    if (s.site != t.name) continue;
                    const auto& r = s.response;
                    std::cout << "  " << t.name << " truth on " << t.onsetMs << " amp " << t.amplitudeUv << " noise " << t.effectiveNoiseUv
                              << " | found " << r.found << " on " << r.measures.onsetLatencyMs << " (err "
                              << (r.found ? r.measures.onsetLatencyMs - t.onsetMs : 0.0) << ") amp " << r.measures.amplitudeUv << " (err % "
                              << (r.found ? (r.measures.amplitudeUv / t.amplitudeUv - 1) * 100 : 0.0) << ", SE " << r.measures.amplitudeSeUv << " of it peak "
                              << r.measures.peakSeUv << ") noise " << s.noiseRmsUv
                              << " hum " << s.humFittedUv << " snr " << r.signalToNoise << (r.onsetUncertain ? " UNCERTAIN" : "")
                              << " art " << r.provenance.artifactEndMs << " used " << s.averaged.usedIndices.size()
                              << (r.initialPositive ? " initialPositive" : "") << "\n";
                    if (std::getenv("DUMP_FITS")) {   // each sweep's baseline model: residual rms and hum fundamental
                        std::vector<double> noise, hum;
                        emg::dsp::measurementSweeps(p, t.name, st, nullptr, &noise, &hum);
                        std::cout << "    sweeps (noise/hum uV):";
                        for (std::size_t k = 0; k < noise.size(); ++k) std::cout << " " << noise[k] << "/" << hum[k];
                        std::cout << "\n";
                        // Each sweep alone (as a site with <= 3 sweeps is fitted): at 50 and 60 Hz,
                        // response end, hum harmonics fitted / wanted, residual rms.
                        std::vector<std::int64_t> at;
                        for (const auto& m : p.stimuli)
                            if (m.site == t.name) at.push_back(m.sampleIndex);
                        for (double hz : {50.0, 60.0}) {
                            std::cout << "    alone " << hz << " Hz (end ms, harmonics, noise, hum):";
                            for (auto w : emg::dsp::cutSweeps(p.rawUv, p.sampleRateHz, at, st.sweep)) {
                                const auto b = emg::dsp::removeSweepBaseline(w, emg::dsp::SweepBaselineSettings{hz});
                                std::cout << " [" << b.responseEndMs << " " << b.humHarmonics << "/" << b.humHarmonicsWanted << " " << b.noiseRmsUv << " "
                                          << b.humAmplitudeUv << "]";
                                if (std::getenv("DUMP_RESID")) {   // residual rms per 2.5 ms
                                    std::cout << "\n      resid:";
                                    const auto step = static_cast<std::size_t>(2.5e-3 * w.sampleRateHz);
                                    for (std::size_t i = 0; i + step <= w.uv.size(); i += step) {
                                        double ss = 0.0;
                                        for (std::size_t k = i; k < i + step; ++k) ss += w.uv[k] * w.uv[k];
                                        std::cout << " " << static_cast<int>(std::sqrt(ss / static_cast<double>(step)));
                                    }
                                    std::cout << "\n";
                                }
                            }
                            std::cout << "\n";
                        }
                    }
                    if (std::getenv("DUMP_WAVE") && t.name == std::getenv("DUMP_WAVE")) {
                        // The measured sweep, DUMP_FROM..DUMP_MS ms, less its baseline, and the noise-free one
                        // (the same case with only the responses and the artifact) at the same samples.
                        const auto& w = s.averaged.average;
                        const double toMs = std::getenv("DUMP_MS") ? std::atof(std::getenv("DUMP_MS")) : 5.0;
                        const double fromMs = std::getenv("DUMP_FROM") ? std::atof(std::getenv("DUMP_FROM")) : 0.0;
                        CaseOptions clean = baseOptions(c.seed);
                        if (c.family != makeCase(c.seed, clean).family) {
                            clean.forceFamily = true;
                            clean.family = c.family;
                        }
                        clean.responseOnly = true;
                        const auto cc = makeCase(c.seed, clean);
                        std::int64_t at = -1;
                        for (const auto& m : p.stimuli)
                            if (m.site == t.name && at < 0) at = m.sampleIndex + offset;
                        const auto& raw = cc.recording.channels.front().samples;
                        if (std::getenv("DUMP_DIFF")) {   // measured - baseline - noise-free, mean per 1 ms over the whole sweep
                            std::cout << "    residual per ms from " << w.timeMs(0.0) << " ms:";
                            const auto per = static_cast<std::size_t>(1e-3 * w.sampleRateHz);
                            for (std::size_t i0 = 0; i0 + per <= w.uv.size(); i0 += per) {
                                double sum = 0.0;
                                for (std::size_t i = i0; i < i0 + per; ++i) {
                                    const auto j = at + static_cast<std::int64_t>(i) - static_cast<std::int64_t>(w.preSamples);
                                    const double clean0 = j >= 0 && j < static_cast<std::int64_t>(raw.size()) ? raw[static_cast<std::size_t>(j)] : 0.0;
                                    sum += w.uv[i] - r.provenance.markers.baselineUv - clean0;
                                }
                                std::cout << " " << std::lround(10.0 * sum / static_cast<double>(per)) / 10.0;
                            }
                            std::cout << "\n";
                        }
                        std::cout << "    t ms | measured - baseline | noise-free\n";
                        for (std::size_t i = w.preSamples; i < w.uv.size() && w.timeMs(static_cast<double>(i)) <= toMs; ++i) {
                            if (w.timeMs(static_cast<double>(i)) < fromMs) continue;
                            const auto j = at + static_cast<std::int64_t>(i - w.preSamples);
                            std::cout << "    " << w.timeMs(static_cast<double>(i)) << " " << w.uv[i] - r.provenance.markers.baselineUv << " "
                                      << (j >= 0 && j < static_cast<std::int64_t>(raw.size()) ? raw[static_cast<std::size_t>(j)] : 0.0) << "\n";
                        }
                    }
                    if (!r.note.empty()) std::cout << "    note: " << r.note << "\n";
                    for (const auto& w : s.warnings) std::cout << "    warn: " << w << "\n";
                }
        } catch (const std::exception& e) {
            std::cout << "  error: " << e.what() << "\n";
        }
    }
    return 0;
}

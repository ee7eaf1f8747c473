// Looks at single cases of the NCS onset accuracy harness: for each seed given, the generated
// case (truth per site) and what the engine measured there (onset, amplitude, noise, notes and
// warnings). For development seeds only while changing the engine (held-out seeds are reported,
// never looked at). Usage: bench_ncs_case_dump SEED [SEED ...]
//        bench_ncs_case_dump scan FIRST LAST: one line per goal site outside the goals (onset error
//        beyond 0.10 ms, amplitude beyond 2 % motor / 10 % sensory), or missed, and per site below
//        20 x noise given a confident onset.
#include "ncs_accuracy_eval.h"

#include <emg/dsp/ncs_analysis.h>
#include <emg/dsp/sweep_baseline.h>

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <algorithm>
#include <cmath>
#include <vector>
#include <iostream>
#include <string>

using namespace emg::ncsgen;

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::warn);
    if (argc < 2) {
        std::cout << "usage: bench_ncs_case_dump SEED [SEED ...] | scan FIRST LAST  (DUMP_WAVE=s2 DUMP_MS=10: the measured sweep)\n";
        return 0;
    }
    if (argc == 4 && std::string(argv[1]) == "scan") {
        std::vector<std::vector<double>> signedErr(kFamilyCount);
        for (auto seed = std::strtoull(argv[2], nullptr, 10); seed <= std::strtoull(argv[3], nullptr, 10); ++seed) {
            const auto c = makeCase(seed);
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
                const bool badOnset = !s.found || std::fabs(s.onsetErrorMs) > 0.10;
                const bool badAmp = s.found && std::fabs(s.amplitudeErrorPct) > (c.motor ? 2.0 : 10.0);
                if (badOnset || badAmp)
                    std::cout << seed << " " << familyName(c.family) << " " << layoutName(c.layout) << " " << c.sites[k].name
                              << (s.found ? "" : " MISSED") << " err " << s.onsetErrorMs << " amp% " << s.amplitudeErrorPct
                              << (s.uncertainFlag ? " uncertain" : "") << (c.sites[k].lastSweepTruncated ? " cut" : "") << " n "
                              << c.sites[k].sweeps << " fs " << c.sampleRateHz << "\n";
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
    for (int a = 1; a < argc; ++a) {
        const auto c = makeCase(std::strtoull(argv[a], nullptr, 10));
        std::cout << c.describe() << "\n";
        auto st = emg::dsp::ncsSettingsFor(c.motor ? emg::dsp::NcsTest::Motor : emg::dsp::NcsTest::Sensory);
        try {
            const auto p = emg::dsp::prepareSignal(c.recording, std::nullopt, st);
            std::cout << "  sweepMains " << p.sweepMainsHz << " humRms " << p.humRmsUv << "\n";
            const auto sites = emg::dsp::analyzeSites(p, st);
            for (const auto& t : c.sites)
                for (const auto& s : sites) {
                    if (s.site != t.name) continue;
                    const auto& r = s.response;
                    std::cout << "  " << t.name << " truth on " << t.onsetMs << " amp " << t.amplitudeUv << " noise " << t.effectiveNoiseUv
                              << " | found " << r.found << " on " << r.measures.onsetLatencyMs << " (err "
                              << (r.found ? r.measures.onsetLatencyMs - t.onsetMs : 0.0) << ") amp " << r.measures.amplitudeUv << " (err % "
                              << (r.found ? (r.measures.amplitudeUv / t.amplitudeUv - 1) * 100 : 0.0) << ") noise " << s.noiseRmsUv
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
                    if (std::getenv("DUMP_WAVE") && t.name == std::getenv("DUMP_WAVE")) {   // the measured sweep, 0..DUMP_MS ms
                        const auto& w = s.averaged.average;
                        const double toMs = std::getenv("DUMP_MS") ? std::atof(std::getenv("DUMP_MS")) : 5.0;
                        for (std::size_t i = w.preSamples; i < w.uv.size() && w.timeMs(static_cast<double>(i)) <= toMs; ++i)
                            std::cout << "    " << w.timeMs(static_cast<double>(i)) << " " << w.uv[i] << "\n";
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

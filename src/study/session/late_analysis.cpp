#include <emg/study/late_analysis.h>

#include <emg/dsp/ncs_measures.h>

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace emg::study {

const char* toString(LateMode mode) noexcept {
    switch (mode) {
        case LateMode::FWave: return "F-wave";
        case LateMode::Rns: return "RNS";
        case LateMode::HReflex: return "H-reflex";
        case LateMode::Supramaximal: return "Supramaximal";
    }
    return "?";
}

std::optional<TestKind> testKindOf(LateMode mode) noexcept {
    switch (mode) {
        case LateMode::FWave: return TestKind::FWave;
        case LateMode::HReflex: return TestKind::HReflex;
        case LateMode::Rns: return TestKind::Rns;
        case LateMode::Supramaximal: return std::nullopt;
    }
    return std::nullopt;
}

dsp::NcsAnalysisSettings lateSettingsFor(LateMode mode) {
    switch (mode) {
        case LateMode::FWave: return dsp::ncsSettingsFor(dsp::NcsTest::FWave);
        case LateMode::Rns: return dsp::ncsSettingsFor(dsp::NcsTest::Rns);
        case LateMode::HReflex: return dsp::ncsSettingsFor(dsp::NcsTest::HReflex);
        case LateMode::Supramaximal: return dsp::ncsSettingsFor(dsp::NcsTest::Motor);
    }
    return dsp::ncsSettingsFor(dsp::NcsTest::Motor);
}

std::optional<double> stimulusIntensityMa(const StimulusEvent& event) {
    if (event.deliveredMa > 0) return event.deliveredMa;
    if (event.intensityMa > 0) return event.intensityMa;
    return std::nullopt;
}

LateAnalysis analyzeLateSeries(LateMode mode, std::span<const dsp::Sweep> rawSweeps, std::span<const StimulusEvent> events) {
    LateAnalysis out;
    out.mode = mode;
    if (rawSweeps.empty()) return out;   // nothing to measure yet: not an error
    std::size_t first = 0;
    if (mode == LateMode::Rns)
        for (std::size_t k = 0; k < events.size() && k < rawSweeps.size(); ++k)
            if (events[k].trainIndex == 0) first = k;
    const auto raw = rawSweeps.subspan(first);
    for (std::size_t k = first; k < rawSweeps.size(); ++k)
        out.intensitiesMa.push_back(k < events.size() ? stimulusIntensityMa(events[k]) : std::nullopt);

    const auto settings = lateSettingsFor(mode);
    try {
        return analyzePreparedSweeps(mode, prepareLateSweeps(raw, settings), std::move(out.intensitiesMa));
    } catch (const std::exception& e) {
        out.error = e.what();
        spdlog::warn("late responses ({}): {}", toString(mode), e.what());
    }
    return out;
}

LateAnalysis analyzePreparedSweeps(LateMode mode, PreparedSweeps prepared, std::vector<std::optional<double>> intensitiesMa) {
    LateAnalysis out;
    out.mode = mode;
    out.prepared = std::move(prepared);
    out.intensitiesMa = std::move(intensitiesMa);
    out.intensitiesMa.resize(out.prepared.sweeps.size());
    if (out.prepared.sweeps.empty()) return out;
    const auto settings = lateSettingsFor(mode);
    try {
        const auto& sweeps = out.prepared.sweeps;
        switch (mode) {
            case LateMode::FWave: {
                dsp::FWaveSettings fs;
                fs.mDetection = settings.detection;
                out.fwave = dsp::analyzeFWaves(sweeps, fs);
                break;
            }
            case LateMode::Rns: out.rns = dsp::analyzeRns(sweeps, settings.detection); break;
            case LateMode::HReflex: out.hreflex = dsp::analyzeHReflex(sweeps, out.intensitiesMa); break;
            case LateMode::Supramaximal: {
                std::vector<dsp::SupramaxPoint> points;
                for (std::size_t k = 0; k < sweeps.size(); ++k) {
                    if (!out.intensitiesMa[k]) continue;
                    const auto r = dsp::detectResponse(sweeps[k], settings.detection);
                    points.push_back({*out.intensitiesMa[k], r.found ? r.measures.amplitudeUv : 0.0, sweeps[k].index});
                }
                out.supramax = dsp::findSupramaximal(std::move(points));
                break;
            }
        }
    } catch (const std::exception& e) {
        out.error = e.what();
        spdlog::warn("late responses ({}): {}", toString(mode), e.what());
    }
    return out;
}

}  // namespace emg::study

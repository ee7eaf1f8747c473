// The measurement-name registry (emg/study/measurement_names.h): one row per quantity.
#include <emg/study/measurement_names.h>

#include <stdexcept>

namespace emg::study {

namespace {

// name, unit, decimals, title, normative key, CLI key (where it differs), older spellings
const std::vector<MeasurementName>& table() {
    static const std::vector<MeasurementName> rows = {
        // nerve conduction: per stimulation site
        {"distalLatencyMs", "ms", 2, "Distal latency", "distalLatencyMs", "", {}},
        {"onsetLatencyMs", "ms", 2, "Onset latency", "", "", {}},
        {"latencyMs", "ms", 2, "Latency", "", "", {}},
        {"peakLatencyMs", "ms", 2, "Peak latency", "peakLatencyMs", "", {}},
        {"amplitudeMv", "mV", 1, "Amplitude", "", "", {}},
        {"amplitudeUv", "uV", 1, "Amplitude", "amplitudeUv", "", {}},
        {"peakToPeakUv", "uV", 1, "Peak to peak", "", "", {}},
        {"peakToPeakMv", "mV", 1, "Peak to peak", "", "", {}},
        {"durationMs", "ms", 2, "Duration", "", "negativeDurationMs", {}},
        {"areaUvMs", "uV*ms", 1, "Area", "", "negativeAreaUvMs", {}},
        {"areaMvMs", "mV*ms", 2, "Area", "", "", {}},
        {"conductionVelocityMps", "m/s", 1, "Conduction velocity", "conductionVelocityMps", "conductionVelocityMPerS",
         {"conductionVelocityMPerS", "conductionVelocityMperS"}},
        {"amplitudeDropPct", "%", 1, "Amplitude drop", "", "amplitudeDropPercent", {"amplitudeDropPercent"}},
        {"areaDropPct", "%", 1, "Area drop", "areaDropPct", "areaDropPercent", {"areaDropPercent"}},
        {"durationIncreasePct", "%", 1, "Duration increase", "", "durationIncreasePercent", {"durationIncreasePercent"}},
        // nerve conduction: comparisons that have reference limits
        {"distalLatencyDiffMs", "ms", 2, "Distal latency difference", "distalLatencyDiffMs", "", {}},
        {"peakLatencyDiffMs", "ms", 2, "Peak latency difference", "peakLatencyDiffMs", "", {}},
        {"acrossElbowVelocityMps", "m/s", 1, "Across-elbow velocity", "acrossElbowVelocityMps", "", {"acrossElbowVelocityMPerS"}},
        {"acrossElbowSlowingMps", "m/s", 1, "Across-elbow slowing", "acrossElbowSlowingMps", "", {"acrossElbowSlowingMPerS"}},
        // F waves
        {"fMinLatencyMs", "ms", 2, "F min latency", "fMinLatencyMs", "minLatencyMs", {}},
        {"fMeanLatencyMs", "ms", 2, "F mean latency", "", "meanLatencyMs", {}},
        {"fMaxLatencyMs", "ms", 2, "F max latency", "", "maxLatencyMs", {}},
        {"persistencePct", "%", 1, "Persistence", "", "persistencePercent", {"persistencePercent"}},
        {"chronodispersionMs", "ms", 2, "Chronodispersion", "", "", {}},
        {"mLatencyMs", "ms", 2, "M latency", "", "", {}},
        {"mAmplitudeUv", "uV", 1, "M amplitude", "", "", {}},
        // H reflex
        {"hLatencyMs", "ms", 2, "H latency", "hLatencyMs", "", {}},
        {"hAmplitudeUv", "uV", 1, "H amplitude", "", "hMaxUv", {}},
        {"hmRatio", "ratio", 3, "H/M ratio", "", "hmRatio", {"hMRatio"}},
        {"hLatencySideDiffMs", "ms", 2, "H latency side difference", "hLatencySideDiffMs", "", {}},
        {"hAmplitudeSideRatio", "ratio", 2, "H amplitude side ratio", "hAmplitudeSideRatio", "", {}},
        // side to side (derived from both sides of a nerve; emg/study/evaluation.h ncsSideToSide)
        {"amplitudeSideRatio", "ratio", 2, "Amplitude side ratio", "amplitudeSideRatio", "", {}},
        {"fMinLatencySideDiffMs", "ms", 2, "F min latency side difference", "fMinLatencySideDiffMs", "", {}},
        // repetitive nerve stimulation
        {"rateHz", "Hz", 1, "Rate", "", "", {}},
        {"decrement4AmplitudePct", "%", 1, "Decrement 4th amplitude", "", "decrement4AmplitudePercent", {"decrement4AmplitudePercent"}},
        {"decrement4AreaPct", "%", 1, "Decrement 4th area", "", "decrement4AreaPercent", {"decrement4AreaPercent"}},
        {"decrement5AmplitudePct", "%", 1, "Decrement 5th amplitude", "", "decrement5AmplitudePercent", {"decrement5AmplitudePercent"}},
        {"decrement5AreaPct", "%", 1, "Decrement 5th area", "", "decrement5AreaPercent", {"decrement5AreaPercent"}},
        {"decrementPct", "%", 1, "Decrement", "decrementPct", "maxDecrementAmplitudePercent", {"decrementPercent"}},
        // a later train's first response against its site's first train's (after exercise: the facilitation)
        {"firstResponseChangePct", "%", 0, "1st response vs 1st train", "", "firstResponseChangePercent", {"firstResponseChangePercent"}},
        // needle EMG: spontaneous activity and the MUAP set
        {"fibrillationRatePerS", "1/s", 2, "Fibrillation rate", "", "ratePerSec", {"fibrillationRatePerSec"}},
        {"positiveSharpWaveRatePerS", "1/s", 2, "Positive sharp wave rate", "", "ratePerSec", {"positiveSharpWaveRatePerSec"}},
        {"fasciculationRatePerMin", "1/min", 1, "Fasciculation rate", "", "", {}},
        {"muapAmplitudeUv", "uV", 0, "MUAP amplitude", "", "meanAmplitudeUv", {}},
        {"muapDurationMs", "ms", 1, "MUAP duration", "", "meanDurationMs", {}},
        {"polyphasicPct", "%", 0, "Polyphasic MUAPs", "", "polyphasicPercent", {"polyphasicPercent"}},
        {"meanFiringRateHz", "Hz", 1, "Mean firing rate", "", "meanRateHz", {}},
        {"maxFiringRateHz", "Hz", 1, "Max firing rate", "", "maxRateHz", {}},
    };
    return rows;
}

}  // namespace

std::span<const MeasurementName> measurementNames() noexcept { return table(); }

const MeasurementName* findMeasurementName(std::string_view nameOrAlias) noexcept {
    for (const auto& m : table())
        if (m.name == nameOrAlias) return &m;
    for (const auto& m : table())
        for (const auto& a : m.aliases)
            if (a == nameOrAlias) return &m;
    return nullptr;
}

std::string canonicalMeasurementName(std::string_view name) {
    const auto* m = findMeasurementName(name);
    return std::string(m ? m->name : name);
}

const MeasurementName& measurementName(std::string_view canonical) {
    for (const auto& m : table())
        if (m.name == canonical) return m;
    throw std::logic_error("measurement name '" + std::string(canonical) + "' is not in the registry (src/study/measurement_names.cpp)");
}

std::string_view cliKeyOf(std::string_view canonical) {
    const auto& m = measurementName(canonical);
    return m.cliKey.empty() ? m.name : m.cliKey;
}

std::string unitLabel(std::string_view unit) {
    if (unit == "uV") return "µV";
    if (unit == "uV*ms") return "µV·ms";
    if (unit == "mV*ms") return "mV·ms";
    if (unit == "1/s") return "/s";
    if (unit == "ratio") return "";
    return std::string(unit);
}

}  // namespace emg::study

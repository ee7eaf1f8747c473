// Preset nerves with typical normal adult values (sources in docs/simulator.md: Preston &
// Shapiro normal tables, Dumitru, AAEM/Buschbacher reference values).
#include "ncs_model.h"

#include <stdexcept>
#include <string>

namespace emg::sim {
namespace {

NerveConfig motor(std::string name, std::string label, std::string muscle, std::vector<StimulationSite> sites,
                  double dml, double cv, double ampUv, double fLatencyMs, double proxCv) {
    NerveConfig c;
    c.name = std::move(name);
    c.label = std::move(label);
    c.recordingSite = std::move(muscle);
    c.kind = NerveKind::Motor;
    c.sites = std::move(sites);
    c.distalLatencyMs = dml;
    c.conductionVelocityMps = cv;
    c.amplitudeUv = ampUv;
    c.negativeDurationMs = 5.5;
    c.positiveRatio = 0.45;
    c.amplitudeLossPer100Mm = 0.03;
    c.durationGainPer100Mm = 0.04;
    c.thresholdMa = 6.0;
    c.supramaximalMa = 25.0;
    c.proximalVelocityMps = proxCv;
    // distal site -> cord distance that gives the typical minimal F latency:
    // F = 2 D / v + turnaround + M onset
    c.spinalDistanceMm = (fLatencyMs - c.fTurnaroundMs - dml) / 2.0 * proxCv;
    return c;
}

NerveConfig sensory(std::string name, std::string label, std::string recording, std::vector<StimulationSite> sites,
                    double cv, double ampUv) {
    NerveConfig c;
    c.name = std::move(name);
    c.label = std::move(label);
    c.recordingSite = std::move(recording);
    c.kind = NerveKind::Sensory;
    c.sites = std::move(sites);
    c.distalLatencyMs = 0.0;
    c.conductionVelocityMps = cv;
    c.amplitudeUv = ampUv;
    c.negativeDurationMs = 1.5;
    c.positiveRatio = 0.5;
    c.amplitudeLossPer100Mm = 0.15;   // sensory potentials disperse and cancel much more
    c.durationGainPer100Mm = 0.10;
    c.thresholdMa = 4.0;
    c.supramaximalMa = 15.0;
    c.fPersistence = 0.0;
    return c;
}

}  // namespace

std::vector<std::string> nervePresetNames() {
    return {"median-motor",   "ulnar-motor",   "peroneal-motor", "tibial-motor",
            "tibial-h",       "median-sensory", "ulnar-sensory", "sural-sensory",
            "superficial-peroneal-sensory"};
}

NerveConfig nervePreset(std::string_view name) {
    if (name == "median-motor")
        return motor("median-motor", "Median motor (APB)", "APB", {{"wrist", 70}, {"elbow", 290}, {"axilla", 400}}, 3.4,
                     57.0, 8000.0, 27.0, 62.0);
    if (name == "ulnar-motor")
        return motor("ulnar-motor", "Ulnar motor (ADM)", "ADM",
                     {{"wrist", 70}, {"below-elbow", 280}, {"above-elbow", 380}}, 2.8, 60.0, 9000.0, 28.0, 62.0);
    if (name == "peroneal-motor") {
        auto c = motor("peroneal-motor", "Peroneal motor (EDB)", "EDB",
                       {{"ankle", 90}, {"below-fibular-head", 390}, {"popliteal-fossa", 490}}, 4.5, 48.0, 5000.0, 48.0,
                       55.0);
        c.supramaximalMa = 35.0;
        c.thresholdMa = 8.0;
        return c;
    }
    if (name == "tibial-motor") {
        auto c = motor("tibial-motor", "Tibial motor (AH)", "AH", {{"ankle", 90}, {"popliteal-fossa", 480}}, 4.5, 47.0,
                       10000.0, 50.0, 55.0);
        c.supramaximalMa = 40.0;
        c.thresholdMa = 9.0;
        return c;
    }
    if (name == "tibial-h") {
        auto c = motor("tibial-h", "Tibial H-reflex (soleus)", "Soleus", {{"popliteal-fossa", 200}}, 5.0, 50.0, 8000.0,
                       45.0, 55.0);
        c.fPersistence = 0.0;
        c.hReflex = true;
        c.hLatencyMs = 30.0;
        c.hMaxRatio = 0.35;
        c.thresholdMa = 8.0;
        c.supramaximalMa = 40.0;
        return c;
    }
    if (name == "median-sensory")
        return sensory("median-sensory", "Median sensory antidromic (digit 2)", "Digit 2",
                       {{"wrist", 140}, {"elbow", 370}}, 56.0, 30.0);
    if (name == "ulnar-sensory")
        return sensory("ulnar-sensory", "Ulnar sensory antidromic (digit 5)", "Digit 5",
                       {{"wrist", 140}, {"below-elbow", 350}}, 58.0, 25.0);
    if (name == "sural-sensory")
        return sensory("sural-sensory", "Sural sensory (lateral malleolus)", "Lateral malleolus",
                       {{"calf", 140}, {"mid-calf", 240}}, 48.0, 20.0);
    if (name == "superficial-peroneal-sensory")
        return sensory("superficial-peroneal-sensory", "Superficial peroneal sensory (ankle)", "Ankle",
                       {{"lateral-leg", 120}, {"upper-leg", 220}}, 50.0, 15.0);
    std::string known;
    for (const auto& n : nervePresetNames()) known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown nerve '" + std::string(name) + "' (known: " + known + ")");
}

}  // namespace emg::sim

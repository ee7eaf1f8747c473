#include <emg/dsp/filter_presets.h>

#include <emg/dsp/butterworth.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace emg::dsp {

namespace {
FilterPreset make(FilterPresetId id, const char* name, double hp, double lp, const char* source) {
    FilterPreset p;
    p.id = id;
    p.name = name;
    p.highPassHz = hp;
    p.lowPassHz = lp;
    p.source = source;
    return p;
}
std::string lower(std::string_view s) {
    std::string r(s);
    std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return r;
}
}  // namespace

FilterPreset filterPreset(FilterPresetId id) {
    switch (id) {
        case FilterPresetId::Motor: return make(id, "motor", 2.0, 10000.0, "Preston & Shapiro (nerve conduction studies); AANEM");
        case FilterPresetId::Sensory: return make(id, "sensory", 20.0, 2000.0, "Preston & Shapiro (nerve conduction studies); AANEM");
        case FilterPresetId::Needle: return make(id, "needle", 2.0, 10000.0, "Dumitru et al. (a 20 Hz low cut distorts MUAP duration)");
        case FilterPresetId::NeedleQuantitative: return make(id, "needle-quantitative", 10.0, 10000.0, "Stalberg et al. 1986 (quantitative MUAP analysis)");
        case FilterPresetId::FWave: return make(id, "fwave", 2.0, 10000.0, "motor settings (Preston & Shapiro late responses; Fisher 1992)");
        case FilterPresetId::HReflex: return make(id, "hreflex", 2.0, 10000.0, "motor settings (Preston & Shapiro late responses; Fisher 1992)");
        case FilterPresetId::Rns: return make(id, "rns", 2.0, 10000.0, "motor settings (AAEM practice parameter on RNS, 2001)");
        case FilterPresetId::SurfaceEmg: return make(id, "surface", 20.0, 450.0, "SENIAM (Hermens et al. 2000); De Luca et al. 2010 (20 Hz high-pass)");
    }
    throw std::invalid_argument("unknown filter preset");
}

FilterPreset filterPreset(std::string_view name) {
    const std::string n = lower(name);
    for (const auto& p : allFilterPresets())
        if (p.name == n) return p;
    if (n == "f-wave" || n == "f") return filterPreset(FilterPresetId::FWave);
    if (n == "h-reflex" || n == "h") return filterPreset(FilterPresetId::HReflex);
    if (n == "surface-emg" || n == "semg") return filterPreset(FilterPresetId::SurfaceEmg);
    throw std::invalid_argument("unknown filter preset '" + std::string(name) +
                                "' (motor, sensory, needle, needle-quantitative, fwave, hreflex, rns, surface)");
}

std::vector<FilterPreset> allFilterPresets() {
    std::vector<FilterPreset> v;
    for (auto id : {FilterPresetId::Motor, FilterPresetId::Sensory, FilterPresetId::Needle, FilterPresetId::NeedleQuantitative,
                    FilterPresetId::FWave, FilterPresetId::HReflex, FilterPresetId::Rns, FilterPresetId::SurfaceEmg})
        v.push_back(filterPreset(id));
    return v;
}

FilterChain buildFilter(const FilterPreset& preset, double sampleRateHz, double mainsHz) {
    if (!std::isfinite(sampleRateHz) || sampleRateHz <= 0.0)
        throw std::invalid_argument("filter preset '" + preset.name + "': sample rate must be positive");
    FilterChain chain;
    chain.cascade = BiquadCascade({}, sampleRateHz, "");
    const double maxLp = maxLowPassCornerHz(sampleRateHz);
    if (preset.highPassHz > 0.0) {
        if (preset.highPassHz >= maxLp)
            throw std::invalid_argument("filter preset '" + preset.name + "': high-pass corner above the usable band at this sample rate");
        chain.cascade.append(designButterworthHighPass(preset.highPassOrder, preset.highPassHz, sampleRateHz));
        chain.highPassHz = preset.highPassHz;
    }
    if (preset.lowPassHz > 0.0) {
        double lp = preset.lowPassHz;
        if (lp > maxLp) {
            std::ostringstream s;
            s << "low-pass " << lp << " Hz clamped to " << maxLp << " Hz (sample rate " << sampleRateHz << " Hz)";
            chain.adjustments.push_back(s.str());
            spdlog::info("filter preset '{}': {}", preset.name, s.str());
            lp = maxLp;
        }
        chain.cascade.append(designButterworthLowPass(preset.lowPassOrder, lp, sampleRateHz));
        chain.lowPassHz = lp;
    }
    const double notch = mainsHz > 0.0 ? mainsHz : preset.notchHz;
    if (notch > 0.0) {
        chain.cascade.append(designNotch(notch, sampleRateHz, preset.notchHarmonics));
        chain.notchHz = notch;
    }
    std::string d = chain.cascade.description();
    for (const auto& a : chain.adjustments) d += "; " + a;
    chain.cascade.setDescription(d.empty() ? "none" : d);
    return chain;
}

}  // namespace emg::dsp

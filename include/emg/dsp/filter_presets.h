#pragma once
// Filter settings per test as clinical guidelines recommend (sources in docs/measurements.md).
// A preset is a description (corners, orders, notch); `buildFilter` turns it into a cascade
// for a sample rate. When the sample rate is too low for the preset's low-pass corner (e.g.
// 10 kHz at 4 kHz sampling), the corner is clamped to 0.45 * sampleRateHz and the returned
// FilterChain says so in `adjustments` (and its description).

#include <emg/dsp/biquad.h>

#include <string>
#include <string_view>
#include <vector>

namespace emg::dsp {

enum class FilterPresetId { Motor, Sensory, Needle, NeedleQuantitative, FWave, HReflex, Rns, SurfaceEmg };

struct FilterPreset {
    FilterPresetId id = FilterPresetId::Motor;
    std::string name;            ///< "motor"
    double highPassHz = 0.0;     ///< 0 = none (DC)
    int highPassOrder = 2;
    double lowPassHz = 0.0;      ///< 0 = none
    int lowPassOrder = 2;
    double notchHz = 0.0;        ///< 0 = off (50 or 60 when on)
    int notchHarmonics = 3;
    std::string source;          ///< short citation, full reference in docs/measurements.md
};

struct FilterChain {
    BiquadCascade cascade;                 ///< HP, then LP, then notch
    double highPassHz = 0.0;               ///< as applied
    double lowPassHz = 0.0;                ///< as applied (after clamping)
    double notchHz = 0.0;
    std::vector<std::string> adjustments;  ///< e.g. "low-pass 10000 Hz clamped to 1800 Hz (fs 4000 Hz)"
    [[nodiscard]] const std::string& description() const noexcept { return cascade.description(); }
};

/// The preset for a test. Throws std::invalid_argument for an unknown name.
FilterPreset filterPreset(FilterPresetId id);
FilterPreset filterPreset(std::string_view name);   ///< "motor", "sensory", "needle", "fwave", "hreflex", "rns", "surface"
std::vector<FilterPreset> allFilterPresets();

/// Builds the chain for a sample rate; `mainsHz` (50/60, 0 = keep the preset's) switches the notch on.
FilterChain buildFilter(const FilterPreset& preset, double sampleRateHz, double mainsHz = 0.0);

}  // namespace emg::dsp

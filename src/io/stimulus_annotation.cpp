// Stimulus annotation text (emg/io/stimulus_annotation.h).
#include <emg/io/stimulus_annotation.h>

#include <charconv>
#include <cmath>

namespace emg::io {

std::string stimulusAnnotationText(const std::string& site, double mA) {
    if (!(mA > 0.0)) return "Stim " + site;
    char value[32];
    const auto r = std::to_chars(value, value + sizeof value, std::round(mA * 100.0) / 100.0);   // never a locale's comma
    return "Stim " + site + " " + std::string(value, r.ptr) + " mA";
}

}  // namespace emg::io

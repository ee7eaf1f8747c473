#include "units.h"

#include "edf_fields.h"

namespace emg::io::detail {

double microvoltsPerUnit(std::string_view unit) noexcept {
    std::string_view u = trimSpaces(unit);
    if (u.empty() || (u.back() != 'V' && u.back() != 'v')) return 0.0;
    u.remove_suffix(1);
    if (u.empty()) return 1e6;
    if (u == "u" || u == "U" || u == "\xC2\xB5" || u == "\xCE\xBC" || u == "\xB5") return 1.0;
    if (u == "m" || u == "M") return 1e3;
    if (u == "n" || u == "N") return 1e-3;
    if (u == "k" || u == "K") return 1e9;
    return 0.0;
}

std::string siVoltageSpelling(std::string_view unit) {
    const double f = microvoltsPerUnit(unit);
    if (f == 1.0) return "uV";
    if (f == 1e3) return "mV";
    if (f == 1e6) return "V";
    if (f == 1e-3) return "nV";
    if (f == 1e9) return "kV";
    return std::string(unit);
}

std::string degreesSpelledOut(std::string_view unit) {
    std::string out;
    for (std::size_t i = 0; i < unit.size(); ++i) {
        const auto c = static_cast<unsigned char>(unit[i]);
        if (c == 0xC2 && i + 1 < unit.size() && static_cast<unsigned char>(unit[i + 1]) == 0xB0) {
            out += "deg";
            ++i;
        } else if (c == 0xB0) {
            out += "deg";
        } else {
            out += unit[i];
        }
    }
    return out;
}

}  // namespace emg::io::detail

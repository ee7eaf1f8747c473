// adcWriteRange(): a channel written back on its file's own digital grid (see adc_grid.h).
#include "adc_grid.h"

#include "edf_fields.h"

#include <cmath>
#include <limits>
#include <string>

namespace emg::io::detail {

namespace {
struct Span {
    long long lo = 0, hi = 0;
    [[nodiscard]] long long width() const { return hi - lo; }
};

// The shift that puts `s` inside [tLo, tHi] (0 when it lies there already); nullopt when too wide.
std::optional<long long> shiftInto(Span s, long long tLo, long long tHi) {
    if (s.width() > tHi - tLo) return std::nullopt;
    if (s.lo >= tLo && s.hi <= tHi) return 0;
    return s.lo < tLo ? tLo - s.lo : tHi - s.hi;
}

std::optional<double> writtenField(double v) {
    try {
        return std::stod(formatFixedWidth(v, 8, Rounding::Nearest));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}
}  // namespace

std::optional<AdcWriteRange> adcWriteRange(const RecordedChannel& c, bool bdf) {
    if (!(c.adcStep != 0.0) || !std::isfinite(c.adcStep) || !std::isfinite(c.adcOffset) || c.samples.empty()) return std::nullopt;
    // a negative step (EDF's physical maximum below its minimum) as a positive one over negated integers
    const double sign = c.adcStep < 0 ? -1.0 : 1.0;
    const double step = std::fabs(c.adcStep);
    constexpr double kLimit = 9.0e15;   // integers a double holds exactly
    long long kLo = std::numeric_limits<long long>::max(), kHi = std::numeric_limits<long long>::min();
    for (double v : c.samples) {
        const double k = (v - c.adcOffset) / step;
        if (!std::isfinite(k) || std::fabs(k) > kLimit) return std::nullopt;
        const double r = std::nearbyint(k);
        if (std::fabs(k - r) > 1e-3) return std::nullopt;
        kLo = std::min(kLo, static_cast<long long>(r));
        kHi = std::max(kHi, static_cast<long long>(r));
    }
    const long long tLo = bdf ? -8388608 : -32768, tHi = bdf ? 8388607 : 32767;
    std::optional<Span> chosen;
    long long shift = 0;
    if (c.adcMin <= c.adcMax) {
        Span declared{sign > 0 ? c.adcMin : -c.adcMax, sign > 0 ? c.adcMax : -c.adcMin};
        if (declared.lo <= kLo && kHi <= declared.hi && declared.width() > 0)
            if (const auto s = shiftInto(declared, tLo, tHi)) chosen = declared, shift = *s;
    }
    if (!chosen) {
        const Span data{kLo, std::max(kHi, kLo + 1)};
        const auto s = shiftInto(data, tLo, tHi);
        if (!s) return std::nullopt;
        chosen = data;
        shift = *s;
    }
    const double pLo = c.adcOffset + static_cast<double>(chosen->lo) * step;
    const double pHi = c.adcOffset + static_cast<double>(chosen->hi) * step;
    const auto wLo = writtenField(pLo), wHi = writtenField(pHi);
    if (!wLo || !wHi || *wLo == *wHi) return std::nullopt;
    // the fields' rounding moves the line through them: at most 1/4 step at either end keeps every
    // sample's nearest integer its own
    if (std::fabs(*wLo - pLo) > 0.25 * step || std::fabs(*wHi - pHi) > 0.25 * step) return std::nullopt;
    AdcWriteRange r;
    r.digitalMin = static_cast<std::int32_t>(chosen->lo + shift);
    r.digitalMax = static_cast<std::int32_t>(chosen->hi + shift);
    r.physicalMin = *wLo;
    r.physicalMax = *wHi;
    return r;
}

}  // namespace emg::io::detail

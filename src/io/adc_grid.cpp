// adcWriteRange(): a channel written back on its file's own digital grid (see adc_grid.h).
#include "adc_grid.h"

#include "edf_fields.h"

#include <algorithm>
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

AdcGridScan::AdcGridScan(const RecordedChannel& c)
    : step_(std::fabs(c.adcStep)), offset_(c.adcOffset), onGrid_(c.adcStep != 0.0 && std::isfinite(c.adcStep) && std::isfinite(c.adcOffset)),
      kLo_(std::numeric_limits<long long>::max()), kHi_(std::numeric_limits<long long>::min()) {}

void AdcGridScan::add(const double* v, std::size_t n) {
    count_ += n;
    if (!onGrid_) return;
    constexpr double kLimit = 9.0e15;   // integers a double holds exactly
    for (std::size_t i = 0; i < n; ++i) {
        const double k = (v[i] - offset_) / step_;
        if (!std::isfinite(k) || std::fabs(k) > kLimit) { onGrid_ = false; return; }
        const double r = std::nearbyint(k);
        if (std::fabs(k - r) > 1e-3) { onGrid_ = false; return; }
        kLo_ = std::min(kLo_, static_cast<long long>(r));
        kHi_ = std::max(kHi_, static_cast<long long>(r));
    }
}

AdcGridScan AdcGridScan::ofIntegers(const RecordedChannel& c, long long lowest, long long highest) {
    AdcGridScan s(c);
    s.kLo_ = lowest;
    s.kHi_ = highest;
    s.count_ = 1;
    return s;
}

std::optional<AdcWriteRange> adcWriteRange(const RecordedChannel& c, bool bdf) {
    AdcGridScan scan(c);
    scan.add(c.samples.data(), c.samples.size());
    return adcWriteRange(c, scan, bdf);
}

std::optional<AdcWriteRange> adcWriteRange(const RecordedChannel& c, const AdcGridScan& scan, bool bdf) {
    if (!scan.onGrid()) return std::nullopt;
    // a negative step (EDF's physical maximum below its minimum) as a positive one over negated integers
    const double sign = c.adcStep < 0 ? -1.0 : 1.0;
    const double step = std::fabs(c.adcStep);
    const long long kLo = scan.lowest(), kHi = scan.highest();
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
    r.shift = shift;
    return r;
}

}  // namespace emg::io::detail

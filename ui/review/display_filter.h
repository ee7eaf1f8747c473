#pragma once
// Display filters of the review view (high-pass, low-pass, mains notch): applied to the page on
// screen, causally as the live display does, after a lead-in margin read before the page so that
// the filter has settled at its left edge. Changing them re-filters the page held in memory; the
// file is not read again.

#include <QString>

#include <vector>

namespace emg::ui {

struct DisplayFilter {
    double highPassHz = 0.0;   ///< 0 = off
    double lowPassHz = 0.0;    ///< 0 = off
    double notchHz = 0.0;      ///< 0 = off, 50 or 60
    [[nodiscard]] bool active() const noexcept { return highPassHz > 0 || lowPassHz > 0 || notchHz > 0; }
    bool operator==(const DisplayFilter&) const = default;
};

/// "HP 20 Hz  LP 2 kHz  notch 50 Hz", or "no filter".
QString describe(const DisplayFilter& filter);

/// The lead-in always read before a page (with or without a filter), so that switching a filter
/// on never needs a new read.
inline constexpr double kMaxLeadInSec = 1.0;
/// Lead-in a filter needs to settle at the page's left edge (seconds): 0 without a filter, else
/// several time constants of the slowest section, at most kMaxLeadInSec.
double leadInSec(const DisplayFilter& filter);

/// Filters one contiguous stretch in place (causal; state primed to the first sample). Corners
/// beyond what the rate allows are clamped by the filter design.
void applyDisplayFilter(const DisplayFilter& filter, double sampleRateHz, std::vector<double>& values,
                        std::size_t first, std::size_t count);

}  // namespace emg::ui

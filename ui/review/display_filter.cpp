#include "display_filter.h"

#include <emg/dsp/filter_presets.h>

#include <QStringList>

#include <algorithm>
#include <span>

namespace emg::ui {

namespace {
QString hz(double f) {
    return f >= 1000 ? QStringLiteral("%1 kHz").arg(f / 1000.0) : QStringLiteral("%1 Hz").arg(f);
}
}  // namespace

QString describe(const DisplayFilter& f) {
    QStringList parts;
    if (f.highPassHz > 0) parts << QStringLiteral("HP ") + hz(f.highPassHz);
    if (f.lowPassHz > 0) parts << QStringLiteral("LP ") + hz(f.lowPassHz);
    if (f.notchHz > 0) parts << QStringLiteral("notch ") + hz(f.notchHz);
    return parts.isEmpty() ? QStringLiteral("no filter") : parts.join(QStringLiteral("  "));
}

double leadInSec(const DisplayFilter& f) {
    if (!f.active()) return 0.0;
    // a 2nd-order high-pass settles within ~5 time constants 1/(2 pi fc); the low-pass and the
    // notch (Q ~ 30 at 50 Hz: ~0.2 s) much sooner
    double sec = 0.25;
    if (f.highPassHz > 0) sec = std::max(sec, 5.0 / (6.283185307179586 * f.highPassHz) * 2.0);
    return std::min(sec, kMaxLeadInSec);
}

void applyDisplayFilter(const DisplayFilter& f, double sampleRateHz, std::vector<double>& values, std::size_t first,
                        std::size_t count) {
    if (!f.active() || count == 0 || sampleRateHz <= 0) return;
    dsp::FilterPreset preset;
    preset.name = "review display";
    preset.highPassHz = f.highPassHz;
    preset.lowPassHz = f.lowPassHz;
    preset.notchHz = f.notchHz;
    preset.notchHarmonics = 1;
    auto chain = dsp::buildFilter(preset, sampleRateHz);
    chain.cascade.primeSteadyState(values[first]);
    std::span<double> span(values.data() + first, count);
    chain.cascade.process(span, span);
}

}  // namespace emg::ui

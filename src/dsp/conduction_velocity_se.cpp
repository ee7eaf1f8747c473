#include <emg/dsp/conduction_velocity_se.h>

#include <emg/dsp/onset_takeoff.h>

#include <cmath>

namespace emg::dsp {

double velocityOnsetSeMs(double onsetSeMs, double sampleRateHz, const VelocitySeSettings& st) {
    if (!(onsetSeMs > 0.0) || !(onsetSeMs < kUnmeasurableOnsetSeMs) || !(sampleRateHz > 0.0)) return 0.0;   // unknown, or no take-off slope
    const double modelMs = std::hypot(st.sampleFraction * 1e3 / sampleRateHz, st.floorMs);
    return std::hypot(onsetSeMs, modelMs);
}

VelocityUncertainty velocityUncertaintyFromSes(double distanceMm, double spanMs, double seAMs, double seBMs, const VelocitySeSettings& st) {
    VelocityUncertainty u;
    if (!(spanMs > 0.0) || !(distanceMm > 0.0) || !(seAMs > 0.0) || !(seBMs >= 0.0)) return u;
    u.known = true;
    u.cvMPerS = distanceMm / spanMs;   // mm/ms = m/s
    u.seMPerS = u.cvMPerS * std::hypot(seAMs, seBMs) / spanMs;
    u.halfWidthPct = st.z * u.seMPerS / u.cvMPerS * 100.0;
    u.uncertain = u.halfWidthPct > st.maxHalfWidthPct;
    return u;
}

VelocityUncertainty sensoryVelocityUncertainty(double distanceMm, double onsetMs, double onsetSeMs, double sampleRateHz,
                                               const VelocitySeSettings& st) {
    return velocityUncertaintyFromSes(distanceMm, onsetMs, velocityOnsetSeMs(onsetSeMs, sampleRateHz, st), 0.0, st);
}

VelocityUncertainty segmentVelocityUncertainty(double distanceMm, double distalOnsetMs, double distalOnsetSeMs, double proximalOnsetMs,
                                               double proximalOnsetSeMs, double sampleRateHz, const VelocitySeSettings& st) {
    const double seD = velocityOnsetSeMs(distalOnsetSeMs, sampleRateHz, st);
    const double seP = velocityOnsetSeMs(proximalOnsetSeMs, sampleRateHz, st);
    if (!(seD > 0.0) || !(seP > 0.0)) return {};
    return velocityUncertaintyFromSes(distanceMm, proximalOnsetMs - distalOnsetMs, seP, seD, st);
}

}  // namespace emg::dsp

#include <emg/dsp/conduction_velocity_se.h>

#include <cmath>

namespace emg::dsp {

double velocityOnsetSeMs(double onsetSeMs, double sampleRateHz, const VelocitySeSettings& st) {
    if (!(onsetSeMs > 0.0) || !(sampleRateHz > 0.0)) return 0.0;
    const double modelMs = std::hypot(st.sampleFraction * 1e3 / sampleRateHz, st.floorMs);
    return std::hypot(onsetSeMs, modelMs);
}

VelocityUncertainty segmentVelocityUncertainty(double distanceMm, double distalOnsetMs, double distalOnsetSeMs, double proximalOnsetMs,
                                               double proximalOnsetSeMs, double sampleRateHz, const VelocitySeSettings& st) {
    VelocityUncertainty u;
    const double dtMs = proximalOnsetMs - distalOnsetMs;
    const double seD = velocityOnsetSeMs(distalOnsetSeMs, sampleRateHz, st);
    const double seP = velocityOnsetSeMs(proximalOnsetSeMs, sampleRateHz, st);
    if (!(dtMs > 0.0) || !(distanceMm > 0.0) || !(seD > 0.0) || !(seP > 0.0)) return u;
    u.known = true;
    u.cvMPerS = distanceMm / dtMs;   // mm/ms = m/s
    u.seMPerS = u.cvMPerS * std::hypot(seD, seP) / dtMs;
    u.halfWidthPct = st.z * u.seMPerS / u.cvMPerS * 100.0;
    u.uncertain = u.halfWidthPct > st.maxHalfWidthPct;
    return u;
}

}  // namespace emg::dsp

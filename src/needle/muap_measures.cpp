#include <emg/needle/muap_measures.h>
#include <emg/needle/signal_tools.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace emg::needle {

int countTurns(std::span<const double> x, double turnUv) {
    if (x.size() < 3) return 0;
    int turns = 0;
    double extreme = x[0];
    int dir = 0;   // +1 rising, -1 falling, 0 undecided
    double lo = x[0], hi = x[0];   // before the first direction: running extremes
    for (std::size_t i = 1; i < x.size(); ++i) {
        const double v = x[i];
        if (dir == 0) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            if (v - lo >= turnUv) { dir = 1; extreme = v; }
            else if (hi - v >= turnUv) { dir = -1; extreme = v; }
        } else if (dir > 0) {
            if (v > extreme) extreme = v;
            else if (extreme - v >= turnUv) { ++turns; dir = -1; extreme = v; }
        } else {
            if (v < extreme) extreme = v;
            else if (v - extreme >= turnUv) { ++turns; dir = 1; extreme = v; }
        }
    }
    return turns;
}

namespace {
/// The first and last 3 ms (at most a sixth of the template each): the template's own flanks.
std::vector<double> flanks(std::span<const double> t, double dtMs) {
    const std::size_t n = t.size();
    const auto edge = std::max<std::size_t>(2, std::min(n / 6, static_cast<std::size_t>(std::lround(3.0 / dtMs))));
    std::vector<double> edges(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(edge));
    edges.insert(edges.end(), t.end() - static_cast<std::ptrdiff_t>(edge), t.end());
    return edges;
}
}  // namespace

double templateFlankRms(std::span<const double> t, double fs) {
    if (t.size() < 8 || !(fs > 0.0)) return 0.0;
    auto e = flanks(t, 1000.0 / fs);
    const double base = median(e);
    for (double& v : e) v -= base;
    return std::sqrt(energy(e) / static_cast<double>(e.size()));
}

MuapCriteria scaledCriteria(MuapCriteria c, double k) noexcept {
    c.amplitudeUv *= k;
    c.slopeUvPer100Us *= k;
    c.turnUv *= k;
    c.satelliteUv *= k;
    return c;
}

MuapParameters measureMuap(std::span<const double> t, std::size_t peakIndex, double fs, double templateNoiseUv,
                           const MuapCriteria& c) {
    MuapParameters p;
    const std::size_t n = t.size();
    if (n < 8 || peakIndex >= n || fs <= 0) return p;
    const double dtMs = 1000.0 / fs;
    const auto edge = std::max<std::size_t>(2, std::min(n / 6, static_cast<std::size_t>(std::lround(3.0 / dtMs))));
    const auto edges = flanks(t, dtMs);
    const double base = median(edges);
    double noise = templateNoiseUv;
    if (noise <= 0.0) {
        std::vector<double> d;
        for (double v : edges) d.push_back(v - base);
        noise = std::sqrt(energy(d) / static_cast<double>(d.size()));
    }
    const double ampThr = std::max(c.amplitudeUv, 4.0 * noise);
    const auto k = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(0.1 / dtMs)));
    // slope over +-k samples, in µV per 0.1 ms; its noise is sqrt(2) x noise over that span
    const double span01 = static_cast<double>(2 * k) * dtMs / 0.1;
    const double slopeThr = std::max(c.slopeUvPer100Us, 4.0 * std::sqrt(2.0) * noise / span01);
    std::vector<char> active(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const double a = std::abs(t[i] - base);
        const std::size_t lo = i >= k ? i - k : 0, hi = std::min(n - 1, i + k);
        const double slope = std::abs(t[hi] - t[lo]) / (static_cast<double>(hi - lo) * dtMs / 0.1);
        active[i] = (a >= ampThr || slope >= slopeThr) ? 1 : 0;
    }
    const auto quiet = std::max<std::size_t>(2, static_cast<std::size_t>(std::lround(c.quietMs / dtMs)));
    // onset: walk left from the peak until `quiet` inactive samples in a row
    std::size_t onset = peakIndex, run = 0;
    for (std::size_t i = peakIndex + 1; i-- > 0;) {
        if (active[i]) { onset = i; run = 0; }
        else if (++run >= quiet) break;
    }
    std::size_t end = peakIndex;
    run = 0;
    for (std::size_t i = peakIndex; i < n; ++i) {
        if (active[i]) { end = i; run = 0; }
        else if (++run >= quiet) break;
    }
    p.onsetMs = (static_cast<double>(onset) - static_cast<double>(peakIndex)) * dtMs;
    p.endMs = (static_cast<double>(end) - static_cast<double>(peakIndex)) * dtMs;
    p.durationMs = (static_cast<double>(end - onset) + 1.0) * dtMs;

    double mx = -1e300, mn = 1e300, area = 0.0;
    std::vector<double> seg;
    for (std::size_t i = onset; i <= end; ++i) {
        mx = std::max(mx, t[i]);
        mn = std::min(mn, t[i]);
        area += std::abs(t[i] - base) * dtMs;
        seg.push_back(t[i] - base);
    }
    p.amplitudeUv = mx - mn;
    p.areaUvMs = area;
    p.thicknessMs = p.amplitudeUv > 0 ? area / p.amplitudeUv : 0.0;
    p.turns = countTurns(seg, c.turnUv);

    // phases: runs of one sign whose largest excursion passes the amplitude criterion;
    // neighbouring significant runs of the same sign merge (the excursion between them was not a crossing)
    int phases = 0, lastSign = 0;
    std::size_t i = 0;
    while (i < seg.size()) {
        const int sgn = seg[i] >= 0 ? 1 : -1;
        double peak = 0.0;
        std::size_t j = i;
        while (j < seg.size() && ((seg[j] >= 0 ? 1 : -1) == sgn)) { peak = std::max(peak, std::abs(seg[j])); ++j; }
        if (peak >= ampThr && sgn != lastSign) { ++phases; lastSign = sgn; }
        i = j;
    }
    p.phases = std::max(phases, 1);

    // satellites: after the end, separated by the quiet stretch, sustained >= 0.2 ms above the criterion
    const double satThr = std::max(c.satelliteUv, 5.0 * noise);
    const auto sustain = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(0.2 / dtMs)));
    const std::size_t tail = n > edge ? n - edge / 2 : n;
    std::size_t above = 0;
    bool inSat = false;
    for (std::size_t j = end + quiet; j < tail; ++j) {
        if (std::abs(t[j] - base) >= satThr) {
            if (++above >= sustain && !inSat) {
                inSat = true;
                if (p.satellites == 0) p.satelliteLatencyMs = (static_cast<double>(j) - static_cast<double>(peakIndex)) * dtMs;
                ++p.satellites;
            }
        } else {
            above = 0;
            if (inSat && std::abs(t[j] - base) < ampThr) inSat = false;
        }
    }
    return p;
}

}  // namespace emg::needle

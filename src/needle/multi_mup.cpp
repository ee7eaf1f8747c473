#include <emg/needle/multi_mup.h>
#include <emg/needle/main_spike.h>
#include <emg/needle/muap_markers.h>
#include <emg/needle/signal_tools.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace emg::needle {

double sizeIndex(double amplitudeUv, double thicknessMs) noexcept {
    if (!(amplitudeUv > 0.0)) return 0.0;
    return 2.0 * std::log10(amplitudeUv / 1000.0) + thicknessMs;
}

namespace {

std::size_t samplesOf(double ms, double fs) { return static_cast<std::size_t>(std::lround(ms * 1e-3 * fs)); }

/// Samples where |x| >= thr is the largest |x| within +-dead (ties: the first). Unlike a run
/// above threshold, this finds every spike of an interference pattern that never falls below it.
template <class T>
std::vector<std::size_t> spikePeaks(std::span<const T> x, double thr, std::size_t dead) {
    std::vector<std::size_t> out;
    const std::size_t n = x.size();
    for (std::size_t i = 1; i + 1 < n; ++i) {
        const double a = std::abs(static_cast<double>(x[i]));
        if (a < thr || a < std::abs(static_cast<double>(x[i - 1])) || a < std::abs(static_cast<double>(x[i + 1]))) continue;
        const std::size_t lo = i > dead ? i - dead : 0, hi = std::min(n - 1, i + dead);
        bool largest = true;
        for (std::size_t k = lo; k <= hi && largest; ++k)
            largest = k == i || std::abs(static_cast<double>(x[k])) < a || (std::abs(static_cast<double>(x[k])) == a && k > i);
        if (largest) out.push_back(i);
    }
    return out;
}

struct Candidate {
    std::size_t index = 0;        // main peak, in the whole signal
    double amplitudeUv = 0.0;
    std::vector<double> z;        // main spike region, mean removed, unit norm
    std::vector<double> raw;      // main spike region as recorded
};

struct Group {
    std::vector<double> sum;      // of raw regions
    std::vector<double> zMean;    // normalised mean
    double amplitudeSum = 0.0;
    std::vector<std::size_t> members;   // candidate indices
    std::vector<std::size_t> positions; // each member's main peak in the group's alignment (its trigger, or shifted on a merge)
    [[nodiscard]] double meanAmplitude() const { return amplitudeSum / static_cast<double>(members.size()); }
};

void normalise(const std::vector<double>& v, std::vector<double>& z) {
    const double m = mean(v);
    z.resize(v.size());
    double ss = 0.0;
    for (std::size_t k = 0; k < v.size(); ++k) {
        z[k] = v[k] - m;
        ss += z[k] * z[k];
    }
    const double nn = ss > 0.0 ? 1.0 / std::sqrt(ss) : 0.0;
    for (double& q : z) q *= nn;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0.0;
    for (std::size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
    return s;
}

/// Firings of `a` within +-tol of a firing of `b` (both sorted).
std::size_t coincident(const std::vector<double>& a, const std::vector<double>& b, double tolSec) {
    std::size_t n = 0, j = 0;
    for (double t : a) {
        while (j < b.size() && b[j] < t - tolSec) ++j;
        if (j < b.size() && std::abs(b[j] - t) <= tolSec) ++n;
    }
    return n;
}

/// Share of the intervals between the sorted peak indices that are shorter than minMs.
double shortIntervalFraction(std::vector<std::size_t> idx, double fs, double minMs) {
    if (idx.size() < 2) return 0.0;
    std::sort(idx.begin(), idx.end());
    std::size_t shortOnes = 0;
    for (std::size_t j = 1; j < idx.size(); ++j) shortOnes += static_cast<double>(idx[j] - idx[j - 1]) * 1000.0 / fs < minMs;
    return static_cast<double>(shortOnes) / static_cast<double>(idx.size() - 1);
}

void addMember(Group& g, const Candidate& c, std::size_t ci) {
    if (g.sum.empty()) g.sum.assign(c.raw.size(), 0.0);
    for (std::size_t k = 0; k < c.raw.size(); ++k) g.sum[k] += c.raw[k];
    g.amplitudeSum += c.amplitudeUv;
    g.members.push_back(ci);
    g.positions.push_back(c.index);
}

bool amplitudesMatch(double a, double b, double maxRatio) { return a <= maxRatio * b && b <= maxRatio * a; }

/// The greedy groups refined: groups of one candidate are dropped, every candidate goes to the
/// group whose mean it matches best, and groups whose means have one shape and size (one unit
/// split by the background of its first members) merge unless the merge would give intervals no
/// unit fires at.
void refineGroups(std::vector<Group>& groups, const std::vector<Candidate>& cand, double fs, const MultiMupOptions& o) {
    std::vector<Group> seeds;
    for (auto& g : groups)
        if (g.members.size() >= 2) seeds.push_back(std::move(g));
    std::vector<Group> out(seeds.size());
    for (std::size_t ci = 0; ci < cand.size(); ++ci) {
        int best = -1;
        double bestCorr = o.minCorrelation;
        for (std::size_t g = 0; g < seeds.size(); ++g) {
            if (!amplitudesMatch(seeds[g].meanAmplitude(), cand[ci].amplitudeUv, o.maxAmplitudeRatio)) continue;
            const double corr = dot(cand[ci].z, seeds[g].zMean);
            if (corr >= bestCorr) { bestCorr = corr; best = static_cast<int>(g); }
        }
        if (best >= 0) addMember(out[static_cast<std::size_t>(best)], cand[ci], ci);
    }
    std::erase_if(out, [](const Group& g) { return g.members.empty(); });
    for (auto& g : out) normalise(g.sum, g.zMean);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.members.size() > b.members.size(); });
    // one unit can trigger on either peak of its main spike (whichever the background makes the
    // larger): its groups then differ by a lag, so the means are compared over lags up to 1 ms
    const auto maxLag = static_cast<long>(samplesOf(1.0, fs));
    const auto lagCorrelation = [&](const std::vector<double>& a, const std::vector<double>& b, long& bestLag) {
        const auto L = static_cast<long>(a.size());
        double best = -1.0;
        bestLag = 0;
        for (long d = -maxLag; d <= maxLag; ++d) {
            const long k0 = std::max(0L, -d), k1 = std::min(L, L - d);
            if (k1 - k0 < L / 2) continue;
            double ma = 0.0, mb = 0.0;
            for (long k = k0; k < k1; ++k) { ma += a[static_cast<std::size_t>(k)]; mb += b[static_cast<std::size_t>(k + d)]; }
            ma /= static_cast<double>(k1 - k0);
            mb /= static_cast<double>(k1 - k0);
            double sab = 0.0, saa = 0.0, sbb = 0.0;
            for (long k = k0; k < k1; ++k) {
                const double u = a[static_cast<std::size_t>(k)] - ma, v = b[static_cast<std::size_t>(k + d)] - mb;
                sab += u * v;
                saa += u * u;
                sbb += v * v;
            }
            const double c = saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : -1.0;
            if (c > best) { best = c; bestLag = d; }
        }
        return best;
    };
    for (std::size_t i = 0; i < out.size(); ++i) {
        for (std::size_t j = i + 1; j < out.size();) {
            long lag = 0;
            bool merge = false;
            if (amplitudesMatch(out[i].meanAmplitude(), out[j].meanAmplitude(), o.maxAmplitudeRatio) &&
                lagCorrelation(out[i].sum, out[j].sum, lag) >= o.mergeCorrelation) {
                auto merged = out[i].positions;
                for (auto p : out[j].positions) merged.push_back(static_cast<std::size_t>(static_cast<long>(p) + lag));
                merge = shortIntervalFraction(merged, fs, o.minIntervalMs) <= o.maxShortIntervalFraction;
            }
            if (merge) {
                for (std::size_t k = 0; k < out[j].members.size(); ++k) {
                    out[i].members.push_back(out[j].members[k]);
                    out[i].positions.push_back(static_cast<std::size_t>(static_cast<long>(out[j].positions[k]) + lag));
                    out[i].amplitudeSum += cand[out[j].members[k]].amplitudeUv;
                }
                out.erase(out.begin() + static_cast<std::ptrdiff_t>(j));
            } else {
                ++j;
            }
        }
    }
    groups = std::move(out);
}

void reject(MultiMupResult& r, const std::string& why) { ++r.rejected[why]; }

/// One epoch [s, e) of the signal.
template <class T>
void analyseEpoch(std::span<const T> x, double fs, std::size_t s, std::size_t e, const MultiMupOptions& o,
                  MultiMupResult& r, int& nextId) {
    const auto epoch = x.subspan(s, e - s);
    // with a known gain the noise is capped at a quiet needle baseline (a never-quiet epoch must not
    // raise the trigger to the interference); in counts of unknown size only the epoch's own
    // baseline can set the trigger, and the main spike must reach twice it (as 50 uV to 25 uV)
    const double rawNoise = robustNoiseUv(epoch, fs);
    const double noise = o.relativeLevels ? rawNoise : std::min(rawNoise, o.baselineNoiseMaxUv);
    const double thr = o.relativeLevels ? o.triggerNoiseFactor * noise : std::max(0.5 * o.minMainSpikeUv, o.triggerNoiseFactor * noise);
    const double minSpike = o.relativeLevels ? 2.0 * thr : o.minMainSpikeUv;
    const std::size_t coreBefore = samplesOf(o.coreBeforeMs, fs), coreAfter = std::max<std::size_t>(2, samplesOf(o.coreAfterMs, fs));
    const std::size_t before = samplesOf(o.templateBeforeMs, fs), after = samplesOf(o.templateAfterMs, fs);
    const std::size_t coreLen = coreBefore + coreAfter;

    // 1. triggers on sharp main spikes
    std::vector<Candidate> cand;
    for (const auto pk : spikePeaks(epoch, thr, std::max<std::size_t>(1, samplesOf(o.deadTimeMs, fs)))) {
        const std::size_t p = s + pk;
        if (p < coreBefore || p + coreAfter > x.size()) continue;
        const auto sp = mainSpike(x, p, fs);
        if (sp.amplitudeUv < minSpike || sp.riseMs > o.maxRiseTimeMs) continue;
        Candidate c;
        c.index = p;
        c.amplitudeUv = sp.amplitudeUv;
        c.raw.assign(x.begin() + static_cast<std::ptrdiff_t>(p - coreBefore), x.begin() + static_cast<std::ptrdiff_t>(p + coreAfter));
        normalise(c.raw, c.z);
        cand.push_back(std::move(c));
    }
    r.candidates += cand.size();

    // 2. groups by shape: largest first, each joins the most correlated group of similar amplitude
    std::vector<std::size_t> order(cand.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return cand[a].amplitudeUv > cand[b].amplitudeUv; });
    std::vector<Group> groups;
    for (const auto ci : order) {
        const auto& c = cand[ci];
        int best = -1;
        double bestCorr = o.minCorrelation;
        for (std::size_t g = 0; g < groups.size(); ++g) {
            const double ratio = groups[g].meanAmplitude() / c.amplitudeUv;
            if (ratio > o.maxAmplitudeRatio || ratio < 1.0 / o.maxAmplitudeRatio) continue;
            const double corr = dot(c.z, groups[g].zMean);
            if (corr >= bestCorr) { bestCorr = corr; best = static_cast<int>(g); }
        }
        if (best < 0) {
            groups.push_back({c.raw, c.z, c.amplitudeUv, {ci}, {c.index}});
            continue;
        }
        auto& g = groups[static_cast<std::size_t>(best)];
        for (std::size_t k = 0; k < coreLen; ++k) g.sum[k] += c.raw[k];
        g.amplitudeSum += c.amplitudeUv;
        g.members.push_back(ci);
        g.positions.push_back(c.index);
        normalise(g.sum, g.zMean);
    }
    refineGroups(groups, cand, fs, o);
    r.groups += groups.size();

    // 3. acceptance and measurement of each group with enough recurrences
    std::vector<MultiMup> accepted;
    const std::size_t flank = std::max<std::size_t>(2, samplesOf(o.flankMs, fs));
    const std::size_t len = before + after;
    for (auto& g : groups) {
        if (g.members.size() < o.minRecurrences) { reject(r, "fewer recurrences than required"); continue; }
        // recurrences far from the group's mean shape (a superimposed potential that still passed) leave
        std::erase_if(g.positions, [&](std::size_t p) { return p < coreBefore || p + coreAfter > x.size(); });
        if (g.positions.size() < o.minRecurrences) { reject(r, "fewer recurrences than required"); continue; }
        std::vector<double> err;
        std::vector<double> gm(coreLen, 0.0);
        for (auto p : g.positions)
            for (std::size_t k = 0; k < coreLen; ++k) gm[k] += static_cast<double>(x[p - coreBefore + k]) / static_cast<double>(g.positions.size());
        for (auto p : g.positions) {
            double d = 0.0;
            for (std::size_t k = 0; k < coreLen; ++k) d += (static_cast<double>(x[p - coreBefore + k]) - gm[k]) * (static_cast<double>(x[p - coreBefore + k]) - gm[k]);
            err.push_back(d);
        }
        const double med = median(err);
        std::vector<double> dev;
        for (double d : err) dev.push_back(std::abs(d - med));
        const double lim = med + 3.0 * 1.4826 * median(dev);
        std::vector<std::pair<std::size_t, double>> kept;   // (position, error)
        for (std::size_t j = 0; j < g.positions.size(); ++j)
            if (err[j] <= lim) kept.emplace_back(g.positions[j], err[j]);
        std::sort(kept.begin(), kept.end());
        if (kept.size() < o.minRecurrences) { reject(r, "fewer recurrences than required"); continue; }
        // discharge physiology: one unit does not fire twice within minIntervalMs; more than a few
        // such intervals mean several units, a few mean a stray potential of this shape: of each
        // such pair the recurrence farther from the group's shape leaves
        const auto ms = [&](std::size_t a, std::size_t b) { return static_cast<double>(b - a) * 1000.0 / fs; };
        std::size_t shortIntervals = 0;
        for (std::size_t j = 1; j < kept.size(); ++j) shortIntervals += ms(kept[j - 1].first, kept[j].first) < o.minIntervalMs;
        if (static_cast<double>(shortIntervals) > o.maxShortIntervalFraction * static_cast<double>(kept.size() - 1)) {
            reject(r, "intervals too short for one unit (several units or a superposition)");
            continue;
        }
        std::vector<std::pair<std::size_t, double>> firing;
        for (const auto& k : kept) {
            if (!firing.empty() && ms(firing.back().first, k.first) < o.minIntervalMs) {
                if (k.second < firing.back().second) firing.back() = k;
                continue;
            }
            firing.push_back(k);
        }
        std::vector<std::size_t> members;
        for (const auto& f : firing) members.push_back(f.first);
        if (members.size() < o.minRecurrences) { reject(r, "fewer recurrences than required"); continue; }
        double minInterval = 1e300;
        std::vector<double> intervals;
        for (std::size_t j = 1; j < members.size(); ++j) {
            intervals.push_back(ms(members[j - 1], members[j]));
            minInterval = std::min(minInterval, intervals.back());
        }
        // triggered median over every recurrence whose whole window lies in the signal: the
        // potentials of other units that fall under a few recurrences (the interference is sparse
        // large spikes, not Gaussian noise) do not pull a median as they pull a mean (median
        // templates: Stashuk DW, Med Eng Phys 1999;21:389-404)
        std::vector<std::size_t> used;
        for (auto p : members)
            if (p >= before && p + after <= x.size()) used.push_back(p);
        if (used.size() < o.minRecurrences) { reject(r, "fewer recurrences than required"); continue; }
        const auto n = static_cast<double>(used.size());
        std::vector<double> tmpl(len, 0.0), var(len, 0.0), column(used.size());
        const auto robustSpread = [&](std::vector<double>& v, double centre) {   // 1.4826 MAD: SD of the Gaussian part
            for (double& q : v) q = std::abs(q - centre);
            auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
            std::nth_element(v.begin(), mid, v.end());
            return 1.4826 * *mid;
        };
        for (std::size_t k = 0; k < len; ++k) {
            for (std::size_t j = 0; j < used.size(); ++j) column[j] = x[used[j] - before + k];
            auto mid = column.begin() + static_cast<std::ptrdiff_t>(column.size() / 2);
            std::nth_element(column.begin(), mid, column.end());
            tmpl[k] = *mid;
            if (column.size() % 2 == 0) tmpl[k] = 0.5 * (tmpl[k] + *std::max_element(column.begin(), mid));
            const double sd = robustSpread(column, tmpl[k]);
            var[k] = sd * sd;
        }
        double bgVar = 0.0;
        for (std::size_t k = 0; k < flank; ++k) bgVar += var[k] + var[len - 1 - k];
        bgVar /= static_cast<double>(2 * flank);
        std::vector<double> edges(tmpl.begin(), tmpl.begin() + static_cast<std::ptrdiff_t>(flank));
        edges.insert(edges.end(), tmpl.end() - static_cast<std::ptrdiff_t>(flank), tmpl.end());
        const double base = median(edges);
        // stability of the main spike region: spread about the template and between consecutive
        // recurrences, the background's share (bgVar per sample) removed, as % of the region's rms
        double power = 0.0, varCore = 0.0, cons = 0.0;
        std::vector<double> diffs(used.size() - 1);
        for (std::size_t k = before - coreBefore; k < before + coreAfter; ++k) {
            power += (tmpl[k] - base) * (tmpl[k] - base);
            varCore += var[k];
            for (std::size_t j = 1; j < used.size(); ++j) diffs[j - 1] = x[used[j] - before + k] - x[used[j - 1] - before + k];
            const double sdd = robustSpread(diffs, 0.0);
            cons += 0.5 * sdd * sdd;
        }
        power /= static_cast<double>(coreLen);
        varCore /= static_cast<double>(coreLen);
        cons /= static_cast<double>(coreLen);
        MultiMup m;
        m.templateVariancePercent = power > 0 ? 100.0 * std::sqrt(std::max(0.0, varCore - bgVar) / power) : 1e9;
        m.jigglePercent = power > 0 ? 100.0 * std::sqrt(std::max(0.0, cons - bgVar) / power) : 1e9;
        if (m.templateVariancePercent > o.maxVariabilityPercent || m.jigglePercent > o.maxVariabilityPercent) {
            reject(r, "unstable shape (template variance or jiggle above the limit)");
            continue;
        }
        // the template's main spike: sharp, and clear of its residual background
        std::size_t peak = before;
        const std::size_t r2 = std::max<std::size_t>(1, samplesOf(0.2, fs));
        for (std::size_t k = before - std::min(before, r2); k <= std::min(len - 1, before + r2); ++k)
            if (std::abs(tmpl[k] - base) > std::abs(tmpl[peak] - base)) peak = k;
        const auto sp = mainSpike(std::span<const double>(tmpl), peak, fs);
        if (sp.amplitudeUv < minSpike || sp.riseMs > o.maxRiseTimeMs) {
            reject(r, "template main spike blunt or small");
            continue;
        }
        m.residualBackgroundUv = 1.2533 * std::sqrt(bgVar / n);   // a median's error: sqrt(pi/2) x the mean's
        m.mainSpikeAmplitudeUv = sp.amplitudeUv;
        m.riseTimeMs = sp.riseMs;
        m.sampleRateHz = fs;
        m.templatePeakIndex = static_cast<int>(peak);
        m.recurrences = used.size();
        for (auto p : used) m.firingTimesSec.push_back(static_cast<double>(p) / fs);
        m.minIntervalMs = minInterval;
        const double medInterval = median(intervals);
        m.meanRateHz = medInterval > 0 ? 1000.0 / medInterval : 0.0;
        m.epochStartSec = static_cast<double>(s) / fs;
        // the convention's criteria, scaled to this MUP's size when the gain is unknown
        const double scale = o.relativeLevels && o.relativeReferenceUv > 0.0 ? sp.amplitudeUv / o.relativeReferenceUv : 1.0;
        const MuapCriteria crit = scaledCriteria(o.criteria, scale);
        const double maxLevel = o.maxDurationLevelUv * scale;
        // duration markers on the template smoothed over markerSmoothingMs (the broadband part of
        // the residual falls, the MUP's slow initial and terminal phases stay), with the level
        // criterion raised to 4 x the residual the smoothed template's own flanks show; the measures
        // within the markers are then taken on the unsmoothed template
        const std::size_t half = samplesOf(0.5 * o.markerSmoothingMs, fs);
        std::vector<double> smooth(len, 0.0);
        for (std::size_t k = 0; k < len; ++k) {
            const std::size_t lo = k >= half ? k - half : 0, hi = std::min(len - 1, k + half);
            double sum = 0.0;
            for (std::size_t q = lo; q <= hi; ++q) sum += tmpl[q];
            smooth[k] = sum / static_cast<double>(hi - lo + 1);
        }
        double flankSs = 0.0;
        for (std::size_t k = 0; k < flank; ++k)
            flankSs += (smooth[k] - base) * (smooth[k] - base) + (smooth[len - 1 - k] - base) * (smooth[len - 1 - k] - base);
        const double markerResidual = std::sqrt(flankSs / static_cast<double>(2 * flank));
        const auto markers = measureMuap(smooth, peak, fs, markerResidual, crit);
        const auto toIndex = [&](double ms) {
            return static_cast<std::size_t>(std::clamp(std::lround(static_cast<double>(peak) + ms * fs / 1000.0), 0L, static_cast<long>(len) - 1));
        };
        const std::size_t onsetIdx = toIndex(markers.onsetMs), endIdx = toIndex(markers.endMs);
        m.params = measureMuapBetween(tmpl, peak, fs, onsetIdx, endIdx, m.residualBackgroundUv, crit);
        m.params.satellites = markers.satellites;
        m.params.satelliteLatencyMs = markers.satelliteLatencyMs;
        m.durationLevelUv = std::max(crit.amplitudeUv, 4.0 * markerResidual);
        // measurable only when the level is the convention's (or near it) and the flanks settle
        const double first = median(std::vector<double>(smooth.begin(), smooth.begin() + static_cast<std::ptrdiff_t>(flank)));
        const double last = median(std::vector<double>(smooth.end() - static_cast<std::ptrdiff_t>(flank), smooth.end()));
        const std::size_t margin = flank + samplesOf(crit.quietMs, fs);
        // the duration must not depend on where the level sits within the residual: markers placed
        // at half the level (2 x residual, never below the convention's) may not move it by more
        // than maxLevelSensitivityMs
        const double lowDuration =
            m.durationLevelUv > crit.amplitudeUv ? measureMuap(smooth, peak, fs, 0.5 * markerResidual, crit).durationMs
                                                       : markers.durationMs;
        if (m.durationLevelUv > maxLevel || lowDuration - markers.durationMs > o.maxLevelSensitivityMs) {
            m.notMeasurableReason = "background";
        } else if (onsetIdx < margin || endIdx + margin > len || std::abs(first - last) > m.durationLevelUv) {
            m.notMeasurableReason = "flanks not settled";
        } else {
            m.durationMeasurable = true;
        }
        m.sizeIndex = m.durationMeasurable ? sizeIndex(m.params.amplitudeUv, m.params.thicknessMs) : 0.0;
        m.templateUv = std::move(tmpl);
        accepted.push_back(std::move(m));
    }
    // the same unit triggered on two of its phases forms two groups firing together: keep the one
    // with more recurrences
    std::sort(accepted.begin(), accepted.end(), [](const auto& a, const auto& b) { return a.recurrences > b.recurrences; });
    std::vector<MultiMup> kept;
    for (auto& m : accepted) {
        bool dup = false;
        for (const auto& k : kept)
            if (static_cast<double>(coincident(m.firingTimesSec, k.firingTimesSec, 0.002)) >= 0.3 * static_cast<double>(m.recurrences)) {
                dup = true;
                break;
            }
        if (dup) { reject(r, "same unit as another MUP (firings coincide)"); continue; }
        kept.push_back(std::move(m));
    }
    std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.firingTimesSec.front() < b.firingTimesSec.front(); });
    for (auto& m : kept) {
        m.id = nextId++;
        if (!m.durationMeasurable) ++r.notMeasurable[m.notMeasurableReason];
        r.mups.push_back(std::move(m));
    }
}

}  // namespace

namespace {
template <class T>
MultiMupResult extractMultiMupsOf(std::span<const T> x, double fs, const std::vector<std::pair<double, double>>& effortSec,
                                  const MultiMupOptions& o) {
    if (!(fs > 0.0) || !std::isfinite(fs)) throw std::invalid_argument("multi-MUP analysis: sample rate must be > 0");
    if (!(o.epochSec > 0.0)) throw std::invalid_argument("multi-MUP analysis: epoch length must be > 0");
    for (double v : x)
        if (!std::isfinite(v)) throw std::invalid_argument("multi-MUP analysis: signal has non-finite samples");
    MultiMupResult r;
    int nextId = 1;
    const auto n = static_cast<double>(x.size());
    for (const auto& [a, b] : effortSec) {
        if (!std::isfinite(a) || !std::isfinite(b)) throw std::invalid_argument("multi-MUP analysis: effort piece with a non-finite time");
        const auto s = static_cast<std::size_t>(std::clamp(a * fs, 0.0, n));
        const auto e = static_cast<std::size_t>(std::clamp(b * fs, 0.0, n));
        if (e <= s || static_cast<double>(e - s) < o.minEpochSec * fs) continue;
        // whole epochs; a remainder shorter than minEpochSec joins the last one
        const auto epochLen = static_cast<double>(e - s) / (o.epochSec * fs);
        auto pieces = static_cast<std::size_t>(std::floor(epochLen));
        if (pieces == 0 || (epochLen - static_cast<double>(pieces)) * o.epochSec >= o.minEpochSec) ++pieces;
        const std::size_t step = (e - s) / std::max<std::size_t>(1, pieces);
        for (std::size_t k = 0; k < pieces; ++k) {
            const std::size_t es = s + k * step, ee = k + 1 == pieces ? e : es + step;
            analyseEpoch(x, fs, es, ee, o, r, nextId);
            ++r.epochs;
            r.analysedSec += static_cast<double>(ee - es) / fs;
        }
    }
    summarizeMultiMups(r);
    if (r.mups.size() < o.goalMups) {
        std::string why = std::to_string(r.mups.size()) + " MUPs (goal " + std::to_string(o.goalMups) + ") from " +
                          std::to_string(r.epochs) + " effort epoch(s), " + std::to_string(r.candidates) + " sharp spikes in " +
                          std::to_string(r.groups) + " shape groups";
        if (r.epochs == 0) why = "no effort epoch of at least " + std::to_string(o.minEpochSec) + " s: no MUPs extracted";
        r.note = why;
    }
    spdlog::debug("multi-MUP: {} epochs, {} candidates, {} groups, {} MUPs ({} with duration)", r.epochs, r.candidates, r.groups,
                  r.mups.size(), r.measuredDurations);
    return r;
}

}  // namespace

void summarizeMultiMups(MultiMupResult& r) {
    r.measuredDurations = 0;
    r.meanDurationMs = r.meanAmplitudeUv = r.meanPhases = r.meanSizeIndex = r.polyphasicPercent = 0.0;
    double amp = 0.0, dur = 0.0, phases = 0.0, si = 0.0;
    std::size_t poly = 0;
    for (const auto& m : r.mups) {
        amp += m.mainSpikeAmplitudeUv;
        if (!m.durationMeasurable) continue;
        ++r.measuredDurations;
        dur += m.params.durationMs;
        phases += m.params.phases;
        si += m.sizeIndex;
        poly += m.params.polyphasic();
    }
    if (!r.mups.empty()) r.meanAmplitudeUv = amp / static_cast<double>(r.mups.size());
    if (r.measuredDurations > 0) {
        const auto k = static_cast<double>(r.measuredDurations);
        r.meanDurationMs = dur / k;
        r.meanPhases = phases / k;
        r.meanSizeIndex = si / k;
        r.polyphasicPercent = 100.0 * static_cast<double>(poly) / k;
    }
}

MultiMupResult extractMultiMups(std::span<const double> x, double fs, const std::vector<std::pair<double, double>>& effortSec,
                                const MultiMupOptions& o) {
    return extractMultiMupsOf(x, fs, effortSec, o);
}
MultiMupResult extractMultiMups(std::span<const float> x, double fs, const std::vector<std::pair<double, double>>& effortSec,
                                const MultiMupOptions& o) {
    return extractMultiMupsOf(x, fs, effortSec, o);
}

}  // namespace emg::needle

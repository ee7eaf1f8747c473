#include <emg/dsp/stimulus_artifacts.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

namespace emg::dsp {

namespace {
double robustSd(std::vector<double> v) {
    if (v.empty()) return 0.0;
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    const double med = *mid;
    for (auto& a : v) a = std::abs(a - med);
    std::nth_element(v.begin(), mid, v.end());
    return 1.4826 * *mid;
}
}  // namespace

std::vector<StimulusMark> stimuliFromArtifacts(std::span<const double> x, double fs, const ArtifactStimulusSettings& st) {
    std::vector<StimulusMark> marks;
    if (!(fs > 0.0)) return marks;
    const auto ms = [&](double v) { return std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(v * 1e-3 * fs))); };
    const std::size_t h = ms(st.jumpMs), quiet = ms(st.quietMs), excursion = ms(st.excursionMs), refractory = ms(st.refractoryMs);
    const std::size_t n = x.size();
    if (n < h + quiet + excursion + 2) return marks;
    // the jump over h samples ending at each sample (computed where needed: a long file is not copied);
    // its robust SD from at most 2^20 of them, evenly spread
    const auto j = [&](std::size_t i) { return x[i] - x[i - h]; };
    double largest = 0.0;
    for (std::size_t i = h; i < n; ++i) largest = std::max(largest, std::abs(j(i)));
    const std::size_t stride = std::max<std::size_t>(1, (n - h) >> 20);
    std::vector<double> sample;
    sample.reserve((n - h) / stride + 1);
    for (std::size_t i = h; i < n; i += stride) sample.push_back(j(i));
    const double sd = robustSd(std::move(sample));
    const double threshold = std::max({st.minJumpOverNoise * sd, st.minJumpOfLargest * largest, 1e-12});
    if (largest < st.minJumpOverNoise * sd) return marks;
    for (std::size_t i = h + quiet; i + excursion < n; ++i) {
        if (std::abs(j(i)) < threshold) continue;
        // the steepest point of this jump (within h samples on), and the level before the jump began
        // (not before its steepest point: a one-sample spike's steepest jump is its way back down)
        std::size_t p = i;
        for (std::size_t k = i + 1; k <= i + h && k < n; ++k)
            if (std::abs(j(k)) > std::abs(j(p))) p = k;
        const double base = x[i - h];
        const double jump = std::abs(j(p));
        // out of a quiet baseline: no jump before it comes near this one
        double before = 0.0;
        for (std::size_t k = i - quiet; k < i; ++k) before = std::max(before, std::abs(j(k)));
        // most of the excursion in those h samples: a response's rise covers a small part of it
        double reach = 0.0;
        for (std::size_t k = p; k < p + excursion && k < n; ++k) reach = std::max(reach, std::abs(x[k] - base));
        if (before >= st.quietShare * jump || jump < st.minJumpShare * reach) continue;
        // a lasting step of the level (a record of another acquisition glued on, a lead moved) is no
        // stimulus: 10-40 ms after it, an artifact's signal is back near its level before
        if (p + ms(40.0) < n) {
            std::vector<double> after(x.begin() + static_cast<std::ptrdiff_t>(p + ms(10.0)), x.begin() + static_cast<std::ptrdiff_t>(p + ms(40.0)));
            const auto mid = after.begin() + static_cast<std::ptrdiff_t>(after.size() / 2);
            std::nth_element(after.begin(), mid, after.end());
            if (std::abs(*mid - base) >= st.maxLastingShare * jump) continue;
        }
        // the stimulus: the first sample that leaves the level before it by a tenth of the jump
        std::size_t s = i - h + 1;
        while (s < p && std::abs(x[s] - base) < 0.1 * jump) ++s;
        StimulusMark m;
        m.sampleIndex = static_cast<std::int64_t>(s);
        m.timeSec = static_cast<double>(s) / fs;
        m.site = "artifact";
        m.source = "artifact";
        marks.push_back(std::move(m));
        i = s + refractory;
    }
    return marks;
}

namespace {
/// The latency (ms) of the largest deflection of the response after stimulus m: from where the
/// artifact has decayed below a fifth of its size (+0.5 ms) to 50 ms, against the level before it;
/// nullopt when the window leaves the signal.
std::optional<double> responsePeakMs(std::span<const double> x, double fs, const StimulusMark& m) {
    const auto at = [&](double ms) { return m.sampleIndex + static_cast<std::int64_t>(std::llround(ms * 1e-3 * fs)); };
    const auto n = static_cast<std::int64_t>(x.size());
    if (at(-5.0) < 0 || at(50.0) >= n) return std::nullopt;
    std::vector<double> pre(x.begin() + at(-5.0), x.begin() + at(-0.5));
    std::nth_element(pre.begin(), pre.begin() + static_cast<std::ptrdiff_t>(pre.size() / 2), pre.end());
    const double base = pre[pre.size() / 2];
    double jump = 0.0;
    for (auto k = m.sampleIndex; k < at(0.5); ++k) jump = std::max(jump, std::abs(x[static_cast<std::size_t>(k)] - base));
    auto from = m.sampleIndex;
    while (from < at(10.0) && std::abs(x[static_cast<std::size_t>(from)] - base) >= 0.2 * jump) ++from;
    from += at(0.5) - m.sampleIndex;
    std::int64_t best = from;
    for (auto k = from; k < at(50.0); ++k)
        if (std::abs(x[static_cast<std::size_t>(k)] - base) > std::abs(x[static_cast<std::size_t>(best)] - base)) best = k;
    return static_cast<double>(best - m.sampleIndex) * 1000.0 / fs;
}
}  // namespace

void splitArtifactSites(std::vector<StimulusMark>& marks, std::span<const double> x, double fs, bool byResponse) {
    if (marks.empty()) return;
    std::vector<double> gaps;
    for (std::size_t k = 1; k < marks.size(); ++k) gaps.push_back(marks[k].timeSec - marks[k - 1].timeSec);
    double pause = 2.0;
    if (!gaps.empty()) {
        auto sorted = gaps;
        std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
        pause = std::max(2.0, 3.0 * sorted[sorted.size() / 2]);
    }
    const bool peaks = byResponse && !x.empty();
    std::vector<std::optional<double>> peak(marks.size());
    if (peaks)
        for (std::size_t k = 0; k < marks.size(); ++k) peak[k] = responsePeakMs(x, fs, marks[k]);
    std::optional<double> last = peak[0];
    int site = 1;
    marks[0].site = "site 1";
    for (std::size_t k = 1; k < marks.size(); ++k) {
        const auto away = [&](std::size_t i) { return last && peak[i] && std::abs(*peak[i] - *last) > 0.5; };
        // another site: a pause to move the stimulator, or the response's peak somewhere else, unless the
        // next stimulus (no pause between) has it back where it was: one sweep's noise moved it
        const bool lone = k + 1 < marks.size() && gaps[k] <= pause && last && peak[k + 1] && !away(k + 1);
        const bool moved = away(k) && !lone;
        if (gaps[k - 1] > pause || moved) ++site;
        marks[k].site = "site " + std::to_string(site);
        if (peak[k] && (moved || !away(k) || gaps[k - 1] > pause)) last = peak[k];
    }
}

}  // namespace emg::dsp

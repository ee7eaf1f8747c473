#include "needle_emg_model.h"

#include "background.h"
#include "muap_templates.h"
#include "noise_source.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace emg::sim {
namespace {

constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t kMaxBlockFrames = 8192;
constexpr double kIsiCv = 0.15;          // motor unit discharge variability (10-20 %)
constexpr double kFibIsiCv = 0.01;       // fibrillations fire very regularly

/// Pool organisation per pattern (recruitment and rate coding; docs/simulator.md).
struct PoolSpec {
    int units;
    double firstThreshold;      ///< effort at which the first unit is recruited
    double lastThreshold;       ///< effort at which the last unit is recruited
    double onsetRateHz;         ///< rate at recruitment
    double recruitmentRateHz;   ///< rate of the first unit when the second is recruited
    double gainHzPerEffort;     ///< rate increase per unit effort (same for all units)
    double peakRateHz;
};

PoolSpec poolSpec(MusclePattern p) {
    switch (p) {
    case MusclePattern::Neuropathic: return {6, 0.03, 0.75, 6.0, 18.0, 90.0, 19.0};
    case MusclePattern::Myopathic: return {30, 0.01, 0.45, 6.0, 7.0, 60.0, 19.0};
    case MusclePattern::Normal: break;
    }
    return {20, 0.02, 0.75, 6.0, 10.0, 60.0, 19.0};
}

/// Thresholds: the first two set the recruitment frequency, the rest spread geometrically
/// so that the last unit is recruited at lastThreshold.
std::vector<double> thresholds(const PoolSpec& s, int n) {
    std::vector<double> e(static_cast<std::size_t>(n));
    if (n == 0) return e;
    e[0] = s.firstThreshold;
    if (n == 1) return e;
    const double d1 = (s.recruitmentRateHz - s.onsetRateHz) / s.gainHzPerEffort;
    const double span = std::max(s.lastThreshold - s.firstThreshold, d1);
    const auto sum = [&](double r) {
        double acc = 0.0, term = d1;
        for (int k = 0; k < n - 1; ++k) {
            acc += term;
            term *= r;
        }
        return acc;
    };
    double lo = 0.3, hi = 3.0;
    for (int it = 0; it < 100; ++it) {
        const double mid = 0.5 * (lo + hi);
        (sum(mid) < span ? lo : hi) = mid;
    }
    const double r = 0.5 * (lo + hi);
    double term = d1;
    for (int i = 1; i < n; ++i) {
        e[static_cast<std::size_t>(i)] = e[static_cast<std::size_t>(i) - 1] + term;
        term *= r;
    }
    return e;
}

std::size_t nextPow2(std::size_t v) {
    std::size_t p = 1;
    while (p < v) p <<= 1;
    return p;
}

std::string lower(std::string_view t) {
    std::string s;
    for (char c : t) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return s;
}

}  // namespace

const char* toString(MusclePattern p) noexcept {
    switch (p) {
    case MusclePattern::Normal: return "normal";
    case MusclePattern::Neuropathic: return "neuropathic";
    case MusclePattern::Myopathic: return "myopathic";
    }
    return "?";
}

const char* toString(SpontaneousKind k) noexcept {
    switch (k) {
    case SpontaneousKind::Fibrillation: return "fibrillation";
    case SpontaneousKind::PositiveSharpWave: return "positive-sharp-wave";
    case SpontaneousKind::Fasciculation: return "fasciculation";
    }
    return "?";
}

MusclePattern parseMusclePattern(std::string_view text) {
    const std::string s = lower(text);
    if (s == "normal") return MusclePattern::Normal;
    if (s == "neuropathic" || s == "neurogenic") return MusclePattern::Neuropathic;
    if (s == "myopathic") return MusclePattern::Myopathic;
    throw std::invalid_argument("unknown muscle pattern '" + std::string(text) + "' (normal, neuropathic, myopathic)");
}

int NeedleSignal::activeUnits() const noexcept {
    int n = 0;
    for (const auto& u : units) n += u.firingTimesSec.empty() ? 0 : 1;
    return n;
}

double NeedleSignal::fastestRateHz() const noexcept {
    double r = 0.0;
    for (const auto& u : units) r = std::max(r, u.meanRateHz);
    return r;
}

SpontaneousConfig SpontaneousConfig::fromGrade(int grade, bool fasciculations) {
    if (grade < 0 || grade > 4) throw std::invalid_argument("denervation grade must be 0-4, not " + std::to_string(grade));
    static constexpr int fib[5] = {0, 1, 2, 4, 8};
    static constexpr int psw[5] = {0, 0, 1, 3, 6};
    SpontaneousConfig c;
    c.fibrillationSources = fib[grade];
    c.positiveSharpWaveSources = psw[grade];
    c.fasciculationSources = fasciculations ? 2 : 0;
    return c;
}

void NeedleMuscleConfig::validate() const {
    if (!(effort >= 0.0 && effort <= 1.0))
        throw std::invalid_argument("needle model: effort must be 0-1, not " + std::to_string(effort));
    if (!(sampleRateHz >= 4000.0 && sampleRateHz <= 48000.0))
        throw std::invalid_argument("needle model: sample rate must be 4-48 kHz, not " + std::to_string(sampleRateHz));
    if (motorUnitCount < 0 || motorUnitCount > 200)
        throw std::invalid_argument("needle model: motor unit count must be 0 (default) to 200");
    const auto& sp = spontaneous;
    if (sp.fibrillationSources < 0 || sp.fibrillationSources > 50 || sp.positiveSharpWaveSources < 0 ||
        sp.positiveSharpWaveSources > 50 || sp.fasciculationSources < 0 || sp.fasciculationSources > 20)
        throw std::invalid_argument("needle model: spontaneous sources must be 0-50 (fasciculations 0-20)");
    if (!(noiseRmsUv >= 0.0 && noiseRmsUv <= 1000.0))
        throw std::invalid_argument("needle model: noise rms must be 0-1000 uV");
    if (!(mainsHz == 50.0 || mainsHz == 60.0)) throw std::invalid_argument("needle model: mains must be 50 or 60 Hz");
    if (!(mainsAmplitudeUv >= 0.0 && mainsAmplitudeUv <= 10000.0))
        throw std::invalid_argument("needle model: mains amplitude must be 0-10000 uV");
}

struct NeedleMuscleModel::Impl {
    struct Unit {
        MotorUnitTruth truth;
        double gain = 0.0, peak = 20.0;
        std::int64_t next = kNever;
    };
    struct Source {
        SpontaneousTruth truth;
        double cv = 0.0;
        bool poisson = false;
        std::int64_t next = kNever;
    };
    std::vector<Unit> units;
    std::vector<Source> sources;
    std::mt19937_64 rng;
    std::vector<double> acc;
    std::size_t mask = 0;
    double fs = 20000.0;
    // truth recording during generate()
    bool record = false;
    std::vector<std::vector<double>> unitTimes, sourceTimes;

    void add(const std::vector<double>& t, std::int64_t at) noexcept {
        for (std::size_t j = 0; j < t.size(); ++j) acc[static_cast<std::size_t>(at + static_cast<std::int64_t>(j)) & mask] += t[j];
    }
    std::int64_t intervalSamples(double rateHz, double cv) noexcept {
        const double z = std::clamp(standardNormal(rng), -3.0, 3.0);
        const double isi = std::max(0.3, 1.0 + cv * z) / rateHz;
        return std::max<std::int64_t>(1, std::llround(isi * fs));
    }
    std::int64_t poissonSamples(double rateHz) noexcept {
        double u = uniform01(rng);
        if (u <= 1e-12) u = 1e-12;
        return std::max<std::int64_t>(1, std::llround(-std::log(u) / rateHz * fs));
    }
};

NeedleMuscleModel::NeedleMuscleModel(const NeedleMuscleConfig& config) : config_(config), impl_(std::make_unique<Impl>()) {
    config_.validate();
    effort_ = config_.effort;
    Impl& m = *impl_;
    m.fs = config_.sampleRateHz;
    m.rng.seed(config_.seed);
    std::mt19937_64 shapeRng(config_.seed * 0x9E3779B97F4A7C15ULL + 17);

    const PoolSpec spec = poolSpec(config_.pattern);
    const int n = config_.motorUnitCount > 0 ? config_.motorUnitCount : spec.units;
    std::vector<PotentialShape> shapes;
    for (int i = 0; i < n; ++i) shapes.push_back(makeMuap(config_.pattern, shapeRng));
    // size principle: small units are recruited first
    std::stable_sort(shapes.begin(), shapes.end(), [](const auto& a, const auto& b) { return a.peakToPeakUv < b.peakToPeakUv; });
    const auto e = thresholds(spec, n);
    std::size_t maxLen = 1;
    for (int i = 0; i < n; ++i) {
        Impl::Unit u;
        const auto& s = shapes[static_cast<std::size_t>(i)];
        u.truth.id = i;
        u.truth.templateUv = sampleLobeChain(s.lobes, m.fs);
        u.truth.peakToPeakUv = s.peakToPeakUv;
        u.truth.durationMs = s.durationMs;
        u.truth.phases = s.phases;
        u.truth.polyphasic = s.phases >= 5;
        u.truth.peakOffsetMs = s.peakOffsetMs;
        u.truth.recruitmentEffort = e[static_cast<std::size_t>(i)];
        u.truth.onsetRateHz = spec.onsetRateHz;
        u.gain = spec.gainHzPerEffort;
        u.peak = spec.peakRateHz;
        maxLen = std::max(maxLen, u.truth.templateUv.size());
        m.units.push_back(std::move(u));
    }
    const auto addSources = [&](int count, SpontaneousKind kind) {
        for (int i = 0; i < count; ++i) {
            Impl::Source src;
            src.truth.kind = kind;
            PotentialShape s;
            if (kind == SpontaneousKind::Fibrillation) {
                s = makeFibrillation(shapeRng);
                src.truth.rateHz = 0.5 + 14.5 * std::pow(uniform01(shapeRng), 1.5);  // 0.5-15 Hz, mostly low
                src.cv = kFibIsiCv;
            } else if (kind == SpontaneousKind::PositiveSharpWave) {
                s = makePositiveSharpWave(shapeRng);
                src.truth.rateHz = 0.5 + 9.5 * std::pow(uniform01(shapeRng), 1.5);
                src.cv = kFibIsiCv;
            } else {
                s = makeMuap(config_.pattern, shapeRng);
                src.truth.rateHz = 0.1 + 0.9 * uniform01(shapeRng);               // 0.1-1 Hz, irregular
                src.poisson = true;
            }
            src.truth.templateUv = sampleLobeChain(s.lobes, m.fs);
            src.truth.peakToPeakUv = s.peakToPeakUv;
            src.truth.durationMs = s.durationMs;
            src.truth.initialPositive = s.initialPositive;
            maxLen = std::max(maxLen, src.truth.templateUv.size());
            m.sources.push_back(std::move(src));
        }
    };
    addSources(config_.spontaneous.fibrillationSources, SpontaneousKind::Fibrillation);
    addSources(config_.spontaneous.positiveSharpWaveSources, SpontaneousKind::PositiveSharpWave);
    addSources(config_.spontaneous.fasciculationSources, SpontaneousKind::Fasciculation);
    m.acc.assign(nextPow2(kMaxBlockFrames + maxLen + 1), 0.0);
    m.mask = m.acc.size() - 1;
    restart(0);
}

NeedleMuscleModel::~NeedleMuscleModel() = default;
NeedleMuscleModel::NeedleMuscleModel(NeedleMuscleModel&&) noexcept = default;
NeedleMuscleModel& NeedleMuscleModel::operator=(NeedleMuscleModel&&) noexcept = default;

std::size_t NeedleMuscleModel::maxBlockFrames() const noexcept { return kMaxBlockFrames; }

void NeedleMuscleModel::restart(std::int64_t firstSample) {
    Impl& m = *impl_;
    sample_ = firstSample;
    std::fill(m.acc.begin(), m.acc.end(), 0.0);
    m.rng.seed(config_.seed);
    for (auto& u : m.units) u.next = kNever;
    for (auto& s : m.sources) {
        // random phase within the first interval
        s.next = firstSample + static_cast<std::int64_t>(uniform01(m.rng) / s.truth.rateHz * m.fs);
    }
}

void NeedleMuscleModel::setEffort(double effort) noexcept { effort_ = std::clamp(effort, 0.0, 1.0); }

double NeedleMuscleModel::firingRateHz(std::size_t unit, double effort) const noexcept {
    if (unit >= impl_->units.size()) return 0.0;
    const auto& u = impl_->units[unit];
    if (effort < u.truth.recruitmentEffort || effort <= 0.0) return 0.0;
    return std::min(u.peak, u.truth.onsetRateHz + u.gain * (effort - u.truth.recruitmentEffort));
}

void NeedleMuscleModel::render(std::span<double> out) noexcept {
    Impl& m = *impl_;
    const std::size_t n = std::min(out.size(), kMaxBlockFrames);
    const std::int64_t b0 = sample_, b1 = sample_ + static_cast<std::int64_t>(n);
    for (std::size_t i = 0; i < m.units.size(); ++i) {
        auto& u = m.units[i];
        const double rate = firingRateHz(i, effort_);
        if (rate <= 0.0) {
            u.next = kNever;
            continue;
        }
        if (u.next == kNever) u.next = b0 + static_cast<std::int64_t>(uniform01(m.rng) / rate * m.fs);
        while (u.next < b1) {
            m.add(u.truth.templateUv, u.next);
            if (m.record) m.unitTimes[i].push_back(static_cast<double>(u.next) / m.fs);
            u.next += m.intervalSamples(rate, kIsiCv);
        }
    }
    for (std::size_t i = 0; i < m.sources.size(); ++i) {
        auto& s = m.sources[i];
        while (s.next < b1) {
            m.add(s.truth.templateUv, s.next);
            if (m.record) m.sourceTimes[i].push_back(static_cast<double>(s.next) / m.fs);
            s.next += s.poisson ? m.poissonSamples(s.truth.rateHz) : m.intervalSamples(s.truth.rateHz, s.cv);
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        double& a = m.acc[static_cast<std::size_t>(b0 + static_cast<std::int64_t>(i)) & m.mask];
        out[i] += a;
        a = 0.0;
    }
    sample_ = b1;
}

std::vector<MotorUnitTruth> NeedleMuscleModel::unitTruth() const {
    std::vector<MotorUnitTruth> v;
    for (const auto& u : impl_->units) v.push_back(u.truth);
    return v;
}

std::vector<SpontaneousTruth> NeedleMuscleModel::spontaneousTruth() const {
    std::vector<SpontaneousTruth> v;
    for (const auto& s : impl_->sources) v.push_back(s.truth);
    return v;
}

NeedleSignal NeedleMuscleModel::generate(double seconds) { return generate(seconds, {}); }

NeedleSignal NeedleMuscleModel::generate(double seconds, const std::vector<std::pair<double, double>>& schedule) {
    if (!(seconds > 0.0 && seconds <= 3600.0))
        throw std::invalid_argument("needle model: duration must be >0 and <= 3600 s, not " + std::to_string(seconds));
    for (const auto& [t, e] : schedule)
        if (!(e >= 0.0 && e <= 1.0) || !(t >= 0.0))
            throw std::invalid_argument("needle model: effort schedule needs times >= 0 and efforts 0-1");
    Impl& m = *impl_;
    const auto total = static_cast<std::size_t>(std::llround(seconds * m.fs));
    NeedleSignal sig;
    sig.sampleRateHz = m.fs;
    sig.microvolts.assign(total, 0.0);
    m.record = true;
    m.unitTimes.assign(m.units.size(), {});
    m.sourceTimes.assign(m.sources.size(), {});
    restart(0);
    setEffort(config_.effort);
    std::size_t pos = 0, nextChange = 0;
    while (pos < total) {
        while (nextChange < schedule.size() &&
               std::llround(schedule[nextChange].first * m.fs) <= static_cast<std::int64_t>(pos)) {
            setEffort(schedule[nextChange].second);
            ++nextChange;
        }
        std::size_t end = std::min(total, pos + kMaxBlockFrames);
        if (nextChange < schedule.size())
            end = std::min(end, static_cast<std::size_t>(std::max<long long>(
                                    static_cast<long long>(pos) + 1, std::llround(schedule[nextChange].first * m.fs))));
        render(std::span<double>(sig.microvolts.data() + pos, end - pos));
        pos = end;
    }
    m.record = false;
    if (config_.noiseRmsUv > 0.0 || config_.mainsAmplitudeUv > 0.0) {
        BackgroundConfig bc;
        bc.sampleRateHz = m.fs;
        bc.noiseRmsUv = config_.noiseRmsUv;
        bc.mainsHz = config_.mainsHz;
        bc.mainsAmplitudeUv = config_.mainsAmplitudeUv;
        bc.seed = config_.seed ^ 0xB4C0FFEEULL;
        Background bg(bc);
        bg.add(sig.microvolts);
    }
    for (std::size_t i = 0; i < m.units.size(); ++i) {
        MotorUnitTruth t = m.units[i].truth;
        t.firingTimesSec = std::move(m.unitTimes[i]);
        if (t.firingTimesSec.size() >= 2)
            t.meanRateHz = static_cast<double>(t.firingTimesSec.size() - 1) / (t.firingTimesSec.back() - t.firingTimesSec.front());
        sig.units.push_back(std::move(t));
    }
    for (std::size_t i = 0; i < m.sources.size(); ++i) {
        SpontaneousTruth t = m.sources[i].truth;
        t.timesSec = std::move(m.sourceTimes[i]);
        sig.spontaneous.push_back(std::move(t));
    }
    return sig;
}

}  // namespace emg::sim

#include "simulated_amplifier.h"

#include "background.h"
#include "noise_source.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

namespace emg::sim {
namespace {

constexpr std::size_t kMaxFramesPerBlock = 8192;
constexpr std::size_t kMaxPendingCommands = 64;
constexpr std::size_t kMaxScheduledPulses = 64 * 100;
constexpr double kResponseWindowSec = 0.12;   // longest response: tibial F ~ 60 ms, H ~ 35 ms
constexpr double kTriggerUv = 1000.0;

std::size_t nextPow2(std::size_t v) {
    std::size_t p = 1;
    while (p < v) p <<= 1;
    return p;
}

NerveConfig nerveFor(const SimulationSettings& s) {
    NerveConfig c = nervePreset(s.nerve);
    if (s.rnsDecrementPercent >= 0.0) c.rnsDecrementPercent = s.rnsDecrementPercent;
    c.amplitudeUv *= s.amplitudeScale;
    if (s.hReflexAbsent) c.hMaxRatio = 0.0;
    return c;
}

bool sameModels(const SimulationSettings& a, const SimulationSettings& b) {
    return a.pattern == b.pattern && a.denervationGrade == b.denervationGrade && a.fasciculations == b.fasciculations &&
           a.nerve == b.nerve && a.rnsDecrementPercent == b.rnsDecrementPercent && a.mainsHz == b.mainsHz &&
           a.mainsAmplitudeUv == b.mainsAmplitudeUv && a.surfaceNoiseRmsUv == b.surfaceNoiseRmsUv &&
           a.needleNoiseRmsUv == b.needleNoiseRmsUv && a.driftAmplitudeUv == b.driftAmplitudeUv && a.seed == b.seed &&
           a.stimulusArtifact == b.stimulusArtifact && a.amplitudeScale == b.amplitudeScale && a.hReflexAbsent == b.hReflexAbsent;
}

}  // namespace

void SimulationSettings::validate() const {
    if (!(effort >= 0.0 && effort <= 1.0)) throw std::invalid_argument("sim: effort must be 0-1, not " + std::to_string(effort));
    if (denervationGrade < 0 || denervationGrade > 4)
        throw std::invalid_argument("sim: denervation grade must be 0-4, not " + std::to_string(denervationGrade));
    const NerveModel nerveModel(nerveFor(*this));  // throws for an unknown nerve / bad decrement
    if (siteIndex >= nerveModel.siteCount())
        throw std::invalid_argument("sim: nerve '" + nerve + "' has " + std::to_string(nerveModel.siteCount()) +
                                    " stimulation sites; site index " + std::to_string(siteIndex) + " does not exist");
    if (!(rnsDecrementPercent < 0.0 || rnsDecrementPercent <= 90.0))
        throw std::invalid_argument("sim: RNS decrement must be 0-90 %");
    if (!(mainsHz == 50.0 || mainsHz == 60.0))
        throw std::invalid_argument("sim: mains frequency must be 50 or 60 Hz, not " + std::to_string(mainsHz));
    if (!(mainsAmplitudeUv >= 0.0 && mainsAmplitudeUv <= 10000.0))
        throw std::invalid_argument("sim: mains amplitude must be 0-10000 uV");
    if (!(surfaceNoiseRmsUv >= 0.0 && surfaceNoiseRmsUv <= 1000.0 && needleNoiseRmsUv >= 0.0 && needleNoiseRmsUv <= 1000.0))
        throw std::invalid_argument("sim: noise rms must be 0-1000 uV");
    if (!(driftAmplitudeUv >= 0.0 && driftAmplitudeUv <= 10000.0))
        throw std::invalid_argument("sim: drift amplitude must be 0-10000 uV");
}

/// Everything that depends on the settings and the channel layout (rebuilt on change).
struct SimulatedAmplifier::Models {
    SimulationSettings settings;
    NerveModel nerve;
    std::vector<NeedleMuscleModel> needle;      ///< one per needle channel
    std::vector<int> needleOf;                  ///< channel -> needle model index or -1
    std::vector<ElectrodeKind> kind;
    std::vector<NoiseSource> noise;             ///< per channel
    std::vector<double> noiseRms;
    Background mains;                           ///< shared mains + drift, no noise
    Models(const SimulationSettings& s, const BackgroundConfig& bc) : settings(s), nerve(nerveFor(s)), mains(bc) {}
};

/// Generator-thread state, allocated in start().
struct SimulatedAmplifier::Runtime {
    struct Pulse {
        std::int64_t sample;
        StimulusCommand command;
        std::uint16_t trainIndex;
    };
    std::unique_ptr<Models> models;
    std::vector<double> chan;        ///< channel-major scratch, channels x maxFrames
    std::vector<double> mains;       ///< maxFrames
    std::vector<double> ncsAcc, trigAcc;
    std::size_t accMask = 0;
    std::vector<double> response;    ///< one response window
    std::vector<StimulusCommand> commands;   ///< filled by stimulate() under the mutex
    std::vector<Pulse> pulses;
    std::mt19937_64 rng;
};

SimulatedAmplifier::SimulatedAmplifier() : SimulatedAmplifier(SimulationSettings{}) {}

SimulatedAmplifier::SimulatedAmplifier(SimulationSettings settings) : settings_(std::move(settings)) {
    settings_.validate();
    effort_ = settings_.effort;
    site_ = settings_.siteIndex;
    config_ = makeConfig(2, 20000.0, 1, Pacing::RealTime);
}

SimulatedAmplifier::~SimulatedAmplifier() { stop(); }

DeviceInfo SimulatedAmplifier::info() const {
    DeviceInfo i;
    i.driver = "sim";
    i.name = "Simulated amplifier (32 ch, 24-bit)";
    i.serial = "SIM-0001";
    i.firmwareVersion = "sim-1";
    i.maxChannels = 32;
    i.sampleRatesHz = {4000, 5000, 8000, 10000, 16000, 20000, 24000, 25000, 32000, 40000, 44100, 48000};
    i.gainsMicrovoltsPerCount = {kMicrovoltsPerCount};
    i.adcBits = 24;
    i.stimulator = StimulatorLimits{};   // 100 mA, 0.05-1 ms, trains up to 50 Hz x 100
    return i;
}

void SimulatedAmplifier::open() {
    if (state_ == DeviceState::Closed) state_ = DeviceState::Open;
}

void SimulatedAmplifier::close() {
    stop();
    state_ = DeviceState::Closed;
}

AcquisitionConfig SimulatedAmplifier::makeConfig(std::size_t channels, double fs, std::size_t needleChannels, Pacing pacing) {
    AcquisitionConfig c;
    c.sampleRateHz = fs;
    c.pacing = pacing;
    for (std::size_t i = 0; i < channels; ++i) {
        ChannelInfo ch;
        const bool needle = i < needleChannels;
        ch.label = needle ? "Needle " + std::to_string(i + 1) : "Surface " + std::to_string(i + 1);
        ch.electrode = needle ? ElectrodeKind::Needle : ElectrodeKind::Surface;
        ch.microvoltsPerCount = kMicrovoltsPerCount;
        ch.sampleRateHz = fs;
        ch.digitalMin = kDigitalMin;
        ch.digitalMax = kDigitalMax;
        c.channels.push_back(ch);
    }
    return c;
}

std::unique_ptr<SimulatedAmplifier::Models> SimulatedAmplifier::buildModels(const SimulationSettings& s,
                                                                           const AcquisitionConfig& c,
                                                                           std::int64_t startSample) const {
    BackgroundConfig bc;
    bc.sampleRateHz = c.sampleRateHz;
    bc.noiseRmsUv = 0.0;
    bc.mainsHz = s.mainsHz;
    bc.mainsAmplitudeUv = s.mainsAmplitudeUv;
    bc.driftAmplitudeUv = s.driftAmplitudeUv;
    bc.seed = s.seed;
    auto m = std::make_unique<Models>(s, bc);
    m->mains.skipTo(startSample);
    for (std::size_t i = 0; i < c.channels.size(); ++i) {
        const ElectrodeKind k = c.channels[i].electrode;
        m->kind.push_back(k);
        m->noise.emplace_back(s.seed * 1000003ULL + 31 * i + 7);
        m->noiseRms.push_back(k == ElectrodeKind::Needle ? s.needleNoiseRmsUv
                              : k == ElectrodeKind::Trigger ? 0.0 : s.surfaceNoiseRmsUv);
        if (k == ElectrodeKind::Needle) {
            NeedleMuscleConfig nc;
            nc.pattern = s.pattern;
            nc.effort = s.effort;
            nc.spontaneous = SpontaneousConfig::fromGrade(s.denervationGrade, s.fasciculations);
            nc.sampleRateHz = c.sampleRateHz;
            nc.seed = s.seed + 7919ULL * (i + 1);
            m->needleOf.push_back(static_cast<int>(m->needle.size()));
            m->needle.emplace_back(nc);
            m->needle.back().restart(startSample);
        } else {
            m->needleOf.push_back(-1);
        }
    }
    return m;
}

void SimulatedAmplifier::configure(const AcquisitionConfig& config) {
    if (state_ == DeviceState::Running) throw std::logic_error("sim: stop before configuring");
    if (config.channels.empty() || config.channels.size() > 32)
        throw std::invalid_argument("sim: 1 to 32 channels, not " + std::to_string(config.channels.size()));
    if (!(config.sampleRateHz >= 4000.0 && config.sampleRateHz <= 48000.0))
        throw std::invalid_argument("sim: sample rate must be 4-48 kHz, not " + std::to_string(config.sampleRateHz) + " Hz");
    if (config.framesPerBlock > kMaxFramesPerBlock)
        throw std::invalid_argument("sim: at most " + std::to_string(kMaxFramesPerBlock) + " frames per block");
    AcquisitionConfig applied = config;
    for (auto& ch : applied.channels) {
        ch.microvoltsPerCount = kMicrovoltsPerCount;
        ch.sampleRateHz = config.sampleRateHz;
        ch.digitalMin = kDigitalMin;
        ch.digitalMax = kDigitalMax;
    }
    SimulationSettings s;
    {
        std::lock_guard lock(mutex_);
        s = settings_;
    }
    auto models = buildModels(s, applied, 0);
    std::lock_guard lock(mutex_);
    config_ = applied;
    pending_ = std::move(models);
    if (state_ == DeviceState::Closed || state_ == DeviceState::Open) state_ = DeviceState::Configured;
}

AcquisitionConfig SimulatedAmplifier::configuration() const {
    std::lock_guard lock(mutex_);
    return config_;
}

void SimulatedAmplifier::start(AcquisitionRing& ring) {
    if (state_ == DeviceState::Running) throw std::logic_error("sim: already running");
    if (state_ != DeviceState::Configured) configure(configuration());
    const std::size_t ch = config_.channels.size();
    auto rt = std::make_unique<Runtime>();
    {
        std::lock_guard lock(mutex_);
        rt->models = pending_ ? std::move(pending_) : buildModels(settings_, config_, 0);
        pendingFresh_ = false;
        rt->rng.seed(settings_.seed ^ 0xF00DULL);
    }
    for (auto& n : rt->models->needle) n.restart(0);
    rt->models->mains.skipTo(0);
    rt->chan.assign(ch * kMaxFramesPerBlock, 0.0);
    rt->mains.assign(kMaxFramesPerBlock, 0.0);
    const auto window = static_cast<std::size_t>(std::ceil(kResponseWindowSec * config_.sampleRateHz));
    rt->response.assign(window, 0.0);
    rt->ncsAcc.assign(nextPow2(window + kMaxFramesPerBlock + 1), 0.0);
    rt->trigAcc.assign(rt->ncsAcc.size(), 0.0);
    rt->accMask = rt->ncsAcc.size() - 1;
    rt->commands.reserve(kMaxPendingCommands);
    rt->pulses.reserve(kMaxScheduledPulses);
    {
        std::lock_guard lock(mutex_);
        rt_ = std::move(rt);
    }
    nextSample_ = 0;
    blocks_ = frames_ = droppedBlocks_ = droppedFrames_ = 0;
    stop_ = false;
    state_ = DeviceState::Running;
    thread_ = std::thread([this, &ring] { run(&ring); });
}

void SimulatedAmplifier::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (state_ == DeviceState::Running) state_ = DeviceState::Configured;
    std::lock_guard lock(mutex_);
    if (rt_) {
        // keep the models for the next start (restarted at sample 0)
        if (!pendingFresh_) pending_ = std::move(rt_->models);
        pendingFresh_ = false;
        rt_.reset();
    }
}

void SimulatedAmplifier::stimulate(const StimulusCommand& command) {
    if (auto why = validateStimulus(command, info().stimulator))
        throw std::invalid_argument("sim: stimulus refused: " + *why);
    std::lock_guard lock(mutex_);
    if (state_ != DeviceState::Running || !rt_) throw std::logic_error("sim: start acquisition before stimulating");
    if (rt_->commands.size() >= kMaxPendingCommands)
        throw std::runtime_error("sim: too many stimulus commands waiting for the next block");
    rt_->commands.push_back(command);
}

DeviceStatus SimulatedAmplifier::status() const {
    DeviceStatus s;
    s.state = state_;
    s.blocksProduced = blocks_;
    s.framesProduced = frames_;
    s.blocksDroppedRingFull = droppedBlocks_;
    s.framesDroppedRingFull = droppedFrames_;
    return s;
}

void SimulatedAmplifier::setSettings(const SimulationSettings& settings) {
    settings.validate();
    SimulationSettings old;
    AcquisitionConfig cfg;
    {
        std::lock_guard lock(mutex_);
        old = settings_;
        cfg = config_;
    }
    std::unique_ptr<Models> built;
    if (!sameModels(old, settings)) built = buildModels(settings, cfg, nextSample_.load());
    std::unique_ptr<Models> retired;
    {
        std::lock_guard lock(mutex_);
        settings_ = settings;
        effort_ = settings.effort;
        site_ = settings.siteIndex;
        if (built) {
            retired = std::move(pending_);   // freed here, on the caller's thread
            pending_ = std::move(built);
            pendingFresh_ = true;
        }
    }
}

SimulationSettings SimulatedAmplifier::settings() const {
    std::lock_guard lock(mutex_);
    SimulationSettings s = settings_;
    s.effort = effort_.load();
    s.siteIndex = site_.load();
    return s;
}

void SimulatedAmplifier::setEffort(double effort) {
    auto s = settings();
    s.effort = effort;
    setSettings(s);
}

void SimulatedAmplifier::setMusclePattern(MusclePattern pattern) {
    auto s = settings();
    s.pattern = pattern;
    setSettings(s);
}

void SimulatedAmplifier::setStimulationSite(std::size_t siteIndex) {
    auto s = settings();
    s.siteIndex = siteIndex;
    setSettings(s);
}

NcsResponseTruth SimulatedAmplifier::expectedResponse(const StimulusCommand& command) const {
    const auto s = settings();
    const NerveModel nerve(nerveFor(s));
    StimulusSpec spec;
    spec.site = std::min(s.siteIndex, nerve.siteCount() - 1);
    spec.intensityMa = command.intensityMa;
    spec.pulseWidthMs = command.pulseWidthMs;
    return nerve.response(spec, nullptr);
}

void SimulatedAmplifier::deliverDuePulses(Runtime& rt, Models& m, std::size_t site, std::int64_t b1, double fs, AcquisitionRing* ring) {
    const bool artifact = m.settings.stimulusArtifact;
    auto due = std::partition(rt.pulses.begin(), rt.pulses.end(), [b1](const Runtime::Pulse& p) { return p.sample < b1; });
    std::sort(rt.pulses.begin(), due, [](const auto& a, const auto& b) { return a.sample < b.sample; });
    for (auto it = rt.pulses.begin(); it != due; ++it) {
        const auto& p = *it;
        StimulusSpec spec{site, p.command.intensityMa, p.command.pulseWidthMs, p.trainIndex};
        const NcsResponseTruth truth = m.nerve.response(spec, &rt.rng);
        std::fill(rt.response.begin(), rt.response.end(), 0.0);
        m.nerve.renderResponse(spec, truth, fs, rt.response);
        if (artifact) addStimulusArtifact(spec.intensityMa, spec.pulseWidthMs, fs, rt.response);
        for (std::size_t i = 0; i < rt.response.size(); ++i)
            rt.ncsAcc[static_cast<std::size_t>(p.sample + static_cast<std::int64_t>(i)) & rt.accMask] += rt.response[i];
        const auto widthSamples = std::max<std::int64_t>(1, std::llround(p.command.pulseWidthMs * fs / 1000.0));
        for (std::int64_t i = 0; i < widthSamples; ++i)
            rt.trigAcc[static_cast<std::size_t>(p.sample + i) & rt.accMask] += kTriggerUv;
        StimulusEvent ev;
        ev.sampleIndex = p.sample;
        ev.intensityMa = p.command.intensityMa;
        ev.deliveredMa = p.command.intensityMa;
        ev.pulseWidthMs = p.command.pulseWidthMs;
        ev.siteId = p.command.siteId;
        ev.trainIndex = p.trainIndex;
        ring->pushStimulus(ev);
    }
    rt.pulses.erase(rt.pulses.begin(), due);
}

void SimulatedAmplifier::run(AcquisitionRing* ring) {
    Runtime& rt = *rt_;
    const AcquisitionConfig cfg = config_;
    const std::size_t ch = cfg.channels.size();
    const double fs = cfg.sampleRateHz;
    const auto framesPerBlock = static_cast<std::uint32_t>(
        cfg.framesPerBlock ? cfg.framesPerBlock : std::max(1.0, std::round(fs / 100.0)));
    const double inverseScale = 1.0 / kMicrovoltsPerCount;
    std::uint64_t seq = 0;
    std::int64_t b0 = 0;
    const auto t0 = std::chrono::steady_clock::now();

    while (!stop_.load(std::memory_order_relaxed)) {
        const std::uint32_t n = framesPerBlock;
        const std::int64_t b1 = b0 + n;
        // ---- once per block: settings, models, commands (one short lock, no allocation)
        {
            std::lock_guard lock(mutex_);
            if (pendingFresh_ && pending_) {
                std::swap(rt.models, pending_);
                pendingFresh_ = false;
                for (auto& m : rt.models->needle) m.restart(b0);
                rt.models->mains.skipTo(b0);
            }
            for (const auto& c : rt.commands) {
                const double period = c.trainCount > 1 ? fs / c.trainRateHz : 0.0;
                for (std::uint16_t k = 0; k < c.trainCount && rt.pulses.size() < rt.pulses.capacity(); ++k)
                    rt.pulses.push_back({b0 + static_cast<std::int64_t>(std::llround(k * period)), c, k});
            }
            rt.commands.clear();
        }
        Models& m = *rt.models;
        const double effort = effort_.load(std::memory_order_relaxed);
        for (auto& nm : m.needle) nm.setEffort(effort);
        const std::size_t site = std::min(site_.load(std::memory_order_relaxed), m.nerve.siteCount() - 1);

        deliverDuePulses(rt, m, site, b1, fs, ring);   // stimuli due in this block, in sample order

        // ---- signals
        std::fill_n(rt.mains.begin(), n, 0.0);
        m.mains.addMainsAndDrift(std::span<double>(rt.mains.data(), n));
        for (std::size_t c = 0; c < ch; ++c) {
            double* out = rt.chan.data() + c * kMaxFramesPerBlock;
            std::span<double> span(out, n);
            const ElectrodeKind kind = m.kind[c];
            if (kind == ElectrodeKind::Trigger) {
                for (std::uint32_t i = 0; i < n; ++i) out[i] = rt.trigAcc[static_cast<std::size_t>(b0 + i) & rt.accMask];
                continue;
            }
            std::copy_n(rt.mains.begin(), n, out);
            if (m.needleOf[c] >= 0) {
                m.needle[static_cast<std::size_t>(m.needleOf[c])].render(span);
            } else {
                for (std::uint32_t i = 0; i < n; ++i) out[i] += rt.ncsAcc[static_cast<std::size_t>(b0 + i) & rt.accMask];
            }
            m.noise[c].add(span, m.noiseRms[c]);
        }
        for (std::uint32_t i = 0; i < n; ++i) {
            rt.ncsAcc[static_cast<std::size_t>(b0 + i) & rt.accMask] = 0.0;
            rt.trigAcc[static_cast<std::size_t>(b0 + i) & rt.accMask] = 0.0;
        }

        // ---- pacing and hand-over
        const std::size_t total = static_cast<std::size_t>(n) * ch;
        if (cfg.pacing == Pacing::FreeRunning) {
            while (!stop_.load(std::memory_order_relaxed) && !ring->hasRoomFor(total))
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            if (stop_.load(std::memory_order_relaxed)) break;
        } else {
            const auto due = t0 + std::chrono::duration<double>(static_cast<double>(b1) / fs);
            std::this_thread::sleep_until(std::chrono::time_point_cast<std::chrono::steady_clock::duration>(due));
        }
        const BlockHeader header{seq++, b0, n, static_cast<std::uint16_t>(ch), 0};
        auto spans = ring->reserveSamples(total);
        if (spans.size() < total) {
            ring->dropBlock(header);
            ++droppedBlocks_;
            droppedFrames_ += n;
        } else {
            std::uint16_t flags = 0;
            std::size_t k = 0;
            for (std::uint32_t f = 0; f < n; ++f) {
                for (std::size_t c = 0; c < ch; ++c, ++k) {
                    const double v = rt.chan[c * kMaxFramesPerBlock + f] * inverseScale;
                    std::int32_t count;
                    if (v >= kDigitalMax) {
                        count = kDigitalMax;
                        flags |= kBlockClipped;
                    } else if (v <= kDigitalMin) {
                        count = kDigitalMin;
                        flags |= kBlockClipped;
                    } else {
                        count = static_cast<std::int32_t>(std::lround(v));
                    }
                    if (k < spans.first.size()) spans.first[k] = count;
                    else spans.second[k - spans.first.size()] = count;
                }
            }
            BlockHeader h = header;
            h.flags = flags;
            ring->commitBlock(h);
            blocks_.fetch_add(1, std::memory_order_relaxed);
            frames_.fetch_add(n, std::memory_order_relaxed);
        }
        b0 = b1;
        nextSample_.store(b0, std::memory_order_relaxed);
    }
}

}  // namespace emg::sim

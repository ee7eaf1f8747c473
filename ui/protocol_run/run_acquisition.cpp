// The protocol run wired to the live acquisition (run_acquisition.h).
#include "run_acquisition.h"

#include "acquisition_session.h"
#include "run_waveforms.h"
#include "display_controls.h"
#include "stimulator_panel.h"

#include <emg/needle/muscle_sites.h>
#include <emg/core/recording_segments.h>
#include <emg/io/insertion_annotation.h>
#include <emg/io/recording_io.h>
#include <emg/io/sha256.h>
#include <emg/needle/needle_analysis.h>
#include <emg/study/myotomes.h>
#include <emg/study/needle_entry.h>
#include <emg/study/study_session.h>
#include <emg/study/sweep_capture.h>
#include <emg/study/test_identity.h>
#include <sim/protocol/sim_protocol_setup.h>

#include <QTimer>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <cmath>

namespace emg::ui {

namespace {
constexpr int kPollMs = 20;
constexpr int kMaxPolls = 150;             ///< a sweep not complete after 3 s (a gap, a stop) is given up
constexpr double kPreTriggerMs = 5.0;
constexpr double kDefaultWindowMs = 50.0;

const study::MyotomeMap& myotomes() {
    static const auto map = study::MyotomeMap::loadDefault();
    return map;
}

sim::SimulatedAmplifier* simulatorOf(AcquisitionSession* session) {
    return session ? dynamic_cast<sim::SimulatedAmplifier*>(session->device()) : nullptr;
}

/// The first channel of an electrode kind (surface: NCS responses; needle: needle EMG), else 0.
std::size_t channelOf(const std::vector<ChannelInfo>& channels, ElectrodeKind kind) {
    for (std::size_t c = 0; c < channels.size(); ++c)
        if (channels[c].electrode == kind) return c;
    return 0;
}

/// Samples in the shortest of 10, 20, 50 and 100 ms that holds a whole number of them at this rate
/// (0: none does, and nothing is cut; the writer then finds its own record length): a BDF+ data
/// record of that length divides every kept insertion. Never longer, so a cut takes < 0.1 s off the
/// strong effort (at 23437.5 Hz only 2 s would divide: 1 s of effort lost, not worth the record).
std::size_t wholeBlockSamples(double rateHz) {
    for (const double sec : {0.01, 0.02, 0.05, 0.1}) {
        const double n = rateHz * sec;
        if (n >= 1.0 && std::abs(n - std::round(n)) < 1e-6) return static_cast<std::size_t>(std::llround(n));
    }
    return 0;
}

/// The study test a nerve-conduction or late-response run test's results go into, as a probe for
/// study::findSameTest (kind, nerve, recording site, side).
study::Test testProbe(const study::RunTest& t) {
    auto filled = [&t](auto probe) {
        probe.nerve = t.nerve;
        probe.recordingSite = t.recordingSite;
        probe.side = t.side;
        return study::Test{std::move(probe)};
    };
    switch (t.kind) {
        case TestKind::Motor: return filled(study::MotorNcs{});
        case TestKind::Sensory: return filled(study::SensoryNcs{});
        case TestKind::FWave: return filled(study::FWave{});
        case TestKind::HReflex: return filled(study::HReflex{});
        default: throw std::invalid_argument("no sweeps are kept for a " + t.label() + " test");
    }
}

/// An insertion's phases: rest, weak and strong effort, kNeedlePhaseSec each.
std::vector<Annotation> needlePhases() {
    constexpr double p = RunAcquisition::kNeedlePhaseSec;
    return {{0.0, p, "Rest"}, {p, p, "Weak effort"}, {2.0 * p, p, "Strong effort"}};
}

/// The simulated patient's effort at `seconds` into a muscle: rest, weak, strong.
double effortAt(double seconds) {
    if (seconds < RunAcquisition::kNeedlePhaseSec) return 0.0;
    return seconds < 2.0 * RunAcquisition::kNeedlePhaseSec ? 0.15 : 0.8;
}
}  // namespace

RunAcquisition::RunAcquisition(AcquisitionSession* session, StimulatorPanel* stimulator, DisplayControls* display,
                               study::SessionStore* store, QObject* parent)
    : QObject(parent), session_(session), stimulator_(stimulator), display_(display), store_(store) {
    timer_ = new QTimer(this);
    timer_->setInterval(kPollMs);
    connect(timer_, &QTimer::timeout, this, &RunAcquisition::poll);
    timer_->start();
    if (session_) connect(session_, &AcquisitionSession::started, this, [this] { applySimulator(); });
}

RunAcquisition::~RunAcquisition() = default;

void RunAcquisition::setRun(study::ProtocolRun* run) {
    run_ = run;
    sites_.clear();
    pending_.clear();
    findings_.clear();
    if (run_ && lesion_) findings_ = study::expectedFindings(run_->tests(), *lesion_, myotomes());
    if (session_) {   // stimuli delivered before the run are not its sweeps
        const auto recent = session_->displayBuffer().recentStimuli(1);
        lastStimulus_ = recent.empty() ? -1 : recent.back().sampleIndex;
        generation_ = session_->displayBuffer().generation();
    }
    positionChanged();
}

void RunAcquisition::setSimulatedLesion(std::optional<study::Lesion> lesion) {
    lesion_ = std::move(lesion);
    findings_.clear();
    if (run_ && lesion_) findings_ = study::expectedFindings(run_->tests(), *lesion_, myotomes());
    applySimulator();
}

void RunAcquisition::positionChanged() {
    if (!run_ || run_->finished()) return;
    const auto& p = run_->currentTest().presets;
    if (display_) {
        if (p.sweepMsPerDiv > 0.0) display_->setSweep(p.sweepMsPerDiv);
        if (p.sensitivityUvPerDiv > 0.0) display_->setSensitivity(p.sensitivityUvPerDiv);
    }
    if (stimulator_ && run_->currentTest().kind != TestKind::Needle) {
        if (p.stimulusStartMa > 0.0) stimulator_->setIntensityMa(p.stimulusStartMa);
        if (p.stimulusDurationMs > 0.0) stimulator_->setPulseWidthMs(p.stimulusDurationMs);
    }
    needleUv_.clear();
    needleNext_ = -1;
    needleSites_.clear();
    needleSitesUv_.clear();
    resumeNeedleInsertions();
    applySimulator();
}

void RunAcquisition::resumeNeedleInsertions() {
    if (!store_ || run_->currentTest().kind != TestKind::Needle) return;
    const auto& t = run_->currentTest();
    const auto at = run_->position();
    if (at.site >= t.muscles.size()) return;
    study::NeedleEmg probe;
    probe.muscle = t.muscles[at.site].name;
    probe.side = t.side;
    try {
        auto s = study::StudySession(*store_, run_->studyId()).study();
        const auto* found = study::findSameTest(s, probe);
        if (!found || study::common(*found).raw.empty()) return;
        const auto raw = study::common(*found).raw;
        if (!raw.sha256.empty() && io::sha256OfFile(raw.path) != raw.sha256) {
            emit message(tr("The kept needle signal of %1 changed since it was stored: its insertions start again")
                             .arg(QString::fromStdString(probe.muscle)));
            return;
        }
        const auto rec = io::readRecording(raw.path);
        if (rec.channels.size() != 1 || rec.channels[0].sampleRateHz <= 0.0) return;
        const auto& ch = rec.channels[0];
        const std::size_t count = std::max<std::size_t>(1, rec.segments.size());
        needle::NeedleAnalysisOptions o;
        o.muscle = probe.muscle;
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t from = rec.segments.empty() ? 0 : segmentFirstSample(rec, k, ch.sampleRateHz);
            const std::size_t to = rec.segments.empty() || k + 1 == count ? ch.samples.size() : segmentFirstSample(rec, k + 1, ch.sampleRateHz);
            std::vector<double> uv(ch.samples.begin() + static_cast<std::ptrdiff_t>(from), ch.samples.begin() + static_cast<std::ptrdiff_t>(to));
            needleSites_.push_back(needle::analyzeNeedleSignal(uv, ch.sampleRateHz, needlePhases(), o));
            needleSitesUv_.push_back(std::move(uv));
        }
        needleSitesRateHz_ = ch.sampleRateHz;
        spdlog::info("protocol run: {} resumed with its {} stored insertion(s)", probe.muscle, needleSites_.size());
    } catch (const std::exception& e) {   // the test stands; only its insertions start again
        needleSites_.clear();
        needleSitesUv_.clear();
        spdlog::warn("protocol run: the stored insertions of {} were not read back: {}", probe.muscle, e.what());
        emit message(tr("The stored insertions of %1 could not be read back (%2): its insertions start again")
                         .arg(QString::fromStdString(probe.muscle), QString::fromUtf8(e.what())));
    }
}

void RunAcquisition::applySimulator() {
    auto* amp = simulatorOf(session_);
    if (!amp || !run_ || run_->finished()) return;
    const auto at = run_->position();
    const auto& test = run_->currentTest();
    try {
        const auto finding = sim::findingAt(findings_, at.test, at.site);
        if (auto s = sim::liveSettingsFor(amp->settings(), test, at.site, finding)) {
            if (test.kind == TestKind::Needle) s->effort = effortAt(needleSeconds());
            amp->setSettings(*s);
        }
    } catch (const std::exception& e) {
        spdlog::warn("protocol run: simulator not set up for {}: {}", test.label(), e.what());
    }
}

study::RunSite* RunAcquisition::site(study::RunCursor at) {
    if (!run_ || at.test >= run_->tests().size()) return nullptr;
    const auto key = std::make_pair(at.test, at.site);
    auto it = sites_.find(key);
    if (it != sites_.end()) return &it->second;
    study::RunSite s(run_->tests()[at.test].kind);
    try {
        for (const auto& stored : run_->sweepsAt(at)) s.add(stored);
    } catch (const std::exception& e) {
        spdlog::warn("protocol run: stored sweeps not read: {}", e.what());
    }
    return &sites_.emplace(key, std::move(s)).first->second;
}

study::RunSite* RunAcquisition::currentSite() { return run_ && !run_->finished() ? site(run_->position()) : nullptr; }

std::optional<double> RunAcquisition::distanceMm(study::RunCursor at) const {
    if (!run_ || at.test >= run_->tests().size()) return std::nullopt;
    const auto& t = run_->tests()[at.test];
    if (simulatorOf(session_)) return sim::simulatedDistanceMm(t, at.site);
    if (at.site < t.sites.size() && t.sites[at.site].distanceMm) return t.sites[at.site].distanceMm;
    return std::nullopt;
}

bool RunAcquisition::repeat() {
    if (!lastDelivered_ || !stimulator_) return false;
    StimulusCommand c = stimulator_->command();
    c.intensityMa = lastDelivered_->intensityMa;
    c.pulseWidthMs = lastDelivered_->pulseWidthMs;
    emit stimulator_->stimulateRequested(c);
    return true;
}

void RunAcquisition::poll() {
    if (!session_ || !run_ || run_->finished()) return;
    const auto& buffer = session_->displayBuffer();
    if (buffer.generation() != generation_) {   // a new run of the device: its sample count starts again
        generation_ = buffer.generation();
        lastStimulus_ = -1;
        pending_.clear();
        needleUv_.clear();
        needleNext_ = -1;
    }
    for (const auto& e : buffer.recentStimuli())
        if (e.sampleIndex > lastStimulus_ && e.trainIndex == 0) {
            pending_.emplace_back(e, 0);
            lastStimulus_ = e.sampleIndex;
        }
    const auto& p = run_->currentTest().presets;
    const dsp::SweepSettings settings{kPreTriggerMs, p.sweepMs > 0.0 ? p.sweepMs : kDefaultWindowMs};
    if (run_->currentTest().kind == TestKind::Needle) {
        takeNeedleSignal();
        return;
    }
    const std::size_t channel = channelOf(buffer.channels(), ElectrodeKind::Surface);
    while (!pending_.empty()) {
        auto& [event, tries] = pending_.front();
        const auto sweep = study::captureSweep(buffer, channel, event, settings);
        if (!sweep) {
            if (++tries < kMaxPolls) return;
            emit message(tr("A stimulus gave no complete sweep (a gap or a stop): not stored"));
            pending_.pop_front();
            continue;
        }
        storeSweep(event, *sweep);
        pending_.pop_front();
    }
}

void RunAcquisition::storeSweep(const StimulusEvent& event, const dsp::Sweep& sweep) {
    lastDelivered_ = event;
    study::RunSweep s;
    const auto& t = run_->currentTest();
    s.channel = t.presets.channels.empty() ? std::string("response") : t.presets.channels.front().label;
    s.sampleRateHz = sweep.sampleRateHz;
    s.stimulusIndex = static_cast<int>(sweep.preSamples);
    s.stimulusMa = event.deliveredMa > 0.0 ? event.deliveredMa : event.intensityMa;
    s.pulseWidthMs = event.pulseWidthMs;
    s.microvolts.assign(sweep.uv.begin(), sweep.uv.end());
    try {
        const auto stored = run_->storeSweep(std::move(s));
        spdlog::info("protocol run: sweep {} stored at test {} site {} ({} mA)", stored.id, stored.testIndex, stored.siteIndex, stored.stimulusMa);
        site(run_->position())->add(stored);
        emit sweepStored();
    } catch (const std::exception& e) {
        emit message(tr("Sweep not stored: %1").arg(QString::fromStdString(e.what())));
        spdlog::error("protocol run: sweep not stored: {}", e.what());
    }
}

std::int64_t RunAcquisition::changedFrom(sim::SimulatedAmplifier* amp) const {
    // the simulator's patient changed (a new muscle, a new effort): the blocks it had made or was
    // making by then are of the old one; a device that is no simulator changes nothing by itself
    if (!amp) return -1;
    const auto st = amp->status();
    const auto block = static_cast<std::int64_t>(std::ceil(needleRateHz_ / 100.0));
    return static_cast<std::int64_t>(st.framesProduced + st.framesDroppedRingFull) + 2 * block + static_cast<std::int64_t>(0.01 * needleRateHz_);
}

double RunAcquisition::needleSeconds() const {
    return needleRateHz_ > 0.0 ? static_cast<double>(needleUv_.size()) / needleRateHz_ : 0.0;
}

void RunAcquisition::takeNeedleSignal() {
    const auto& buffer = session_->displayBuffer();
    const std::int64_t end = buffer.endSampleIndex();
    if (end < 0) return;
    auto* amp = simulatorOf(session_);
    const double total = 3.0 * kNeedlePhaseSec;
    if (needleNext_ < 0 || needleNext_ < buffer.oldestSampleIndex() || needleRateHz_ != buffer.sampleRateHz()) {
        needleUv_.clear();   // placed now (or the signal was lost): the phases start again
        needleRateHz_ = buffer.sampleRateHz();
        if (amp) amp->setEffort(0.0);
        needleNext_ = std::max(end, changedFrom(amp));
    }
    const double before = needleSeconds();
    if (before >= total - 1e-9 || end <= needleNext_) return;
    const double phaseEnd = (std::floor(before / kNeedlePhaseSec + 1e-9) + 1.0) * kNeedlePhaseSec;
    const auto room = static_cast<std::int64_t>(std::llround(phaseEnd * needleRateHz_)) - static_cast<std::int64_t>(needleUv_.size());
    const auto want = static_cast<std::size_t>(std::max<std::int64_t>(0, std::min(end - needleNext_, room)));
    std::vector<float> chunk(want);
    if (buffer.readSamples(channelOf(buffer.channels(), ElectrodeKind::Needle), needleNext_, chunk) != want) {
        needleNext_ = -1;   // part of it was lost (overwritten, a gap): the muscle is taken again from rest
        emit message(tr("The needle signal had a gap: the muscle is taken again from rest"));
        return;
    }
    needleUv_.insert(needleUv_.end(), chunk.begin(), chunk.end());
    needleNext_ += static_cast<std::int64_t>(want);
    if (needleSeconds() >= phaseEnd - 1e-9 && phaseEnd < total - 1e-9) {   // next phase: the patient's new effort
        if (amp) amp->setEffort(effortAt(phaseEnd));
        needleNext_ = std::max(needleNext_, changedFrom(amp));
    }
    emit needleProgress(needleSeconds());
}

std::optional<QString> RunAcquisition::storeNeedle(const study::RunTest& t, study::RunCursor at, bool moving) {
    if (at.site >= t.muscles.size()) return tr("No muscle at this position");
    if (needleSeconds() < 3.0 * kNeedlePhaseSec - 1e-9) {
        if (moving && !needleSites_.empty()) return std::nullopt;   // the insertions stored stand
        return tr("%1 s of rest, weak and strong effort needed, %2 s so far").arg(3.0 * kNeedlePhaseSec).arg(needleSeconds(), 0, 'f', 1);
    }
    for (const double v : needleUv_)
        if (std::isnan(v)) return tr("The needle signal has a gap: take the muscle again (Previous, Next site)");
    if (!needleSitesUv_.empty() && needleSitesRateHz_ != needleRateHz_) {   // resumed insertions at another rate
        needleSites_.clear();
        needleSitesUv_.clear();
        emit message(tr("The muscle's earlier insertions were at another sample rate: its reading starts again from this one"));
    }
    const auto phases = needlePhases();
    needle::NeedleAnalysisOptions o;
    o.muscle = t.muscles[at.site].name;
    // what is analysed is what is kept: whole blocks of 10 ms or more (at most one block is left off
    // the end of the strong effort), so the insertions lie on the kept file's data records
    if (const auto block = wholeBlockSamples(needleRateHz_); block > 0) needleUv_.resize(needleUv_.size() / block * block);
    needleSites_.push_back(needle::analyzeNeedleSignal(needleUv_, needleRateHz_, phases, o));
    needleSitesUv_.push_back(needleUv_);
    needleSitesRateHz_ = needleRateHz_;
    const std::string method = "protocol run, live needle EMG (rest, weak, strong effort)";
    try {
        study::StudySession session(*store_, run_->studyId());
        auto test = needleSites_.size() == 1
                        ? study::needleTestFromAnalysis(o.muscle, t.side, needleSites_.front(), method)
                        : study::needleTestFromSites(o.muscle, t.side, needle::readMuscleOverSites(needleSites_, o.reading), method);
        test.raw = keepNeedleSignal(t, o.muscle);
        session.saveTest(std::move(test));
    } catch (...) {
        needleSites_.pop_back();   // not in the study: not an insertion of the muscle's reading
        needleSitesUv_.pop_back();
        throw;
    }
    // the next insertion starts from rest with the needle moved
    needleUv_.clear();
    needleNext_ = -1;
    emit needleProgress(0.0);
    emit studyChanged();
    return std::nullopt;
}

study::RawDataLink RunAcquisition::keepNeedleSignal(const study::RunTest& t, const std::string& muscle) {
    if (dataDirectory_.isEmpty() || needleSitesUv_.empty() || needleRateHz_ <= 0.0) return {};
    Recording rec;
    rec.recordingId = "needle EMG, " + muscle + " " + std::string(study::toString(t.side)) + ", protocol run";
    RecordedChannel ch;
    ch.label = "Needle";
    ch.signalType = "EMG";
    ch.transducer = "needle electrode";
    ch.sampleRateHz = needleRateHz_;
    // each insertion a segment of its own, 1 s apart (nothing recorded between them), with its phases
    constexpr double kBetweenSec = 1.0;
    double at = 0.0;
    for (std::size_t k = 0; k < needleSitesUv_.size(); ++k) {
        const auto& uv = needleSitesUv_[k];
        const double sec = static_cast<double>(uv.size()) / needleRateHz_;
        if (needleSitesUv_.size() > 1) rec.segments.push_back({at, sec});
        ch.samples.insert(ch.samples.end(), uv.begin(), uv.end());
        const auto phase = [&](const std::string& name) { return needleSitesUv_.size() > 1 ? io::insertionAnnotationText(k + 1, name) : name; };
        rec.annotations.push_back({at, kNeedlePhaseSec, phase("Rest")});
        rec.annotations.push_back({at + kNeedlePhaseSec, kNeedlePhaseSec, phase("Weak effort")});
        rec.annotations.push_back({at + 2.0 * kNeedlePhaseSec, kNeedlePhaseSec, phase("Strong effort")});
        at += sec + kBetweenSec;
    }
    rec.channels.push_back(std::move(ch));
    return keepFile(rec, "needle-" + muscle + "-" + std::string(study::toString(t.side)), muscle);
}

study::RawDataLink RunAcquisition::keepFile(const Recording& rec, const std::string& name, const std::string& what) {
    if (dataDirectory_.isEmpty()) return {};
    try {
        return run_waveforms::keep(rec, dataDirectory_.toStdString(), run_->studyId(), name);
    } catch (const std::exception& e) {   // the result is stored all the same; only its waveforms are not kept
        spdlog::warn("protocol run: the signal of {} was not kept: {}", what, e.what());
        emit message(tr("The signal of %1 was not kept as a file (%2): the result is stored without its waveforms")
                         .arg(QString::fromStdString(what), QString::fromUtf8(e.what())));
        return {};
    }
}

void RunAcquisition::linkSweeps(const study::RunTest& t) {
    if (dataDirectory_.isEmpty() || !run_) return;
    const std::size_t testIndex = run_->position().test;
    std::vector<run_waveforms::SiteSweeps> kept;
    for (std::size_t si = 0; si < t.sites.size(); ++si) {
        auto* s = site({testIndex, si});
        if (!s) continue;
        run_waveforms::SiteSweeps one{t.positionName(si), {}};
        if (t.kind == TestKind::Motor) {   // a motor site is measured on its latest kept sweep: that one
            if (const auto last = s->lastKept()) one.sweeps.push_back(s->sweeps()[*last]);
        } else {                           // sensory: the kept sweeps averaged; late responses: the series
            for (std::size_t k = 0; k < s->sweeps().size(); ++k)
                if (s->isKept(k)) one.sweeps.push_back(s->sweeps()[k]);
        }
        if (!one.sweeps.empty()) kept.push_back(std::move(one));
    }
    if (kept.empty()) return;
    const std::string what = t.label();
    study::RawDataLink link;
    try {
        link = keepFile(run_waveforms::sweepsRecording(kept, what + ", protocol run: the kept sweeps, each a record of its own "
                                                                   "(the times between them are the file's, not the patient's)"),
                        what, what);
    } catch (const std::invalid_argument& e) {
        spdlog::warn("protocol run: the sweeps of {} were not kept: {}", what, e.what());
        return;
    }
    if (link.empty()) return;
    study::StudySession session(*store_, run_->studyId());
    auto s = session.study();
    if (auto* test = study::findSameTest(s, testProbe(t))) {
        study::common(*test).raw = link;
        session.saveTest(*test);
    }
}

std::optional<QString> RunAcquisition::storeCurrent(bool moving) {
    auto* s = currentSite();
    if (!s || !store_) return tr("No protocol run");
    const auto at = run_->position();
    const auto& t = run_->currentTest();
    try {
        if (t.kind == TestKind::Motor || t.kind == TestKind::Sensory) return storeNcsSite(t, at, *s);
        if (t.kind == TestKind::Needle) return storeNeedle(t, at, moving);
        study::StudySession session(*store_, run_->studyId());
        const std::string stimSite = t.sites.empty() ? std::string() : t.sites.front().name;
        const study::LateTestTarget where{t.nerve, t.side, t.recordingSite, stimSite, "", "protocol run, live sweeps"};
        const auto& late = s->late();
        if (t.kind == TestKind::FWave && late && late->fwave) {
            session.saveFWave(*late->fwave, where);
            linkSweeps(t);
        } else if (t.kind == TestKind::HReflex && late && late->hreflex) {
            session.saveHReflex(*late->hreflex, where);
            linkSweeps(t);
        } else {
            return late && !late->error.empty() ? QString::fromStdString(late->error) : tr("Nothing measured at this site yet");
        }
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    emit studyChanged();
    return std::nullopt;
}

std::optional<QString> RunAcquisition::storeNcsSite(const study::RunTest& t, study::RunCursor at, study::RunSite& s) {
    if (!s.result()) return tr("No response found at this site");
    study::NcsSiteEntry e{t.kind, t.nerve, t.recordingSite, t.side, t.positionName(at.site), distanceMm(at), "",
                          "protocol run, live sweeps (" + std::to_string(s.keptCount()) + " kept)"};
    study::StudySession(*store_, run_->studyId()).saveNcsResponse(e, *s.result());
    linkSweeps(t);
    emit studyChanged();
    return std::nullopt;
}

}  // namespace emg::ui

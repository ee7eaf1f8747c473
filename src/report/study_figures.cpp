// The study's figures: each test's linked recording verified, read and drawn by its kind.
#include <emg/report/study_figures.h>

#include "figure_sources.h"

#include <emg/core/recording_segments.h>
#include <emg/dsp/ncs_analysis.h>
#include <emg/io/insertion_annotation.h>
#include <emg/io/recording_io.h>
#include <emg/io/sha256.h>
#include <emg/review/recording_span.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

namespace emg::report {
namespace detail {
namespace {

namespace fs = std::filesystem;

std::string shortHash(const std::string& h) { return h.size() > 12 ? h.substr(0, 12) + "…" : h; }

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// The linked channel by label ("EDB" or "EMG EDB": the reader splits the signal type off), else
/// the first channel that is not a trigger or annotation channel; -1 when there is none.
int channelOf(const Recording& rec, const std::string& wanted) {
    for (std::size_t i = 0; i < rec.channels.size(); ++i) {
        const auto& c = rec.channels[i];
        if (wanted.empty()) {
            if (!dsp::looksLikeTriggerChannel(c) && !c.samples.empty()) return static_cast<int>(i);
            continue;
        }
        const std::string typed = c.signalType.empty() ? c.label : c.signalType + " " + c.label;
        if (lower(c.label) == lower(wanted) || lower(typed) == lower(wanted)) return static_cast<int>(i);
    }
    return -1;
}

}  // namespace

const study::Measurement* findValue(const std::vector<study::Measurement>& ms, const std::string& name) {
    for (const auto& m : ms)
        if (m.name == name) return &m;
    return nullptr;
}

VerifiedRecording loadVerified(const study::RawDataLink& link) {
    VerifiedRecording out;
    const fs::path path(link.path);
    const std::string name = path.filename().string();
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        out.unavailable = "Recording " + name + " is missing (" + link.path + "): figure not drawn.";
        return out;
    }
    if (link.sha256.empty()) {
        out.unavailable = "Recording " + name + " has no stored SHA-256 to verify it against: figure not drawn.";
        return out;
    }
    try {
        const std::string actual = io::sha256OfFile(path);
        if (actual != link.sha256) {
            out.unavailable = "Recording " + name + " has changed since it was stored (SHA-256 stored " + shortHash(link.sha256) +
                              ", now " + shortHash(actual) + "): figure not drawn.";
            return out;
        }
        out.recording = io::readRecording(path);
        if (link.startSec || link.endSec)
            out.recording = review::sliceRecording(out.recording, link.startSec.value_or(0.0),
                                                   link.endSec.value_or(out.recording.durationSec()));
    } catch (const std::exception& e) {
        out.unavailable = "Recording " + name + " cannot be read (" + e.what() + "): figure not drawn.";
        return out;
    }
    out.channel = channelOf(out.recording, link.channel);
    if (out.channel < 0) {
        out.unavailable = "Recording " + name + " has no channel " + (link.channel.empty() ? "with a signal" : "'" + link.channel + "'") +
                          ": figure not drawn.";
        return out;
    }
    out.source = name + ", channel " + out.recording.channels[static_cast<std::size_t>(out.channel)].label + ", SHA-256 " +
                 shortHash(link.sha256) + " verified";
    return out;
}

}  // namespace detail

namespace {

std::string sideWord(study::Side s) {
    switch (s) {
    case study::Side::Left: return "left";
    case study::Side::Right: return "right";
    case study::Side::Bilateral: return "both sides";
    default: return "";
    }
}

std::string capitalised(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

std::string kindWords(TestKind kind) {
    switch (kind) {
    case TestKind::Needle: return "needle EMG";
    case TestKind::FWave: return "F-waves";
    case TestKind::HReflex: return "H-reflex";
    case TestKind::Rns: return "repetitive stimulation";
    default: return std::string(study::toString(kind));
    }
}

std::string titleOf(const study::Test& t) {
    const std::string side = sideWord(study::common(t).side);
    std::string title = capitalised(study::subjectOf(t)) + " " + kindWords(study::kindOf(t));
    if (!side.empty()) title += ", " + side;
    const std::string site = study::recordingSiteOf(t);
    if (!site.empty()) title += " — " + site;
    return title;
}

/// The figure of a test of `kind` drawn from one continuous recording.
ReportFigure drawFigure(const study::Test& t, const detail::VerifiedRecording& source) {
    const TestKind kind = study::kindOf(t);
    if (kind == TestKind::FWave) return detail::fwaveRaster(std::get<study::FWave>(t), source);
    if (kind == TestKind::HReflex) return detail::hreflexSweeps(std::get<study::HReflex>(t), source);
    if (kind == TestKind::Rns) return detail::rnsTrain(std::get<study::Rns>(t), source);
    if (kind == TestKind::Needle) return detail::muapTemplates(std::get<study::NeedleEmg>(t), source);
    return detail::ncsCascade(t, source);
}

/// What segment k of an EDF+D is called in a trace label: a needle file the bedside run kept names
/// its insertions ("Insertion 2: Rest" at the segment's phases), so its segment is "insertion 2";
/// any other file's is "segment k".
std::string segmentWord(const Recording& r, std::size_t k, TestKind kind) {
    const auto& seg = r.segments[k];
    if (kind == TestKind::Needle)
        for (const auto& a : r.annotations) {
            if (a.onsetSec < seg.startSec - 1e-6 || a.onsetSec > seg.startSec + seg.durationSec + 1e-6) continue;
            if (const auto n = io::insertionOfAnnotation(a.text)) return "insertion " + std::to_string(*n);
        }
    return "segment " + std::to_string(k + 1);
}

/// A recording of segments (an EDF+D): each segment drawn as a recording of its own, so no sweep,
/// trace or template reaches across a hole (a sweep near a segment's end is cut there: a break,
/// never a flat line through the hole); the segments' traces in one figure, each label saying its
/// segment, and the source line saying which segments gave nothing.
ReportFigure figureBySegment(const study::Test& t, const detail::VerifiedRecording& source) {
    const std::size_t count = source.recording.segments.size();
    ReportFigure merged;
    bool drawn = false;
    std::string without, firstReason;
    for (std::size_t k = 0; k < count; ++k) {
        detail::VerifiedRecording one;
        one.recording = segmentRecording(source.recording, k);
        one.channel = source.channel;
        one.source = source.source;
        ReportFigure f;
        try {
            f = drawFigure(t, one);
        } catch (const std::exception& e) {
            f.unavailable = e.what();
        }
        if (!f.unavailable.empty() || f.traces.empty()) {
            without += (without.empty() ? "" : ", ") + std::to_string(k + 1);
            if (firstReason.empty()) firstReason = f.unavailable;
            continue;
        }
        if (!drawn) {
            merged = f;
            merged.traces.clear();
            merged.markers.clear();
            drawn = true;
        }
        for (auto& trace : f.traces) {
            trace.label += " (" + segmentWord(source.recording, k, study::kindOf(t)) + ")";
            merged.traces.push_back(std::move(trace));
        }
        for (const auto& m : f.markers)   // the stored values (F min, H latency) are the test's, drawn once
            if (std::none_of(merged.markers.begin(), merged.markers.end(),
                             [&](const ReportMarker& x) { return x.label == m.label && x.timeMs == m.timeMs; }))
                merged.markers.push_back(m);
    }
    if (!drawn)
        throw std::runtime_error(firstReason.empty() ? "no segment of the EDF+D has anything to draw" : firstReason);
    merged.source = source.source + "; EDF+D of " + std::to_string(count) + " contiguous segments, each drawn alone (no trace crosses a hole)" +
                    (without.empty() ? std::string() : "; nothing to draw in segment(s) " + without);
    return merged;
}

/// The figure of one test with a linked recording (every kind of test has one).
ReportFigure figureOf(const study::Test& t) {
    const auto source = detail::loadVerified(study::common(t).raw);
    ReportFigure f;
    if (source.unavailable.empty()) {
        try {
            // (a nerve-conduction file of a record per stimulus is one study, as `emgws-cli analyze` reads it)
            const bool whole = source.recording.segments.empty() || (study::kindOf(t) != TestKind::Needle && isRecordPerSweep(source.recording));
            f = whole ? drawFigure(t, source) : figureBySegment(t, source);
        } catch (const std::exception& e) {   // e.g. no stimuli in the file: said in place
            f = {};
            f.unavailable = "The linked recording could not be analysed (" + std::string(e.what()) + "): figure not drawn.";
        }
    } else {
        f.unavailable = source.unavailable;
    }
    f.title = titleOf(t);
    if (f.source.empty()) f.source = source.source;
    if (!f.unavailable.empty()) spdlog::warn("report: {}: {}", f.title, f.unavailable);
    return f;
}

}  // namespace

StudyFigures buildStudyFigures(const study::Study& study) {
    StudyFigures out;
    std::vector<std::string> without;
    for (const auto& t : study.tests) {
        const auto& c = study::common(t);
        if (c.raw.empty()) {
            without.push_back(titleOf(t));
            continue;
        }
        out.figures.push_back(figureOf(t));
    }
    auto list = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : "; ") + x;
        return s;
    };
    if (!without.empty()) out.note = "No recording linked (no figure): " + list(without) + ".";
    return out;
}

void attachStudyFigures(ReportModel& model, const study::Study& study) {
    auto figures = buildStudyFigures(study);
    model.figures = std::move(figures.figures);
    model.figuresNote = std::move(figures.note);
}

}  // namespace emg::report

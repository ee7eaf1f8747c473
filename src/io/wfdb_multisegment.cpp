// Multi-segment WFDB records (PhysioNet's layout for long or interrupted recordings): the master
// header lists segments, each a single-segment record in the same folder, or "~" for a stretch with
// no signal recorded. A first segment of 0 samples is the layout of a variable-layout record: its
// header names the signals, and each segment holds some of them, matched by their description.
// Read here as one Recording: the segments' samples back to back, null segments as holes
// (Recording::segments and ReadInfo::gaps, as an EDF+D file's), time from the first recorded frame.
#include "annotation_bounds.h"
#include "edf_fields.h"
#include "file_bytes.h"
#include "wfdb_detail.h"

#include <emg/io/wfdb.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

namespace emg::io {

namespace {

constexpr long long kMaxRecordSamples = 1LL << 27;   // as readWfdbSingleSegmentRecord: 1 GiB of doubles
constexpr long long kMaxPlanEntries = 1LL << 22;     // segments x signals planned (32 MiB of indices)

struct OutputChannel {
    RecordedChannel channel;                 ///< label, unit and rate; samples appended segment by segment
    int samplesPerFrame = 1;
};

/// A segment with samples, planned from its header.
struct SegmentPlan {
    std::string name;
    std::filesystem::path path;
    long long startFrame = 0;                ///< on the whole record's clock
    long long frames = 0;                    ///< as the record's header gives it
    std::vector<long long> from;             ///< per record signal: its index in the segment, -1 absent
    std::size_t unused = 0;                  ///< the segment's signals matching none of the record's
    bool read = false;
};

/// Samples read when the signals in the bit mask `keep` are read, each over the segments that hold
/// all of them (`present`: a segment's signals as a mask), and the frames those segments cover (more
/// frames, fewer holes, decides between equal sample counts).
std::pair<double, double> samplesKept(const std::vector<SegmentPlan>& plans, const std::vector<std::uint64_t>& present,
                                      const std::vector<OutputChannel>& out, std::uint64_t keep) {
    double perFrame = 0.0;
    for (std::size_t j = 0; j < out.size(); ++j)
        if (keep >> j & 1u) perFrame += out[j].samplesPerFrame;
    double frames = 0.0;
    for (std::size_t k = 0; k < plans.size(); ++k)
        if ((present[k] & keep) == keep) frames += static_cast<double>(plans[k].frames);
    return {perFrame * frames, frames};
}

/// The record's signals to read: from those in some segment, leave out one at a time the signal
/// whose absence most raises the samples read (or, at equal samples, the frames covered), while one
/// does (every signal is read over the same stretches, so a segment lacking a kept signal becomes a
/// hole). Each step costs a pass over the segments per signal: records of more than 64 signals
/// (none in practice) read the signals every segment holds instead.
std::vector<bool> signalsToRead(const std::vector<SegmentPlan>& plans, const std::vector<OutputChannel>& out) {
    std::vector<bool> keep(out.size(), false);
    if (out.size() > 64) {
        for (std::size_t j = 0; j < out.size(); ++j)
            keep[j] = std::all_of(plans.begin(), plans.end(), [&](const SegmentPlan& p) { return p.from[j] >= 0; });
        return keep;
    }
    std::vector<std::uint64_t> present(plans.size(), 0);
    std::uint64_t mask = 0;
    for (std::size_t k = 0; k < plans.size(); ++k) {
        for (std::size_t j = 0; j < out.size(); ++j)
            if (plans[k].from[j] >= 0) present[k] |= std::uint64_t{1} << j;
        mask |= present[k];
    }
    auto best = samplesKept(plans, present, out, mask);
    for (;;) {
        std::size_t drop = out.size();
        for (std::size_t j = 0; j < out.size(); ++j) {
            if (!(mask >> j & 1u)) continue;
            const auto v = samplesKept(plans, present, out, mask & ~(std::uint64_t{1} << j));
            if (v > best) {
                best = v;
                drop = j;
            }
        }
        if (drop == out.size()) break;
        mask &= ~(std::uint64_t{1} << drop);
    }
    for (std::size_t j = 0; j < out.size(); ++j) keep[j] = mask >> j & 1u;
    return keep;
}

/// A run of data segments with no hole between them, in frames of the whole record's clock.
struct Stretch {
    long long startFrame = 0;
    long long frames = 0;
};

bool sameRate(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)); }

/// "YYYY-MM-DDTHH:MM:SS" moved by whole seconds (empty or unparsable: unchanged).
std::string shiftedDateTime(const std::string& iso, double seconds) {
    std::tm t{};
    if (std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d", &t.tm_year, &t.tm_mon, &t.tm_mday, &t.tm_hour, &t.tm_min, &t.tm_sec) != 6) return iso;
    t.tm_year -= 1900;
    t.tm_mon -= 1;
    const std::time_t at = timegm(&t) + static_cast<std::time_t>(std::floor(seconds));
    std::tm moved{};
    gmtime_r(&at, &moved);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", moved.tm_year + 1900, moved.tm_mon + 1, moved.tm_mday, moved.tm_hour,
                  moved.tm_min, moved.tm_sec);
    return buf;
}

std::string joined(const std::vector<std::string>& names) {
    std::string s;
    const std::size_t shown = std::min<std::size_t>(names.size(), 5);
    for (std::size_t i = 0; i < shown; ++i) s += (i ? ", " : "") + names[i];
    if (names.size() > shown) s += " and " + std::to_string(names.size() - shown) + " more";
    return s;
}

}  // namespace

Recording detail::readWfdbMultiSegmentRecord(const std::filesystem::path& headerPath, ReadInfo& info) {
    info = ReadInfo{};
    info.format = FileFormat::Wfdb;
    const std::string name = headerPath.string();
    const auto text = detail::readFileBytes(headerPath, kMaxWfdbHeaderBytes);
    const WfdbMultiSegmentHeader m = parseWfdbMultiSegmentHeader(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), name);
    const std::filesystem::path dir = headerPath.parent_path();
    const double fs = m.samplingFrequencyHz;

    std::vector<OutputChannel> out;
    const bool variableLayout = m.segments.front().recordName != "~" && m.segments.front().frames == 0;
    std::size_t firstData = 0;
    if (variableLayout) {
        firstData = 1;
        const auto layoutPath = detail::fileInFolderAnyCase(dir, m.segments.front().recordName + ".hea");
        const WfdbHeader layout = detail::readCheckedWfdbHeader(layoutPath);
        if (!sameRate(layout.samplingFrequencyHz, fs))
            throw FormatError(layoutPath.string() + ": the layout's sampling frequency " + std::to_string(layout.samplingFrequencyHz) +
                              " Hz differs from the record's " + std::to_string(fs) + " Hz");
        for (std::size_t i = 0; i < layout.signals.size(); ++i) {
            OutputChannel oc;
            detail::describeWfdbChannel(layout, i, oc.channel);
            oc.samplesPerFrame = layout.signals[i].samplesPerFrame;
            out.push_back(std::move(oc));
        }
    }

    // pass 1, headers only: where each segment lies and which of the record's signals it holds
    // (a plan holds an index per segment and signal: bounded before any is made)
    const double planEntries = static_cast<double>(m.segments.size()) * static_cast<double>(std::max<std::size_t>(out.size(), static_cast<std::size_t>(m.signalCount)));
    if (planEntries > static_cast<double>(kMaxPlanEntries))
        throw FormatError(name + ": " + std::to_string(m.segments.size()) + " segments of " + std::to_string(std::max<std::size_t>(out.size(), static_cast<std::size_t>(m.signalCount))) +
                          " signals: more than the " + std::to_string(kMaxPlanEntries) + " segment-signal pairs read at once");
    std::vector<SegmentPlan> plans;
    long long frame = 0;   // where the segment starts on the record's clock
    for (std::size_t k = firstData; k < m.segments.size(); ++k) {
        const WfdbSegmentSpec& seg = m.segments[k];
        if (seg.recordName == "~" || seg.frames == 0) {
            frame += seg.frames;
            continue;
        }
        const auto segPath = detail::fileInFolderAnyCase(dir, seg.recordName + ".hea");
        if (detail::isWfdbMultiSegmentFile(segPath))
            throw FormatError(name + ": segment '" + detail::asciiOnly(seg.recordName) +
                              "' is itself a multi-segment record (WFDB nests segments one level only)");
        const WfdbHeader sh = detail::readCheckedWfdbHeader(segPath);
        if (!sameRate(sh.samplingFrequencyHz, fs))
            throw FormatError(segPath.string() + ": the segment's sampling frequency " + std::to_string(sh.samplingFrequencyHz) +
                              " Hz differs from the record's " + std::to_string(fs) + " Hz");
        std::vector<RecordedChannel> described(sh.signals.size());
        for (std::size_t i = 0; i < sh.signals.size(); ++i) detail::describeWfdbChannel(sh, i, described[i]);
        if (!variableLayout && out.empty()) {   // a fixed layout: the first data segment's signals are the record's
            for (std::size_t i = 0; i < sh.signals.size(); ++i) {
                OutputChannel oc;
                oc.channel = described[i];
                oc.samplesPerFrame = sh.signals[i].samplesPerFrame;
                out.push_back(std::move(oc));
            }
        }
        SegmentPlan plan{seg.recordName, segPath, frame, seg.frames, std::vector<long long>(out.size(), -1), 0, false};
        // each of the record's signals in this segment: by position (fixed layout) or by description
        std::vector<bool> taken(sh.signals.size(), false);
        for (std::size_t j = 0; j < out.size(); ++j) {
            long long found = -1;
            if (!variableLayout) {
                if (j < sh.signals.size()) found = static_cast<long long>(j);
            } else {
                for (std::size_t i = 0; i < sh.signals.size() && found < 0; ++i)
                    if (!taken[i] && described[i].label == out[j].channel.label) found = static_cast<long long>(i);
            }
            if (found >= 0) {
                const auto i = static_cast<std::size_t>(found);
                // the same signal must keep its rate and kind of unit to join the others' samples
                if (sh.signals[i].samplesPerFrame != out[j].samplesPerFrame || described[i].physicalUnit != out[j].channel.physicalUnit) found = -1;
                else taken[i] = true;
            }
            plan.from[j] = found;
        }
        plan.unused = static_cast<std::size_t>(std::count(taken.begin(), taken.end(), false));
        plans.push_back(std::move(plan));
        frame += seg.frames;
    }
    if (plans.empty()) throw FormatError(name + ": none of the record's " + std::to_string(m.segments.size()) + " segments holds samples");
    if (m.samplesPerSignal >= 0 && m.samplesPerSignal != frame)
        info.warnings.push_back("the record line announces " + std::to_string(m.samplesPerSignal) + " frames, its segments add up to " +
                                std::to_string(frame));

    // which signals to read, and so which segments: the most samples (a signal absent from a few
    // short segments is worth those segments as holes; one present in a few only is not read)
    const std::vector<bool> keep = signalsToRead(plans, out);
    if (std::find(keep.begin(), keep.end(), true) == keep.end())
        throw FormatError(name + ": no signal of this multi-segment record can be read: none lies in its segments at one rate and unit");
    std::vector<std::string> segmentsLeftOut, signalsLeftOut;
    long long framesLeftOut = 0;
    for (auto& p : plans) {
        p.read = true;
        for (std::size_t j = 0; j < out.size(); ++j) p.read = p.read && (!keep[j] || p.from[j] >= 0);
        if (p.read) continue;
        segmentsLeftOut.push_back(p.name);
        framesLeftOut += p.frames;
    }
    for (std::size_t j = 0; j < out.size(); ++j)
        if (!keep[j]) signalsLeftOut.push_back("'" + out[j].channel.label + "'");
    if (!signalsLeftOut.empty())
        info.warnings.push_back("signal(s) " + joined(signalsLeftOut) + " not read: absent from segments holding most of the record (or there " +
                                "at another rate or unit); every channel here holds samples over every stretch read, none is invented");
    if (!segmentsLeftOut.empty())
        info.warnings.push_back(std::to_string(segmentsLeftOut.size()) + " segment(s) (" + joined(segmentsLeftOut) + "; " +
                                std::to_string(framesLeftOut) + " frames) not read and left as holes: they lack a signal the rest of the record holds");

    // pass 2: the samples of the segments read
    std::vector<Stretch> stretches;
    long long totalSamples = 0;
    std::size_t dataSegments = 0;
    for (const auto& p : plans) {
        if (!p.read) continue;
        ++dataSegments;
        ReadInfo segInfo;
        Recording sr = detail::readWfdbSingleSegmentRecord(p.path, segInfo, WfdbSegmentRead{false, false});
        for (const auto& w : segInfo.warnings) info.warnings.push_back("segment " + p.name + ": " + w);
        if (p.unused > 0)
            info.warnings.push_back("segment " + p.name + ": " + std::to_string(p.unused) + " signal(s) " +
                                    (variableLayout ? "the layout does not name" : "more than the first segment") + ", not read");
        long long got = p.frames;
        for (std::size_t j = 0; j < out.size(); ++j)
            if (keep[j])
                got = std::min<long long>(got, static_cast<long long>(sr.channels.at(static_cast<std::size_t>(p.from[j])).samples.size()) /
                                                   out[j].samplesPerFrame);
        if (got < p.frames)
            info.warnings.push_back("segment " + p.name + " holds " + std::to_string(got) + " of the " + std::to_string(p.frames) +
                                    " frames the record's header gives it: the rest is left as a hole");
        if (got <= 0) continue;
        for (std::size_t j = 0; j < out.size(); ++j) {
            if (!keep[j]) continue;
            const auto& src = sr.channels[static_cast<std::size_t>(p.from[j])].samples;
            const auto n = static_cast<std::size_t>(got * out[j].samplesPerFrame);
            totalSamples += static_cast<long long>(n);
            if (totalSamples > kMaxRecordSamples)
                throw FormatError(name + ": the record holds more than " + std::to_string(kMaxRecordSamples) +
                                  " samples, more than is loaded at once; cut it with the WFDB tools (e.g. snip)");
            auto& dst = out[j].channel.samples;
            dst.insert(dst.end(), src.begin(), src.begin() + static_cast<std::ptrdiff_t>(n));
        }
        if (!stretches.empty() && stretches.back().startFrame + stretches.back().frames == p.startFrame) stretches.back().frames += got;
        else stretches.push_back({p.startFrame, got});
    }
    if (stretches.empty()) throw FormatError(name + ": none of the record's segments read holds samples");

    Recording rec;
    {
        WfdbHeader described;
        described.recordName = m.recordName;
        described.comments = m.comments;
        described.baseTime = m.baseTime;
        described.baseDate = m.baseDate;
        detail::describeWfdbRecord(described, rec);
    }
    for (std::size_t j = 0; j < out.size(); ++j)
        if (keep[j]) rec.channels.push_back(std::move(out[j].channel));

    // the recording's clock starts at its first recorded frame; holes between stretches stay holes
    const long long leadFrames = stretches.front().startFrame;
    if (stretches.size() > 1) {
        for (std::size_t s = 0; s < stretches.size(); ++s) {
            const double startSec = static_cast<double>(stretches[s].startFrame - leadFrames) / fs;
            rec.segments.push_back({startSec, static_cast<double>(stretches[s].frames) / fs});
            if (s > 0) {
                const double endBefore = static_cast<double>(stretches[s - 1].startFrame + stretches[s - 1].frames - leadFrames) / fs;
                info.gaps.push_back({endBefore, startSec - endBefore});
            }
        }
    }
    const double leadSec = static_cast<double>(leadFrames) / fs;
    const double endSec = static_cast<double>(stretches.back().startFrame + stretches.back().frames) / fs;
    detail::readWfdbAnnotationsBeside(headerPath, fs, endSec, rec, info.warnings);
    if (leadFrames > 0) {
        for (auto& a : rec.annotations) a.onsetSec -= leadSec;
        detail::dropAnnotationsOutside(rec, rec.durationSec(), 0.0, info.warnings);
        rec.startDateTime = shiftedDateTime(rec.startDateTime, leadSec);
        info.warnings.push_back("the record begins with " + std::to_string(leadFrames) +
                                " frames in which no signal was recorded (null segments): its time counts from the first recorded frame");
    }
    if (dataSegments > 1 || variableLayout)
        spdlog::info("{}: multi-segment WFDB record, {} segments ({} with samples, {} layout), {} holes", name, m.segments.size(),
                     dataSegments, variableLayout ? "variable" : "fixed", info.gaps.size());
    for (const auto& w : info.warnings) spdlog::warn("{}: {}", name, w);
    return rec;
}

}  // namespace emg::io

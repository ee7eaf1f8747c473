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
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

namespace emg::io {

namespace {

constexpr long long kMaxRecordSamples = 1LL << 27;   // as readWfdbSingleSegmentRecord: 1 GiB of doubles

struct OutputChannel {
    RecordedChannel channel;                 ///< label, unit and rate; samples appended segment by segment
    int samplesPerFrame = 1;
    std::vector<std::string> absentFrom;     ///< data segments that do not hold it (or hold it otherwise)
};

/// A run of data segments with no hole between them, in frames of the whole record's clock.
struct Stretch {
    long long startFrame = 0;
    long long frames = 0;
};

RecordedChannel withoutSamples(const RecordedChannel& c) {
    RecordedChannel m = c;
    m.samples.clear();
    m.samples.shrink_to_fit();
    return m;
}

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
        const auto layoutPath = dir / (m.segments.front().recordName + ".hea");
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

    std::vector<Stretch> stretches;
    long long frame = 0;   // where the segment starts on the record's clock
    long long totalSamples = 0;
    std::size_t dataSegments = 0;
    for (std::size_t k = firstData; k < m.segments.size(); ++k) {
        const WfdbSegmentSpec& seg = m.segments[k];
        if (seg.recordName == "~" || seg.frames == 0) {
            frame += seg.frames;
            continue;
        }
        ++dataSegments;
        const auto segPath = dir / (seg.recordName + ".hea");
        if (detail::isWfdbMultiSegmentFile(segPath))
            throw FormatError(name + ": segment '" + detail::asciiOnly(seg.recordName) +
                              "' is itself a multi-segment record (WFDB nests segments one level only)");
        const WfdbHeader sh = detail::readCheckedWfdbHeader(segPath);
        if (!sameRate(sh.samplingFrequencyHz, fs))
            throw FormatError(segPath.string() + ": the segment's sampling frequency " + std::to_string(sh.samplingFrequencyHz) +
                              " Hz differs from the record's " + std::to_string(fs) + " Hz");
        ReadInfo segInfo;
        Recording sr = detail::readWfdbSingleSegmentRecord(segPath, segInfo, WfdbSegmentRead{false, false});
        for (const auto& w : segInfo.warnings) info.warnings.push_back("segment " + seg.recordName + ": " + w);

        if (!variableLayout && out.empty()) {   // a fixed layout: the first data segment's signals are the record's
            for (std::size_t i = 0; i < sr.channels.size(); ++i) {
                OutputChannel oc;
                oc.channel = withoutSamples(sr.channels[i]);
                oc.samplesPerFrame = sh.signals[i].samplesPerFrame;
                out.push_back(std::move(oc));
            }
        }
        // each of the record's signals in this segment: by position (fixed layout) or by description
        std::vector<long long> from(out.size(), -1);
        std::vector<bool> taken(sr.channels.size(), false);
        for (std::size_t j = 0; j < out.size(); ++j) {
            long long found = -1;
            if (!variableLayout) {
                if (j < sr.channels.size()) found = static_cast<long long>(j);
            } else {
                for (std::size_t i = 0; i < sr.channels.size() && found < 0; ++i)
                    if (!taken[i] && sr.channels[i].label == out[j].channel.label) found = static_cast<long long>(i);
            }
            if (found >= 0) {
                const auto i = static_cast<std::size_t>(found);
                // the same signal must keep its rate and kind of unit to join the others' samples
                if (sh.signals[i].samplesPerFrame != out[j].samplesPerFrame || sr.channels[i].physicalUnit != out[j].channel.physicalUnit) found = -1;
                else taken[i] = true;
            }
            from[j] = found;
        }
        const auto unused = static_cast<std::size_t>(std::count(taken.begin(), taken.end(), false));
        if (unused > 0 && variableLayout)
            info.warnings.push_back("segment " + seg.recordName + ": " + std::to_string(unused) + " signal(s) the layout does not name, not read");
        else if (unused > 0)
            info.warnings.push_back("segment " + seg.recordName + ": " + std::to_string(unused) + " signal(s) more than the first segment, not read");

        long long got = seg.frames;
        for (std::size_t j = 0; j < out.size(); ++j)
            if (from[j] >= 0)
                got = std::min<long long>(got, static_cast<long long>(sr.channels[static_cast<std::size_t>(from[j])].samples.size()) /
                                                   out[j].samplesPerFrame);
        if (got < seg.frames)
            info.warnings.push_back("segment " + seg.recordName + " holds " + std::to_string(got) + " of the " + std::to_string(seg.frames) +
                                    " frames the record's header gives it: the rest is left as a hole");
        if (got > 0) {
            for (std::size_t j = 0; j < out.size(); ++j) {
                if (from[j] < 0) {
                    out[j].absentFrom.push_back(seg.recordName);
                    continue;
                }
                const auto& src = sr.channels[static_cast<std::size_t>(from[j])].samples;
                const auto n = static_cast<std::size_t>(got * out[j].samplesPerFrame);
                totalSamples += static_cast<long long>(n);
                if (totalSamples > kMaxRecordSamples)
                    throw FormatError(name + ": the record holds more than " + std::to_string(kMaxRecordSamples) +
                                      " samples, more than is loaded at once; cut it with the WFDB tools (e.g. snip)");
                auto& dst = out[j].channel.samples;
                dst.insert(dst.end(), src.begin(), src.begin() + static_cast<std::ptrdiff_t>(n));
            }
            if (!stretches.empty() && stretches.back().startFrame + stretches.back().frames == frame) stretches.back().frames += got;
            else stretches.push_back({frame, got});
        }
        frame += seg.frames;
    }
    if (stretches.empty()) throw FormatError(name + ": none of the record's " + std::to_string(m.segments.size()) + " segments holds samples");
    if (m.samplesPerSignal >= 0 && m.samplesPerSignal != frame)
        info.warnings.push_back("the record line announces " + std::to_string(m.samplesPerSignal) + " frames, its segments add up to " +
                                std::to_string(frame));

    Recording rec;
    {
        WfdbHeader described;
        described.recordName = m.recordName;
        described.comments = m.comments;
        described.baseTime = m.baseTime;
        described.baseDate = m.baseDate;
        detail::describeWfdbRecord(described, rec);
    }
    for (auto& oc : out) {
        if (oc.absentFrom.empty()) {
            rec.channels.push_back(std::move(oc.channel));
            continue;
        }
        info.warnings.push_back("signal '" + oc.channel.label + "' is missing from " + std::to_string(oc.absentFrom.size()) + " of the " +
                                std::to_string(dataSegments) + " segments holding samples (" + joined(oc.absentFrom) +
                                ", or there at another rate or unit): not read, a channel here holds samples over the whole record");
    }
    if (rec.channels.empty())
        throw FormatError(name + ": no signal is recorded in every segment of this multi-segment record (see its warnings)");

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

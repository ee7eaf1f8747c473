#include <emg/review/recording_span.h>

#include <emg/core/recording_segments.h>


#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace emg::review {

namespace {

std::string secondsText(double s) {
    std::string t = std::to_string(s);
    while (t.size() > 1 && t.back() == '0') t.pop_back();
    if (!t.empty() && t.back() == '.') t.pop_back();
    return t;
}

/// Checks the requested span and clamps its end to `endSec`; fills `si`.
void settleSpan(const std::string& name, double fromSec, double toSec, double endSec, SpanInfo& si) {
    if (!std::isfinite(fromSec) || !std::isfinite(toSec))
        throw std::invalid_argument(name + ": the span's start and end must be numbers of seconds");
    if (fromSec < 0.0) throw std::invalid_argument(name + ": the span starts before the recording (" + secondsText(fromSec) + " s < 0)");
    if (!(fromSec < endSec))
        throw std::invalid_argument(name + ": the span starts at " + secondsText(fromSec) + " s, at or after the recording's end (" +
                                    secondsText(endSec) + " s)");
    if (!(toSec > fromSec))
        throw std::invalid_argument(name + ": the span is empty (from " + secondsText(fromSec) + " s to " + secondsText(toSec) + " s)");
    si.requestedFromSec = fromSec;
    si.requestedToSec = toSec;
    si.endSec = std::min(toSec, endSec);
    if (toSec > endSec)
        si.warnings.push_back("the span's end " + secondsText(toSec) + " s is past the recording's end: measured to " +
                              secondsText(endSec) + " s");
}

void sortByOnset(std::vector<Annotation>& annotations) {
    std::stable_sort(annotations.begin(), annotations.end(), [](const Annotation& a, const Annotation& b) { return a.onsetSec < b.onsetSec; });
}

}  // namespace

Recording readRecordingSpan(PagedRecording& reader, double fromSec, double toSec, SpanInfo* info) {
    const std::string name = reader.path().string();
    const auto& channels = reader.channels();
    if (channels.empty()) throw std::invalid_argument(name + ": the recording has no signal channels to measure");
    SpanInfo si;
    settleSpan(name, fromSec, toSec, reader.durationSec(), si);

    Page page;
    reader.readPage(fromSec, si.endSec - fromSec, {}, page);
    si.startSec = fromSec;
    if (!page.channels.empty() && !page.channels.front().runs.empty()) si.startSec = page.channels.front().runs.front().startSec;

    Recording rec = reader.describe();   // the header's fields and each channel's description, no samples
    for (std::size_t c = 0; c < channels.size(); ++c) {
        RecordedChannel& ch = rec.channels.at(c);
        const ChannelPage& cp = page.channels.at(c);
        ch.samples.reserve(cp.values.size());
        // sample 0 is the channel's first sample in the span (a slower channel's may lie up to one
        // of its sample periods after channel 0's); the runs back to back, nothing for a hole
        for (const ChannelRun& run : cp.runs)
            ch.samples.insert(ch.samples.end(), cp.values.begin() + static_cast<std::ptrdiff_t>(run.offset),
                              cp.values.begin() + static_cast<std::ptrdiff_t>(run.offset + run.count));
    }
    // a span across holes: channel 0's runs are its segments, each from its time in the span
    if (!page.channels.empty() && page.channels.front().runs.size() > 1)
        for (const ChannelRun& run : page.channels.front().runs)
            rec.segments.push_back({run.startSec - si.startSec, static_cast<double>(run.count) / channels.front().sampleRateHz});

    // annotations may be written in any data record: the annotation signal of every record is
    // read (a few bytes each), the samples only of the span's records
    if (reader.records() > 0) {
        for (auto& a : reader.annotationsInRecords(0, reader.records() - 1)) {
            if (a.onsetSec < fromSec || a.onsetSec >= si.endSec) continue;
            rec.annotations.push_back({std::max(0.0, a.onsetSec - si.startSec), a.durationSec, std::move(a.text)});
        }
    }
    const double firstRate = channels.front().sampleRateHz;
    for (const GapSpan& g : page.gaps) {
        const auto n = static_cast<long long>(std::llround(g.durationSec * firstRate));
        rec.annotations.push_back({std::max(0.0, g.onsetSec - si.startSec), g.durationSec, "Gap " + std::to_string(n) + " samples"});
    }
    sortByOnset(rec.annotations);
    si.warnings.insert(si.warnings.end(), reader.warnings().begin(), reader.warnings().end());
    if (info) *info = std::move(si);
    return rec;
}

namespace {
/// Samples [ceil(fromSec * rate), ceil(toSec * rate)) of a stretch of `count` samples starting at
/// `first` of `in`, appended to `out`; returns the index (in the stretch) of the first one taken.
double appendCut(const RecordedChannel& in, std::size_t first, std::size_t count, double fromSec, double toSec, std::vector<double>& out) {
    const auto n = static_cast<double>(count);
    const double a = std::min(n, std::ceil(fromSec * in.sampleRateHz - 1e-6));
    const double b = std::min(n, std::ceil(toSec * in.sampleRateHz - 1e-6));
    if (b > a)
        out.insert(out.end(), in.samples.begin() + static_cast<std::ptrdiff_t>(first + static_cast<std::size_t>(a)),
                   in.samples.begin() + static_cast<std::ptrdiff_t>(first + static_cast<std::size_t>(b)));
    return a;
}
}  // namespace

Recording sliceRecording(const Recording& whole, double fromSec, double toSec, SpanInfo* info) {
    if (whole.channels.empty()) throw std::invalid_argument("the recording has no signal channels to measure");
    SpanInfo si;
    settleSpan("the recording", fromSec, toSec, whole.durationSec(), si);
    Recording rec;
    rec.patientId = whole.patientId;
    rec.recordingId = whole.recordingId;
    rec.startDateTime = whole.startDateTime;
    rec.headerComments = whole.headerComments;   // what the header states of the muscle, age, effort
    si.startSec = fromSec;
    // each segment's part of the span (a continuous recording is one segment): the holes stay holes
    const auto segments = segmentsOf(whole);
    std::vector<RecordingSegment> taken;
    for (std::size_t c = 0; c < whole.channels.size(); ++c) {
        const RecordedChannel& in = whole.channels[c];
        RecordedChannel ch = in;
        ch.samples.clear();
        for (std::size_t k = 0; k < segments.size() && in.sampleRateHz > 0; ++k) {
            const RecordingSegment& g = segments[k];
            if (g.startSec + g.durationSec <= fromSec || g.startSec >= si.endSec) continue;
            const std::size_t first = std::min(in.samples.size(), segmentFirstSample(whole, k, in.sampleRateHz));
            const std::size_t end = whole.segments.empty() ? in.samples.size()
                                                           : std::min(in.samples.size(), segmentFirstSample(whole, k + 1, in.sampleRateHz));
            const std::size_t before = ch.samples.size();
            const double a = appendCut(in, first, end - first, std::max(0.0, fromSec - g.startSec), si.endSec - g.startSec, ch.samples);
            if (c != 0 || ch.samples.size() == before) continue;
            if (taken.empty()) si.startSec = g.startSec + a / in.sampleRateHz;
            taken.push_back({g.startSec + a / in.sampleRateHz - si.startSec, static_cast<double>(ch.samples.size() - before) / in.sampleRateHz});
        }
        rec.channels.push_back(std::move(ch));
    }
    if (taken.size() > 1) rec.segments = std::move(taken);
    for (const Annotation& a : whole.annotations)
        if (a.onsetSec >= fromSec && a.onsetSec < si.endSec) rec.annotations.push_back({std::max(0.0, a.onsetSec - si.startSec), a.durationSec, a.text});
    sortByOnset(rec.annotations);
    if (info) *info = std::move(si);
    return rec;
}

}  // namespace emg::review

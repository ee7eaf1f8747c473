#include <emg/core/recording_segments.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace emg {

std::vector<RecordingSegment> segmentsOf(const Recording& rec) {
    if (!rec.segments.empty()) return rec.segments;
    return {RecordingSegment{0.0, rec.durationSec()}};
}

std::size_t segmentFirstSample(const Recording& rec, std::size_t segment, double sampleRateHz) {
    std::size_t first = 0;
    for (std::size_t k = 0; k < segment && k < rec.segments.size(); ++k)
        first += static_cast<std::size_t>(std::llround(rec.segments[k].durationSec * sampleRateHz));
    return first;
}

Recording segmentRecording(const Recording& rec, std::size_t segment) {
    const auto all = segmentsOf(rec);
    if (segment >= all.size())
        throw std::out_of_range("segment " + std::to_string(segment + 1) + " of a recording of " + std::to_string(all.size()));
    const RecordingSegment& seg = all[segment];
    Recording out;
    out.patientId = rec.patientId;
    out.recordingId = rec.recordingId;
    out.startDateTime = rec.startDateTime;
    for (const auto& c : rec.channels) {
        RecordedChannel ch = c;
        ch.samples.clear();
        if (rec.segments.empty()) {
            ch.samples = c.samples;
        } else if (c.sampleRateHz > 0) {
            const std::size_t first = std::min(c.samples.size(), segmentFirstSample(rec, segment, c.sampleRateHz));
            const std::size_t end = std::min(c.samples.size(), segmentFirstSample(rec, segment + 1, c.sampleRateHz));
            ch.samples.assign(c.samples.begin() + static_cast<std::ptrdiff_t>(first), c.samples.begin() + static_cast<std::ptrdiff_t>(end));
        }
        out.channels.push_back(std::move(ch));
    }
    const double endSec = seg.startSec + seg.durationSec;
    const bool last = segment + 1 == all.size();
    for (const auto& a : rec.annotations)
        if (a.onsetSec >= seg.startSec - 1e-9 && (a.onsetSec < endSec - 1e-9 || (last && a.onsetSec <= endSec)))
            out.annotations.push_back({std::max(0.0, a.onsetSec - seg.startSec), a.durationSec, a.text});
    return out;
}

bool isRecordPerSweep(const Recording& rec) {
    return rec.segments.size() >= 2 &&
           std::all_of(rec.segments.begin(), rec.segments.end(), [](const RecordingSegment& g) { return g.durationSec <= kSweepSegmentMaxSec; });
}

}  // namespace emg

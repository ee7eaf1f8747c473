// EDF, EDF+C, EDF+D, BDF, BDF+ reader: liberal in what it accepts, strict about what cannot be
// read (FormatError). Records of EDF+D files are placed by their time-keeping TAL; a hole between
// records stays a hole: nothing is stored for it, the runs of records around it are
// Recording::segments, and it is listed in ReadInfo::gaps and annotated "Gap <n> samples".
#include "annotation_bounds.h"
#include "edf_fields.h"
#include "edf_header.h"
#include "edf_records.h"
#include "edf_labels.h"
#include "tal.h"
#include "units.h"

#include <emg/io/recording_io.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace emg::io {

namespace {
using detail::EdfHeader;
constexpr double kMaxGapSec = 86400.0;   // an EDF+D hole longer than a day is not one recording
// An annotation-only EDF+ (a hypnogram: one record of duration 0) places annotations anywhere in
// the night; beyond a week they are lies.
constexpr double kMaxAnnotationOnlySpanSec = 7 * 86400.0;
// Each annotation held costs ~50 bytes whatever its few bytes in the file: at most 1 Mi of them.
constexpr std::size_t kMaxAnnotations = std::size_t{1} << 20;

inline std::int32_t decodeSample(const std::uint8_t* p, bool bdf) noexcept {
    if (bdf) {
        std::int32_t v = static_cast<std::int32_t>(p[0] | (p[1] << 8) | (p[2] << 16));
        if (v & 0x800000) v -= 0x1000000;
        return v;
    }
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(p[0] | (p[1] << 8)));
}

void addGapsFromAnnotations(const Recording& rec, ReadInfo& info) {
    for (const auto& a : rec.annotations) {
        long long n = 0;
        char tail[2];
        if (std::sscanf(a.text.c_str(), "Gap %lld samples%1c", &n, tail) == 1 && n > 0) {
            double dur = a.durationSec;
            if (dur <= 0 && !rec.channels.empty() && rec.channels.front().sampleRateHz > 0)
                dur = static_cast<double>(n) / rec.channels.front().sampleRateHz;
            const bool known = std::any_of(info.gaps.begin(), info.gaps.end(),
                                           [&](const DataGap& g) { return std::fabs(g.onsetSec - a.onsetSec) < 1e-6; });
            if (!known) info.gaps.push_back({a.onsetSec, dur});
        }
    }
}
}  // namespace

Recording parseEdf(const std::uint8_t* data, std::size_t size, ReadInfo& info, const std::string& name) {
    const EdfHeader h = detail::parseEdfHeader(data, size, name);
    info = ReadInfo{};

    const std::size_t headerBytes = h.headerBytes();
    const std::size_t recordBytes = h.recordBytes();
    const std::size_t dataBytes = size - headerBytes;
    const auto whole = static_cast<std::int64_t>(dataBytes / recordBytes);
    const std::size_t partial = dataBytes % recordBytes;
    std::int64_t records = h.dataRecords;
    if (records == -1) {
        records = whole;
        info.warnings.push_back("record count -1 (unfinished recording): " + std::to_string(whole) +
                                " records taken from the file size");
        if (partial) info.warnings.push_back("truncated: the last data record is incomplete (" + std::to_string(partial) +
                                             " of " + std::to_string(recordBytes) + " bytes) and was skipped");
    } else if (whole >= records) {
        if (dataBytes > static_cast<std::size_t>(records) * recordBytes)
            info.warnings.push_back(std::to_string(dataBytes - static_cast<std::size_t>(records) * recordBytes) +
                                    " bytes after the last data record ignored");
    } else if (records - whole == 1) {
        info.warnings.push_back("truncated: the header announces " + std::to_string(records) + " data records, the file holds " +
                                std::to_string(whole) + " whole ones (" + std::to_string(partial) + " bytes of the last)");
        records = whole;
    } else {
        throw FormatError(name + ": inconsistent record count: the header announces " + std::to_string(records) +
                          " data records of " + std::to_string(recordBytes) + " bytes, the file holds " +
                          std::to_string(whole) + " (" + std::to_string(dataBytes) + " data bytes)");
    }
    const auto recordAt = [&](std::int64_t r) { return data + headerBytes + static_cast<std::size_t>(r) * recordBytes; };
    return detail::parseEdfRecords(h, records, recordAt, info, name, detail::EdfSampleSelection{});
}

namespace detail {

namespace {
/// Where each signal lies in a data record and how its samples become physical values; the
/// channels described in `rec` (their samples reserved where the selection keeps them).
struct SignalPlan {
    std::size_t signal;
    std::size_t byteOffset;
    std::size_t channel;   // index in rec.channels, or npos for annotations
    double gain, offset, toUv;
};

constexpr std::size_t kSinkBlock = std::size_t{1} << 16;   // samples handed to a doubleSink at a time

/// A sink's samples handed over and the buffer emptied (its capacity kept).
void drainTo(std::vector<double>& samples, const std::function<void(std::span<const double>)>& sink) {
    if (!samples.empty()) sink(std::span<const double>(samples));
    samples.clear();
}

std::vector<SignalPlan> planSignals(const EdfHeader& h, std::int64_t records, const EdfSampleSelection& selection, Recording& rec,
                                    ReadInfo& info, std::vector<std::size_t>& annotationSignals, double& fastestRateHz) {
    const bool keepAll = selection.allAsDouble;
    std::vector<SignalPlan> plan;
    std::size_t byteOffset = 0;
    for (std::size_t i = 0; i < h.signals.size(); ++i) {
        const auto& s = h.signals[i];
        SignalPlan p{i, byteOffset, std::string::npos, 0, 0, 1};
        byteOffset += static_cast<std::size_t>(s.samplesPerRecord) * h.bytesPerSample();
        if (s.isAnnotation()) {
            if (!h.isPlus()) info.warnings.push_back("annotation signal in a file not marked EDF+/BDF+: read anyway");
            annotationSignals.push_back(i);
            plan.push_back(p);
            continue;
        }
        RecordedChannel ch;
        ch.label = s.label;
        if (!s.isAnnotation()) {
            auto split = detail::splitStandardLabel(s.label);
            ch.label = std::move(split.specification);
            ch.signalType = std::move(split.type);
        }
        ch.transducer = s.transducer;
        ch.prefilter = s.prefilter;
        ch.sampleRateHz = static_cast<double>(s.samplesPerRecord) / h.recordDurationSec;
        const double f = detail::microvoltsPerUnit(s.physicalDimension);
        if (f > 0) {
            ch.physicalUnit = "uV";
            p.toUv = f;
        } else {
            ch.physicalUnit = s.physicalDimension;
        }
        const std::string lower = [&] { std::string l = s.label; for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c))); return l; }();
        ch.isAnnotationOrTrigger = lower.find("trigger") != std::string::npos || lower.rfind("status", 0) == 0 ||
                                   lower.rfind("stim", 0) == 0;
        // an EDF+D's holes add nothing: the records' samples are all there is
        const std::size_t count = static_cast<std::size_t>(records) * static_cast<std::size_t>(s.samplesPerRecord);
        const auto asDouble = [&](std::size_t c) {
            return keepAll || (selection.doubleChannels && c < selection.doubleChannels->size() && (*selection.doubleChannels)[c]);
        };
        if (asDouble(rec.channels.size()) && !selection.doubleSink) ch.samples.reserve(count);
        else if (selection.floatChannel == rec.channels.size() && selection.floatOut) selection.floatOut->reserve(count);
        fastestRateHz = std::max(fastestRateHz, ch.sampleRateHz);
        p.gain = s.gain();
        p.offset = s.offset();
        ch.adcStep = p.gain * p.toUv;   // the file's digital samples, for a conversion that keeps them
        ch.adcOffset = p.offset * p.toUv;
        ch.adcMin = s.digitalMin;
        ch.adcMax = s.digitalMax;
        p.channel = rec.channels.size();
        rec.channels.push_back(std::move(ch));
        plan.push_back(p);
    }
    return plan;
}

/// After the records: annotation onsets made relative to the first record, those outside the
/// recording dropped, sorted, the limits' warnings, the gaps as "Gap <n> samples" annotations.
void finishAnnotations(const EdfHeader& h, std::int64_t records, bool keepAll, const std::vector<std::size_t>& lengths, double firstRecordOnset,
                       std::size_t annotationsOverLimit, const std::vector<std::string>& talWarnings, Recording& rec, ReadInfo& info) {
    // annotation onsets are relative to the header's start time; the first record may start a
    // fraction of a second after it
    for (auto& a : rec.annotations) a.onsetSec -= firstRecordOnset;
    {
        const bool annotationOnly = rec.channels.empty();
        double durationSec = rec.durationSec();
        if (!keepAll && rec.segments.empty()) {   // the same as rec.durationSec() would give with the samples read
            durationSec = 0.0;
            for (std::size_t c = 0; c < rec.channels.size(); ++c)
                if (rec.channels[c].sampleRateHz > 0)
                    durationSec = std::max(durationSec, static_cast<double>(lengths[c]) / rec.channels[c].sampleRateHz);
        }
        const double endSec = annotationOnly ? std::max(static_cast<double>(records) * h.recordDurationSec, kMaxAnnotationOnlySpanSec)
                                             : durationSec;
        detail::dropAnnotationsOutside(rec, endSec, std::max(1.0, h.recordDurationSec), info.warnings);
    }
    std::stable_sort(rec.annotations.begin(), rec.annotations.end(),
                     [](const Annotation& a, const Annotation& b) { return a.onsetSec < b.onsetSec; });
    if (annotationsOverLimit)
        info.warnings.push_back(std::to_string(annotationsOverLimit) + " annotation(s) beyond the first " + std::to_string(kMaxAnnotations) +
                                " ignored");
    if (!talWarnings.empty()) {
        info.warnings.push_back(std::to_string(talWarnings.size()) + " malformed annotation(s) skipped; first: " + talWarnings.front());
    }
    const double firstRate = rec.channels.empty() ? 0.0 : rec.channels.front().sampleRateHz;
    for (const auto& g : info.gaps) {
        const auto n = static_cast<long long>(std::llround(g.durationSec * firstRate));
        rec.annotations.push_back({g.onsetSec, g.durationSec, "Gap " + std::to_string(n) + " samples"});
    }
    if (!info.gaps.empty())
        std::stable_sort(rec.annotations.begin(), rec.annotations.end(),
                         [](const Annotation& a, const Annotation& b) { return a.onsetSec < b.onsetSec; });
    addGapsFromAnnotations(rec, info);
}
}  // namespace

Recording parseEdfRecords(const EdfHeader& h, std::int64_t records, const std::function<const std::uint8_t*(std::int64_t)>& recordAt,
                          ReadInfo& info, const std::string& name, const EdfSampleSelection& selection) {
    info.format = h.bdf ? (h.isPlus() ? FileFormat::BdfPlus : FileFormat::Bdf)
                        : (h.isPlus() ? FileFormat::EdfPlus : FileFormat::Edf);
    info.recordDurationSec = h.recordDurationSec;
    info.dataRecords = records;
    const bool keepAll = selection.allAsDouble;

    Recording rec;
    rec.patientId = h.patient;
    rec.recordingId = h.recording;
    rec.startDateTime = detail::isoFromEdfHeader(h);
    rec.dataRecordSec = h.recordDurationSec;

    std::vector<std::size_t> annotationSignals;
    double fastestRateHz = 0.0;
    const std::vector<SignalPlan> plan = planSignals(h, records, selection, rec, info, annotationSignals, fastestRateHz);

    const bool discontinuous = h.isDiscontinuous();
    std::vector<std::size_t> lengths(rec.channels.size(), 0);   // samples so far per channel (nothing for holes)
    std::vector<RecordingSegment> segments{RecordingSegment{}};   // the runs of records between holes
    double firstRecordOnset = 0.0;
    double expectedOnset = 0.0;
    bool warnedOverlap = false, warnedNoTimeKeeping = false;
    std::vector<std::string> talWarnings;
    std::size_t annotationsOverLimit = 0;
    for (std::int64_t r = 0; r < records; ++r) {
        const std::uint8_t* recBase = recordAt(r);
        // annotations first: the time-keeping TAL places the record
        double recordOnset = static_cast<double>(r) * h.recordDurationSec;
        bool haveTimeKeeping = false;
        for (std::size_t k = 0; k < annotationSignals.size(); ++k) {
            const auto& p = plan[annotationSignals[k]];
            const auto& s = h.signals[p.signal];
            auto tals = detail::parseTals(recBase + p.byteOffset,
                                          static_cast<std::size_t>(s.samplesPerRecord) * h.bytesPerSample(), talWarnings);
            for (std::size_t t = 0; t < tals.size(); ++t) {
                auto& tal = tals[t];
                std::size_t firstText = 0;
                if (k == 0 && t == 0 && !tal.texts.empty() && tal.texts.front().empty()) {
                    if (r == 0) firstRecordOnset = tal.onsetSec;
                    recordOnset = tal.onsetSec - firstRecordOnset;
                    haveTimeKeeping = true;
                    firstText = 1;
                }
                for (std::size_t x = firstText; x < tal.texts.size(); ++x) {
                    if (tal.texts[x].empty()) continue;
                    if (rec.annotations.size() >= kMaxAnnotations) {
                        ++annotationsOverLimit;
                        continue;
                    }
                    rec.annotations.push_back({tal.onsetSec, tal.durationSec, std::move(tal.texts[x])});
                }
            }
        }
        if (h.isPlus() && !annotationSignals.empty() && !haveTimeKeeping && !warnedNoTimeKeeping) {
            info.warnings.push_back("data record " + std::to_string(r) + " has no time-keeping annotation; records placed back to back");
            warnedNoTimeKeeping = true;
        }
        if (discontinuous && haveTimeKeeping && fastestRateHz > 0) {
            const double halfSample = 0.5 / fastestRateHz;
            if (recordOnset > expectedOnset + halfSample) {
                if (recordOnset - expectedOnset > kMaxGapSec)
                    throw FormatError(name + ": EDF+D data record " + std::to_string(r) + " starts " +
                                      std::to_string(recordOnset - expectedOnset) + " s after the previous one (more than 24 h)");
                info.gaps.push_back({expectedOnset, recordOnset - expectedOnset});
                segments.push_back({recordOnset, 0.0});   // the hole stays a hole: a new segment starts here
            } else if (recordOnset < expectedOnset - halfSample && !warnedOverlap) {
                info.warnings.push_back("EDF+D data record " + std::to_string(r) + " starts before the previous one ended; appended");
                warnedOverlap = true;
            }
            expectedOnset = std::max(expectedOnset, recordOnset) + h.recordDurationSec;
        } else {
            expectedOnset += h.recordDurationSec;
        }
        segments.back().durationSec += h.recordDurationSec;
        for (const auto& p : plan) {
            if (p.channel == std::string::npos) continue;
            const std::uint8_t* src = recBase + p.byteOffset;
            const auto n = static_cast<std::size_t>(h.signals[p.signal].samplesPerRecord);
            const std::size_t bps = h.bytesPerSample();
            lengths[p.channel] += n;
            if (keepAll || (selection.doubleChannels && p.channel < selection.doubleChannels->size() && (*selection.doubleChannels)[p.channel])) {
                auto& out = rec.channels[p.channel].samples;
                for (std::size_t i = 0; i < n; ++i)
                    out.push_back((decodeSample(src + i * bps, h.bdf) * p.gain + p.offset) * p.toUv);
                if (selection.doubleSink && out.size() >= kSinkBlock) drainTo(out, selection.doubleSink);
            } else if (selection.floatChannel == p.channel && selection.floatOut) {
                auto& out = *selection.floatOut;
                for (std::size_t i = 0; i < n; ++i)
                    out.push_back(static_cast<float>((decodeSample(src + i * bps, h.bdf) * p.gain + p.offset) * p.toUv));
            }
        }
    }
    if (selection.doubleSink)
        for (auto& ch : rec.channels) drainTo(ch.samples, selection.doubleSink);
    if (segments.size() > 1) rec.segments = std::move(segments);
    finishAnnotations(h, records, keepAll, lengths, firstRecordOnset, annotationsOverLimit, talWarnings, rec, info);
    if (selection.sampleCounts) *selection.sampleCounts = lengths;
    if (selection.logWarnings)
        for (const auto& w : info.warnings) spdlog::warn("{}: {}", name, w);
    return rec;
}

}  // namespace detail

}  // namespace emg::io

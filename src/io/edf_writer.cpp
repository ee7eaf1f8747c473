// EDF+/BDF+ writer for a Recording held in memory (continuous "EDF+C"/"BDF+C", or EDF+D where
// records inside gaps are left out, or the segments of a recording read from an EDF+D each at its
// times), written through SafeFileWriter.
#include "adc_grid.h"
#include "edf_write_plan.h"
#include "edf_fields.h"
#include "edf_header.h"
#include "edf_labels.h"
#include "tal.h"

#include <emg/core/recording_segments.h>
#include <emg/io/recording_io.h>
#include <emg/io/safe_file_writer.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

namespace emg::io {

namespace {
using namespace detail;

// x is a whole number of d: within rounding (a relative 1e-9; 1e-6 let a segment of 10,439.528 s
// pass as 260,988 records of 0.04 s, 0.2 of a record short, and its last record be padded)
bool wholeMultiple(double x, double d) {
    const double n = x / d;
    return std::fabs(n - std::nearbyint(n)) <= 1e-9 * std::max(1.0, n);
}

// The longest record duration (<= 1 s, or up to 10 s for odd rates) that holds a whole number of
// samples of every channel, is at most 10 MiB (at 3 bytes a sample) and, for a recording of
// segments, divides every segment's duration (else the first that holds whole samples: the
// segments' last records are then padded).
double chooseRecordDuration(const std::vector<const RecordedChannel*>& channels, const std::vector<RecordingSegment>& segments) {
    static constexpr double kCandidates[] = {1, 0.5, 0.25, 0.2, 0.125, 0.1, 0.05, 0.04, 0.025, 0.02, 0.01,
                                             0.005, 0.002, 0.001, 2, 4, 5, 8, 10};
    // a record EDF readers take (EDFlib: at most 10 MiB), and no record buffer of gigabytes for a
    // header stating thousands of channels at MHz rates
    constexpr double kMaxRecordBytes = 10.0 * 1024 * 1024;
    double samplesPerSecond = 0.0;
    for (const auto* c : channels) samplesPerSecond += c->sampleRateHz;
    const auto small = [&](double d) { return samplesPerSecond * d * 3.0 <= kMaxRecordBytes; };
    std::optional<double> wholeSamples;
    for (double d : kCandidates) {
        if (!small(d)) continue;
        bool ok = true;
        for (const auto* c : channels) {
            const double n = c->sampleRateHz * d;
            if (std::fabs(n - std::nearbyint(n)) > 1e-6 * std::max(1.0, n) || std::nearbyint(n) < 1) ok = false;
        }
        if (!ok) continue;
        if (!wholeSamples) wholeSamples = d;
        if (std::all_of(segments.begin(), segments.end(), [&](const RecordingSegment& g) { return wholeMultiple(g.durationSec, d); }))
            return d;
    }
    // No usual duration divides every segment (e.g. 1,304,941 frames at 125 Hz, a multi-segment
    // WFDB record's stretch): the longest multiple of the shortest whole-sample record (1 / the
    // rates' common divisor) that divides them all and is written exactly in the 8-character field,
    // so that no segment is padded. Integer rates only.
    if (!segments.empty()) {
        long long common = 0;
        for (const auto* c : channels) {
            const double r = c->sampleRateHz;
            if (!(r >= 1.0) || r != std::nearbyint(r) || r > 1e9) {
                common = 0;
                break;
            }
            common = std::gcd(common, static_cast<long long>(r));
        }
        long long frames = 0;   // the segments' common divisor in units of 1 / common seconds
        for (const auto& g : segments) {
            if (common <= 0) break;
            const double n = g.durationSec * static_cast<double>(common);
            if (std::fabs(n - std::nearbyint(n)) > 1e-9 * std::max(1.0, n) || n > 9e15) {
                frames = 0;
                common = 0;
                break;
            }
            frames = std::gcd(frames, static_cast<long long>(std::nearbyint(n)));
        }
        for (long long q = std::min<long long>(frames, common); common > 0 && frames > 0 && q >= 1; --q) {   // record of q / common s, <= 1 s
            if (frames % q) continue;
            const double d = static_cast<double>(q) / static_cast<double>(common);
            const double written = std::stod(formatFixedWidth(d, 8, Rounding::Nearest));
            if (written == d && small(d)) return d;   // q / common is then a decimal of at most 8 characters
        }
    }
    if (wholeSamples) return *wholeSamples;
    if (!small(0.001))
        throw FormatError("cannot write EDF/BDF: " + std::to_string(static_cast<long long>(samplesPerSecond)) +
                          " samples per second over all signals would make even a 1 ms data record larger than the 10 MiB EDF readers take");
    std::string rates;
    for (const auto* c : channels) rates += " " + std::to_string(c->sampleRateHz);
    throw FormatError("cannot write EDF/BDF: no record duration holds a whole number of samples at the rates" + rates + " Hz");
}

/// One data record written: its onset and where its samples start.
struct PlacedRecord {
    double onsetSec = 0.0;
    std::size_t segment = 0;    ///< in segmentsOf(rec)
    std::int64_t inSegment = 0; ///< record number inside the segment
};

/// The records written: a continuous recording's records [0, records) less those lying entirely
/// inside a gap (the first kept: it anchors the start time); a recording of segments, each
/// segment's records from its start.
std::vector<PlacedRecord> placeRecords(const Recording& rec, double durationSec, double recordSec, const std::vector<DataGap>& gaps) {
    std::vector<PlacedRecord> placed;
    if (!rec.segments.empty()) {
        for (std::size_t k = 0; k < rec.segments.size(); ++k) {
            const auto n = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(rec.segments[k].durationSec / recordSec - 1e-6)));
            for (std::int64_t j = 0; j < n; ++j)
                placed.push_back({rec.segments[k].startSec + static_cast<double>(j) * recordSec, k, j});
        }
        return placed;
    }
    const auto records = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(durationSec / recordSec - 1e-9)));
    for (std::int64_t r = 0; r < records; ++r) {
        const double t0 = static_cast<double>(r) * recordSec, t1 = t0 + recordSec;
        const bool inGap = r > 0 && std::any_of(gaps.begin(), gaps.end(), [&](const DataGap& g) {
            return g.onsetSec <= t0 + 1e-9 && g.onsetSec + g.durationSec >= t1 - 1e-9;
        });
        if (!inGap) placed.push_back({t0, 0, r});
    }
    return placed;
}

/// The header of each signal written: labels as `origin` says; the digital and physical range of
/// the file the samples were read from when they lie on its grid and the target holds it (its
/// digital samples written back unchanged), else the data's physical range (rounded outward to the
/// field) over the full digital range. Fills gain and offset per channel; returns, per channel,
/// whether its values were re-quantised (not written as the file's digital samples).
std::vector<bool> describeSignals(const std::vector<const RecordedChannel*>& channels, const WriteOptions& options, EdfHeader& h,
                                  std::vector<double>& gain, std::vector<double>& offset, const std::filesystem::path& path) {
    gain.assign(channels.size(), 0.0);
    offset.assign(channels.size(), 0.0);
    std::vector<bool> rescaled(channels.size(), false);
    std::size_t nonFinite = 0;
    for (std::size_t i = 0; i < channels.size(); ++i) {
        const auto& c = *channels[i];
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (double v : c.samples) {
            if (!std::isfinite(v)) { ++nonFinite; continue; }
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        const auto kept = adcWriteRange(c, h.bdf);
        rescaled[i] = !kept.has_value();
        EdfSignalHeader s = writtenSignalHeader(c, lo, hi, kept, options.origin, h.bdf);
        s.samplesPerRecord = std::llround(c.sampleRateHz * h.recordDurationSec);
        gain[i] = s.gain();
        offset[i] = s.offset();
        h.signals.push_back(std::move(s));
    }
    if (nonFinite) spdlog::warn("{}: {} non-finite samples written as 0", path.string(), nonFinite);
    return rescaled;
}

/// Each record's TAL: its time keeping, then each annotation in the record where it starts (the
/// record before, for one in a hole or gap; onsets before 0 in the first). "Gap" annotations of
/// the holes left out are not written: the record times say it (readers add them back).
std::vector<std::string> recordTals(const Recording& rec, const std::vector<PlacedRecord>& placed, bool discontinuous,
                                    const std::vector<DataGap>& gaps) {
    std::vector<std::string> tals(placed.size());
    for (std::size_t r = 0; r < placed.size(); ++r) appendTimeKeepingTal(tals[r], placed[r].onsetSec);
    const auto isHole = [&](const Annotation& a) {
        if (!discontinuous || a.text.rfind("Gap ", 0) != 0) return false;
        if (!rec.segments.empty())
            return std::any_of(rec.segments.begin() + 1, rec.segments.end(), [&](const RecordingSegment& g) {
                return a.onsetSec > 0.0 && a.onsetSec < g.startSec + 1e-6 && a.onsetSec + a.durationSec > g.startSec - 1e-6;
            });
        return std::any_of(gaps.begin(), gaps.end(), [&](const DataGap& g) { return std::fabs(g.onsetSec - a.onsetSec) < 1e-6; });
    };
    for (const auto& a : rec.annotations) {
        if (isHole(a)) continue;
        const auto after = std::upper_bound(placed.begin(), placed.end(), a.onsetSec + 1e-9,
                                            [](double t, const PlacedRecord& p) { return t < p.onsetSec; });
        const std::size_t r = after == placed.begin() ? 0 : static_cast<std::size_t>(after - placed.begin()) - 1;
        appendTal(tals[r], a.onsetSec, a.durationSec, {a.text});
    }
    return tals;
}
}  // namespace

std::vector<std::string> detail::continuousRecordTals(const std::vector<Annotation>& annotations, std::int64_t records, double recordDurationSec,
                                                      double shiftSec) {
    std::vector<std::string> tals(static_cast<std::size_t>(std::max<std::int64_t>(records, 0)));
    if (tals.empty()) return tals;
    for (std::size_t r = 0; r < tals.size(); ++r) appendTimeKeepingTal(tals[r], shiftSec + static_cast<double>(r) * recordDurationSec);
    for (const auto& a : annotations) {
        // 1e-9: an onset a rounding below a record's start (0.3 s / 0.1 s = 2.999...) is in that record
        const auto r = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor((a.onsetSec + 1e-9) / recordDurationSec)), 0, records - 1);
        appendTal(tals[static_cast<std::size_t>(r)], a.onsetSec + shiftSec, a.durationSec, {a.text});
    }
    return tals;
}

std::size_t detail::appendAnnotationSignal(EdfHeader& h, const std::vector<std::string>& tals) {
    const std::size_t bps = h.bdf ? 3 : 2;
    std::size_t talBytes = 0;
    for (const auto& t : tals) talBytes = std::max(talBytes, t.size());
    talBytes = std::max<std::size_t>(talBytes + 1, 2 * bps * 8);
    const std::size_t annotationSamples = (talBytes + bps - 1) / bps;
    EdfSignalHeader s;
    s.label = h.bdf ? "BDF Annotations" : "EDF Annotations";
    s.physicalMin = -1;
    s.physicalMax = 1;
    s.digitalMin = h.bdf ? -8388608 : -32768;
    s.digitalMax = h.bdf ? 8388607 : 32767;
    s.samplesPerRecord = static_cast<std::int64_t>(annotationSamples);
    h.signals.push_back(std::move(s));
    return annotationSamples;
}

double detail::chooseWriteRecordDuration(const std::vector<const RecordedChannel*>& channels, const std::vector<RecordingSegment>& segments) {
    return chooseRecordDuration(channels, segments);
}

EdfSignalHeader detail::writtenSignalHeader(const RecordedChannel& c, double lo, double hi, const std::optional<AdcWriteRange>& kept,
                                            SignalOrigin origin, bool bdf) {
    const std::int32_t dLo = bdf ? -8388608 : -32768;
    const std::int32_t dHi = bdf ? 8388607 : 32767;
    if (!(lo <= hi)) lo = hi = 0.0;
    lo = std::min(lo, 0.0);  // padding after the end is written as 0
    hi = std::max(hi, 0.0);
    if (hi - lo < 1e-6 * std::max(1.0, std::fabs(hi))) { lo -= 1.0; hi += 1.0; }
    EdfSignalHeader s;
    if (c.isAnnotationOrTrigger)
        s.label = c.label;
    else if (origin == SignalOrigin::Foreign)   // the label read, with the type the reader split off
        s.label = c.signalType.empty() ? c.label : c.signalType + " " + c.label;
    else
        s.label = detail::standardLabel(!c.signalType.empty()       ? std::string_view(c.signalType)
                                        : c.physicalUnit == "uV" ? std::string_view("EMG")
                                                                 : std::string_view(),
                                        c.label);
    s.transducer = c.transducer;
    s.physicalDimension = c.physicalUnit;
    s.prefilter = c.prefilter;
    if (kept) {   // the file's own digital samples
        s.physicalMin = kept->physicalMin;
        s.physicalMax = kept->physicalMax;
        s.digitalMin = kept->digitalMin;
        s.digitalMax = kept->digitalMax;
    } else {
        s.physicalMin = std::stod(formatFixedWidth(lo, 8, Rounding::Down));
        s.physicalMax = std::stod(formatFixedWidth(hi, 8, Rounding::Up));
        s.digitalMin = dLo;
        s.digitalMax = dHi;
    }
    return s;
}

FileFormat writeFormatForPath(const std::filesystem::path& path) {
    std::string ext = path.extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (ext == ".edf") return FileFormat::EdfPlus;
    if (ext == ".bdf") return FileFormat::BdfPlus;
    throw FormatError(path.string() + ": cannot choose an output format from the extension '" + ext +
                      "' (use .edf for EDF+ 16-bit or .bdf for BDF+ 24-bit)");
}

void writeRecording(const Recording& rec, const std::filesystem::path& path, FileFormat format) {
    writeRecording(rec, path, format, WriteOptions{});
}

void writeRecording(const Recording& rec, const std::filesystem::path& path, FileFormat format, const std::vector<DataGap>& gaps) {
    WriteOptions options;
    options.gaps = gaps;
    writeRecording(rec, path, format, options);
}

void writeRecording(const Recording& rec, const std::filesystem::path& path, FileFormat format, const WriteOptions& options) {
    (void)detail::writeRecordingSignals(rec, path, format, options);
}

std::vector<bool> detail::writeRecordingSignals(const Recording& rec, const std::filesystem::path& path, FileFormat format,
                                                const WriteOptions& options) {
    const std::vector<DataGap>& gaps = options.gaps;
    if (format == FileFormat::Wfdb || format == FileFormat::RawSignal || format == FileFormat::BrainVision) throw FormatError("writing WFDB or raw signal files is not supported; write EDF+ or BDF+");
    const bool bdf = format == FileFormat::Bdf || format == FileFormat::BdfPlus;
    const std::size_t bps = bdf ? 3 : 2;

    std::vector<const RecordedChannel*> channels;
    for (const auto& c : rec.channels)
        if (c.sampleRateHz > 0 && !c.samples.empty()) channels.push_back(&c);
    if (channels.empty() && rec.annotations.empty()) throw FormatError("nothing to write: the recording has no samples and no annotations");

    EdfHeader h;
    h.bdf = bdf;
    const EdfDateTime when = edfDateTimeFrom(rec.startDateTime);
    h.patient = edfPlusPatientField(rec.patientId);
    h.recording = edfPlusRecordingField(rec.recordingId, when);
    h.startDate = when.date;
    h.startTime = when.time;
    h.reserved = bdf ? "BDF+C" : "EDF+C";
    h.recordDurationSec = channels.empty() ? 1.0 : chooseRecordDuration(channels, rec.segments);
    {
        // the duration must survive its 8-character field exactly
        const double written = std::stod(formatFixedWidth(h.recordDurationSec, 8, Rounding::Nearest));
        if (written != h.recordDurationSec) throw FormatError("record duration not representable");
    }
    double durationSec = 0.0;
    for (const auto* c : channels) durationSec = std::max(durationSec, static_cast<double>(c->samples.size()) / c->sampleRateHz);
    for (const auto& a : rec.annotations) durationSec = std::max(durationSec, a.onsetSec);
    // EDF+D: the records lying entirely inside a gap left out, or each segment's records at its times
    const std::vector<PlacedRecord> placed = placeRecords(rec, durationSec, h.recordDurationSec, gaps);
    const bool discontinuous =
        !rec.segments.empty() ||
        placed.size() < static_cast<std::size_t>(std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(durationSec / h.recordDurationSec - 1e-9))));
    h.dataRecords = static_cast<std::int64_t>(placed.size());
    if (discontinuous) h.reserved = bdf ? "BDF+D" : "EDF+D";

    std::vector<double> gain, offset;
    const std::vector<bool> rescaled = describeSignals(channels, options, h, gain, offset, path);
    const std::vector<std::string> tals = recordTals(rec, placed, discontinuous, gaps);
    const std::size_t annotationSamples = appendAnnotationSignal(h, tals);

    SafeFileWriter out(path);
    out.write(formatEdfHeader(h));

    std::vector<char> record(h.recordBytes());
    for (std::size_t r = 0; r < placed.size(); ++r) {
        char* p = record.data();
        for (std::size_t i = 0; i < channels.size(); ++i) {
            const auto& c = *channels[i];
            const auto n = static_cast<std::size_t>(h.signals[i].samplesPerRecord);
            // a segment's samples end where the next segment's begin (padding only when no record
            // duration divides the segments)
            const std::size_t segmentFirst = segmentFirstSample(rec, placed[r].segment, c.sampleRateHz);
            const std::size_t segmentEnd = rec.segments.empty() ? c.samples.size()
                                                                : std::min(c.samples.size(), segmentFirstSample(rec, placed[r].segment + 1, c.sampleRateHz));
            const std::size_t first = segmentFirst + static_cast<std::size_t>(placed[r].inSegment) * n;
            for (std::size_t k = 0; k < n; ++k) {
                const std::size_t idx = first + k;
                double v = idx < segmentEnd ? c.samples[idx] : 0.0;
                if (!std::isfinite(v)) v = 0.0;
                const double d = std::nearbyint((v - offset[i]) / gain[i]);
                const auto dig = static_cast<std::int32_t>(
                    std::clamp(d, static_cast<double>(h.signals[i].digitalMin), static_cast<double>(h.signals[i].digitalMax)));
                *p++ = static_cast<char>(dig & 0xFF);
                *p++ = static_cast<char>((dig >> 8) & 0xFF);
                if (bdf) *p++ = static_cast<char>((dig >> 16) & 0xFF);
            }
        }
        const std::string& t = tals[r];
        std::fill(p, p + annotationSamples * bps, '\0');
        std::copy(t.begin(), t.end(), p);
        out.write(record.data(), record.size());
    }
    out.commit();
    return rescaled;
}

}  // namespace emg::io

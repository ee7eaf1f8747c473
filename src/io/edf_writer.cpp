// EDF+/BDF+ writer for a Recording held in memory (continuous "EDF+C"/"BDF+C", or EDF+D where
// records inside gaps are left out), written through SafeFileWriter.
#include "edf_fields.h"
#include "edf_header.h"
#include "edf_labels.h"
#include "tal.h"

#include <emg/io/recording_io.h>
#include <emg/io/safe_file_writer.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace emg::io {

namespace {
using namespace detail;

// The longest record duration (<= 1 s, or up to 10 s for odd rates) that holds a whole number of
// samples of every channel.
double chooseRecordDuration(const std::vector<const RecordedChannel*>& channels) {
    static constexpr double kCandidates[] = {1, 0.5, 0.25, 0.2, 0.125, 0.1, 0.05, 0.04, 0.025, 0.02, 0.01,
                                             0.005, 0.002, 0.001, 2, 4, 5, 8, 10};
    for (double d : kCandidates) {
        bool ok = true;
        for (const auto* c : channels) {
            const double n = c->sampleRateHz * d;
            if (std::fabs(n - std::nearbyint(n)) > 1e-6 * std::max(1.0, n) || std::nearbyint(n) < 1) ok = false;
        }
        if (ok) return d;
    }
    std::string rates;
    for (const auto* c : channels) rates += " " + std::to_string(c->sampleRateHz);
    throw FormatError("cannot write EDF/BDF: no record duration holds a whole number of samples at the rates" + rates + " Hz");
}
}  // namespace

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
    const std::vector<DataGap>& gaps = options.gaps;
    if (format == FileFormat::Wfdb || format == FileFormat::RawSignal) throw FormatError("writing WFDB or raw signal files is not supported; write EDF+ or BDF+");
    const bool bdf = format == FileFormat::Bdf || format == FileFormat::BdfPlus;
    const std::int32_t dLo = bdf ? -8388608 : -32768;
    const std::int32_t dHi = bdf ? 8388607 : 32767;
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
    h.recordDurationSec = channels.empty() ? 1.0 : chooseRecordDuration(channels);
    {
        // the duration must survive its 8-character field exactly
        const double written = std::stod(formatFixedWidth(h.recordDurationSec, 8, Rounding::Nearest));
        if (written != h.recordDurationSec) throw FormatError("record duration not representable");
    }
    double durationSec = 0.0;
    for (const auto* c : channels) durationSec = std::max(durationSec, static_cast<double>(c->samples.size()) / c->sampleRateHz);
    for (const auto& a : rec.annotations) durationSec = std::max(durationSec, a.onsetSec);
    const auto records = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(durationSec / h.recordDurationSec - 1e-9)));
    // EDF+D: leave out the records that lie entirely inside a gap
    std::vector<char> keep(static_cast<std::size_t>(records), 1);
    for (std::int64_t r = 0; r < records; ++r) {
        const double t0 = static_cast<double>(r) * h.recordDurationSec, t1 = t0 + h.recordDurationSec;
        for (const auto& g : gaps)
            if (g.onsetSec <= t0 + 1e-9 && g.onsetSec + g.durationSec >= t1 - 1e-9) keep[static_cast<std::size_t>(r)] = 0;
    }
    keep[0] = 1;   // the first record anchors the start time
    const auto kept = static_cast<std::int64_t>(std::count(keep.begin(), keep.end(), 1));
    h.dataRecords = kept;
    if (kept < records) h.reserved = bdf ? "BDF+D" : "EDF+D";

    // per-channel digital mapping from the data's range, rounded outward to the field width
    std::vector<double> gain(channels.size()), offset(channels.size());
    std::size_t nonFinite = 0;
    for (std::size_t i = 0; i < channels.size(); ++i) {
        const auto& c = *channels[i];
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (double v : c.samples) {
            if (!std::isfinite(v)) { ++nonFinite; continue; }
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        if (!(lo <= hi)) lo = hi = 0.0;
        lo = std::min(lo, 0.0);  // padding after the end is written as 0
        hi = std::max(hi, 0.0);
        if (hi - lo < 1e-6 * std::max(1.0, std::fabs(hi))) { lo -= 1.0; hi += 1.0; }
        EdfSignalHeader s;
        if (c.isAnnotationOrTrigger)
            s.label = c.label;
        else if (options.origin == SignalOrigin::Foreign)   // the label read, with the type the reader split off
            s.label = c.signalType.empty() ? c.label : c.signalType + " " + c.label;
        else
            s.label = detail::standardLabel(!c.signalType.empty()       ? std::string_view(c.signalType)
                                            : c.physicalUnit == "uV" ? std::string_view("EMG")
                                                                     : std::string_view(),
                                            c.label);
        s.transducer = c.transducer;
        s.physicalDimension = c.physicalUnit;
        s.prefilter = c.prefilter;
        s.physicalMin = std::stod(formatFixedWidth(lo, 8, Rounding::Down));
        s.physicalMax = std::stod(formatFixedWidth(hi, 8, Rounding::Up));
        s.digitalMin = dLo;
        s.digitalMax = dHi;
        s.samplesPerRecord = std::llround(c.sampleRateHz * h.recordDurationSec);
        gain[i] = s.gain();
        offset[i] = s.offset();
        h.signals.push_back(std::move(s));
    }
    if (nonFinite) spdlog::warn("{}: {} non-finite samples written as 0", path.string(), nonFinite);

    // annotations: each in the record where it starts (onsets before 0 in the first, after the end in the last)
    std::vector<std::string> tals(static_cast<std::size_t>(records));
    for (std::int64_t r = 0; r < records; ++r) appendTimeKeepingTal(tals[static_cast<std::size_t>(r)], static_cast<double>(r) * h.recordDurationSec);
    for (const auto& a : rec.annotations) {
        if (kept < records && a.text.rfind("Gap ", 0) == 0 &&
            std::any_of(gaps.begin(), gaps.end(), [&](const DataGap& g) { return std::fabs(g.onsetSec - a.onsetSec) < 1e-6; }))
            continue;   // the record structure itself says it (readers add it back)
        auto r = static_cast<std::int64_t>(std::floor(a.onsetSec / h.recordDurationSec));
        r = std::clamp<std::int64_t>(r, 0, records - 1);
        while (r > 0 && !keep[static_cast<std::size_t>(r)]) --r;   // an annotation in a gap goes to the record before
        appendTal(tals[static_cast<std::size_t>(r)], a.onsetSec, a.durationSec, {a.text});
    }
    std::size_t talBytes = 0;
    for (const auto& t : tals) talBytes = std::max(talBytes, t.size());
    talBytes = std::max<std::size_t>(talBytes + 1, 2 * bps * 8);
    const std::size_t annotationSamples = (talBytes + bps - 1) / bps;
    {
        EdfSignalHeader s;
        s.label = bdf ? "BDF Annotations" : "EDF Annotations";
        s.physicalMin = -1;
        s.physicalMax = 1;
        s.digitalMin = dLo;
        s.digitalMax = dHi;
        s.samplesPerRecord = static_cast<std::int64_t>(annotationSamples);
        h.signals.push_back(std::move(s));
    }

    SafeFileWriter out(path);
    out.write(formatEdfHeader(h));

    std::vector<char> record(h.recordBytes());
    for (std::int64_t r = 0; r < records; ++r) {
        if (!keep[static_cast<std::size_t>(r)]) continue;
        char* p = record.data();
        for (std::size_t i = 0; i < channels.size(); ++i) {
            const auto& c = *channels[i];
            const auto n = static_cast<std::size_t>(h.signals[i].samplesPerRecord);
            const std::size_t first = static_cast<std::size_t>(r) * n;
            for (std::size_t k = 0; k < n; ++k) {
                const std::size_t idx = first + k;
                double v = idx < c.samples.size() ? c.samples[idx] : 0.0;
                if (!std::isfinite(v)) v = 0.0;
                const double d = std::nearbyint((v - offset[i]) / gain[i]);
                const auto dig = static_cast<std::int32_t>(std::clamp(d, static_cast<double>(dLo), static_cast<double>(dHi)));
                *p++ = static_cast<char>(dig & 0xFF);
                *p++ = static_cast<char>((dig >> 8) & 0xFF);
                if (bdf) *p++ = static_cast<char>((dig >> 16) & 0xFF);
            }
        }
        const std::string& t = tals[static_cast<std::size_t>(r)];
        std::fill(p, p + annotationSamples * bps, '\0');
        std::copy(t.begin(), t.end(), p);
        out.write(record.data(), record.size());
    }
    out.commit();
}

}  // namespace emg::io

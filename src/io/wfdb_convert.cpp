// WFDB record -> EDF+/BDF+: the ADC values become the digital samples, the WFDB gain and
// baseline the physical range (in the record's own unit), the description the label.
#include "convert_paths.h"
#include "edf_fields.h"
#include "edf_header.h"
#include "edf_strict_fields.h"
#include "file_bytes.h"
#include "tal.h"
#include "units.h"

#include <emg/io/safe_file_writer.h>
#include <emg/io/wfdb.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

namespace emg::io::detail {

namespace {
struct DigitalRange {
    long long lo = 0, hi = 0;
    bool contains(long long a, long long b) const { return lo <= a && b <= hi; }
};

// The range a WFDB format can store (after decoding to signed values).
std::optional<DigitalRange> formatRange(int format) {
    switch (format) {
        case 16: case 61: case 160: return DigitalRange{-32768, 32767};
        case 80: return DigitalRange{-128, 127};
        case 212: return DigitalRange{-2048, 2047};
        case 310: case 311: return DigitalRange{-512, 511};
        case 24: return DigitalRange{-8388608, 8388607};
        default: return std::nullopt;   // 8 (differences), 32, null signals: from the data
    }
}

// The longest record of at most 1 s (in ms steps), else 2..60 s, holding a whole number of
// samples of every signal.
double chooseRecordDuration(const std::vector<double>& ratesHz) {
    auto fits = [&](double d) {
        for (double r : ratesHz) {
            const double n = r * d;
            if (std::nearbyint(n) < 1 || std::fabs(n - std::nearbyint(n)) > 1e-6 * std::max(1.0, n)) return false;
        }
        return true;
    };
    for (int k = 1000; k >= 1; --k)
        if (fits(k / 1000.0)) return k / 1000.0;
    for (int s = 2; s <= 60; ++s)
        if (fits(s)) return s;
    std::string rates;
    for (double r : ratesHz) rates += " " + formatFixedWidth(r, 12, Rounding::Nearest);
    throw FormatError("cannot write EDF/BDF: no data-record duration up to 60 s holds a whole number of samples at the rates" +
                      rates + " Hz");
}

struct WfdbSignalOut {
    std::vector<std::int32_t> digital;
    std::int32_t padDigital = 0;
    std::size_t perRecord = 0;
};
}  // namespace

ConvertReport convertWfdbRecord(const std::filesystem::path& headerPath, const std::filesystem::path& outPath, bool toBdf) {
    ReadInfo info;
    const Recording rec = readWfdbRecord(headerPath, info);
    const auto text = readFileBytes(headerPath);
    const WfdbHeader wh = parseWfdbHeader(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), headerPath.string());
    if (rec.channels.size() != wh.signals.size()) throw FormatError(headerPath.string() + ": signal count changed while reading");

    ConvertReport rep;
    rep.inputFormat = FileFormat::Wfdb;
    rep.outputFormat = toBdf ? FileFormat::BdfPlus : FileFormat::EdfPlus;
    rep.warnings = info.warnings;
    const long long tLo = toBdf ? -8388608 : -32768, tHi = toBdf ? 8388607 : 32767;
    const std::size_t bps = toBdf ? 3 : 2;

    EdfHeader h;
    h.bdf = toBdf;
    h.reserved = toBdf ? "BDF+C" : "EDF+C";
    // start date and time: dd/mm/yyyy and hh:mm:ss[.sss]; the fraction goes into the first
    // record's time-keeping onset, as EDF+ keeps sub-second starts
    double startFractionSec = 0.0;
    {
        int d = 0, mo = 0, y = 0;
        char buf[32];
        if (std::sscanf(wh.baseDate.c_str(), "%d/%d/%d", &d, &mo, &y) == 3 && y >= 1985 && y <= 2084 && mo >= 1 && mo <= 12 &&
            d >= 1 && d <= 31) {
            std::snprintf(buf, sizeof buf, "%02d.%02d.%02d", d, mo, y % 100);
            h.startDate = buf;
        } else {
            h.startDate = "01.01.85";   // EDF+: an unknown date is 01.01.85 with "Startdate X"
            if (!wh.baseDate.empty()) rep.warnings.push_back("WFDB base date '" + asciiOnly(wh.baseDate) + "' is outside what EDF holds (1985-2084)");
        }
        int hh = 0, mi = 0;
        double ss = 0;
        if (std::sscanf(wh.baseTime.c_str(), "%d:%d:%lf", &hh, &mi, &ss) == 3 && hh >= 0 && hh < 24 && mi >= 0 && mi < 60 && ss >= 0 && ss < 60) {
            startFractionSec = ss - std::floor(ss);
            std::snprintf(buf, sizeof buf, "%02d.%02d.%02d", hh, mi, static_cast<int>(std::floor(ss)));
            h.startTime = buf;
        } else {
            h.startTime = "00.00.00";
        }
    }
    const std::string datePart = wh.baseDate.empty() || h.startDate == "01.01.85" ? std::string("X") : edfPlusStartdate(h.startDate);
    {
        std::string name = printableBytes(wh.recordName);
        for (char& c : name)
            if (c == ' ') c = '_';
        h.recording = fixedField("Startdate " + datePart + " " + (name.empty() ? std::string("X") : name) + " X X", 80);
        if (!isEdfPlusRecordingField(h.recording, h.startDate)) h.recording = repairedEdfPlusRecordingField(wh.recordName, h.startDate);
        h.patient = fixedField(edfPlusPatientField(rec.patientId), 80);
        if (!isEdfPlusPatientField(h.patient)) h.patient = repairedEdfPlusPatientField(rec.patientId);
        h.recording = std::string(trimSpaces(h.recording));
        h.patient = std::string(trimSpaces(h.patient));
    }

    std::vector<double> rates;
    for (const auto& c : rec.channels) rates.push_back(c.sampleRateHz);
    h.recordDurationSec = chooseRecordDuration(rates);
    double durationSec = 0;
    for (const auto& c : rec.channels) durationSec = std::max(durationSec, static_cast<double>(c.samples.size()) / c.sampleRateHz);
    const auto records = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(durationSec / h.recordDurationSec - 1e-9)));

    std::vector<WfdbSignalOut> sig(rec.channels.size());
    std::size_t padded = 0;
    for (std::size_t i = 0; i < rec.channels.size(); ++i) {
        const auto& c = rec.channels[i];
        const auto& ws = wh.signals[i];
        const int sigNo = static_cast<int>(i + 1);
        const double uv = microvoltsPerUnit(ws.units);
        const double toAdc = ws.adcGain / (uv > 0 ? uv : 1.0);
        auto& o = sig[i];
        o.digital.resize(c.samples.size());
        long long dataLo = std::numeric_limits<long long>::max(), dataHi = std::numeric_limits<long long>::min();
        for (std::size_t k = 0; k < c.samples.size(); ++k) {
            const long long adc = std::llround(c.samples[k] * toAdc + static_cast<double>(ws.baseline));
            dataLo = std::min(dataLo, adc);
            dataHi = std::max(dataHi, adc);
            o.digital[k] = static_cast<std::int32_t>(std::clamp<long long>(adc, INT32_MIN, INT32_MAX));
        }
        if (c.samples.empty()) dataLo = dataHi = ws.baseline;
        // the ADC's declared range, else the format's, else the data's: the first that holds the
        // data and fits the output keeps every value and the gain exactly
        std::vector<DigitalRange> candidates;
        if (ws.adcResolution > 0 && ws.adcResolution <= 24)
            candidates.push_back({ws.adcZero - (1LL << (ws.adcResolution - 1)), ws.adcZero + (1LL << (ws.adcResolution - 1)) - 1});
        if (auto fr = formatRange(ws.format)) candidates.push_back(*fr);
        candidates.push_back({dataLo, std::max(dataHi, dataLo + 1)});
        std::optional<DigitalRange> range;
        for (const auto& cand : candidates)
            if (cand.contains(dataLo, dataHi) && cand.lo >= tLo && cand.hi <= tHi) {
                range = cand;
                break;
            }
        EdfSignalHeader s;
        const std::string label = c.label;
        s.label = printableBytes(label);
        if (s.label.size() > 16) {
            s.label.resize(16);
            rep.warnings.push_back("signal " + std::to_string(sigNo) + ": description cut to EDF's 16-character label");
        }
        noteChange(rep.headerChanges, "label", sigNo, label, s.label,
                   label.size() > 16 ? "EDF labels hold 16 characters" : kNonAsciiReason);
        s.physicalDimension = printableBytes(ws.units, true);
        if (s.physicalDimension.size() > 8) s.physicalDimension.resize(8);
        noteChange(rep.headerChanges, "physical dimension", sigNo, ws.units, s.physicalDimension,
                   ws.units.size() > 8 ? "EDF dimensions hold 8 characters" : kNonAsciiReason);
        ConvertedSignal cs;
        const DigitalRange src = range ? *range : DigitalRange{dataLo, std::max(dataHi, dataLo + 1)};
        s.digitalMin = static_cast<std::int32_t>(range ? src.lo : tLo);
        s.digitalMax = static_cast<std::int32_t>(range ? src.hi : tHi);
        s.physicalMin = (static_cast<double>(src.lo) - static_cast<double>(ws.baseline)) / ws.adcGain;
        s.physicalMax = (static_cast<double>(src.hi) - static_cast<double>(ws.baseline)) / ws.adcGain;
        s.physicalMin = std::stod(formatFixedWidth(s.physicalMin, 8, Rounding::Nearest));
        s.physicalMax = std::stod(formatFixedWidth(s.physicalMax, 8, Rounding::Nearest));
        if (s.physicalMin == s.physicalMax) throw FormatError(headerPath.string() + ": signal " + std::to_string(sigNo) +
                                                              ": its physical range does not fit EDF's 8-character fields");
        if (!range) {
            cs.rescaled = true;
            const double scale = static_cast<double>(tHi - tLo) / static_cast<double>(src.hi - src.lo);
            for (auto& v : o.digital) v = static_cast<std::int32_t>(std::nearbyint((static_cast<double>(v) - static_cast<double>(src.lo)) * scale) + tLo);
            rep.warnings.push_back("signal " + std::to_string(sigNo) + ": ADC values " + std::to_string(src.lo) + ".." + std::to_string(src.hi) +
                                   " do not fit the output's digital range: rescaled over the same physical range");
        }
        // padding after the end: the digital value nearest to 0 physical units
        const double zero = s.digitalMin - s.physicalMin * (s.digitalMax - s.digitalMin) / (s.physicalMax - s.physicalMin);
        o.padDigital = static_cast<std::int32_t>(std::clamp<double>(std::nearbyint(zero), s.digitalMin, s.digitalMax));
        s.samplesPerRecord = std::llround(c.sampleRateHz * h.recordDurationSec);
        o.perRecord = static_cast<std::size_t>(s.samplesPerRecord);
        padded = std::max(padded, static_cast<std::size_t>(records) * o.perRecord - c.samples.size());
        cs.label = std::string(trimSpaces(s.label));
        cs.unit = std::string(trimSpaces(s.physicalDimension));
        cs.sampleRateHz = c.sampleRateHz;
        cs.samples = static_cast<std::int64_t>(c.samples.size());
        rep.signals.push_back(cs);
        h.signals.push_back(std::move(s));
    }
    if (padded > 0)
        rep.warnings.push_back("the last data record is padded with up to " + std::to_string(padded) +
                               " samples at 0 physical units (EDF holds whole records of " +
                               formatFixedWidth(h.recordDurationSec, 8, Rounding::Nearest) + " s)");

    // annotations: each in the record where it starts
    std::vector<std::string> tals(static_cast<std::size_t>(records));
    for (std::int64_t r = 0; r < records; ++r)
        appendTimeKeepingTal(tals[static_cast<std::size_t>(r)], startFractionSec + static_cast<double>(r) * h.recordDurationSec);
    for (const auto& a : rec.annotations) {
        auto r = static_cast<std::int64_t>(std::floor(a.onsetSec / h.recordDurationSec));
        r = std::clamp<std::int64_t>(r, 0, records - 1);
        appendTal(tals[static_cast<std::size_t>(r)], a.onsetSec + startFractionSec, a.durationSec, {a.text});
    }
    std::size_t talBytes = 0;
    for (const auto& t : tals) talBytes = std::max(talBytes, t.size());
    const std::size_t annotationSamples = (std::max<std::size_t>(talBytes + 1, 2 * bps * 8) + bps - 1) / bps;
    {
        EdfSignalHeader s;
        s.label = toBdf ? "BDF Annotations" : "EDF Annotations";
        s.physicalMin = -1;
        s.physicalMax = 1;
        s.digitalMin = static_cast<std::int32_t>(tLo);
        s.digitalMax = static_cast<std::int32_t>(tHi);
        s.samplesPerRecord = static_cast<std::int64_t>(annotationSamples);
        h.signals.push_back(std::move(s));
    }
    h.dataRecords = records;

    SafeFileWriter out(outPath);
    out.write(formatEdfHeader(h));
    std::vector<char> record(h.recordBytes());
    for (std::int64_t r = 0; r < records; ++r) {
        char* p = record.data();
        for (const auto& o : sig) {
            const std::size_t first = static_cast<std::size_t>(r) * o.perRecord;
            for (std::size_t k = 0; k < o.perRecord; ++k) {
                const std::size_t idx = first + k;
                const std::int32_t v = idx < o.digital.size() ? o.digital[idx] : o.padDigital;
                *p++ = static_cast<char>(v & 0xFF);
                *p++ = static_cast<char>((v >> 8) & 0xFF);
                if (toBdf) *p++ = static_cast<char>((v >> 16) & 0xFF);
            }
        }
        const std::string& t = tals[static_cast<std::size_t>(r)];
        std::fill(p, p + annotationSamples * bps, '\0');
        std::copy(t.begin(), t.end(), p);
        out.write(record.data(), record.size());
    }
    out.commit();

    rep.annotations = rec.annotations.size();
    rep.durationSec = durationSec;
    rep.dataRecords = records;
    rep.recordDurationSec = h.recordDurationSec;
    return rep;
}

}  // namespace emg::io::detail

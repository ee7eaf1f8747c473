// WFDB record -> EDF+/BDF+: the ADC values become the digital samples, the WFDB gain and
// baseline the physical range (in the record's own unit), the description the label. The plan
// (header, layout, annotations) is shared with the streamed conversion; the in-memory path is
// kept for records the stream does not take (null signals, skew, several signal files).
#include "convert_paths.h"
#include "wfdb_convert_plan.h"
#include "wfdb_detail.h"
#include "edf_fields.h"
#include "edf_header.h"
#include "edf_strict_fields.h"
#include "edf_write_plan.h"
#include "file_bytes.h"
#include "units.h"

#include <emg/io/safe_file_writer.h>
#include <emg/io/wfdb.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <sstream>

#include <spdlog/spdlog.h>

namespace emg::io::detail {

namespace {
struct PhysicalLimits {
    double min = 0.0, max = 0.0;
    std::string dimension;
    double factor = 1.0;   ///< written value = value in the record's unit x factor
};

/// `lo` and `hi` as EDF's 8-character fields hold them: in `dimension` when they fit there (and
/// differ once written), else, for a voltage, in the prefix (nV, uV, mV, V) that keeps most of the
/// range's precision (a 32-bit range of 200 units per mV: -10737418.24 mV does not fit, -10737.4 V
/// does); nullopt when nothing holds them. `outward`: each limit rounded away from the other (the
/// values are then mapped onto the written range, which must hold them all), else to the nearest.
std::optional<PhysicalLimits> physicalLimitsFitting(double lo, double hi, const std::string& dimension, bool outward) {
    const Rounding loRounding = !outward ? Rounding::Nearest : (lo < hi ? Rounding::Down : Rounding::Up);
    const Rounding hiRounding = !outward ? Rounding::Nearest : (lo < hi ? Rounding::Up : Rounding::Down);
    const auto written = [&](double lo2, double hi2) -> std::optional<std::pair<double, double>> {
        try {
            const double a = std::stod(formatFixedWidth(lo2, 8, loRounding));
            const double b = std::stod(formatFixedWidth(hi2, 8, hiRounding));
            if (a == b) return std::nullopt;
            return std::pair{a, b};
        } catch (const FormatError&) {
            return std::nullopt;
        }
    };
    if (const auto w = written(lo, hi)) return PhysicalLimits{w->first, w->second, dimension, 1.0};
    const double uvPerUnit = microvoltsPerUnit(dimension);
    if (!(uvPerUnit > 0)) return std::nullopt;
    std::optional<PhysicalLimits> best;
    double bestError = 0.0;
    for (const auto& [name, uv] : {std::pair{"nV", 1e-3}, std::pair{"uV", 1.0}, std::pair{"mV", 1e3}, std::pair{"V", 1e6}}) {
        const double f = uvPerUnit / uv;
        const auto w = written(lo * f, hi * f);
        if (!w) continue;
        const double error = (std::fabs(w->first - lo * f) + std::fabs(w->second - hi * f)) / std::fabs(hi * f - lo * f);
        if (!best || error < bestError) {
            best = PhysicalLimits{w->first, w->second, name, f};
            bestError = error;
        }
    }
    return best;
}

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

/// The EDF+ patient field for a WFDB record's first comment. PhysioNet writes age and sex there
/// ("<age>: 57 <sex>: M"): the sex goes to EDF+'s sex subfield and the whole comment, spaces as
/// '_', to the additional subfields, so EDF readers see the sex and nothing of the text is lost.
/// Any other comment is the patient code, as before.
std::string edfPlusPatientFromWfdbComment(const std::string& comment) {
    std::string lower = asciiOnly(comment);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto at = lower.find("<sex>:");
    if (at != std::string::npos) {
        std::size_t i = at + 6;
        while (i < lower.size() && lower[i] == ' ') ++i;
        std::size_t j = i;
        while (j < lower.size() && std::isalpha(static_cast<unsigned char>(lower[j]))) ++j;
        const std::string word = lower.substr(i, j - i);
        const char* sex = word == "m" || word == "male" ? "M" : word == "f" || word == "female" ? "F" : nullptr;
        if (sex) {
            std::string rest = asciiOnly(trimSpaces(comment));
            for (char& c : rest)
                if (c == ' ') c = '_';
            return std::string("X ") + sex + " X X " + rest;
        }
    }
    return edfPlusPatientField(comment);
}

}  // namespace

WfdbAdcRoundTrip::WfdbAdcRoundTrip(const WfdbSignalSpec& spec) {
    const double readUv = microvoltsPerWfdbUnit(spec.units);
    readScale = (readUv > 0 ? readUv : 1.0) / spec.adcGain;
    const double uv = microvoltsPerUnit(spec.units);
    toAdc = spec.adcGain / (uv > 0 ? uv : 1.0);
    baseline = static_cast<double>(spec.baseline);
}

WfdbConvertPlan planWfdbConversion(const std::filesystem::path& headerPath, const WfdbHeader& wh,
                                   const std::vector<WfdbSignalSummary>& signals, const std::string& patientId,
                                   const std::vector<Annotation>& annotations, std::vector<std::string> readerWarnings, bool toBdf) {
    WfdbConvertPlan plan;
    plan.bdf = toBdf;
    ConvertReport& rep = plan.report;
    rep.inputFormat = FileFormat::Wfdb;
    rep.outputFormat = toBdf ? FileFormat::BdfPlus : FileFormat::EdfPlus;
    rep.warnings = std::move(readerWarnings);
    const long long tLo = toBdf ? -8388608 : -32768, tHi = toBdf ? 8388607 : 32767;
    const std::size_t bps = toBdf ? 3 : 2;

    EdfHeader& h = plan.header;
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
        h.patient = fixedField(edfPlusPatientFromWfdbComment(patientId), 80);
        if (!isEdfPlusPatientField(h.patient)) h.patient = repairedEdfPlusPatientField(patientId);
        h.recording = std::string(trimSpaces(h.recording));
        h.patient = std::string(trimSpaces(h.patient));
    }

    std::vector<double> rates;
    for (const auto& c : signals) rates.push_back(c.sampleRateHz);
    h.recordDurationSec = chooseRecordDuration(rates);
    double durationSec = 0;
    for (const auto& c : signals)
        if (c.sampleRateHz > 0) durationSec = std::max(durationSec, static_cast<double>(c.samples) / c.sampleRateHz);
    const auto records = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(durationSec / h.recordDurationSec - 1e-9)));

    plan.signals.resize(signals.size());
    std::size_t padded = 0;
    for (std::size_t i = 0; i < signals.size(); ++i) {
        const auto& c = signals[i];
        const auto& ws = wh.signals[i];
        const int sigNo = static_cast<int>(i + 1);
        auto& o = plan.signals[i];
        long long dataLo = c.adcLo, dataHi = c.adcHi;
        if (c.samples == 0) dataLo = dataHi = ws.baseline;
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
        const std::string& label = c.label;
        s.label = printableBytes(label);
        if (s.label.size() > 16) {
            s.label.resize(16);
            rep.warnings.push_back("signal " + std::to_string(sigNo) + ": description cut to EDF's 16-character label");
        }
        noteChange(rep.headerChanges, "label", sigNo, label, s.label,
                   label.size() > 16 ? "EDF labels hold 16 characters" : kNonAsciiReason);
        // WFDB has no transducer field; EMGLAB states the electrode in a comment ("# electrode:
        // monopolar needle"), which EDF's transducer field holds (the reading depends on it)
        const std::string electrode = wfdbCommentValue(wh, "electrode");
        s.transducer = printableBytes(electrode);
        if (s.transducer.size() > 80) s.transducer.resize(80);
        noteChange(rep.headerChanges, "transducer", sigNo, electrode, s.transducer,
                   electrode.size() > 80 ? "EDF transducer fields hold 80 characters" : kNonAsciiReason);
        // a voltage in its SI spelling ("mv" -> "mV"): EDF readers take the dimension as case-sensitive
        // SI and scale a spelling they do not know by 1 (MNE read 'mv' samples 1000 x too large)
        // a degree sign spelled "deg" as EDF+'s standard dimensions do ("°C" -> "degC"), not '_'
        const std::string degrees = degreesSpelledOut(ws.units);
        const std::string printableUnit = printableBytes(degrees, true);
        s.physicalDimension = siVoltageSpelling(printableUnit);
        if (s.physicalDimension.size() > 8) s.physicalDimension.resize(8);
        noteChange(rep.headerChanges, "physical dimension", sigNo, ws.units, s.physicalDimension,
                   degrees.size() > 8                           ? "EDF dimensions hold 8 characters"
                   : degrees != ws.units                        ? "EDF+ spells the degree sign 'deg' (degC)"
                   : s.physicalDimension != trimSpaces(printableUnit) ? "EDF readers scale a voltage by its SI spelling"
                                                                            : kNonAsciiReason);
        ConvertedSignal cs;
        const DigitalRange src = range ? *range : DigitalRange{dataLo, std::max(dataHi, dataLo + 1)};
        s.digitalMin = static_cast<std::int32_t>(range ? src.lo : tLo);
        s.digitalMax = static_cast<std::int32_t>(range ? src.hi : tHi);
        const double lo = (static_cast<double>(src.lo) - static_cast<double>(ws.baseline)) / ws.adcGain;
        const double hi = (static_cast<double>(src.hi) - static_cast<double>(ws.baseline)) / ws.adcGain;
        const auto limits = physicalLimitsFitting(lo, hi, s.physicalDimension, !range.has_value());
        if (!limits) throw FormatError(headerPath.string() + ": signal " + std::to_string(sigNo) +
                                       ": its physical range does not fit EDF's 8-character fields");
        if (limits->dimension != s.physicalDimension) {
            std::ostringstream range;
            range.precision(10);
            range << lo << ".." << hi;
            rep.warnings.push_back("signal " + std::to_string(sigNo) + ": physical range " + range.str() + " " + s.physicalDimension + " written in " + limits->dimension +
                                   " (EDF's 8-character fields cannot hold it in " + s.physicalDimension + ")");
            noteChange(rep.headerChanges, "physical dimension", sigNo, s.physicalDimension, limits->dimension,
                       "the physical range does not fit EDF's 8-character fields in the record's unit");
            s.physicalDimension = limits->dimension;
        }
        s.physicalMin = limits->min;
        s.physicalMax = limits->max;
        if (!range) {
            cs.rescaled = true;
            o.rescaled = true;
            // onto the written (rounded) range: ADC a is at physical (a - baseline) / gain x factor
            const double gainPerWritten = ws.adcGain / limits->factor;   // ADC units per written unit
            o.sourceLo = static_cast<double>(ws.baseline) + s.physicalMin * gainPerWritten;
            o.scale = static_cast<double>(tHi - tLo) / ((s.physicalMax - s.physicalMin) * gainPerWritten);
            o.targetLo = tLo;
            o.targetHi = tHi;
            rep.warnings.push_back("signal " + std::to_string(sigNo) + ": ADC values " + std::to_string(src.lo) + ".." + std::to_string(src.hi) +
                                   " do not fit the output's digital range: rescaled over the same physical range");
        }
        // padding after the end: the digital value nearest to 0 physical units
        const double zero = s.digitalMin - s.physicalMin * (s.digitalMax - s.digitalMin) / (s.physicalMax - s.physicalMin);
        o.padDigital = static_cast<std::int32_t>(std::clamp<double>(std::nearbyint(zero), s.digitalMin, s.digitalMax));
        s.samplesPerRecord = std::llround(c.sampleRateHz * h.recordDurationSec);
        o.perRecord = static_cast<std::size_t>(s.samplesPerRecord);
        padded = std::max(padded, static_cast<std::size_t>(records) * o.perRecord - static_cast<std::size_t>(c.samples));
        cs.label = std::string(trimSpaces(s.label));
        cs.unit = std::string(trimSpaces(s.physicalDimension));
        cs.sampleRateHz = c.sampleRateHz;
        cs.samples = c.samples;
        rep.signals.push_back(cs);
        h.signals.push_back(std::move(s));
    }
    if (padded > 0)
        rep.warnings.push_back("the last data record is padded with up to " + std::to_string(padded) +
                               " samples at 0 physical units (EDF holds whole records of " +
                               formatFixedWidth(h.recordDurationSec, 8, Rounding::Nearest) + " s)");

    // annotations: each in the record where it starts
    plan.tals = continuousRecordTals(annotations, records, h.recordDurationSec, startFractionSec);
    plan.annotationBytes = appendAnnotationSignal(h, plan.tals) * bps;
    h.dataRecords = records;
    plan.records = records;

    rep.annotations = annotations.size();
    rep.durationSec = durationSec;
    rep.dataRecords = records;
    rep.recordDurationSec = h.recordDurationSec;
    return plan;
}

void encodeWfdbDataRecord(const WfdbConvertPlan& plan, std::int64_t record, const std::vector<const std::int32_t*>& values,
                          std::vector<char>& out) {
    out.resize(plan.header.recordBytes());
    char* p = out.data();
    for (std::size_t i = 0; i < plan.signals.size(); ++i) {
        const std::int32_t* v = values[i];
        for (std::size_t k = 0; k < plan.signals[i].perRecord; ++k) {
            *p++ = static_cast<char>(v[k] & 0xFF);
            *p++ = static_cast<char>((v[k] >> 8) & 0xFF);
            if (plan.bdf) *p++ = static_cast<char>((v[k] >> 16) & 0xFF);
        }
    }
    const std::string& t = plan.tals[static_cast<std::size_t>(record)];
    std::fill(p, p + plan.annotationBytes, '\0');
    std::copy(t.begin(), t.end(), p);
}

ConvertReport convertWfdbInMemory(const std::filesystem::path& headerPath, const std::filesystem::path& outPath, bool toBdf) {
    ReadInfo info;
    const Recording rec = readWfdbRecord(headerPath, info);
    const auto text = readFileBytes(headerPath, kMaxWfdbHeaderBytes);
    const WfdbHeader wh = parseWfdbHeader(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), headerPath.string());
    if (rec.channels.size() != wh.signals.size()) throw FormatError(headerPath.string() + ": signal count changed while reading");

    // the ADC values back from the µV samples, clamped to 32 bits
    std::vector<std::vector<std::int32_t>> adc(rec.channels.size());
    std::vector<WfdbSignalSummary> summaries(rec.channels.size());
    for (std::size_t i = 0; i < rec.channels.size(); ++i) {
        const auto& c = rec.channels[i];
        const auto& ws = wh.signals[i];
        const double uv = microvoltsPerUnit(ws.units);
        const double toAdc = ws.adcGain / (uv > 0 ? uv : 1.0);
        auto& sum = summaries[i];
        sum.label = c.label;
        sum.sampleRateHz = c.sampleRateHz;
        sum.samples = static_cast<std::int64_t>(c.samples.size());
        sum.adcLo = std::numeric_limits<long long>::max();
        sum.adcHi = std::numeric_limits<long long>::min();
        adc[i].resize(c.samples.size());
        for (std::size_t k = 0; k < c.samples.size(); ++k) {
            const long long a = std::llround(c.samples[k] * toAdc + static_cast<double>(ws.baseline));
            sum.adcLo = std::min(sum.adcLo, a);
            sum.adcHi = std::max(sum.adcHi, a);
            adc[i][k] = static_cast<std::int32_t>(std::clamp<long long>(a, INT32_MIN, INT32_MAX));
        }
    }
    WfdbConvertPlan plan = planWfdbConversion(headerPath, wh, summaries, rec.patientId, rec.annotations, info.warnings, toBdf);
    for (std::size_t i = 0; i < adc.size(); ++i)
        for (auto& v : adc[i]) v = plan.signals[i].digital(v);

    SafeFileWriter out(outPath);
    out.write(formatEdfHeader(plan.header));
    std::vector<char> record;
    std::vector<std::vector<std::int32_t>> chunk(adc.size());
    std::vector<const std::int32_t*> values(adc.size());
    for (std::int64_t r = 0; r < plan.records; ++r) {
        for (std::size_t i = 0; i < adc.size(); ++i) {
            const auto& o = plan.signals[i];
            const std::size_t first = static_cast<std::size_t>(r) * o.perRecord;
            if (first + o.perRecord <= adc[i].size()) {
                values[i] = adc[i].data() + first;
            } else {   // the last record: padded
                chunk[i].assign(o.perRecord, o.padDigital);
                for (std::size_t k = 0; first + k < adc[i].size() && k < o.perRecord; ++k) chunk[i][k] = adc[i][first + k];
                values[i] = chunk[i].data();
            }
        }
        encodeWfdbDataRecord(plan, r, values, record);
        out.write(record.data(), record.size());
    }
    out.commit();
    return plan.report;
}

ConvertReport convertWfdbRecord(const std::filesystem::path& headerPath, const std::filesystem::path& outPath, bool toBdf) {
    ConvertReport rep;
    if (convertWfdbStreaming(headerPath, outPath, toBdf, rep)) return rep;
    return convertWfdbInMemory(headerPath, outPath, toBdf);
}

}  // namespace emg::io::detail

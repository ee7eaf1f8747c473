// EDF/BDF(+) -> EDF/BDF(+) conversion, streamed: the output header is the input's, field by
// field, with only what the output format or a strict reader requires changed; the data records
// keep their duration, their samples per record, their digital values and their annotation bytes.
#include "convert_paths.h"
#include "edf_fields.h"
#include "edf_header.h"
#include "edf_stream_reader.h"
#include "edf_strict_fields.h"
#include "pipelined_writer.h"
#include "tal.h"
#include "units.h"

#include <emg/io/safe_file_writer.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <tuple>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace emg::io::detail {

namespace {
constexpr std::size_t kChunkBytes = 1u << 20;   // input bytes handled per read (whole records)
constexpr int kEdfLo = -32768, kEdfHi = 32767;
constexpr int kBdfLo = -8388608, kBdfHi = 8388607;
const std::string kNonAscii = kNonAsciiReason;

// Offsets of the per-signal fields in a header with `ns` signals.
struct SignalFieldOffsets {
    std::size_t ns;
    std::size_t label(std::size_t i) const { return 256 + i * 16; }
    std::size_t transducer(std::size_t i) const { return 256 + ns * 16 + i * 80; }
    std::size_t dimension(std::size_t i) const { return 256 + ns * 96 + i * 8; }
    std::size_t physMin(std::size_t i) const { return 256 + ns * 104 + i * 8; }
    std::size_t physMax(std::size_t i) const { return 256 + ns * 112 + i * 8; }
    std::size_t digMin(std::size_t i) const { return 256 + ns * 120 + i * 8; }
    std::size_t digMax(std::size_t i) const { return 256 + ns * 128 + i * 8; }
    std::size_t prefilter(std::size_t i) const { return 256 + ns * 136 + i * 80; }
    std::size_t samples(std::size_t i) const { return 256 + ns * 216 + i * 8; }
    std::size_t reserved(std::size_t i) const { return 256 + ns * 224 + i * 32; }
};

// Writes fields into the output header, noting what differs from the input.
class HeaderEditor {
public:
    HeaderEditor(const std::string& in, std::vector<HeaderFieldChange>& changes) : in_(in), out_(in), changes_(changes) {}
    std::string_view input(std::size_t off, std::size_t width) const { return std::string_view(in_).substr(off, width); }
    std::string_view output(std::size_t off, std::size_t width) const { return std::string_view(out_).substr(off, width); }
    /// Puts `value` (padded/cut to `width`); a non-empty `field` notes a visible change.
    void put(std::size_t off, std::size_t width, std::string_view value, const char* field = nullptr, int signal = 0,
             const std::string& reason = {}) {
        std::string v(value.substr(0, std::min(value.size(), width)));
        v.resize(width, ' ');
        if (field) noteChange(changes_, field, signal, input(off, width), v, reason);
        out_.replace(off, width, v);
    }
    /// A text field made printable.
    void text(std::size_t off, std::size_t width, const char* field, int signal, bool unit = false) {
        if (unit) {   // a degree sign spelled "deg" as EDF+'s standard dimensions do ("°C" -> "degC"), not '_'
            const std::string_view raw = trimSpaces(input(off, width));
            const std::string degrees = degreesSpelledOut(raw);
            if (degrees != raw && degrees.size() <= width) {
                put(off, width, printableBytes(degrees, true), field, signal, "EDF+ spells the degree sign 'deg' (degC)");
                return;
            }
        }
        put(off, width, printableBytes(input(off, width), unit), field, signal, kNonAscii);
    }
    std::string& bytes() { return out_; }

private:
    const std::string& in_;
    std::string out_;
    std::vector<HeaderFieldChange>& changes_;
};

// dd.mm.yy / hh.mm.ss from a sloppy field ("1.2.24", "01:02:03"), or empty.
std::string reformatTriple(std::string_view field) {
    int a = 0, b = 0, c = 0;
    const std::string s(trimSpaces(field));
    if (std::sscanf(s.c_str(), "%d%*[.:/-]%d%*[.:/-]%d", &a, &b, &c) != 3 || a < 0 || b < 0 || c < 0 || a > 99 || b > 99)
        return {};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02d.%02d.%02d", a, b, c % 100);
    return buf;
}

enum class SampleKind { Copy, Widen, Narrow, Rescale, Annotation };
struct SignalPlan {
    std::size_t inOffset = 0, outOffset = 0, samples = 0, inBytes = 0, outBytes = 0;
    SampleKind kind = SampleKind::Copy;
    std::int32_t digMin = 0, digMax = 0;
    double scale = 1.0;
    std::int64_t clipped = 0;
};

inline std::int32_t readInt24(const std::uint8_t* p) noexcept {
    std::int32_t v = static_cast<std::int32_t>(p[0] | (p[1] << 8) | (p[2] << 16));
    return (v & 0x800000) ? v - 0x1000000 : v;
}
inline std::int32_t readInt16(const std::uint8_t* p) noexcept {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(p[0] | (p[1] << 8)));
}

// 16-bit little-endian samples to 24-bit ones (sign-extended), `n` of them. Every store may write
// up to 8 bytes past the last sample's 3 (the output buffer has slack for it; the bytes are
// overwritten by what follows or never written out).
void widen16To24(const std::uint8_t* in, std::uint8_t* out, std::size_t n) {
    std::size_t k = 0;
#if defined(__SSE2__)
    if constexpr (std::endian::native == std::endian::little) {
        // 8 samples per step: sign-extended to 32 bits by unpacking with their sign words, each
        // 64-bit lane's two 24-bit values packed into its low 6 bytes, four 8-byte stores 6 bytes apart.
        const __m128i lo24 = _mm_set1_epi64x(0x0000000000FFFFFFLL);
        const __m128i hi24 = _mm_set1_epi64x(0x0000FFFFFF000000LL);
        for (; k + 8 <= n; k += 8, in += 16, out += 24) {
            const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
            const __m128i sign = _mm_srai_epi16(x, 15);
            const __m128i a = _mm_unpacklo_epi16(x, sign);   // samples 0..3 as int32
            const __m128i b = _mm_unpackhi_epi16(x, sign);   // samples 4..7
            const __m128i pa = _mm_or_si128(_mm_and_si128(a, lo24), _mm_and_si128(_mm_srli_epi64(a, 8), hi24));
            const __m128i pb = _mm_or_si128(_mm_and_si128(b, lo24), _mm_and_si128(_mm_srli_epi64(b, 8), hi24));
            _mm_storel_epi64(reinterpret_cast<__m128i*>(out), pa);
            _mm_storel_epi64(reinterpret_cast<__m128i*>(out + 6), _mm_unpackhi_epi64(pa, pa));
            _mm_storel_epi64(reinterpret_cast<__m128i*>(out + 12), pb);
            _mm_storel_epi64(reinterpret_cast<__m128i*>(out + 18), _mm_unpackhi_epi64(pb, pb));
        }
    }
#endif
    for (; k < n; ++k, in += 2, out += 3) {
        const auto v = static_cast<std::uint32_t>(readInt16(in));
        out[0] = static_cast<std::uint8_t>(v & 0xFF);
        out[1] = static_cast<std::uint8_t>((v >> 8) & 0xFF);
        out[2] = static_cast<std::uint8_t>((v >> 16) & 0xFF);
    }
}

void convertSignal(SignalPlan& s, const std::uint8_t* in, std::uint8_t* out) {
    switch (s.kind) {
        case SampleKind::Copy: std::memcpy(out, in, s.inBytes); break;
        case SampleKind::Annotation:
            std::memcpy(out, in, s.inBytes);
            std::memset(out + s.inBytes, 0, s.outBytes - s.inBytes);
            break;
        case SampleKind::Widen: widen16To24(in, out, s.samples); break;
        case SampleKind::Narrow:
            for (std::size_t k = 0; k < s.samples; ++k, in += 3, out += 2) {
                std::int32_t v = readInt24(in);
                if (v < kEdfLo || v > kEdfHi) {
                    v = std::clamp(v, kEdfLo, kEdfHi);
                    ++s.clipped;
                }
                out[0] = static_cast<std::uint8_t>(v & 0xFF);
                out[1] = static_cast<std::uint8_t>((v >> 8) & 0xFF);
            }
            break;
        case SampleKind::Rescale:
            for (std::size_t k = 0; k < s.samples; ++k, in += 3, out += 2) {
                const std::int32_t d = readInt24(in);
                if (d < s.digMin || d > s.digMax) ++s.clipped;
                const double x = std::nearbyint(static_cast<double>(d - s.digMin) * s.scale) + kEdfLo;
                const auto v = static_cast<std::int32_t>(std::clamp(x, static_cast<double>(kEdfLo), static_cast<double>(kEdfHi)));
                out[0] = static_cast<std::uint8_t>(v & 0xFF);
                out[1] = static_cast<std::uint8_t>((v >> 8) & 0xFF);
            }
            break;
    }
}
}  // namespace

void noteChange(std::vector<HeaderFieldChange>& changes, const char* field, int signal, std::string_view original,
                std::string_view written, const std::string& reason) {
    const std::string_view a = trimSpaces(original), b = trimSpaces(written);
    if (a == b) return;
    changes.push_back({field, signal, std::string(a), std::string(b), reason});
}

namespace {
/// One streamed EDF/BDF(+) conversion, step by step: the report, the output header (main fields,
/// then one plan per signal), the data records.
class EdfStreamConversion {
public:
    EdfStreamConversion(const std::filesystem::path& inPath, bool toBdf)
        : inPath_(inPath), reader(inPath), h(reader.header()), toBdf(toBdf), fromBdf(h.bdf), plus(h.isPlus()),
          ns(h.signals.size()), inBps(fromBdf ? 3 : 2), outBps(toBdf ? 3 : 2) {}

    ConvertReport run(const std::filesystem::path& outPath) {
        startReport();
        // ---- the header -------------------------------------------------------------------------
        HeaderEditor ed(reader.rawHeader(), rep.headerChanges);
        editMainHeader(ed);
        planSignals(ed);
        warnAboutReaderLimits();
        // ---- the data records -------------------------------------------------------------------
        writeRecords(ed, outPath);
        return rep;
    }

private:
    const std::filesystem::path& inPath_;
    EdfStreamReader reader;
    const EdfHeader& h;
    const bool toBdf, fromBdf, plus;
    const std::size_t ns;
    const std::size_t inBps, outBps;
    ConvertReport rep;
    std::vector<SignalPlan> plans;
    std::size_t inRecordBytes = 0, outRecordBytes = 0;
    std::size_t annotationSignals = 0, fastestIndex = 0;
    // time keeping of the records read so far
    double halfSample = 0.0;
    std::vector<std::string> talWarnings;
    double firstOnset = 0.0, prevOnset = 0.0, lastOnset = 0.0;
    bool warnedTimeKeeping = false, warnedSpacing = false;

    void startReport() {
        rep.inputFormat = fromBdf ? (plus ? FileFormat::BdfPlus : FileFormat::Bdf) : (plus ? FileFormat::EdfPlus : FileFormat::Edf);
        rep.outputFormat = toBdf ? (plus ? FileFormat::BdfPlus : FileFormat::Bdf) : (plus ? FileFormat::EdfPlus : FileFormat::Edf);
        rep.warnings = reader.warnings();
        rep.dataRecords = reader.records();
        rep.recordDurationSec = h.recordDurationSec;
        rep.discontinuous = h.isDiscontinuous();
        rep.streamed = true;
        if (reader.records() < 1) throw FormatError(inPath_.string() + ": no whole data record to convert");
    }

    /// The fields before the signal fields: format mark, patient, recording, date, time, reserved,
    /// counts and record duration, made what the output format and strict readers require.
    void editMainHeader(HeaderEditor& ed) {
        ed.put(0, 8, toBdf ? std::string_view("\xFF" "BIOSEMI", 8) : std::string_view("0"));
        ed.text(8, 80, "patient", 0);
        ed.text(88, 80, "recording", 0);
        if (!isStrictDateField(ed.input(168, 8))) {
            std::string d = reformatTriple(ed.input(168, 8));
            if (!isStrictDateField(d)) d = "01.01.85";
            ed.put(168, 8, d, "start date", 0, "not in the form dd.mm.yy that strict readers require");
        }
        if (!isStrictTimeField(ed.input(176, 8))) {
            std::string t = reformatTriple(ed.input(176, 8));
            if (!isStrictTimeField(t)) t = "00.00.00";
            ed.put(176, 8, t, "start time", 0, "not in the form hh.mm.ss that strict readers require");
        }
        if (plus) {
            if (!isEdfPlusPatientField(ed.output(8, 80)))
                ed.put(8, 80, repairedEdfPlusPatientField(ed.output(8, 80)), "patient", 0,
                       "not in the EDF+ form 'code sex birthdate name' that strict readers require");
            if (!isEdfPlusRecordingField(ed.output(88, 80), ed.output(168, 8)))
                ed.put(88, 80, repairedEdfPlusRecordingField(ed.output(88, 80), ed.output(168, 8)), "recording", 0,
                       "not in the EDF+ form 'Startdate dd-MMM-yyyy admincode technician equipment' agreeing with the start date");
        }
        {
            std::string reserved = printableBytes(ed.input(192, 44));
            noteChange(rep.headerChanges, "reserved", 0, ed.input(192, 44), reserved, kNonAscii);
            // the format's own mark follows the output (EDF+C <-> BDF+C is the conversion itself)
            if (plus) {
                reserved.replace(0, 4, toBdf ? "BDF+" : "EDF+");
            } else if (toBdf && !h.bdf && trimSpaces(reserved).empty()) {
                // the BioSemi mark of a plain 24-bit file, written when EDF becomes BDF; a BDF
                // that left the field blank (MNE's test_bdf_stim_channel.bdf) keeps it blank
                reserved.replace(0, 5, "24BIT");
            } else if (!toBdf && reserved.rfind("24BIT", 0) == 0) {
                reserved.replace(0, 5, "     ");
            }
            ed.put(192, 44, reserved);
        }
        if (reader.records() > 99'999'999) throw FormatError(inPath_.string() + ": more data records than EDF's 8-character count holds");
        ed.put(236, 8, std::to_string(reader.records()));
        ed.put(184, 8, std::to_string(256 * (ns + 1)));   // the same value; written plainly if the input padded it
        ed.put(252, 4, std::to_string(ns));
        if (!isStrictDurationField(ed.input(244, 8)))
            ed.put(244, 8, formatFixedWidth(h.recordDurationSec, 8, Rounding::Nearest), "data record duration", 0,
                   "number field rewritten in the plain form strict readers require");
    }

    /// Every signal's header fields and its place in the input and output records.
    void planSignals(HeaderEditor& ed) {
        const SignalFieldOffsets f{ns};
        plans.resize(ns);
        std::size_t inOff = 0, outOff = 0;
        for (std::size_t i = 0; i < ns; ++i) {
            const auto& s = h.signals[i];
            const int sig = static_cast<int>(i + 1);
            auto& p = plans[i];
            p.samples = static_cast<std::size_t>(s.samplesPerRecord);
            p.inBytes = p.samples * inBps;
            p.inOffset = inOff;
            inOff += p.inBytes;
            if (s.isAnnotation()) {
                planAnnotationSignal(ed, f, i);
            } else {
                if (p.samples > plans[fastestIndex].samples || h.signals[fastestIndex].isAnnotation()) fastestIndex = i;
                planDataSignal(ed, f, i);
            }
            ed.text(f.reserved(i), 32, "signal reserved field", sig);
            p.outOffset = outOff;
            outOff += p.outBytes;
        }
        inRecordBytes = inOff;
        outRecordBytes = outOff;
    }

    /// An annotation signal: its bytes copied (padded to whole output samples), standard fields.
    void planAnnotationSignal(HeaderEditor& ed, const SignalFieldOffsets& f, std::size_t i) {
        const auto& s = h.signals[i];
        const int sig = static_cast<int>(i + 1);
        auto& p = plans[i];
        ++annotationSignals;
        p.kind = SampleKind::Annotation;
        const std::size_t outSamples = (p.inBytes + outBps - 1) / outBps;
        p.outBytes = outSamples * outBps;
        ed.put(f.label(i), 16, toBdf ? "BDF Annotations" : "EDF Annotations");
        ed.put(f.transducer(i), 80, "", "transducer", sig, "an annotation signal has a blank transducer field");
        ed.text(f.dimension(i), 8, "physical dimension", sig, true);
        const bool rangeOk = isStrictNumberField(ed.input(f.physMin(i), 8)) && isStrictNumberField(ed.input(f.physMax(i), 8)) &&
                             s.physicalMin != s.physicalMax;
        if (!rangeOk) {
            ed.put(f.physMin(i), 8, "-1");
            ed.put(f.physMax(i), 8, "1");
        }
        ed.put(f.digMin(i), 8, std::to_string(toBdf ? kBdfLo : kEdfLo));
        ed.put(f.digMax(i), 8, std::to_string(toBdf ? kBdfHi : kEdfHi));
        ed.put(f.prefilter(i), 80, "", "prefilter", sig, "an annotation signal has a blank prefilter field");
        ed.put(f.samples(i), 8, std::to_string(outSamples));
    }

    /// A data signal: copied, widened, narrowed or (24-bit range into 16 bits) rescaled; its fields
    /// made printable and plain; its entry in the report.
    void planDataSignal(HeaderEditor& ed, const SignalFieldOffsets& f, std::size_t i) {
        const auto& s = h.signals[i];
        const int sig = static_cast<int>(i + 1);
        auto& p = plans[i];
        ed.text(f.label(i), 16, "label", sig);
        ed.text(f.transducer(i), 80, "transducer", sig);
        ed.text(f.dimension(i), 8, "physical dimension", sig, true);
        for (const auto& [off, name, value] : {std::tuple{f.physMin(i), "physical minimum", s.physicalMin},
                                               std::tuple{f.physMax(i), "physical maximum", s.physicalMax}})
            if (!isStrictNumberField(ed.input(off, 8)))
                ed.put(off, 8, formatFixedWidth(value, 8, Rounding::Nearest), name, sig,
                       "number field rewritten in the plain form strict readers require");
        p.digMin = s.digitalMin;
        p.digMax = s.digitalMax;
        if (fromBdf && !toBdf && (s.digitalMin < kEdfLo || s.digitalMax > kEdfHi)) {
            p.kind = SampleKind::Rescale;
            p.scale = static_cast<double>(kEdfHi - kEdfLo) / (static_cast<double>(s.digitalMax) - s.digitalMin);
            const std::string why = "the 24-bit digital range " + std::to_string(s.digitalMin) + ".." + std::to_string(s.digitalMax) +
                                    " does not fit EDF's 16 bits: samples rescaled to -32768..32767 over the same physical range";
            ed.put(f.digMin(i), 8, std::to_string(kEdfLo), "digital minimum", sig, why);
            ed.put(f.digMax(i), 8, std::to_string(kEdfHi), "digital maximum", sig, why);
            rep.warnings.push_back("signal " + std::to_string(sig) + " ('" + std::string(trimSpaces(ed.output(f.label(i), 16))) +
                                   "'): " + why + " (resolution " +
                                   formatFixedWidth((s.physicalMax - s.physicalMin) / 65535.0, 8, Rounding::Nearest) + " " +
                                   std::string(trimSpaces(ed.output(f.dimension(i), 8))) + " per step)");
        } else {
            p.kind = fromBdf == toBdf ? SampleKind::Copy : (toBdf ? SampleKind::Widen : SampleKind::Narrow);
            for (const auto& [off, name, value] : {std::tuple{f.digMin(i), "digital minimum", s.digitalMin},
                                                   std::tuple{f.digMax(i), "digital maximum", s.digitalMax}})
                if (!isStrictIntegerField(ed.input(off, 8)))
                    ed.put(off, 8, std::to_string(value), name, sig, "number field rewritten in the plain form strict readers require");
        }
        ed.text(f.prefilter(i), 80, "prefilter", sig);
        if (!isStrictIntegerField(ed.input(f.samples(i), 8)))
            ed.put(f.samples(i), 8, std::to_string(s.samplesPerRecord), "samples per data record", sig,
                   "number field rewritten in the plain form strict readers require");
        p.outBytes = p.samples * outBps;
        ConvertedSignal cs;
        cs.label = std::string(trimSpaces(ed.output(f.label(i), 16)));
        cs.unit = std::string(trimSpaces(ed.output(f.dimension(i), 8)));
        cs.sampleRateHz = static_cast<double>(s.samplesPerRecord) / h.recordDurationSec;
        cs.samples = s.samplesPerRecord * reader.records();
        cs.rescaled = p.kind == SampleKind::Rescale;
        rep.signals.push_back(std::move(cs));
    }

    void warnAboutReaderLimits() {
        if (plus && annotationSignals == 0)
            rep.warnings.push_back("marked EDF+/BDF+ but without an annotation signal: strict readers refuse such a file");
        if (ns > 640) rep.warnings.push_back(std::to_string(ns) + " signals: EDFlib reads at most 640");
        if (outRecordBytes > (toBdf ? 15u : 10u) * 1024 * 1024)
            rep.warnings.push_back("data records of " + std::to_string(outRecordBytes) + " bytes: EDFlib reads at most " +
                                   (toBdf ? "15" : "10") + " MiB per record (records are kept as they are)");
    }

    /// The header, then the records in chunks (converted where the layout changes, their
    /// annotations counted and time keeping checked); the report completed; the file committed.
    void writeRecords(HeaderEditor& ed, const std::filesystem::path& outPath) {
        SafeFileWriter out(outPath);
        const bool sameLayout = fromBdf == toBdf;
        const std::size_t chunkRecords = std::max<std::size_t>(1, kChunkBytes / inRecordBytes);
        // same layout: records are read straight into the buffer that is written; otherwise read into
        // inBuf and converted into it (the pipe's buffers have 8 bytes of slack for the widening stores)
        std::vector<std::uint8_t> inBuf(sameLayout ? 0 : chunkRecords * inRecordBytes);
        PipelinedWriter pipe(out, std::max(ed.bytes().size(), chunkRecords * (sameLayout ? inRecordBytes : outRecordBytes)));
        std::memcpy(pipe.acquire(), ed.bytes().data(), ed.bytes().size());
        pipe.submit(ed.bytes().size());

        const double fastestRateHz = rep.signals.empty() ? 0.0 : static_cast<double>(plans[fastestIndex].samples) / h.recordDurationSec;
        halfSample = fastestRateHz > 0 ? 0.5 / fastestRateHz : 0.5e-7;
        std::int64_t r = 0;
        for (;;) {
            std::uint8_t* const buf = pipe.acquire();
            std::uint8_t* const records = sameLayout ? buf : inBuf.data();
            const std::size_t n = reader.readRecords(records, chunkRecords);
            if (n == 0) break;
            for (std::size_t k = 0; k < n; ++k, ++r) checkRecord(records + k * inRecordBytes, r);
            if (sameLayout) {
                pipe.submit(n * inRecordBytes);
            } else {
                for (std::size_t k = 0; k < n; ++k)
                    for (auto& p : plans)
                        convertSignal(p, inBuf.data() + k * inRecordBytes + p.inOffset, buf + k * outRecordBytes + p.outOffset);
                pipe.submit(n * outRecordBytes);
            }
        }
        pipe.finish();
        if (r != reader.records()) throw FormatError(inPath_.string() + ": fewer data records than expected");
        finishReport(r);
        out.commit();
    }

    /// Record r's annotations counted, its time-keeping onset checked against the previous record's.
    void checkRecord(const std::uint8_t* rin, std::int64_t r) {
        bool timeKept = false;
        double onset = static_cast<double>(r) * h.recordDurationSec;
        bool firstAnnotationSignal = true;
        for (const auto& p : plans) {
            if (p.kind != SampleKind::Annotation) continue;
            auto tals = parseTals(rin + p.inOffset, p.inBytes, talWarnings);
            for (std::size_t t = 0; t < tals.size(); ++t) {
                std::size_t first = 0;
                if (firstAnnotationSignal && t == 0 && !tals[t].texts.empty() && tals[t].texts.front().empty()) {
                    timeKept = true;
                    onset = tals[t].onsetSec;
                    first = 1;
                }
                for (std::size_t x = first; x < tals[t].texts.size(); ++x)
                    if (!tals[t].texts[x].empty()) ++rep.annotations;
            }
            firstAnnotationSignal = false;
        }
        if (plus && annotationSignals > 0 && !timeKept && !warnedTimeKeeping) {
            rep.warnings.push_back("data record " + std::to_string(r) +
                                   " has no time-keeping annotation (kept as it is; strict readers refuse it)");
            warnedTimeKeeping = true;
        }
        if (r == 0) {
            firstOnset = onset;
            if (plus && timeKept && (onset < 0 || onset >= 1.0))
                rep.warnings.push_back("the first record's time-keeping onset " + formatTalSeconds(onset) +
                                       " s is outside 0..1 s (kept; EDFlib refuses it)");
        } else if (plus && timeKept) {
            const double step = onset - prevOnset;
            if (rep.discontinuous && step > h.recordDurationSec + halfSample) {
                ++rep.gaps;
            } else if (!warnedSpacing && (rep.discontinuous ? step < h.recordDurationSec - 0.5e-7
                                                            : std::fabs(step - h.recordDurationSec) > 0.5e-7)) {
                rep.warnings.push_back("data record " + std::to_string(r) + " starts " + formatTalSeconds(step) +
                                       " s after the previous one, not one record duration (kept as it is)");
                warnedSpacing = true;
            }
        }
        prevOnset = lastOnset = onset;
    }

    /// Duration, malformed annotations and clipped samples into the report once all r records are read.
    void finishReport(std::int64_t r) {
        rep.durationSec = rep.discontinuous ? lastOnset + h.recordDurationSec - firstOnset
                                            : static_cast<double>(r) * h.recordDurationSec;
        if (!talWarnings.empty())
            rep.warnings.push_back(std::to_string(talWarnings.size()) + " malformed annotation(s) (copied as they are); first: " +
                                   talWarnings.front());
        std::size_t si = 0;
        for (std::size_t i = 0; i < ns; ++i) {
            if (plans[i].kind == SampleKind::Annotation) continue;
            auto& cs = rep.signals[si++];
            cs.clippedSamples = plans[i].clipped;
            if (cs.clippedSamples)
                rep.warnings.push_back("signal " + std::to_string(i + 1) + " ('" + cs.label + "'): " + std::to_string(cs.clippedSamples) +
                                       " samples outside the digital range clipped");
        }
    }
};
}  // namespace

ConvertReport convertEdfStreaming(const std::filesystem::path& inPath, const std::filesystem::path& outPath, bool toBdf) {
    return EdfStreamConversion(inPath, toBdf).run(outPath);
}

}  // namespace emg::io::detail

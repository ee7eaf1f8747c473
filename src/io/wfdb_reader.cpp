// WFDB signal files: decoding of the sample stream of one file (several signals interleaved
// frame by frame, each signal `samplesPerFrame` samples per frame) and the record reader.
#include "edf_fields.h"
#include "annotation_bounds.h"
#include "file_bytes.h"
#include "units.h"
#include "wfdb_detail.h"

#include <emg/core/header_comments.h>
#include <emg/io/wfdb.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cmath>
#include <cctype>
#include <cstdio>
#include <memory>
#include <string_view>

#include <cerrno>
#include <sys/stat.h>
#include <unistd.h>

namespace emg::io {

namespace {
inline std::int32_t signExtend(std::uint32_t v, int bits) noexcept {
    const std::uint32_t m = 1u << (bits - 1);
    return static_cast<std::int32_t>((v ^ m)) - static_cast<std::int32_t>(m);
}

std::size_t streamSamples(int format, std::size_t bytes) { return detail::wfdbStreamSamples(format, bytes); }
}  // namespace

std::size_t detail::wfdbStreamSamples(int format, std::size_t bytes) {
    switch (format) {
        case 8: case 80: return bytes;
        case 16: case 61: case 160: return bytes / 2;
        case 24: return bytes / 3;
        case 32: return bytes / 4;
        case 212: return (bytes / 3) * 2 + (bytes % 3 >= 2 ? 1 : 0);
        case 310: return (bytes / 4) * 3 + (bytes % 4 >= 2 ? 1 : 0);
        case 311: return (bytes / 4) * 3 + (bytes % 4 >= 2 ? 1 : 0) + (bytes % 4 >= 3 ? 1 : 0);
        default: return 0;
    }
}

namespace {
// The k-th sample of the stream (k < streamSamples). Format 8 returns the raw difference.
std::int32_t streamSample(int format, const std::uint8_t* d, std::size_t k) {
    switch (format) {
        case 8: return static_cast<std::int8_t>(d[k]);
        case 80: return static_cast<std::int32_t>(d[k]) - 128;
        case 16: return static_cast<std::int16_t>(static_cast<std::uint16_t>(d[2 * k] | (d[2 * k + 1] << 8)));
        case 61: return static_cast<std::int16_t>(static_cast<std::uint16_t>((d[2 * k] << 8) | d[2 * k + 1]));
        case 160: return static_cast<std::int32_t>(static_cast<std::uint16_t>(d[2 * k] | (d[2 * k + 1] << 8))) - 32768;
        case 24: {
            const std::uint8_t* p = d + 3 * k;
            return signExtend(static_cast<std::uint32_t>(p[0] | (p[1] << 8) | (p[2] << 16)), 24);
        }
        case 32: {
            const std::uint8_t* p = d + 4 * k;
            return static_cast<std::int32_t>(static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
                                             (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24));
        }
        case 212: {
            // two 12-bit samples in 3 bytes: low byte of s0, (s1 high nibble | s0 high nibble), low byte of s1
            const std::uint8_t* p = d + 3 * (k / 2);
            if (k % 2 == 0) return signExtend(static_cast<std::uint32_t>(p[0] | ((p[1] & 0x0F) << 8)), 12);
            return signExtend(static_cast<std::uint32_t>(p[2] | ((p[1] & 0xF0) << 4)), 12);
        }
        case 310: {
            // three 10-bit samples in two little-endian 16-bit words: s0 = w0 bits 1-10,
            // s1 = w1 bits 1-10, s2 = w0 bits 11-15 (low) and w1 bits 11-15 (high)
            const std::uint8_t* p = d + 4 * (k / 3);
            const unsigned w0 = p[0] | (p[1] << 8);
            if (k % 3 == 0) return signExtend((w0 >> 1) & 0x3FF, 10);
            const unsigned w1 = p[2] | (p[3] << 8);
            if (k % 3 == 1) return signExtend((w1 >> 1) & 0x3FF, 10);
            return signExtend(((w0 >> 11) & 0x1F) | (((w1 >> 11) & 0x1F) << 5), 10);
        }
        case 311: {
            // three 10-bit samples in one little-endian 32-bit word: bits 0-9, 10-19, 20-29
            // (only the bytes a sample occupies are read: a file may end inside the word)
            const std::uint8_t* p = d + 4 * (k / 3);
            switch (k % 3) {
                case 0: return signExtend(static_cast<std::uint32_t>(p[0] | (p[1] << 8)) & 0x3FF, 10);
                case 1: return signExtend((static_cast<std::uint32_t>(p[1] | (p[2] << 8)) >> 2) & 0x3FF, 10);
                default: return signExtend((static_cast<std::uint32_t>(p[2] | (p[3] << 8)) >> 4) & 0x3FF, 10);
            }
        }
        default: return 0;
    }
}

std::int64_t invalidValue(int format) {
    switch (format) {
        case 16: case 61: case 160: return -32768;
        case 80: return -128;
        case 212: return -2048;
        case 310: case 311: return -512;
        case 24: return -8388608;
        case 32: return INT32_MIN;
        default: return LLONG_MIN;  // format 8 has no invalid marker
    }
}
}  // namespace

std::vector<std::vector<std::int32_t>> decodeWfdbSignalFile(const WfdbHeader& header, const std::vector<int>& signalIndices,
                                                            const std::uint8_t* data, std::size_t size, long long maxFrames,
                                                            std::size_t& invalidSamples, const std::string& context,
                                                            std::vector<std::uint16_t>* storedSums, long long sumFrames) {
    if (signalIndices.empty()) return {};
    if (storedSums && storedSums->size() != signalIndices.size()) storedSums->assign(signalIndices.size(), 0);
    for (int i : signalIndices)
        if (i < 0 || i >= static_cast<int>(header.signals.size())) throw FormatError(context + ": signal index out of range");
    const auto& first = header.signals[static_cast<std::size_t>(signalIndices.front())];
    const int format = first.format;
    std::size_t samplesPerFrame = 0;
    for (int i : signalIndices) {
        const auto& s = header.signals[static_cast<std::size_t>(i)];
        if (s.format != format)
            throw FormatError(context + ": signals in one file must share a format (" + std::to_string(format) + " and " +
                              std::to_string(s.format) + ")");
        samplesPerFrame += static_cast<std::size_t>(s.samplesPerFrame);
    }
    const auto offset = static_cast<std::size_t>(first.byteOffset);
    if (offset > size)
        throw FormatError(context + ": byte offset " + std::to_string(offset) + " beyond the file's " + std::to_string(size) + " bytes");
    const std::uint8_t* d = data + offset;
    const std::size_t bytes = size - offset;
    const std::size_t total = streamSamples(format, bytes);
    long long frames = static_cast<long long>(total / samplesPerFrame);
    if (maxFrames >= 0 && maxFrames < frames) frames = maxFrames;

    std::vector<std::vector<std::int32_t>> out(signalIndices.size());
    std::vector<std::int64_t> running(signalIndices.size());
    for (std::size_t j = 0; j < signalIndices.size(); ++j) {
        const auto& s = header.signals[static_cast<std::size_t>(signalIndices[j])];
        out[j].reserve(static_cast<std::size_t>(frames) * static_cast<std::size_t>(s.samplesPerFrame));
        running[j] = s.initialValue;
    }
    const std::int64_t invalid = invalidValue(format);
    std::size_t k = 0;
    for (long long f = 0; f < frames; ++f) {
        for (std::size_t j = 0; j < signalIndices.size(); ++j) {
            const auto& s = header.signals[static_cast<std::size_t>(signalIndices[j])];
            for (int m = 0; m < s.samplesPerFrame; ++m) {
                std::int64_t v = streamSample(format, d, k++);
                if (format == 8) {
                    running[j] += v;
                    v = running[j];
                }
                if (storedSums && (sumFrames < 0 || f < sumFrames)) (*storedSums)[j] = static_cast<std::uint16_t>((*storedSums)[j] + static_cast<std::uint16_t>(v));
                if (format != 8 && v == invalid) {
                    ++invalidSamples;
                    v = s.baseline;
                }
                out[j].push_back(static_cast<std::int32_t>(std::clamp<std::int64_t>(v, INT32_MIN, INT32_MAX)));
            }
        }
    }
    return out;
}

namespace {

constexpr std::uintmax_t kMaxHeaderBytes = detail::kMaxWfdbHeaderBytes;
constexpr long long kMaxRecordSamples = 1LL << 27;             // 134 M samples (1 GiB as doubles) per record
// Samples no file holds (null signals "~", filled with the baseline) cost memory the input's size
// does not bound: at most 4 Mi of them (32 MiB as doubles) per record.
constexpr long long kMaxSynthesizedSamples = detail::kMaxWfdbSynthesizedSamples;
constexpr double kMaxSampleRateHz = detail::kMaxWfdbSampleRateHz;
// An .atr holds 2 bytes per beat or stimulus mark (a day of heartbeats is ~200 kB); each becomes
// an Annotation of ~48 bytes, so its size is bounded: 2 MiB (1 Mi annotations).
constexpr std::uintmax_t kMaxAnnotationFileBytes = detail::kMaxWfdbAnnotationFileBytes;   // as for EDF/BDF and --rate

double bytesForSamples(int format, double samples) { return detail::wfdbBytesForSamples(format, samples); }
}  // namespace

double detail::wfdbBytesForSamples(int format, double samples) {
    switch (format) {
        case 8: case 80: return samples;
        case 16: case 61: case 160: return 2 * samples;
        case 24: return 3 * samples;
        case 32: return 4 * samples;
        case 212: return std::ceil(samples * 1.5);
        case 310: case 311: return std::ceil(samples / 3.0) * 4;
        default: return 0;
    }
}

namespace {
// At most `maxBytes` bytes from the start of the file: a header announcing fewer samples than a
// huge file holds does not load the whole file.
std::vector<std::uint8_t> readFileHead(const std::filesystem::path& path, std::uintmax_t maxBytes) {
    const int fd = detail::openRegularFile(path);   // a FIFO or device is refused, never waited on
    struct stat st {};
    ::fstat(fd, &st);
    const auto size = static_cast<std::uintmax_t>(st.st_size);
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(std::min(size, maxBytes)));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    bytes.resize(done);
    return bytes;
}

}  // namespace

// µV per unit for WFDB unit strings: the symbols (uV, µV, mV, V, nV in any case) and the words
// some exporters write ("microvolt", "millivolts", "volt"); 0 when not a voltage.
double detail::microvoltsPerWfdbUnit(std::string_view units) {
    std::string l;
    for (char c : detail::trimSpaces(units)) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (!l.empty() && l.back() == 's' && l.size() > 4) l.pop_back();   // plural of the words
    if (l == "microvolt" || l == "micro-volt" || l == "micro volt") return 1.0;
    if (l == "millivolt" || l == "milli-volt" || l == "milli volt") return 1e3;
    if (l == "nanovolt") return 1e-3;
    if (l == "volt") return 1e6;
    return detail::microvoltsPerUnit(units);
}

namespace {
struct SignalFileGroup {
    std::string fileName;
    std::vector<int> signals;        ///< header indices, in header order
    bool null = false;               ///< "~" or format 0: no samples stored
    std::vector<std::vector<std::int32_t>> raw;
    std::vector<std::uint16_t> storedSums;   ///< per signal: the WFDB checksum of its first nsamp stored frames
    long long framesPresent = 0;
};

}  // namespace

WfdbHeader detail::readCheckedWfdbHeader(const std::filesystem::path& headerPath) {
    const std::string name = headerPath.string();
    {
        std::error_code ec;
        const auto size = std::filesystem::file_size(headerPath, ec);
        if (!ec && size > kMaxHeaderBytes)
            throw FormatError(name + ": " + std::to_string(size) + " bytes is not a WFDB header (those are a few lines of text)");
    }
    const auto bytes = detail::readFileBytes(headerPath, kMaxHeaderBytes);
    WfdbHeader h = parseWfdbHeader(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), name);
    for (std::size_t i = 0; i < h.signals.size(); ++i) {
        const double rateHz = h.samplingFrequencyHz * h.signals[i].samplesPerFrame;
        if (!(rateHz <= kMaxSampleRateHz))
            throw FormatError(name + ": signal " + std::to_string(i + 1) + ": sampling frequency " + std::to_string(h.samplingFrequencyHz) +
                              " Hz x " + std::to_string(h.signals[i].samplesPerFrame) + " samples per frame is above the 10 MHz limit");
    }
    return h;
}

std::string detail::wfdbCommentValue(const WfdbHeader& h, std::string_view key) {
    // "key: value" (EMGLAB) or "<key>: value" (PhysioNet), the comment's first word
    return headerCommentValue(h.comments, key).value_or(std::string());
}

void detail::describeWfdbRecord(const WfdbHeader& h, Recording& rec) {
    rec.recordingId = h.recordName;
    rec.headerComments = h.comments;
    for (const auto& c : h.comments) {
        if (!rec.patientId.empty()) break;
        // e.g. "<age>: 44 <sex>: F" or free text: keep the first comment as a description
        rec.patientId = c;
    }
    int hh = 0, mi = 0, ss = 0, d = 0, mo = 0, y = 0;
    if (std::sscanf(h.baseDate.c_str(), "%d/%d/%d", &d, &mo, &y) == 3) {
        std::sscanf(h.baseTime.c_str(), "%d:%d:%d", &hh, &mi, &ss);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, hh, mi, ss);
        rec.startDateTime = buf;
    }
}

double detail::describeWfdbChannel(const WfdbHeader& h, std::size_t idx, RecordedChannel& ch) {
    const auto& s = h.signals[idx];
    ch.label = s.description.empty() ? "signal " + std::to_string(idx + 1) : s.description;
    ch.sampleRateHz = h.samplingFrequencyHz * s.samplesPerFrame;
    ch.transducer = wfdbCommentValue(h, "electrode");   // EMGLAB's "# electrode: monopolar needle"
    double factor = 1.0;
    const double uv = microvoltsPerWfdbUnit(s.units);
    if (uv > 0) {
        ch.physicalUnit = "uV";
        factor = uv;
    } else {
        ch.physicalUnit = s.units;
    }
    // the ADC values as the grid (a conversion through memory keeps them); the declared range from
    // the ADC resolution when the header gives one
    ch.adcStep = factor / s.adcGain;
    ch.adcOffset = -static_cast<double>(s.baseline) * ch.adcStep;
    if (s.adcResolution > 0 && s.adcResolution <= 32) {
        ch.adcMin = s.adcZero - (std::int64_t{1} << (s.adcResolution - 1));
        ch.adcMax = s.adcZero + (std::int64_t{1} << (s.adcResolution - 1)) - 1;
    }
    return factor / s.adcGain;
}

void detail::readWfdbAnnotationsBeside(const std::filesystem::path& headerPath, double frameRateHz, double durationSec, Recording& rec,
                                       std::vector<std::string>& warnings) {
    std::filesystem::path atr = headerPath;
    atr.replace_extension(".atr");
    std::error_code ec;
    const auto atrBytes = std::filesystem::is_regular_file(atr, ec) ? std::filesystem::file_size(atr, ec) : 0;
    if (!ec && atrBytes > kMaxAnnotationFileBytes) {
        warnings.push_back("annotations not read: " + atr.filename().string() + " has " + std::to_string(atrBytes) + " bytes, more than the " +
                           std::to_string(kMaxAnnotationFileBytes) + " an annotation file plausibly holds");
    } else if (std::filesystem::is_regular_file(atr, ec)) {
        const auto a = detail::readFileBytes(atr, kMaxAnnotationFileBytes);
        rec.annotations = parseMitAnnotations(a.data(), a.size(), frameRateHz, warnings);
        detail::dropAnnotationsOutside(rec, durationSec, 1.0, warnings);
    }
}

detail::WfdbFileBound detail::wfdbSignalFileBound(const WfdbSignalSpec& first, long long nsamp, long long maxSkew, long long samplesPerFrame) {
    WfdbFileBound b;
    b.wantFrames = nsamp < 0 ? -1 : (nsamp > LLONG_MAX - maxSkew ? LLONG_MAX : nsamp + maxSkew);
    if (b.wantFrames >= 0) {
        const double bytes = static_cast<double>(first.byteOffset) +
                             bytesForSamples(first.format, static_cast<double>(b.wantFrames) * static_cast<double>(samplesPerFrame)) + 4.0;
        if (bytes < 1e15) b.maxBytes = static_cast<std::uintmax_t>(bytes);
    }
    return b;
}

bool detail::isWfdbMultiSegmentFile(const std::filesystem::path& headerPath) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(headerPath, ec)) return false;
    const auto size = std::filesystem::file_size(headerPath, ec);
    if (ec || size > kMaxHeaderBytes) return false;   // the reader names it
    const auto bytes = detail::readFileBytes(headerPath, kMaxHeaderBytes);
    return isWfdbMultiSegmentHeader(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::optional<WfdbMultiSegmentHeader> readWfdbMultiSegmentHeader(const std::filesystem::path& headerPath) {
    if (!detail::isWfdbMultiSegmentFile(headerPath)) return std::nullopt;
    const auto bytes = detail::readFileBytes(headerPath, kMaxHeaderBytes);
    return parseWfdbMultiSegmentHeader(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), headerPath.string());
}

bool hasHoleBetweenSegments(const WfdbMultiSegmentHeader& header) {
    bool dataBefore = false, holeAfterData = false;
    for (const auto& s : header.segments) {
        const bool data = s.recordName != "~" && s.frames > 0;
        if (data && holeAfterData) return true;
        if (data) dataBefore = true;
        if (!data && s.recordName == "~" && s.frames > 0 && dataBefore) holeAfterData = true;
    }
    return false;
}

Recording readWfdbRecord(const std::filesystem::path& headerPath, ReadInfo& info) {
    if (detail::isWfdbMultiSegmentFile(headerPath)) return detail::readWfdbMultiSegmentRecord(headerPath, info);
    return detail::readWfdbSingleSegmentRecord(headerPath, info, detail::WfdbSegmentRead{});
}

Recording detail::readWfdbSingleSegmentRecord(const std::filesystem::path& headerPath, ReadInfo& info, const WfdbSegmentRead& how) {
    info = ReadInfo{};
    info.format = FileFormat::Wfdb;
    const std::string name = headerPath.string();
    const WfdbHeader h = detail::readCheckedWfdbHeader(headerPath);
    const std::filesystem::path dir = headerPath.parent_path();
    const long long nsamp = h.samplesPerSignal;   // -1 = unspecified: from the file sizes

    Recording rec;
    detail::describeWfdbRecord(h, rec);

    // groups: the signals stored in one file (interleaved frame by frame, in header order); WFDB
    // writes them on consecutive lines, but a file named again later still means the same file
    std::vector<SignalFileGroup> groups;
    for (std::size_t i = 0; i < h.signals.size(); ++i) {
        const auto& s = h.signals[i];
        const bool null = s.fileName == "~" || s.format == 0;
        auto it = std::find_if(groups.begin(), groups.end(), [&](const SignalFileGroup& g) { return !g.null && !null && g.fileName == s.fileName; });
        if (it == groups.end()) {
            groups.push_back({s.fileName, {}, null, {}, {}, 0});
            it = groups.end() - 1;
        }
        it->signals.push_back(static_cast<int>(i));
    }

    std::size_t invalid = 0;
    long long totalSamples = 0;
    long long shortestFrames = -1;   // over the stored files: the record's length when nsamp is unspecified
    for (auto& g : groups) {
        if (g.null) continue;
        if (g.fileName.find('/') != std::string::npos || g.fileName.find('\\') != std::string::npos ||
            g.fileName.find("..") != std::string::npos)
            throw FormatError(name + ": signal file name '" + detail::asciiOnly(g.fileName) + "' must be in the header's folder");
        const auto& first = h.signals[static_cast<std::size_t>(g.signals.front())];
        long long samplesPerFrame = 0, maxSkew = 0;
        for (int idx : g.signals) {
            const auto& s = h.signals[static_cast<std::size_t>(idx)];
            samplesPerFrame += s.samplesPerFrame;
            maxSkew = std::max<long long>(maxSkew, s.skew);
        }
        const auto path = detail::fileInFolderAnyCase(dir, g.fileName);
        const auto [wantFrames, maxBytes] = detail::wfdbSignalFileBound(first, nsamp, maxSkew, samplesPerFrame);
        const auto file = readFileHead(path, maxBytes);
        const std::size_t offset = static_cast<std::size_t>(std::min<long long>(first.byteOffset, static_cast<long long>(file.size())));
        const long long present = static_cast<long long>(streamSamples(first.format, file.size() - offset)) / samplesPerFrame;
        if (nsamp >= 0 && present < nsamp) {
            // a little short: a transfer cut off, read what is there; far short: the header does not describe this file
            if (present * 2 < nsamp)
                throw FormatError(path.string() + ": holds " + std::to_string(present) + " frames of " + std::to_string(samplesPerFrame) +
                                  " format-" + std::to_string(first.format) + " samples, the header announces " + std::to_string(nsamp) +
                                  " (less than half: wrong header, format or signal count)");
            info.warnings.push_back("truncated: " + g.fileName + " holds " + std::to_string(present) + " of the " +
                                    std::to_string(nsamp) + " samples the header announces");
        }
        const long long frames = wantFrames >= 0 ? std::min(present, wantFrames) : present;
        totalSamples += frames * samplesPerFrame;
        if (totalSamples > kMaxRecordSamples)
            throw FormatError(name + ": the record holds more than " + std::to_string(kMaxRecordSamples) +
                              " samples, more than is loaded at once; cut it with the WFDB tools (e.g. snip)");
        g.raw = decodeWfdbSignalFile(h, g.signals, file.data(), file.size(), frames, invalid, path.string(), &g.storedSums, nsamp);
        g.framesPresent = frames;
        shortestFrames = shortestFrames < 0 ? frames : std::min(shortestFrames, frames);
    }
    // null signals last as long as the stored ones (or nsamp when no signal is stored)
    const long long nullFrames = shortestFrames < 0 ? std::max<long long>(nsamp, 0)
                                                    : (nsamp >= 0 ? std::min(nsamp, shortestFrames) : shortestFrames);

    rec.channels.resize(h.signals.size());
    long long synthesized = 0;
    for (auto& g : groups) {
        if (g.null) info.warnings.push_back("signal " + std::to_string(g.signals.front() + 1) + " has no samples stored (null signal); filled with its baseline");
        for (std::size_t k = 0; k < g.signals.size(); ++k) {
            const auto idx = static_cast<std::size_t>(g.signals[k]);
            const auto& s = h.signals[idx];
            const auto spf = static_cast<long long>(s.samplesPerFrame);
            // frames of this signal: nsamp (or what its file holds), the record's shortest file when unspecified
            long long frames = g.null ? nullFrames : (nsamp >= 0 ? std::min(nsamp, g.framesPresent) : shortestFrames);
            if (g.null && static_cast<double>(frames) * static_cast<double>(spf) + static_cast<double>(synthesized) >
                              static_cast<double>(kMaxSynthesizedSamples))
                throw FormatError(name + ": null signal " + std::to_string(idx + 1) + " (stored in no file) with an implausible " +
                                  std::to_string(frames) + " x " + std::to_string(spf) + " samples: more than the " +
                                  std::to_string(kMaxSynthesizedSamples) + " filled in for signals without data (number of samples wrong?)");
            if (g.null) synthesized += frames * spf;
            std::vector<std::int32_t> v(static_cast<std::size_t>(frames * spf), static_cast<std::int32_t>(s.baseline));
            if (!g.null) {
                // skew: the signal's sample of frame t is stored in frame t + skew of the file
                const auto& r = g.raw[k];
                const long long shift = static_cast<long long>(s.skew) * spf;
                for (long long t = 0; t < static_cast<long long>(v.size()); ++t) {
                    const long long from = t + shift;
                    if (from >= 0 && from < static_cast<long long>(r.size())) v[static_cast<std::size_t>(t)] = r[static_cast<std::size_t>(from)];
                }
            }
            auto& ch = rec.channels[idx];
            const double scale = detail::describeWfdbChannel(h, idx, ch);
            if (s.gainDefaulted) info.warnings.push_back("signal " + std::to_string(idx + 1) + ": ADC gain 0 or absent: 200 ADC units per " + s.units + " assumed");
            if (s.checksum && !g.null && frames == nsamp) {
                // WFDB's checksum is of the samples as stored: before skew and before invalid codes become the baseline
                const std::uint16_t sum = g.storedSums[k];
                if (static_cast<std::int16_t>(sum) != static_cast<std::int16_t>(static_cast<std::uint16_t>(*s.checksum)))
                    info.warnings.push_back("signal " + std::to_string(idx + 1) + ": checksum mismatch (header " +
                                            std::to_string(*s.checksum) + ", data " + std::to_string(static_cast<std::int16_t>(sum)) + ")");
            }
            if (!g.null) std::vector<std::int32_t>().swap(g.raw[k]);   // its samples are in v now: memory back before the doubles
            ch.samples.resize(v.size());
            for (std::size_t j = 0; j < v.size(); ++j) ch.samples[j] = (static_cast<double>(v[j]) - static_cast<double>(s.baseline)) * scale;
        }
    }
    if (how.annotations) detail::readWfdbAnnotationsBeside(headerPath, h.samplingFrequencyHz, rec.durationSec(), rec, info.warnings);
    if (invalid) info.warnings.push_back(std::to_string(invalid) + " samples marked invalid in the record were set to the baseline (0)");
    if (how.logWarnings)
        for (const auto& w : info.warnings) spdlog::warn("{}: {}", name, w);
    return rec;
}

}  // namespace emg::io

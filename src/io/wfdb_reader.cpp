// WFDB signal files: decoding of the sample stream of one file (several signals interleaved
// frame by frame, each signal `samplesPerFrame` samples per frame) and the record reader.
#include "edf_fields.h"
#include "file_bytes.h"
#include "units.h"

#include <emg/io/wfdb.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>

namespace emg::io {

namespace {
inline std::int32_t signExtend(std::uint32_t v, int bits) noexcept {
    const std::uint32_t m = 1u << (bits - 1);
    return static_cast<std::int32_t>((v ^ m)) - static_cast<std::int32_t>(m);
}

// Number of samples the stream of `bytes` bytes holds in `format`.
std::size_t streamSamples(int format, std::size_t bytes) {
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
                                                            std::size_t& invalidSamples, const std::string& context) {
    if (signalIndices.empty()) return {};
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
                } else if (v == invalid) {
                    ++invalidSamples;
                    v = s.baseline;
                }
                out[j].push_back(static_cast<std::int32_t>(std::clamp<std::int64_t>(v, INT32_MIN, INT32_MAX)));
            }
        }
    }
    return out;
}

Recording readWfdbRecord(const std::filesystem::path& headerPath, ReadInfo& info) {
    info = ReadInfo{};
    info.format = FileFormat::Wfdb;
    const std::string name = headerPath.string();
    const auto bytes = detail::readFileBytes(headerPath);
    const WfdbHeader h = parseWfdbHeader(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), name);
    const std::filesystem::path dir = headerPath.parent_path();

    Recording rec;
    rec.recordingId = h.recordName;
    for (const auto& c : h.comments) {
        if (!rec.patientId.empty()) break;
        // e.g. "<age>: 44 <sex>: F" or free text: keep the first comment as a description
        rec.patientId = c;
    }
    {
        int hh = 0, mi = 0, ss = 0, d = 0, mo = 0, y = 0;
        if (std::sscanf(h.baseDate.c_str(), "%d/%d/%d", &d, &mo, &y) == 3) {
            std::sscanf(h.baseTime.c_str(), "%d:%d:%d", &hh, &mi, &ss);
            char buf[64];
            std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, hh, mi, ss);
            rec.startDateTime = buf;
        }
    }
    rec.channels.resize(h.signals.size());
    std::size_t invalid = 0;
    std::size_t i = 0;
    while (i < h.signals.size()) {
        // a group: consecutive signals stored in the same file
        std::vector<int> group{static_cast<int>(i)};
        std::size_t j = i + 1;
        while (j < h.signals.size() && h.signals[j].fileName == h.signals[i].fileName) group.push_back(static_cast<int>(j++));
        std::vector<std::vector<std::int32_t>> raw;
        const auto& fileName = h.signals[i].fileName;
        if (fileName == "~" || h.signals[i].format == 0) {
            info.warnings.push_back("signal " + std::to_string(i + 1) + " has no samples stored (null signal); filled with 0");
            const long long frames = std::max<long long>(h.samplesPerSignal, 0);
            if (frames > 100'000'000) throw FormatError(name + ": null signal with an implausible " + std::to_string(frames) + " samples");
            for (int g : group)
                raw.emplace_back(static_cast<std::size_t>(frames) * static_cast<std::size_t>(h.signals[static_cast<std::size_t>(g)].samplesPerFrame),
                                 static_cast<std::int32_t>(h.signals[static_cast<std::size_t>(g)].baseline));
        } else {
            if (fileName.find('/') != std::string::npos || fileName.find("..") != std::string::npos)
                throw FormatError(name + ": signal file name '" + detail::asciiOnly(fileName) + "' must be in the header's folder");
            const auto file = detail::readFileBytes(dir / fileName);
            raw = decodeWfdbSignalFile(h, group, file.data(), file.size(), h.samplesPerSignal, invalid, (dir / fileName).string());
            const long long frames = raw.empty() ? 0 : static_cast<long long>(raw[0].size()) / h.signals[i].samplesPerFrame;
            if (h.samplesPerSignal >= 0 && frames < h.samplesPerSignal)
                info.warnings.push_back("truncated: " + fileName + " holds " + std::to_string(frames) + " of the " +
                                        std::to_string(h.samplesPerSignal) + " samples the header announces");
        }
        for (std::size_t g = 0; g < group.size(); ++g) {
            const auto idx = static_cast<std::size_t>(group[g]);
            const auto& s = h.signals[idx];
            auto& ch = rec.channels[idx];
            ch.label = s.description.empty() ? "signal " + std::to_string(idx + 1) : s.description;
            ch.sampleRateHz = h.samplingFrequencyHz * s.samplesPerFrame;
            ch.transducer = "";
            if (s.gainDefaulted) info.warnings.push_back("signal " + std::to_string(idx + 1) + ": ADC gain 0 or absent: 200 ADC units per " + s.units + " assumed");
            double factor = 1.0;
            const double uv = detail::microvoltsPerUnit(s.units);
            if (uv > 0) {
                ch.physicalUnit = "uV";
                factor = uv;
            } else {
                ch.physicalUnit = s.units;
            }
            const auto& r = raw[g];
            if (s.checksum && h.samplesPerSignal >= 0 &&
                static_cast<long long>(r.size()) == h.samplesPerSignal * s.samplesPerFrame && fileName != "~") {
                std::uint16_t sum = 0;
                for (std::int32_t v : r) sum = static_cast<std::uint16_t>(sum + static_cast<std::uint16_t>(v));
                if (static_cast<std::int16_t>(sum) != static_cast<std::int16_t>(static_cast<std::uint16_t>(*s.checksum)))
                    info.warnings.push_back("signal " + std::to_string(idx + 1) + ": checksum mismatch (header " +
                                            std::to_string(*s.checksum) + ", data " + std::to_string(static_cast<std::int16_t>(sum)) + ")");
            }
            ch.samples.resize(r.size());
            const double scale = factor / s.adcGain;
            for (std::size_t k = 0; k < r.size(); ++k) ch.samples[k] = (static_cast<double>(r[k]) - static_cast<double>(s.baseline)) * scale;
        }
        i = j;
    }
    {
        std::filesystem::path atr = headerPath;
        atr.replace_extension(".atr");
        std::error_code ec;
        if (std::filesystem::is_regular_file(atr, ec)) {
            const auto a = detail::readFileBytes(atr);
            rec.annotations = parseMitAnnotations(a.data(), a.size(), h.samplingFrequencyHz, info.warnings);
        }
    }
    if (invalid) info.warnings.push_back(std::to_string(invalid) + " samples marked invalid in the record were set to the baseline (0)");
    for (const auto& w : info.warnings) spdlog::warn("{}: {}", name, w);
    return rec;
}

}  // namespace emg::io

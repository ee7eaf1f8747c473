// BrainVision header, data and marker files (see include/emg/io/brainvision.h).
#include <emg/io/brainvision.h>

#include <emg/core/file_text.h>

#include "annotation_bounds.h"
#include "brainvision_detail.h"
#include "file_bytes.h"
#include "units.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace emg::io {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

/// An INI-style text: sections of "key=value" lines, keys compared in lower case; ';' starts a
/// comment line; any line ending; a UTF-8 byte-order mark skipped.
struct IniFile {
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> sections;
    [[nodiscard]] std::optional<std::string> get(const std::string& section, const std::string& key) const {
        const auto s = sections.find(section);
        if (s == sections.end()) return std::nullopt;
        for (const auto& [k, v] : s->second)
            if (k == key) return v;
        return std::nullopt;
    }
};

IniFile parseIni(std::string_view text) {
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    IniFile ini;
    std::string section;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t end = std::min(text.find_first_of("\r\n", pos), text.size());
        const std::string_view line = trim(text.substr(pos, end - pos));
        pos = end + 1;
        if (line.empty() || line.front() == ';') continue;
        if (line.front() == '[') {
            const auto close = line.find(']');
            section = lower(trim(line.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1)));
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) continue;
        ini.sections[section].emplace_back(lower(trim(line.substr(0, eq))), std::string(trim(line.substr(eq + 1))));
    }
    return ini;
}

/// The comma-separated fields of a channel or marker entry; "\1" in a field stands for a comma.
std::vector<std::string> fields(std::string_view v) {
    std::vector<std::string> out(1);
    for (char c : v) {
        if (c == ',') out.emplace_back();
        else out.back().push_back(c);
    }
    for (auto& f : out) {
        for (std::size_t at = f.find("\\1"); at != std::string::npos; at = f.find("\\1", at + 1)) f.replace(at, 2, ",");
        f = std::string(trim(f));
    }
    return out;
}

std::optional<double> number(std::string_view s) {
    s = trim(s);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    double v = 0.0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

/// A file the header names, relative to the header's folder (a bare name, or a path written with
/// '\' on Windows: its last component is tried beside the header too; its case as on the disk
/// when exactly one file there matches it ignoring case: detail::fileInFolderAnyCase).
std::filesystem::path besideHeader(const std::filesystem::path& vhdr, std::string name) {
    const auto dir = vhdr.parent_path();
    std::filesystem::path p = dir / name;
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) return p;
    std::replace(name.begin(), name.end(), '\\', '/');
    return detail::fileInFolderAnyCase(dir, std::filesystem::path(name).filename().string());
}

using Sample = detail::BrainVisionSample;

std::size_t widthOf(Sample s) { return s == Sample::Int16 || s == Sample::UInt16 ? 2 : 4; }

double valueAt(const unsigned char* p, Sample s, bool big) {
    std::array<unsigned char, 4> b{};
    const std::size_t w = widthOf(s);
    std::memcpy(b.data(), p, w);
    if (big != (std::endian::native == std::endian::big)) std::reverse(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(w));
    switch (s) {
        case Sample::Int16: { std::int16_t v; std::memcpy(&v, b.data(), 2); return v; }
        case Sample::UInt16: { std::uint16_t v; std::memcpy(&v, b.data(), 2); return v; }
        case Sample::Int32: { std::int32_t v; std::memcpy(&v, b.data(), 4); return v; }
        case Sample::Float32: { float v; std::memcpy(&v, b.data(), 4); return static_cast<double>(v); }
    }
    return 0.0;
}

/// The numbers of one line of ASCII data: fields separated by blanks, tabs, ';' (and ',' unless
/// the decimal symbol is the comma, which then becomes a point); the first `skipColumns` dropped.
/// nullopt when a field left is not a number (a vectorized line may start with its channel's
/// name: the caller retries without it).
std::optional<std::vector<double>> asciiNumbers(std::string line, bool decimalComma, std::size_t skipColumns) {
    for (char& c : line) {
        if (c == ',') c = decimalComma ? '.' : ' ';
        else if (c == ';' || c == '\t' || c == '\r') c = ' ';
    }
    std::vector<double> out;
    std::size_t field = 0, pos = 0;
    while (pos < line.size()) {
        while (pos < line.size() && line[pos] == ' ') ++pos;
        if (pos >= line.size()) break;
        const std::size_t end = std::min(line.find(' ', pos), line.size());
        if (field++ >= skipColumns) {
            const auto v = number(std::string_view(line).substr(pos, end - pos));
            if (!v) return std::nullopt;
            out.push_back(*v);
        }
        pos = end;
    }
    return out;
}

/// DataFormat=ASCII: the values (times each channel's resolution and unit) of a multiplexed file
/// (a line per sample, a column per channel) or a vectorized one (a line per channel, a leading
/// channel name allowed), after [ASCII Infos] SkipLines and SkipColumns; DecimalSymbol ',' read.
void readAsciiData(const std::filesystem::path& data, const IniFile& ini, bool vectorized, const std::vector<double>& scaleToUnit,
                   Recording& rec, ReadInfo& info) {
    const std::size_t nch = rec.channels.size();
    const auto count = [&](const char* key) -> std::size_t {
        const auto v = number(ini.get("ascii infos", key).value_or("0"));
        return v && *v >= 0 && *v < 1e9 ? static_cast<std::size_t>(*v) : 0;
    };
    const std::size_t skipLines = count("skiplines"), skipColumns = count("skipcolumns");
    const bool decimalComma = trim(ini.get("ascii infos", "decimalsymbol").value_or(".")) == ",";
    std::ifstream in(data, std::ios::binary);
    if (!in) throw FormatError(data.string() + ": cannot open");
    std::size_t lineNo = 0, vectorizedRow = 0, shortRows = 0;
    std::string chunk;
    const auto takeLine = [&](const std::string& line) {
        ++lineNo;
        if (lineNo <= skipLines || trim(line).empty()) return;
        auto values = asciiNumbers(line, decimalComma, skipColumns);
        if (!values && vectorized) values = asciiNumbers(line, decimalComma, skipColumns + 1);   // "Fp1 12.5 13.0 ..."
        if (!values) throw FormatError(data.string() + ": line " + std::to_string(lineNo) + " holds a field that is not a number");
        if (vectorized) {
            if (vectorizedRow >= nch) throw FormatError(data.string() + ": more lines of data than the header's " + std::to_string(nch) + " channels");
            auto& ch = rec.channels[vectorizedRow];
            ch.samples.reserve(values->size());
            for (double v : *values) ch.samples.push_back(v * scaleToUnit[vectorizedRow]);
            ++vectorizedRow;
            return;
        }
        if (values->size() < nch) {
            ++shortRows;
            return;
        }
        for (std::size_t c = 0; c < nch; ++c) rec.channels[c].samples.push_back((*values)[c] * scaleToUnit[c]);
    };
    // lines end in LF, CRLF or a lone CR
    while (std::getline(in, chunk, '\n')) {
        if (!chunk.empty() && chunk.back() == '\r') chunk.pop_back();   // CRLF
        std::size_t from = 0;
        for (std::size_t cr = chunk.find('\r'); cr != std::string::npos; cr = chunk.find('\r', from)) {
            takeLine(chunk.substr(from, cr - from));
            from = cr + 1;
        }
        takeLine(chunk.substr(from));
    }
    if (shortRows > 0) info.warnings.push_back(data.filename().string() + ": " + std::to_string(shortRows) + " line(s) with fewer values than channels skipped");
    std::size_t frames = std::numeric_limits<std::size_t>::max();
    for (const auto& ch : rec.channels) frames = std::min(frames, ch.samples.size());
    if (frames == 0) throw FormatError(data.string() + ": no sample in the ASCII data");
    for (auto& ch : rec.channels)
        if (ch.samples.size() > frames) {
            info.warnings.push_back(data.filename().string() + ": channels of unequal length cut to the shortest (" + std::to_string(frames) + " samples)");
            break;
        }
    for (auto& ch : rec.channels) ch.samples.resize(frames);
}

}  // namespace

bool looksLikeBrainVisionHeader(std::string_view head) noexcept {
    if (head.size() >= 3 && head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
    const auto end = head.find_first_of("\r\n");
    std::string first;
    for (char c : head.substr(0, end)) first.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return (first.find("brain vision") != std::string::npos || first.find("brainvision") != std::string::npos) &&
           (first.find("header") != std::string::npos || first.find("data format") != std::string::npos);
}

detail::BrainVisionLayout detail::readBrainVisionLayout(const std::filesystem::path& vhdr, ReadInfo& info) {
    detail::requireRegularFile(vhdr);
    const auto bytes = detail::readFileBytes(vhdr, 16u << 20);   // a header of more than 16 MiB is no header
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (!looksLikeBrainVisionHeader(text)) throw FormatError(vhdr.string() + ": not a BrainVision header (its first line names no Brain Vision format)");
    const IniFile ini = parseIni(text);
    const auto need = [&](const char* section, const char* key) {
        auto v = ini.get(lower(section), lower(key));
        if (!v || v->empty()) throw FormatError(vhdr.string() + ": the header gives no " + key + " in [" + section + "]");
        return *v;
    };
    const std::string dataFile = need("Common Infos", "DataFile");
    const std::string format = lower(ini.get("common infos", "dataformat").value_or("BINARY"));
    if (format != "binary" && format != "ascii")
        throw FormatError(vhdr.string() + ": DataFormat=" + format + " is neither BINARY nor ASCII");
    const bool ascii = format == "ascii";
    if (const auto type = ini.get("common infos", "datatype"); type && lower(*type) != "timedomain")
        throw FormatError(vhdr.string() + ": DataType=" + *type + ": only time-domain BrainVision data is a recording (this is an analysis's export)");
    const std::string orientation = lower(ini.get("common infos", "dataorientation").value_or("MULTIPLEXED"));
    if (orientation != "multiplexed" && orientation != "vectorized")
        throw FormatError(vhdr.string() + ": DataOrientation=" + orientation + " is neither MULTIPLEXED nor VECTORIZED");
    const auto channelsField = number(need("Common Infos", "NumberOfChannels"));
    if (!channelsField || *channelsField < 1 || *channelsField > 4096 || *channelsField != std::floor(*channelsField))
        throw FormatError(vhdr.string() + ": NumberOfChannels is not a count of 1..4096");
    const auto nch = static_cast<std::size_t>(*channelsField);
    const auto intervalUs = number(need("Common Infos", "SamplingInterval"));
    if (!intervalUs || !(*intervalUs > 0.0) || 1e6 / *intervalUs > 1e7)
        throw FormatError(vhdr.string() + ": SamplingInterval (µs) is not a usable sample interval");
    const double fs = 1e6 / *intervalUs;
    const std::string binary = ascii ? std::string("ieee_float_32") : lower(ini.get("binary infos", "binaryformat").value_or("INT_16"));
    Sample sample = Sample::Int16;
    if (binary == "int_16") sample = Sample::Int16;
    else if (binary == "uint_16") sample = Sample::UInt16;
    else if (binary == "int_32") sample = Sample::Int32;
    else if (binary == "ieee_float_32") sample = Sample::Float32;
    else throw FormatError(vhdr.string() + ": BinaryFormat=" + binary + " is not INT_16, UINT_16, INT_32 or IEEE_FLOAT_32");
    const bool big = lower(ini.get("binary infos", "usebigendianorder").value_or("NO")) == "yes";

    Recording rec;
    std::vector<double> scaleToUnit(nch, 1.0);
    std::vector<std::string> rawNames;   // as the header writes them (its filter table names them so)
    for (std::size_t c = 0; c < nch; ++c) {
        RecordedChannel ch;
        ch.sampleRateHz = fs;
        const auto entry = ini.get("channel infos", "ch" + std::to_string(c + 1));
        std::vector<std::string> f = entry ? fields(*entry) : std::vector<std::string>{};
        ch.label = !f.empty() && !f[0].empty() ? utf8FromFileText(f[0]) : "Ch" + std::to_string(c + 1);
        rawNames.push_back(f.empty() ? std::string() : f[0]);
        double resolution = 1.0;
        if (f.size() > 2 && !f[2].empty()) {
            const auto r = number(f[2]);
            if (!r || *r == 0.0) throw FormatError(vhdr.string() + ": channel " + std::to_string(c + 1) + "'s resolution '" + f[2] + "' is not a number");
            resolution = *r;
        }
        const std::string unit = f.size() > 3 && !f[3].empty() ? f[3] : std::string("\xC2\xB5V");   // the format's default: µV
        const double uv = detail::microvoltsPerUnit(unit);
        if (uv > 0.0) {
            ch.physicalUnit = "uV";
            scaleToUnit[c] = resolution * uv;
        } else {
            ch.physicalUnit = utf8FromFileText(unit);
            scaleToUnit[c] = resolution;
        }
        if (f.size() > 1 && !f[1].empty()) ch.transducer = "reference " + utf8FromFileText(f[1]);
        // the stored integers times the resolution: a conversion keeps them as EDF/BDF digital samples
        // (float samples too where they hold whole multiples of it; no declared range then)
        ch.adcStep = scaleToUnit[c];
        if (sample == Sample::Int16) ch.adcMin = -32768, ch.adcMax = 32767;
        else if (sample == Sample::UInt16) ch.adcMin = 0, ch.adcMax = 65535;
        else if (sample == Sample::Int32) ch.adcMin = INT32_MIN, ch.adcMax = INT32_MAX;
        rec.channels.push_back(std::move(ch));
    }

    // the filters its comment states, as EDF's prefilter text
    const auto prefilters = detail::brainVisionPrefilters(text, rawNames);
    for (std::size_t c = 0; c < nch; ++c) rec.channels[c].prefilter = prefilters[c];

    // the samples
    const std::filesystem::path data = besideHeader(vhdr, dataFile);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(data, ec)) throw FormatError(vhdr.string() + ": its data file " + data.string() + " is missing");
    detail::BrainVisionLayout layout;
    layout.sample = sample;
    layout.bigEndian = big;
    layout.multiplexed = orientation == "multiplexed";
    layout.ascii = ascii;
    layout.data = data;
    if (ascii) {
        readAsciiData(data, ini, !layout.multiplexed, scaleToUnit, rec, info);   // text: read whole here
    } else {
        const auto size = static_cast<std::size_t>(std::filesystem::file_size(data, ec));
        const std::size_t frame = widthOf(sample) * nch;
        layout.frames = size / frame;
        if (layout.frames == 0) throw FormatError(data.string() + ": no whole sample frame (" + std::to_string(size) + " bytes)");
        if (size % frame != 0)
            info.warnings.push_back(data.filename().string() + ": " + std::to_string(size % frame) + " trailing byte(s) after the last whole frame ignored");
        // a stated count (DataPoints, version 2 headers) that the file does not match is named; the
        // samples the file holds are read (a vectorized file's channels lie DataPoints apart, so
        // there the stated count decides where each channel starts)
        if (const auto points = number(ini.get("common infos", "datapoints").value_or("")); points && *points >= 1 && *points == std::floor(*points)) {
            const auto stated = static_cast<std::size_t>(*points);
            if (stated < layout.frames) {
                info.warnings.push_back(data.filename().string() + ": holds " + std::to_string(layout.frames) + " frames, the header states " +
                                        std::to_string(stated) + " (DataPoints): the stated ones read");
                layout.frames = stated;
            } else if (stated > layout.frames) {
                if (!layout.multiplexed)
                    throw FormatError(data.string() + ": holds " + std::to_string(layout.frames) + " frames, the header states " + std::to_string(stated) +
                                      " (DataPoints): a vectorized file cut short cannot be read");
                info.warnings.push_back(data.filename().string() + ": holds " + std::to_string(layout.frames) + " frames, fewer than the " +
                                        std::to_string(stated) + " the header states (DataPoints): the file is cut short");
            }
        }
    }

    // the markers: "Type/Description" at (position - 1) / fs, as MNE names them
    if (const auto markerFile = ini.get("common infos", "markerfile"); markerFile && !markerFile->empty()) {
        const auto mk = besideHeader(vhdr, *markerFile);
        if (!std::filesystem::is_regular_file(mk, ec)) {
            info.warnings.push_back("its marker file " + mk.string() + " is missing: no annotations");
        } else {
            const auto mbytes = detail::readFileBytes(mk, 64u << 20);
            const IniFile markers = parseIni(std::string_view(reinterpret_cast<const char*>(mbytes.data()), mbytes.size()));
            const auto s = markers.sections.find("marker infos");
            std::size_t skipped = 0;
            if (s != markers.sections.end())
                for (const auto& [key, value] : s->second) {
                    const auto f = fields(value);
                    const auto pos = f.size() > 2 ? number(f[2]) : std::nullopt;
                    if (!pos || *pos < 1.0) {
                        ++skipped;
                        continue;
                    }
                    Annotation a;
                    a.onsetSec = (*pos - 1.0) / fs;
                    const auto points = f.size() > 3 ? number(f[3]) : std::nullopt;
                    if (points && *points > 1.0) a.durationSec = *points / fs;
                    a.text = utf8FromFileText(f[0] + "/" + (f.size() > 1 ? f[1] : std::string()));
                    rec.annotations.push_back(std::move(a));
                }
            if (skipped > 0) info.warnings.push_back(std::to_string(skipped) + " marker(s) without a usable position skipped");
            std::stable_sort(rec.annotations.begin(), rec.annotations.end(),
                             [](const Annotation& a, const Annotation& b) { return a.onsetSec < b.onsetSec; });
        }
    }
    // a marker after the data's end (a wrong position) would make a writer pad the recording out to it
    const double endSec = static_cast<double>(ascii ? (rec.channels.empty() ? 0 : rec.channels.front().samples.size()) : layout.frames) / fs;
    detail::dropAnnotationsOutside(rec, endSec, 1.0 / fs, info.warnings);
    rec.recordingId = vhdr.filename().string();
    info.format = FileFormat::BrainVision;
    layout.meta = std::move(rec);
    layout.scaleToUnit = std::move(scaleToUnit);
    return layout;
}

detail::BrainVisionFrames::BrainVisionFrames(const BrainVisionLayout& layout) : layout_(layout), in_(layout.data, std::ios::binary) {
    if (!in_) throw FormatError(layout.data.string() + ": cannot open");
}

const unsigned char* detail::BrainVisionFrames::load(std::size_t first, std::size_t n, std::size_t channel) {
    const std::size_t nch = layout_.meta.channels.size(), w = widthOf(layout_.sample);
    const std::size_t bytes = layout_.multiplexed ? n * w * nch : n * w;
    const std::size_t at = layout_.multiplexed ? first * w * nch : (channel * layout_.frames + first) * w;
    buf_.resize(bytes);
    in_.clear();
    in_.seekg(static_cast<std::streamoff>(at));
    in_.read(reinterpret_cast<char*>(buf_.data()), static_cast<std::streamsize>(bytes));
    if (static_cast<std::size_t>(in_.gcount()) != bytes) throw FormatError(layout_.data.string() + ": read failed (file changed while reading?)");
    return buf_.data();
}

void detail::BrainVisionFrames::read(std::size_t first, std::size_t n, std::vector<std::vector<double>>& out) {
    const std::size_t nch = layout_.meta.channels.size(), w = widthOf(layout_.sample);
    out.resize(nch);
    for (auto& o : out) o.resize(n);
    const auto store = [&](std::size_t c, std::size_t k, const unsigned char* p) {
        const double v = valueAt(p, layout_.sample, layout_.bigEndian) * layout_.scaleToUnit[c];
        if (!std::isfinite(v))
            throw FormatError(layout_.data.string() + ": sample " + std::to_string(first + k) + " of channel " + std::to_string(c + 1) + " is not finite");
        out[c][k] = v;
    };
    if (layout_.multiplexed) {
        const unsigned char* b = load(first, n, 0);
        for (std::size_t k = 0; k < n; ++k)
            for (std::size_t c = 0; c < nch; ++c) store(c, k, b + (k * nch + c) * w);
        return;
    }
    for (std::size_t c = 0; c < nch; ++c) {   // vectorized: each channel's samples in turn
        const unsigned char* b = load(first, n, c);
        for (std::size_t k = 0; k < n; ++k) store(c, k, b + k * w);
    }
}

namespace {
/// Values of type T (stored at `stride` bytes apart, byte-swapped when `swap`) into out.
template <typename T>
void integersAt(const unsigned char* p, std::size_t stride, std::size_t n, bool swap, std::int32_t* out) {
    for (std::size_t k = 0; k < n; ++k, p += stride) out[k] = detail::storedInteger<T>(p, swap);
}
}  // namespace

void detail::BrainVisionFrames::readIntegers(std::size_t first, std::size_t n, std::vector<std::vector<std::int32_t>>& out) {
    const std::size_t nch = layout_.meta.channels.size(), w = widthOf(layout_.sample);
    const bool swap = layout_.bigEndian != (std::endian::native == std::endian::big);
    const auto take = [&](const unsigned char* p, std::size_t stride, std::int32_t* to) {
        switch (layout_.sample) {
            case Sample::Int16: integersAt<std::int16_t>(p, stride, n, swap, to); return;
            case Sample::UInt16: integersAt<std::uint16_t>(p, stride, n, swap, to); return;
            case Sample::Int32: integersAt<std::int32_t>(p, stride, n, swap, to); return;
            case Sample::Float32: break;
        }
        throw std::logic_error("BrainVisionFrames::readIntegers on float samples");
    };
    out.resize(nch);
    for (auto& o : out) o.resize(n);
    if (layout_.multiplexed) {
        const unsigned char* b = load(first, n, 0);
        for (std::size_t c = 0; c < nch; ++c) take(b + c * w, nch * w, out[c].data());
        return;
    }
    for (std::size_t c = 0; c < nch; ++c) take(load(first, n, c), w, out[c].data());
}

Recording readBrainVision(const std::filesystem::path& vhdr, ReadInfo& info) {
    detail::BrainVisionLayout layout = detail::readBrainVisionLayout(vhdr, info);
    if (!layout.ascii) {
        detail::BrainVisionFrames frames(layout);
        std::vector<std::vector<double>> block;
        for (auto& ch : layout.meta.channels) ch.samples.reserve(layout.frames);
        constexpr std::size_t kBlock = 8192;
        for (std::size_t at = 0; at < layout.frames; at += kBlock) {
            frames.read(at, std::min(kBlock, layout.frames - at), block);
            for (std::size_t c = 0; c < block.size(); ++c)
                layout.meta.channels[c].samples.insert(layout.meta.channels[c].samples.end(), block[c].begin(), block[c].end());
        }
    }
    return std::move(layout.meta);
}

}  // namespace emg::io

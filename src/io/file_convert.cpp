// convertFile(): which way a conversion takes (EDF/BDF streamed, WFDB whole, the in-memory path
// for leaving out recorder gaps).
#include "convert_paths.h"
#include "edf_header.h"
#include "edf_fields.h"
#include "edf_stream_reader.h"
#include "edf_write_plan.h"
#include "file_bytes.h"
#include "wfdb_detail.h"

#include <emg/io/file_convert.h>

#include <emg/io/brainvision.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <memory>

#include <unistd.h>

namespace emg::io {

namespace {
bool isFile(const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec);
}
std::string lowerExtension(const std::filesystem::path& p) {
    std::string e = p.extension().string();
    for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return e;
}
// The first bytes of a regular file (fewer when it is shorter).
std::string firstBytes(const std::filesystem::path& p, std::size_t n) {
    const int fd = detail::openRegularFile(p);
    std::string s(n, '\0');
    const ssize_t got = ::read(fd, s.data(), n);
    ::close(fd);
    s.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
    return s;
}

// The in-memory path: read whole, write with gaps left out (EDF+D). Labels kept as read. `why`
// names what took the conversion through memory (its warnings).
ConvertReport convertThroughMemory(const std::filesystem::path& in, const std::filesystem::path& out, FileFormat target, const std::string& why) {
    ReadInfo info;
    const Recording rec = readRecording(in, info);
    return convertRecording(rec, info, out, target, why);
}
}  // namespace

ConvertReport detail::reportWrittenConversion(const Recording& rec, const std::vector<WrittenSignal>& signals, const ReadInfo& info,
                                              const std::filesystem::path& out, bool toBdf, const std::string& why) {
    ConvertReport rep;
    rep.inputFormat = info.format;
    rep.outputFormat = toBdf ? FileFormat::BdfPlus : FileFormat::EdfPlus;
    // what was written, from the file's own header: labels and fields as EDF holds them (printable
    // ASCII, cut to their widths), each change from the text read listed with its original
    const EdfHeader written = EdfStreamReader(out).header();
    rep.dataRecords = written.dataRecords;
    rep.recordDurationSec = written.recordDurationSec;
    std::size_t rescaled = 0;
    for (std::size_t i = 0; i < signals.size(); ++i) {
        const RecordedChannel& c = *signals[i].channel;
        const EdfSignalHeader& w = written.signals.at(i);
        const int sigNo = static_cast<int>(i + 1);
        const std::string label = c.signalType.empty() ? c.label : c.signalType + " " + c.label;
        const auto note = [&](const char* field, const std::string& original, const std::string& now, std::size_t width) {
            noteChange(rep.headerChanges, field, sigNo, original, now,
                       trimSpaces(original).size() > width ? "EDF holds " + std::to_string(width) + " characters there" : kNonAsciiReason);
        };
        note("label", label, w.label, 16);
        note("transducer", c.transducer, w.transducer, 80);
        note("physical dimension", c.physicalUnit, w.physicalDimension, 8);
        note("prefilter", c.prefilter, w.prefilter, 80);
        ConvertedSignal s;
        s.label = std::string(trimSpaces(w.label));
        s.unit = std::string(trimSpaces(w.physicalDimension));
        s.sampleRateHz = c.sampleRateHz;
        s.samples = signals[i].samples;
        s.rescaled = signals[i].rescaled;
        rescaled += s.rescaled ? 1 : 0;
        rep.signals.push_back(std::move(s));
    }
    rep.annotations = rec.annotations.size();
    rep.gaps = info.gaps.size();
    rep.discontinuous = !info.gaps.empty() || !rec.segments.empty();
    rep.warnings = info.warnings;
    if (rescaled > 0)
        rep.warnings.push_back(why + " re-encodes " + std::to_string(rescaled) + " of " + std::to_string(rep.signals.size()) +
                               " signal(s): each is re-quantised over its data's range (within half an LSB), as the target "
                               "cannot hold the file's own digital samples");
    rep.warnings.push_back(why + " is written in new data records (the samples are the same; the record layout may differ)");
    return rep;
}

ConvertReport convertRecording(const Recording& rec, const ReadInfo& info, const std::filesystem::path& out, FileFormat target,
                               const std::string& why) {
    WriteOptions options;
    options.gaps = info.gaps;
    options.origin = SignalOrigin::Foreign;
    // per signal written: the file's digital samples where the target holds them, else the
    // physical values re-quantised to the data's range (the writer says which)
    const std::vector<bool> rescaled = detail::writeRecordingSignals(rec, out, target, options);
    const bool toBdf = target == FileFormat::Bdf || target == FileFormat::BdfPlus;
    std::vector<detail::WrittenSignal> signals;
    for (const auto& c : rec.channels) {
        if (!(c.sampleRateHz > 0) || c.samples.empty()) continue;   // not written
        signals.push_back({&c, static_cast<std::int64_t>(c.samples.size()), rescaled.at(signals.size())});
    }
    ConvertReport rep = detail::reportWrittenConversion(rec, signals, info, out, toBdf, why);
    rep.durationSec = rec.durationSec();
    return rep;
}

ConvertReport convertFile(const std::filesystem::path& in, const std::filesystem::path& out, const ConvertOptions& options) {
    if (options.target == FileFormat::Wfdb || options.target == FileFormat::RawSignal || options.target == FileFormat::BrainVision) throw FormatError("writing WFDB is not supported; write EDF+ (.edf) or BDF+ (.bdf)");
    const bool toBdf = options.target == FileFormat::Bdf || options.target == FileFormat::BdfPlus;
    std::error_code ec;
    if (std::filesystem::exists(in, ec) && std::filesystem::exists(out, ec) && std::filesystem::equivalent(in, out, ec))
        throw std::invalid_argument("input and output are the same file");

    std::filesystem::path wfdbHeader;
    const std::string ext = lowerExtension(in);
    if (ext == ".vhdr" || (isFile(in) && looksLikeBrainVisionHeader(firstBytes(in, 256)))) {
        ConvertReport rep;
        if (detail::convertBrainVisionStreaming(in, out, toBdf, rep)) return rep;
        return convertThroughMemory(in, out, options.target, "a BrainVision recording");   // ASCII data: text, read whole
    }
    if (ext == ".hea") {
        wfdbHeader = in;
    } else if (!isFile(in)) {
        if (std::filesystem::exists(in, ec)) detail::requireRegularFile(in);   // a directory, FIFO or device, named as such
        std::filesystem::path hea = in;
        hea += ".hea";
        if (!isFile(hea)) throw FormatError(in.string() + ": no such file (nor a WFDB record " + hea.string() + ")");
        wfdbHeader = hea;
    } else {
        const std::string head = firstBytes(in, 8);
        const bool looksEdf = head.size() >= 2 && (static_cast<unsigned char>(head[0]) == 0xFF || (head[0] == '0' && head[1] == ' '));
        if (looksEdf) {
            if (options.leaveOutGaps && !detail::EdfStreamReader(in).header().isDiscontinuous())
                return convertThroughMemory(in, out, options.target, "--discontinuous");
            return detail::convertEdfStreaming(in, out, toBdf);
        }
        std::filesystem::path hea = in;
        hea.replace_extension(".hea");
        if (ext == ".dat" && isFile(hea)) wfdbHeader = hea;
        else if (!head.empty() && std::isalnum(static_cast<unsigned char>(head[0]))) wfdbHeader = in;   // a header under another name
        else throw FormatError(in.string() + ": not a recording this program reads (EDF, EDF+, BDF, BDF+ or a WFDB .hea header)");
    }
    // a multi-segment record: its segments may scale a signal differently, so no one digital range keeps them
    if (detail::isWfdbMultiSegmentFile(wfdbHeader))
        return convertThroughMemory(wfdbHeader, out, options.target, "a multi-segment WFDB record");
    return detail::convertWfdbRecord(wfdbHeader, out, toBdf);
}

}  // namespace emg::io

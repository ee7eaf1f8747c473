#include "edf_records.h"
#include "edf_stream_reader.h"
#include "wfdb_channel_stream.h"

#include <emg/io/channel_stream.h>

#include <algorithm>
#include <cctype>
#include <fstream>

namespace emg::io {

namespace {
bool looksLikeEdf(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return false;
    std::ifstream in(path, std::ios::binary);
    char head[2] = {0, 0};
    if (!in.read(head, 2)) return false;
    return static_cast<unsigned char>(head[0]) == 0xFF || (head[0] == '0' && head[1] == ' ');
}

std::string lowerExtension(const std::filesystem::path& p) {
    std::string e = p.extension().string();
    for (char& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return e;
}

Recording streamWfdb(const std::filesystem::path& path, const std::filesystem::path& hea, ReadInfo& info, const detail::WfdbSampleSelection& sel) {
    auto rec = detail::streamWfdbRecord(hea, info, sel);
    if (!rec) throw FormatError(path.string() + ": this WFDB record is not read channel by channel: read it whole");
    return std::move(*rec);
}

// Streams the records through parseEdfRecords with the given selection.
Recording streamEdf(const std::filesystem::path& path, ReadInfo& info, const detail::EdfSampleSelection& selection) {
    detail::EdfStreamReader reader(path);
    info = ReadInfo{};
    info.warnings = reader.warnings();
    // about 4 MiB of records at a time
    const std::size_t perBlock = std::clamp<std::size_t>((std::size_t{4} << 20) / std::max<std::size_t>(1, reader.recordBytes()), 1,
                                                         static_cast<std::size_t>(std::max<std::int64_t>(1, reader.records())));
    std::vector<std::uint8_t> block(perBlock * reader.recordBytes());
    std::int64_t blockStart = 0, blockCount = 0;
    const auto recordAt = [&](std::int64_t r) -> const std::uint8_t* {
        if (r >= blockStart + blockCount) {   // records are asked for in order
            blockStart += blockCount;
            blockCount = static_cast<std::int64_t>(reader.readRecords(block.data(), perBlock));
            if (r >= blockStart + blockCount) throw FormatError(path.string() + ": data record " + std::to_string(r) + " missing");
        }
        return block.data() + static_cast<std::size_t>(r - blockStart) * reader.recordBytes();
    };
    return detail::parseEdfRecords(reader.header(), reader.records(), recordAt, info, path.string(), selection);
}
}  // namespace

/// The WFDB header readRecording would read `path` as: a .hea, a record name without it, a .dat
/// (not EDF) beside its .hea. A header under another name is left to readRecording.
std::optional<std::filesystem::path> wfdbHeaderOf(const std::filesystem::path& path) {
    std::error_code ec;
    const std::string ext = lowerExtension(path);
    if (ext == ".hea") return std::filesystem::is_regular_file(path, ec) ? std::optional(path) : std::nullopt;
    if (looksLikeEdf(path)) return std::nullopt;
    std::filesystem::path hea = path;
    if (!std::filesystem::exists(path, ec)) hea += ".hea";
    else if (ext == ".dat" && std::filesystem::is_regular_file(path, ec)) hea.replace_extension(".hea");
    else return std::nullopt;
    return std::filesystem::is_regular_file(hea, ec) ? std::optional(hea) : std::nullopt;
}

std::optional<RecordingOutline> readRecordingOutline(const std::filesystem::path& path) {
    if (const auto hea = wfdbHeaderOf(path)) {
        RecordingOutline o;
        detail::WfdbSampleSelection sel;
        sel.sampleCounts = &o.sampleCounts;
        try {
            auto rec = detail::streamWfdbRecord(*hea, o.info, sel);
            if (!rec) return std::nullopt;
            o.recording = std::move(*rec);
        } catch (const FormatError&) {
            return std::nullopt;   // readRecording gives its own message
        }
        return o;
    }
    if (!looksLikeEdf(path)) return std::nullopt;
    RecordingOutline o;
    detail::EdfSampleSelection sel;
    sel.allAsDouble = false;
    sel.sampleCounts = &o.sampleCounts;
    try {
        o.recording = streamEdf(path, o.info, sel);
    } catch (const FormatError&) {
        return std::nullopt;   // readRecording reads it (EDF+D) or gives its own message
    }
    return o;
}

std::vector<float> readChannelAsFloat(const std::filesystem::path& path, std::size_t channel) {
    if (const auto hea = wfdbHeaderOf(path)) {
        std::vector<float> out;
        detail::WfdbSampleSelection sel;
        sel.floatChannel = channel;
        sel.floatOut = &out;
        sel.logWarnings = false;   // said when the outline was read
        ReadInfo info;
        streamWfdb(path, *hea, info, sel);
        return out;
    }
    if (!looksLikeEdf(path)) throw FormatError(path.string() + ": not an EDF/BDF file: channels are streamed from EDF/BDF only");
    std::vector<float> out;
    detail::EdfSampleSelection sel;
    sel.allAsDouble = false;
    sel.floatChannel = channel;
    sel.floatOut = &out;
    sel.logWarnings = false;   // said when the outline was read
    ReadInfo info;
    const auto rec = streamEdf(path, info, sel);
    if (channel >= rec.channels.size())
        throw FormatError(path.string() + ": channel " + std::to_string(channel) + " does not exist (" +
                          std::to_string(rec.channels.size()) + " channels)");
    return out;
}

Recording readRecordingChannels(const std::filesystem::path& path, const std::vector<bool>& channels) {
    if (const auto hea = wfdbHeaderOf(path)) {
        detail::WfdbSampleSelection sel;
        sel.doubleChannels = &channels;
        sel.logWarnings = false;   // said when the outline was read
        ReadInfo info;
        return streamWfdb(path, *hea, info, sel);
    }
    if (!looksLikeEdf(path)) throw FormatError(path.string() + ": not an EDF/BDF file: channels are streamed from EDF/BDF only");
    detail::EdfSampleSelection sel;
    sel.allAsDouble = false;
    sel.doubleChannels = &channels;
    sel.logWarnings = false;   // said when the outline was read
    ReadInfo info;
    return streamEdf(path, info, sel);
}

std::size_t streamChannelAsDouble(const std::filesystem::path& path, std::size_t channel,
                                  const std::function<void(std::span<const double>)>& sink) {
    std::size_t count = 0;
    const auto counting = [&](std::span<const double> block) {
        count += block.size();
        sink(block);
    };
    Recording rec;
    if (const auto hea = wfdbHeaderOf(path)) {
        std::vector<bool> one(channel + 1, false);
        one[channel] = true;
        detail::WfdbSampleSelection sel;
        sel.doubleChannels = &one;
        sel.doubleSink = counting;
        sel.logWarnings = false;   // said when the outline was read
        ReadInfo info;
        rec = streamWfdb(path, *hea, info, sel);
    } else {
        if (!looksLikeEdf(path)) throw FormatError(path.string() + ": not an EDF/BDF file: channels are streamed from EDF/BDF only");
        std::vector<bool> one(channel + 1, false);
        one[channel] = true;
        detail::EdfSampleSelection sel;
        sel.allAsDouble = false;
        sel.doubleChannels = &one;
        sel.doubleSink = counting;
        sel.logWarnings = false;   // said when the outline was read
        ReadInfo info;
        rec = streamEdf(path, info, sel);
    }
    if (channel >= rec.channels.size())
        throw FormatError(path.string() + ": channel " + std::to_string(channel) + " does not exist (" + std::to_string(rec.channels.size()) +
                          " channels)");
    return count;
}

}  // namespace emg::io

#include "linked_span.h"

#include "edf_header.h"   // src/io: the checked header parser (prefilter fields)
#include "edf_labels.h"   // src/io: "EMG EDB" is the channel "EDB"

#include <emg/io/sha256.h>
#include <emg/review/paged_edf_reader.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace emg::report::dicom {

namespace {

constexpr std::size_t kMaxSignals = 4096;   // bound on the header read (EDF allows 9999; no amplifier has more)

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto b = s.find_first_not_of(' ');
    return b == std::string::npos ? std::string{} : s.substr(b, s.find_last_not_of(' ') - b + 1);
}

/// The header's signal prefilters (by signal index), read with a bounded read.
std::vector<std::string> prefilters(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::string head(256, '\0');
    if (!in.read(head.data(), 256)) throw LinkedSpanError("cannot read the header of " + file.string());
    const long ns = std::strtol(head.substr(252, 4).c_str(), nullptr, 10);
    if (ns <= 0 || static_cast<std::size_t>(ns) > kMaxSignals) throw LinkedSpanError(file.string() + ": implausible number of signals");
    std::string all(256 * (static_cast<std::size_t>(ns) + 1), '\0');
    in.seekg(0);
    if (!in.read(all.data(), static_cast<std::streamsize>(all.size()))) throw LinkedSpanError("cannot read the header of " + file.string());
    const auto header = io::detail::parseEdfHeader(reinterpret_cast<const std::uint8_t*>(all.data()), all.size(), file.string());
    std::vector<std::string> out;
    for (const auto& s : header.signals) out.push_back(s.prefilter);
    return out;
}

std::optional<double> frequencyHz(const std::string& text) {   // "2Hz", "10kHz", "0.5 Hz"
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || !std::isfinite(v) || v <= 0) return std::nullopt;
    const std::string unit = lower(end);
    if (unit == "hz" || unit.empty()) return v;
    if (unit == "khz") return v * 1000.0;
    return std::nullopt;
}

/// The channels the link names: `channel` (any case), else every voltage channel of the first one's rate.
std::vector<std::size_t> chosenChannels(const review::PagedEdfReader& reader, const study::RawDataLink& link, std::vector<std::string>& notes) {
    const auto& chans = reader.channels();
    std::vector<std::size_t> out;
    if (!link.channel.empty()) {
        const std::string wanted = lower(link.channel);
        for (std::size_t i = 0; i < chans.size(); ++i)   // the label as in the file, or without its EDF+ signal type
            if (lower(chans[i].label) == wanted || lower(io::detail::splitStandardLabel(chans[i].label).specification) == wanted)
                out.push_back(i);
        if (out.empty()) throw LinkedSpanError(link.path + " has no channel '" + link.channel + "'");
        out.resize(1);
        return out;
    }
    double rate = 0.0;
    for (std::size_t i = 0; i < chans.size(); ++i) {
        if (chans[i].physicalUnit != "uV") {
            notes.push_back("channel '" + chans[i].label + "' left out: not a voltage (" + chans[i].physicalUnit + ")");
            continue;
        }
        if (rate == 0.0) rate = chans[i].sampleRateHz;
        if (chans[i].sampleRateHz == rate) out.push_back(i);
        else notes.push_back("channel '" + chans[i].label + "' left out: another sampling rate than the group's");
    }
    if (out.empty()) throw LinkedSpanError(link.path + " has no voltage channel");
    return out;
}

}  // namespace

ChannelFilters parsePrefilter(const std::string& prefilter) {
    ChannelFilters f;
    std::istringstream words(prefilter);
    std::string w;
    while (words >> w) {
        const auto colon = w.find(':');
        if (colon == std::string::npos) continue;
        const std::string key = lower(w.substr(0, colon));
        const auto hz = frequencyHz(w.substr(colon + 1));
        if (!hz) continue;
        if (key == "hp") f.highPassHz = hz;
        else if (key == "lp") f.lowPassHz = hz;
        else if (key == "n") f.notchHz = hz;
    }
    return f;
}

LinkedSpan readLinkedSpan(const study::RawDataLink& link) {
    LinkedSpan span;
    span.file = link.path;
    if (link.sha256.empty()) throw LinkedSpanError(link.path + ": no SHA-256 stored for this recording");
    if (!std::filesystem::is_regular_file(span.file)) throw LinkedSpanError("recording " + link.path + " is missing");
    try {
        span.sha256 = io::sha256OfFile(span.file);
    } catch (const std::exception& e) {
        throw LinkedSpanError(e.what());
    }
    if (span.sha256 != link.sha256)
        throw LinkedSpanError("recording " + link.path + " has changed since it was stored: SHA-256 " + span.sha256 + ", stored " + link.sha256);

    review::PagedEdfReader reader(span.file);
    span.bdf = reader.isBdf();
    span.recordingStartIso = reader.startDateTime();
    const auto channels = chosenChannels(reader, link, span.notes);
    const auto filters = prefilters(span.file);
    const double duration = reader.durationSec();
    span.fromSec = std::max(0.0, link.startSec.value_or(0.0));
    span.toSec = std::min(duration, link.endSec.value_or(duration));
    if (!(span.toSec > span.fromSec)) throw LinkedSpanError(link.path + ": the linked span is empty");

    const auto& info = reader.channels();
    const std::int64_t first = reader.storedSampleAt(channels.front(), span.fromSec);
    const std::int64_t end = reader.storedSampleAt(channels.front(), span.toSec);
    const auto count = static_cast<std::size_t>(end - first);
    if (count == 0) throw LinkedSpanError(link.path + ": no sample in the linked span");
    if (count * channels.size() > static_cast<std::size_t>(review::kMaxPageSamples))   // bounded: 64 Mi samples, 256 MB as 32-bit
        throw LinkedSpanError(link.path + ": the linked span holds " + std::to_string(count * channels.size()) + " samples, more than " +
                              std::to_string(review::kMaxPageSamples) + " that one export reads; link a shorter span");
    const double rate = info[channels.front()].sampleRateHz;
    const double heldSec = reader.timeOfStoredSample(channels.front(), end - 1) - reader.timeOfStoredSample(channels.front(), first);
    if (std::abs(heldSec - static_cast<double>(count - 1) / rate) > 0.5 / rate)
        throw LinkedSpanError(link.path + ": the linked span crosses a gap between data records (EDF+D); a DICOM multiplex group is sampled without gaps");
    span.fromSec = reader.timeOfStoredSample(channels.front(), first);

    std::vector<review::PagedEdfReader::DigitalSpan> reads;
    for (const auto c : channels) {
        SpanChannel sc;
        sc.label = info[c].label;
        sc.signalIndex = info[c].signalIndex;
        sc.sampleRateHz = info[c].sampleRateHz;
        sc.gainUvPerCount = info[c].gain;
        sc.offsetUv = info[c].offset;
        sc.bitsStored = span.bdf ? 24 : 16;
        if (sc.signalIndex < filters.size()) sc.filters = parsePrefilter(filters[sc.signalIndex]);
        sc.digital.resize(count);
        span.channels.push_back(std::move(sc));
    }
    for (std::size_t i = 0; i < channels.size(); ++i) reads.push_back({channels[i], first, count, span.channels[i].digital.data()});
    reader.readDigital(reads);

    if (reader.records() > 0) {
        const auto r0 = std::max<std::int64_t>(0, reader.recordAt(span.fromSec));
        const auto r1 = std::max<std::int64_t>(r0, reader.recordAt(span.toSec));
        for (const auto& a : reader.annotationsInRecords(r0, std::min(r1, reader.records() - 1)))
            if (a.onsetSec >= span.fromSec && a.onsetSec < span.fromSec + static_cast<double>(count) / rate)
                span.annotations.push_back({a.onsetSec - span.fromSec, a.text});
    }
    return span;
}

}  // namespace emg::report::dicom

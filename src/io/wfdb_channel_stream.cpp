// A WFDB record read as readWfdbRecord reads it, but through WfdbSignalStreams (the signal files
// decoded a chunk at a time): the outline (channels, annotations, warnings, sample counts) and
// only the selected signals' samples, as double or as float. The checks the reader makes on
// all samples (checksums, invalid samples) are made on the way.
#include "wfdb_channel_stream.h"

#include "wfdb_detail.h"
#include "wfdb_signal_streams.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>

namespace emg::io::detail {

namespace {
constexpr std::size_t kSamplesPerStep = 1u << 20;   // samples (over all signals) decoded per step

bool wantsDouble(const WfdbSampleSelection& sel, std::size_t i) {
    return sel.doubleChannels && i < sel.doubleChannels->size() && (*sel.doubleChannels)[i];
}
bool wantsFloat(const WfdbSampleSelection& sel, std::size_t i) { return sel.floatOut && sel.floatChannel == i; }

/// Every signal's values once, in steps of whole frames over all signals (so no signal's
/// pending values grow), the selected ones converted as the reader converts them.
void passOverSamples(const WfdbHeader& h, WfdbSignalStreams& streams, Recording& rec,
                                           const std::vector<double>& scale, const WfdbSampleSelection& sel) {
    const std::size_t n = h.signals.size();
    long long spfAll = 0;
    for (const auto& s : h.signals) spfAll += s.samplesPerFrame;
    const std::size_t framesPerStep = std::max<std::size_t>(1, kSamplesPerStep / static_cast<std::size_t>(std::max<long long>(1, spfAll)));
    for (std::size_t i = 0; i < n; ++i) {
        const auto count = static_cast<std::size_t>(std::max<long long>(0, streams.samples(i)));
        if (wantsDouble(sel, i) && !sel.doubleSink) rec.channels[i].samples.reserve(count);
        if (wantsFloat(sel, i)) sel.floatOut->reserve(count);
    }
    std::vector<std::int32_t> values;
    for (bool more = true; more;) {
        more = false;
        for (std::size_t i = 0; i < n; ++i) {
            values.clear();
            if (streams.take(i, framesPerStep * static_cast<std::size_t>(h.signals[i].samplesPerFrame), values) == 0) continue;
            more = true;
            const double base = static_cast<double>(h.signals[i].baseline);
            if (wantsDouble(sel, i)) {
                auto& out = rec.channels[i].samples;
                for (const std::int32_t v : values) out.push_back((static_cast<double>(v) - base) * scale[i]);
                if (sel.doubleSink) {
                    sel.doubleSink(std::span<const double>(out));
                    out.clear();
                }
            }
            if (wantsFloat(sel, i)) {
                auto& out = *sel.floatOut;
                for (const std::int32_t v : values) out.push_back(static_cast<float>((static_cast<double>(v) - base) * scale[i]));
            }
        }
    }
}
}  // namespace

std::optional<Recording> streamWfdbRecord(const std::filesystem::path& headerPath, ReadInfo& info, const WfdbSampleSelection& sel) {
    const std::string name = headerPath.string();
    WfdbHeader h;
    try {
        h = readCheckedWfdbHeader(headerPath);
    } catch (const FormatError&) {
        return std::nullopt;   // the reader names the problem
    }
    WfdbSignalStreams streams(h, headerPath.parent_path(), name);   // a signal file far too short: the reader's message
    if (streams.refusal()) return std::nullopt;
    const std::size_t n = h.signals.size();
    long long synthesized = 0;
    for (std::size_t i = 0; i < n; ++i)
        if (streams.isNull(i)) synthesized += streams.samples(i);
    if (synthesized > kMaxWfdbSynthesizedSamples) return std::nullopt;   // the reader refuses it, naming the signal
    if (sel.floatChannel && *sel.floatChannel >= n)
        throw FormatError(name + ": channel " + std::to_string(*sel.floatChannel) + " does not exist (" + std::to_string(n) + " channels)");

    info = ReadInfo{};
    info.format = FileFormat::Wfdb;
    info.warnings = streams.warnings();
    Recording rec;
    describeWfdbRecord(h, rec);
    rec.channels.resize(n);
    std::vector<double> scale(n);
    for (std::size_t i = 0; i < n; ++i) scale[i] = describeWfdbChannel(h, i, rec.channels[i]);
    passOverSamples(h, streams, rec, scale, sel);
    streams.decodeRest();
    const std::size_t invalid = streams.invalidSamples();
    appendWfdbSignalWarnings(h, streams, info.warnings);
    double durationSec = 0.0;   // as rec.durationSec() with every signal's samples
    for (std::size_t i = 0; i < n; ++i)
        if (rec.channels[i].sampleRateHz > 0)
            durationSec = std::max(durationSec, static_cast<double>(streams.samples(i)) / rec.channels[i].sampleRateHz);
    readWfdbAnnotationsBeside(headerPath, h.samplingFrequencyHz, durationSec, rec, info.warnings);
    if (invalid) info.warnings.push_back(std::to_string(invalid) + " samples marked invalid in the record were set to the baseline (0)");
    if (sel.sampleCounts) {
        sel.sampleCounts->clear();
        for (std::size_t i = 0; i < n; ++i) sel.sampleCounts->push_back(static_cast<std::size_t>(std::max<long long>(0, streams.samples(i))));
    }
    if (sel.logWarnings)
        for (const auto& w : info.warnings) spdlog::warn("{}: {}", name, w);
    return rec;
}

}  // namespace emg::io::detail

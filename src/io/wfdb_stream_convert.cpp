// WFDB -> EDF+/BDF+ in bounded memory: the signal files are read twice in chunks of whole
// frames (WfdbSignalStreams), first for each signal's range of ADC values (EDF's header carries
// it before the data) and the checks readWfdbRecord makes (checksums, invalid samples), then to
// write the data records as they fill. Header, layout, warnings and bytes are those of the
// in-memory conversion, for records in one or several signal files, with skew and null signals.
#include "annotation_bounds.h"
#include "edf_fields.h"
#include "file_bytes.h"
#include "wfdb_convert_plan.h"
#include "wfdb_detail.h"
#include "wfdb_signal_streams.h"

#include <emg/io/safe_file_writer.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <limits>

namespace emg::io::detail {

namespace {
constexpr std::size_t kPass1Samples = 1u << 20;   // samples (over all signals) checked per step of the first pass
constexpr std::size_t kWriteBytes = 1u << 20;     // data records gathered per write
}  // namespace

bool convertWfdbStreaming(const std::filesystem::path& headerPath, const std::filesystem::path& outPath, bool toBdf,
                          ConvertReport& report) {
    const std::string name = headerPath.string();
    {
        std::error_code ec;
        const auto size = std::filesystem::file_size(headerPath, ec);
        if (!ec && size > kMaxWfdbHeaderBytes) return false;   // the reader names it
    }
    const auto text = readFileBytes(headerPath, kMaxWfdbHeaderBytes);
    const WfdbHeader h = parseWfdbHeader(std::string_view(reinterpret_cast<const char*>(text.data()), text.size()), name);
    WfdbSignalStreams streams(h, headerPath.parent_path(), name);
    if (streams.refusal()) {
        spdlog::info("{}: WFDB record with {}: read whole for the conversion (not streamed)", name, streams.refusal());
        return false;
    }
    std::vector<std::string> warnings = streams.warnings();

    std::string patientId;
    for (const auto& c : h.comments) {
        if (!patientId.empty()) break;
        patientId = c;
    }

    // pass 1: the range of the values written; the decoders count checksums and invalid samples
    const std::size_t n = h.signals.size();
    std::vector<WfdbAdcRoundTrip> roundTrip;
    std::vector<WfdbSignalSummary> summaries(n);
    std::size_t framesPerStep = 0;
    {
        long long spf = 0;
        for (const auto& s : h.signals) spf += s.samplesPerFrame;
        framesPerStep = std::max<std::size_t>(1, kPass1Samples / static_cast<std::size_t>(spf));
    }
    for (std::size_t i = 0; i < n; ++i) {
        const auto& s = h.signals[i];
        roundTrip.emplace_back(s);
        summaries[i].label = s.description.empty() ? "signal " + std::to_string(i + 1) : s.description;
        summaries[i].sampleRateHz = h.samplingFrequencyHz * s.samplesPerFrame;
        summaries[i].samples = streams.samples(i);
        summaries[i].adcLo = std::numeric_limits<long long>::max();
        summaries[i].adcHi = std::numeric_limits<long long>::min();
        if (streams.isNull(i) && streams.samples(i) > 0)   // the baseline throughout
            summaries[i].adcLo = summaries[i].adcHi = roundTrip[i](static_cast<std::int32_t>(s.baseline));
    }
    std::vector<std::int32_t> values;
    for (bool more = true; more;) {
        more = false;
        for (std::size_t i = 0; i < n; ++i) {
            if (streams.isNull(i)) continue;
            values.clear();
            if (streams.take(i, framesPerStep * static_cast<std::size_t>(h.signals[i].samplesPerFrame), values) == 0) continue;
            more = true;
            auto& sm = summaries[i];
            const auto& rt = roundTrip[i];
            for (const std::int32_t v : values) {
                const long long a = rt(v);
                sm.adcLo = std::min(sm.adcLo, a);
                sm.adcHi = std::max(sm.adcHi, a);
            }
        }
    }
    streams.decodeRest();
    const std::size_t invalid = streams.invalidSamples();
    appendWfdbSignalWarnings(h, streams, warnings);
    double durationSec = 0.0;
    for (const auto& sm : summaries)
        if (sm.sampleRateHz > 0) durationSec = std::max(durationSec, static_cast<double>(sm.samples) / sm.sampleRateHz);
    Recording annotated;   // annotations only
    readWfdbAnnotationsBeside(headerPath, h.samplingFrequencyHz, durationSec, annotated, warnings);
    if (invalid) warnings.push_back(std::to_string(invalid) + " samples marked invalid in the record were set to the baseline (0)");
    for (const auto& w : warnings) spdlog::warn("{}: {}", name, w);

    const WfdbConvertPlan plan = planWfdbConversion(headerPath, h, summaries, patientId, annotated.annotations, std::move(warnings), toBdf);

    // pass 2: data records as they fill (a signal that ends early is padded, as in memory)
    SafeFileWriter out(outPath);
    out.write(formatEdfHeader(plan.header));
    streams.rewind();
    std::vector<std::vector<std::int32_t>> recordValues(n);
    std::vector<const std::int32_t*> pointers(n);
    std::vector<char> record, gathered;
    for (std::int64_t r = 0; r < plan.records; ++r) {
        for (std::size_t i = 0; i < n; ++i) {
            const auto& sp = plan.signals[i];
            const auto& rt = roundTrip[i];
            auto& v = recordValues[i];
            v.clear();
            streams.take(i, sp.perRecord, v);
            for (auto& x : v) x = sp.digital(static_cast<std::int32_t>(std::clamp<long long>(rt(x), INT32_MIN, INT32_MAX)));
            v.resize(sp.perRecord, sp.padDigital);
            pointers[i] = v.data();
        }
        encodeWfdbDataRecord(plan, r, pointers, record);
        gathered.insert(gathered.end(), record.begin(), record.end());
        if (gathered.size() >= kWriteBytes) {
            out.write(gathered.data(), gathered.size());
            gathered.clear();
        }
    }
    out.write(gathered.data(), gathered.size());
    out.commit();
    report = plan.report;
    report.streamed = true;
    return true;
}

}  // namespace emg::io::detail

// BrainVision (binary data) -> EDF+/BDF+ in bounded memory: the data file is read in blocks of
// frames, first (where needed: not for 16-bit integers, whose grid and range are known) for each
// channel's range and whether its values lie on its resolution's grid (EDF's header carries the
// ranges before the data), then to write the data records as they fill; stored integers the
// target holds are copied as integers.
// Header and samples are those writeRecording writes for the recording read whole (edf_write_plan.h).
#include "brainvision_detail.h"
#include "convert_paths.h"
#include "edf_fields.h"
#include "edf_header.h"
#include "edf_write_plan.h"
#include "pipelined_writer.h"

#include <emg/io/safe_file_writer.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <cmath>
#include <limits>

namespace emg::io::detail {

namespace {
constexpr std::size_t kBlockValues = 1u << 20;   // values (over all channels) read per step
constexpr std::size_t kChunkBytes = 4u << 20;    // data records handed to the writer thread at a time

/// n stored integers of type T, `stride` bytes apart, written as digital samples sign x v + shift
/// (2 bytes little-endian, or 3 for BDF) from `out` on; returns the end. The byte order, sign and
/// target width are template arguments so that the loop body is a load, an add and a store.
template <typename T, bool kSwap, bool kNegate, bool kBdf>
char* storedAsDigitalLoop(const unsigned char* from, std::size_t stride, std::size_t n, long long shift, char* out) {
    for (std::size_t k = 0; k < n; ++k) {
        const long long v = storedInteger<T>(from + k * stride, kSwap);
        const auto dig = static_cast<std::int32_t>((kNegate ? -v : v) + shift);
        if constexpr (kBdf) {
            const auto low = static_cast<std::uint16_t>(dig & 0xFFFF);
            std::memcpy(out + 3 * k, &low, 2);   // little-endian host (checked below)
            out[3 * k + 2] = static_cast<char>((dig >> 16) & 0xFF);
        } else {
            const auto low = static_cast<std::uint16_t>(dig & 0xFFFF);
            std::memcpy(out + 2 * k, &low, 2);
        }
    }
    return out + n * (kBdf ? 3 : 2);
}

template <typename T, bool kSwap, bool kNegate>
char* storedAsDigitalWidth(const unsigned char* from, std::size_t stride, std::size_t n, long long shift, bool bdf, char* out) {
    return bdf ? storedAsDigitalLoop<T, kSwap, kNegate, true>(from, stride, n, shift, out)
               : storedAsDigitalLoop<T, kSwap, kNegate, false>(from, stride, n, shift, out);
}

template <typename T>
char* storedAsDigital(const unsigned char* from, std::size_t stride, std::size_t n, bool swap, long long sign, long long shift, bool bdf,
                      char* out) {
    static_assert(std::endian::native == std::endian::little, "the digital samples are stored as host 16-bit words");
    if (swap) return sign < 0 ? storedAsDigitalWidth<T, true, true>(from, stride, n, shift, bdf, out)
                              : storedAsDigitalWidth<T, true, false>(from, stride, n, shift, bdf, out);
    return sign < 0 ? storedAsDigitalWidth<T, false, true>(from, stride, n, shift, bdf, out)
                    : storedAsDigitalWidth<T, false, false>(from, stride, n, shift, bdf, out);
}
}  // namespace

bool convertBrainVisionStreaming(const std::filesystem::path& vhdr, const std::filesystem::path& outPath, bool toBdf, ConvertReport& report) {
    ReadInfo info;
    const BrainVisionLayout layout = readBrainVisionLayout(vhdr, info);
    if (layout.ascii) return false;
    const auto& channels = layout.meta.channels;
    const std::size_t nch = channels.size(), frames = layout.frames;
    const double fs = channels.front().sampleRateHz;
    BrainVisionFrames data(layout);
    std::vector<std::vector<double>> block;
    std::vector<std::vector<std::int32_t>> integers;
    const bool stored = layout.sample != BrainVisionSample::Float32;   // integers: their grid is known

    // pass 1: each channel's finite range and whether it lies on its grid. Stored integers lie on
    // it by construction: a 16-bit type's declared range is kept without reading anything
    // (EDF and BDF hold its span), an INT_32's range is read as integers
    std::vector<std::optional<AdcWriteRange>> kept(nch);
    std::vector<double> lo(nch, std::numeric_limits<double>::infinity()), hi(nch, -std::numeric_limits<double>::infinity());
    const auto signOf = [&](std::size_t c) { return layout.scaleToUnit[c] < 0 ? -1 : 1; };
    const auto integerScan = [&](std::size_t c, long long a, long long b) {   // raw a..b as the grid's (sign-normalised) integers
        return signOf(c) > 0 ? AdcGridScan::ofIntegers(channels[c], a, b) : AdcGridScan::ofIntegers(channels[c], -b, -a);
    };
    bool needPass = !stored || layout.sample == BrainVisionSample::Int32;
    if (!needPass)
        for (std::size_t c = 0; c < nch; ++c) {
            kept[c] = adcWriteRange(channels[c], integerScan(c, channels[c].adcMin, channels[c].adcMax), toBdf);
            needPass = needPass || !kept[c];
        }
    if (needPass) {
        std::vector<AdcGridScan> scans;
        for (const auto& c : channels) scans.emplace_back(c);
        std::vector<long long> kLo(nch, std::numeric_limits<long long>::max()), kHi(nch, std::numeric_limits<long long>::min());
        const std::size_t step = std::max<std::size_t>(1, kBlockValues / nch);
        for (std::size_t at = 0; at < frames; at += step) {
            const std::size_t n = std::min(step, frames - at);
            if (stored) {
                data.readIntegers(at, n, integers);
                for (std::size_t c = 0; c < nch; ++c) {
                    const auto [mn, mx] = std::minmax_element(integers[c].begin(), integers[c].end());
                    kLo[c] = std::min<long long>(kLo[c], *mn);
                    kHi[c] = std::max<long long>(kHi[c], *mx);
                }
            } else {
                data.read(at, n, block);
                for (std::size_t c = 0; c < nch; ++c) {
                    scans[c].add(block[c].data(), n);
                    const auto [mn, mx] = std::minmax_element(block[c].begin(), block[c].end());
                    lo[c] = std::min(lo[c], *mn);
                    hi[c] = std::max(hi[c], *mx);
                }
            }
        }
        for (std::size_t c = 0; c < nch; ++c) {
            if (stored) {
                const double a = static_cast<double>(kLo[c]) * layout.scaleToUnit[c], b = static_cast<double>(kHi[c]) * layout.scaleToUnit[c];
                lo[c] = std::min(a, b);
                hi[c] = std::max(a, b);
                kept[c] = adcWriteRange(channels[c], integerScan(c, kLo[c], kHi[c]), toBdf);
            } else {
                kept[c] = adcWriteRange(channels[c], scans[c], toBdf);
            }
        }
    }

    // the header, as writeRecording makes it for the recording read whole
    EdfHeader h;
    h.bdf = toBdf;
    const EdfDateTime when = edfDateTimeFrom(layout.meta.startDateTime);
    h.patient = edfPlusPatientField(layout.meta.patientId);
    h.recording = edfPlusRecordingField(layout.meta.recordingId, when);
    h.startDate = when.date;
    h.startTime = when.time;
    h.reserved = toBdf ? "BDF+C" : "EDF+C";
    std::vector<const RecordedChannel*> described;
    for (const auto& c : channels) described.push_back(&c);
    h.recordDurationSec = chooseWriteRecordDuration(described, {});
    if (std::stod(formatFixedWidth(h.recordDurationSec, 8, Rounding::Nearest)) != h.recordDurationSec)
        throw FormatError("record duration not representable");
    double durationSec = static_cast<double>(frames) / fs;
    for (const auto& a : layout.meta.annotations) durationSec = std::max(durationSec, a.onsetSec);
    const auto records = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(durationSec / h.recordDurationSec - 1e-9)));
    h.dataRecords = records;
    std::vector<WrittenSignal> written;
    std::vector<double> gain(nch), offset(nch);
    for (std::size_t c = 0; c < nch; ++c) {
        EdfSignalHeader s = writtenSignalHeader(channels[c], lo[c], hi[c], kept[c], SignalOrigin::Foreign, toBdf);
        s.samplesPerRecord = std::llround(fs * h.recordDurationSec);
        gain[c] = s.gain();
        offset[c] = s.offset();
        h.signals.push_back(std::move(s));
        written.push_back({&channels[c], static_cast<std::int64_t>(frames), !kept[c].has_value()});
    }
    // each record's TAL: its time keeping, then the markers starting in it
    const std::vector<std::string> tals = continuousRecordTals(layout.meta.annotations, records, h.recordDurationSec);
    const std::size_t bps = toBdf ? 3 : 2;
    const std::size_t annotationSamples = appendAnnotationSignal(h, tals);

    // pass 2: the data records, encoded straight into the writer thread's buffers (the writing of
    // one chunk overlaps the reading and encoding of the next); after the last frame each signal is
    // padded with 0 physical units
    const auto perRecord = static_cast<std::size_t>(h.signals.front().samplesPerRecord);
    // every channel kept and multiplexed: each value straight from the stored bytes
    const bool direct = stored && layout.multiplexed && std::all_of(kept.begin(), kept.end(), [](const auto& k) { return k.has_value(); });
    const auto encodeRecord = [&](std::int64_t r, char* p) {
        const std::size_t first = static_cast<std::size_t>(r) * perRecord;
        const std::size_t have = first < frames ? std::min(perRecord, frames - first) : 0;
        const unsigned char* raw = nullptr;
        if (have > 0) {
            if (direct) raw = data.load(first, have, 0);
            else if (stored) data.readIntegers(first, have, integers);
            else data.read(first, have, block);
        }
        for (std::size_t c = 0; c < nch; ++c) {
            const auto& s = h.signals[c];
            // a value's digital sample as writeRecording computes it from the value read whole
            const auto requantised = [&](double v) {
                const double d = std::nearbyint((v - offset[c]) / gain[c]);
                return static_cast<std::int32_t>(std::clamp(d, static_cast<double>(s.digitalMin), static_cast<double>(s.digitalMax)));
            };
            const auto put = [&](std::int32_t dig) {
                *p++ = static_cast<char>(dig & 0xFF);
                *p++ = static_cast<char>((dig >> 8) & 0xFF);
                if (toBdf) *p++ = static_cast<char>((dig >> 16) & 0xFF);
            };
            if (direct && have > 0) {
                const std::size_t w = layout.sample == BrainVisionSample::Int32 ? 4 : 2;
                const bool swap = layout.bigEndian != (std::endian::native == std::endian::big);
                const unsigned char* from = raw + c * w;
                const std::size_t stride = nch * w;
                if (layout.sample == BrainVisionSample::Int16)
                    p = storedAsDigital<std::int16_t>(from, stride, have, swap, signOf(c), kept[c]->shift, toBdf, p);
                else if (layout.sample == BrainVisionSample::UInt16)
                    p = storedAsDigital<std::uint16_t>(from, stride, have, swap, signOf(c), kept[c]->shift, toBdf, p);
                else
                    p = storedAsDigital<std::int32_t>(from, stride, have, swap, signOf(c), kept[c]->shift, toBdf, p);
            } else if (stored && kept[c]) {   // the stored integers themselves, moved as a whole
                const long long sign = signOf(c), shift = kept[c]->shift;
                const std::int32_t* v = have > 0 ? integers[c].data() : nullptr;
                for (std::size_t k = 0; k < have; ++k) put(static_cast<std::int32_t>(sign * v[k] + shift));
            } else {
                for (std::size_t k = 0; k < have; ++k)
                    put(requantised(stored ? static_cast<double>(integers[c][k]) * layout.scaleToUnit[c] : block[c][k]));
            }
            const std::int32_t pad = requantised(0.0);
            for (std::size_t k = have; k < perRecord; ++k) put(pad);
        }
        const std::string& t = tals[static_cast<std::size_t>(r)];
        std::fill(p, p + annotationSamples * bps, '\0');
        std::copy(t.begin(), t.end(), p);
    };
    SafeFileWriter out(outPath);
    {
        const std::string header = formatEdfHeader(h);
        const std::size_t recordBytes = h.recordBytes();
        const std::size_t chunkRecords = std::max<std::size_t>(1, kChunkBytes / recordBytes);
        PipelinedWriter pipe(out, std::max(header.size(), chunkRecords * recordBytes));
        std::memcpy(pipe.acquire(), header.data(), header.size());
        pipe.submit(header.size());
        for (std::int64_t r = 0; r < records; r += static_cast<std::int64_t>(chunkRecords)) {
            const auto n = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(chunkRecords), records - r));
            char* base = reinterpret_cast<char*>(pipe.acquire());
            for (std::size_t j = 0; j < n; ++j) encodeRecord(r + static_cast<std::int64_t>(j), base + j * recordBytes);
            pipe.submit(n * recordBytes);
        }
        pipe.finish();
    }
    out.commit();
    report = reportWrittenConversion(layout.meta, written, info, outPath, toBdf, "a BrainVision recording");
    report.durationSec = static_cast<double>(frames) / fs;
    report.streamed = true;
    return true;
}

}  // namespace emg::io::detail

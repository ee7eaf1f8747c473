#include "summary_builder.h"

#include "edf_stream_reader.h"

#include <emg/io/safe_file_writer.h>
#include <emg/review/paged_recording.h>

#include <algorithm>
#include <climits>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace emg::review::detail {

namespace {
// Bins kept per channel and level before they are written (8 bytes each).
constexpr std::size_t kFlushBins = 8192;

struct LevelAccumulator {
    std::int32_t min = INT32_MAX, max = INT32_MIN;
    std::int64_t filled = 0;                 // samples in the open bin
    std::vector<std::int32_t> pending;       // (min, max) pairs not yet written
    std::uint64_t written = 0;               // bins written
};

// min and max of `n` samples starting at `p`
template <bool Bdf>
void minMaxOf(const std::uint8_t* p, std::size_t n, std::int32_t& lo, std::int32_t& hi) {
    std::int32_t a = INT32_MAX, b = INT32_MIN;
    if constexpr (Bdf) {
        for (std::size_t i = 0; i < n; ++i, p += 3) {
            std::int32_t v = static_cast<std::int32_t>(p[0] | (p[1] << 8) | (p[2] << 16));
            v = (v ^ 0x800000) - 0x800000;   // sign-extend 24 bits
            a = std::min(a, v);
            b = std::max(b, v);
        }
    } else {
        std::int16_t lo16 = INT16_MAX, hi16 = INT16_MIN;
        std::size_t i = 0;
#if defined(__SSE2__)
        if (n >= 8) {   // eight 16-bit samples per step (SSE2 is part of every x86-64)
            __m128i vlo = _mm_set1_epi16(INT16_MAX), vhi = _mm_set1_epi16(INT16_MIN);
            for (; i + 8 <= n; i += 8) {
                const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2 * i));
                vlo = _mm_min_epi16(vlo, v);
                vhi = _mm_max_epi16(vhi, v);
            }
            alignas(16) std::int16_t l[8], h[8];
            _mm_store_si128(reinterpret_cast<__m128i*>(l), vlo);
            _mm_store_si128(reinterpret_cast<__m128i*>(h), vhi);
            for (int j = 0; j < 8; ++j) {
                lo16 = std::min(lo16, l[j]);
                hi16 = std::max(hi16, h[j]);
            }
        }
#endif
        for (; i < n; ++i) {
            std::int16_t v;
            std::memcpy(&v, p + 2 * i, 2);
            lo16 = std::min(lo16, v);
            hi16 = std::max(hi16, v);
        }
        a = lo16;
        b = hi16;
    }
    lo = a;
    hi = b;
}

class Builder {
public:
    Builder(const SummaryLayout& layout, io::SafeFileWriter& writer)
        : layout_(layout), writer_(writer), acc_(layout.storedSamples.size(), std::vector<LevelAccumulator>(layout.samplesPerBin.size())) {}

    void add(std::size_t channel, std::int32_t lo, std::int32_t hi, std::int64_t n) {
        auto& a = acc_[channel][0];
        a.min = std::min(a.min, lo);
        a.max = std::max(a.max, hi);
        a.filled += n;
        if (a.filled == layout_.samplesPerBin[0]) close(channel, 0);
    }
    /// Room left in the open finest bin of `channel`.
    std::int64_t room(std::size_t channel) const { return layout_.samplesPerBin[0] - acc_[channel][0].filled; }

    void finish() {
        for (std::size_t c = 0; c < acc_.size(); ++c)
            for (std::size_t l = 0; l < layout_.samplesPerBin.size(); ++l)
                if (acc_[c][l].filled > 0) close(c, l);
        for (std::size_t c = 0; c < acc_.size(); ++c)
            for (std::size_t l = 0; l < layout_.samplesPerBin.size(); ++l) flush(c, l);
    }

private:
    void close(std::size_t c, std::size_t l) {
        auto& a = acc_[c][l];
        a.pending.push_back(a.min);
        a.pending.push_back(a.max);
        if (l + 1 < layout_.samplesPerBin.size()) {
            auto& up = acc_[c][l + 1];
            up.min = std::min(up.min, a.min);
            up.max = std::max(up.max, a.max);
            up.filled += a.filled;
            if (up.filled == layout_.samplesPerBin[l + 1]) close(c, l + 1);
        }
        a.min = INT32_MAX;
        a.max = INT32_MIN;
        a.filled = 0;
        if (a.pending.size() >= 2 * kFlushBins) flush(c, l);
    }
    void flush(std::size_t c, std::size_t l) {
        auto& a = acc_[c][l];
        if (a.pending.empty()) return;
        const std::uint64_t bins = a.pending.size() / 2;
        if (a.written + bins > layout_.binCount(l, c)) throw std::logic_error("summary: more bins than the layout holds");
        writer_.writeAt(layout_.dataOffset(l, c) + a.written * 8, a.pending.data(), a.pending.size() * sizeof(std::int32_t));
        a.written += bins;
        a.pending.clear();
    }

    const SummaryLayout& layout_;
    io::SafeFileWriter& writer_;
    std::vector<std::vector<LevelAccumulator>> acc_;
};
}  // namespace

bool buildSummaryBins(io::detail::EdfStreamReader& stream, const std::vector<SummaryChannelSlot>& channels,
                      const SummaryLayout& layout, io::SafeFileWriter& writer, std::size_t chunkBytes,
                      const std::atomic<bool>& cancel, const std::function<void(double)>& progress) {
    const std::size_t recordBytes = stream.recordBytes();
    const std::size_t perChunk = std::max<std::size_t>(1, chunkBytes / std::max<std::size_t>(1, recordBytes));
    std::vector<std::uint8_t> chunk(perChunk * recordBytes);
    const bool bdf = stream.header().bdf;
    const std::size_t bps = bdf ? 3 : 2;
    Builder builder(layout, writer);
    const std::int64_t total = stream.records();
    std::int64_t done = 0;
    while (done < total) {
        if (cancel.load(std::memory_order_relaxed)) return false;
        const std::size_t got = stream.readRecords(chunk.data(), perChunk);
        if (got == 0) break;
        for (std::size_t r = 0; r < got; ++r) {
            const std::uint8_t* rec = chunk.data() + r * recordBytes;
            for (std::size_t c = 0; c < channels.size(); ++c) {
                const std::uint8_t* p = rec + channels[c].byteOffset;
                std::int64_t left = channels[c].samplesPerRecord;
                while (left > 0) {
                    const std::int64_t n = std::min(left, builder.room(c));
                    std::int32_t lo, hi;
                    if (bdf) minMaxOf<true>(p, static_cast<std::size_t>(n), lo, hi);
                    else minMaxOf<false>(p, static_cast<std::size_t>(n), lo, hi);
                    builder.add(c, lo, hi, n);
                    p += static_cast<std::size_t>(n) * bps;
                    left -= n;
                }
            }
        }
        done += static_cast<std::int64_t>(got);
        if (progress) progress(static_cast<double>(done) / static_cast<double>(std::max<std::int64_t>(1, total)));
    }
    builder.finish();
    return true;
}

bool buildSummaryBinsPaged(PagedRecording& reader, const SummaryLayout& layout, io::SafeFileWriter& writer,
                           const std::atomic<bool>& cancel, const std::function<void(double)>& progress) {
    const auto& channels = reader.channels();
    Builder builder(layout, writer);
    std::vector<std::vector<std::int32_t>> buffers(channels.size());
    std::vector<PagedRecording::DigitalSpan> spans(channels.size());
    const std::int64_t total = reader.records();
    for (std::int64_t r = 0; r < total; ++r) {
        if (cancel.load(std::memory_order_relaxed)) return false;
        for (std::size_t c = 0; c < channels.size(); ++c) {
            const auto& ch = channels[c];
            const std::int64_t first = std::min(ch.storedSamples, r * ch.samplesPerRecord);
            const std::int64_t last = std::min(ch.storedSamples, (r + 1) * ch.samplesPerRecord);
            buffers[c].resize(static_cast<std::size_t>(last - first));
            spans[c] = {c, first, buffers[c].size(), buffers[c].data()};
        }
        reader.readDigital(spans);
        for (std::size_t c = 0; c < channels.size(); ++c) {
            const std::int32_t* p = buffers[c].data();
            std::int64_t left = static_cast<std::int64_t>(buffers[c].size());
            while (left > 0) {
                const std::int64_t n = std::min(left, builder.room(c));
                const auto [lo, hi] = std::minmax_element(p, p + n);
                builder.add(c, *lo, *hi, n);
                p += n;
                left -= n;
            }
        }
        if (progress) progress(static_cast<double>(r + 1) / static_cast<double>(std::max<std::int64_t>(1, total)));
    }
    builder.finish();
    return true;
}

}  // namespace emg::review::detail

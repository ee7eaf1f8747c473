#include <emg/review/paged_edf_reader.h>

#include "edf_header.h"
#include "edf_labels.h"
#include "edf_stream_reader.h"
#include "digital_fold.h"
#include "file_bytes.h"
#include "pread_exact.h"
#include "record_cache.h"
#include "sample_decode.h"
#include "span_checks.h"
#include "tal.h"
#include "units.h"

#include <emg/io/recording_io.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include <sys/stat.h>
#include <unistd.h>

namespace emg::review {

namespace {
// Record onsets read for EDF+D time lookups are remembered up to this many (8 bytes each).
constexpr std::size_t kMaxRememberedOnsets = std::size_t{1} << 16;
// Tolerance in samples when a time falls exactly on a sample (times are sums of doubles).
constexpr double kSampleTolerance = 1e-6;
}  // namespace

struct PagedEdfReader::Impl {
    std::filesystem::path path;
    std::string name;
    int fd = -1;
    io::detail::EdfHeader header;
    std::int64_t records = 0;
    std::size_t recordBytes = 0;
    std::vector<ChannelInfo> channels;
    std::vector<std::size_t> channelByteOffset;   // within a record
    std::vector<std::size_t> annotationByteOffset, annotationBytes;
    std::vector<std::string> warnings;
    std::string startIso;
    detail::RecordCache cache;
    std::uint64_t reads = 0;
    bool haveFirstOnset = false;
    double firstOnsetSec = 0.0;
    bool warnedNoTimeKeeping = false;
    std::unordered_map<std::int64_t, double> onsets;   // EDF+D, relative to the first record
    double fastestRateHz = 0.0;

    Impl(const std::filesystem::path& p, const PagedReaderOptions& options, const io::detail::EdfStreamReader& parsed)
        : path(p), name(p.string()), header(parsed.header()), records(parsed.records()), recordBytes(parsed.recordBytes()),
          warnings(parsed.warnings()), cache(parsed.recordBytes(), options.cacheBytes) {}

    ~Impl() {
        if (fd >= 0) ::close(fd);
    }

    std::uint64_t recordOffset(std::int64_t r) const {
        return header.headerBytes() + static_cast<std::uint64_t>(r) * recordBytes;
    }

    const std::uint8_t* record(std::int64_t r) {
        if (const auto* hit = cache.find(r)) return hit;
        std::uint8_t* buffer = cache.insert(r);
        try {
            detail::preadExact(fd, buffer, recordBytes, recordOffset(r), name);
        } catch (...) {
            cache.drop(r);
            throw;
        }
        ++reads;
        return buffer;
    }

    // The TALs of annotation signal `k` in record r (read apart from the record cache: small).
    std::vector<io::detail::Tal> tals(std::int64_t r, std::size_t k, std::vector<std::string>& talWarnings) {
        std::vector<std::uint8_t> bytes(annotationBytes[k]);
        detail::preadExact(fd, bytes.data(), bytes.size(), recordOffset(r) + annotationByteOffset[k], name);
        return io::detail::parseTals(bytes.data(), bytes.size(), talWarnings);
    }

    // The time-keeping TAL's onset of record r (absolute, as in the file), or NaN.
    double timeKeepingOnset(std::int64_t r) {
        if (annotationByteOffset.empty() || !header.isPlus()) return std::nan("");
        std::vector<std::string> ignored;
        const auto t = tals(r, 0, ignored);
        if (!t.empty() && !t.front().texts.empty() && t.front().texts.front().empty()) return t.front().onsetSec;
        return std::nan("");
    }

    double firstOnset() {
        if (!haveFirstOnset) {
            haveFirstOnset = true;
            if (records > 0) {
                const double t = timeKeepingOnset(0);
                firstOnsetSec = std::isfinite(t) ? t : 0.0;
            }
        }
        return firstOnsetSec;
    }

    double onset(std::int64_t r) {
        if (r < 0 || r >= records) throw std::out_of_range(name + ": data record " + std::to_string(r) + " outside 0.." + std::to_string(records - 1));
        const double regular = static_cast<double>(r) * header.recordDurationSec;
        if (!header.isDiscontinuous() || r == 0) return regular;
        if (const auto it = onsets.find(r); it != onsets.end()) return it->second;
        const double base = firstOnset();
        const double t = timeKeepingOnset(r);
        double value = regular;
        if (std::isfinite(t)) {
            value = t - base;
        } else if (!warnedNoTimeKeeping) {
            warnedNoTimeKeeping = true;
            warnings.push_back("data record " + std::to_string(r) + " has no time-keeping annotation; placed after the previous");
        }
        if (onsets.size() >= kMaxRememberedOnsets) onsets.clear();
        onsets.emplace(r, value);
        return value;
    }

    std::int64_t recordAt(double t) {
        if (std::isnan(t)) throw std::invalid_argument(name + ": a time that is not a number");
        if (records == 0) return -1;
        const double tol = fastestRateHz > 0 ? kSampleTolerance / fastestRateHz : 0.0;
        if (t + tol < 0) return -1;
        if (!header.isDiscontinuous()) {
            const double d = header.recordDurationSec;
            if (!(d > 0)) return 0;
            const double q = std::floor((t + tol) / d);   // compared as a double: t may be huge
            return q >= static_cast<double>(records - 1) ? records - 1 : static_cast<std::int64_t>(q);
        }
        std::int64_t lo = 0, hi = records - 1;   // last r with onset(r) <= t
        while (lo < hi) {
            const std::int64_t mid = lo + (hi - lo + 1) / 2;
            if (onset(mid) <= t + tol) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    std::int64_t storedSampleAt(std::size_t c, double t) {
        const auto& ch = channels.at(c);
        const std::int64_t r = recordAt(t);
        if (r < 0) return 0;
        const double i = std::ceil((t - onset(r)) * ch.sampleRateHz - kSampleTolerance);
        if (!(i < static_cast<double>(ch.samplesPerRecord))) return std::min(ch.storedSamples, (r + 1) * ch.samplesPerRecord);
        return r * ch.samplesPerRecord + (i > 0 ? static_cast<std::int64_t>(i) : 0);
    }

    bool adjacent(std::int64_t r, double halfSampleSec) {
        // record r + 1 starts where r ends (overlaps are read as adjacent: appended, as parseEdf does)
        return onset(r + 1) <= onset(r) + header.recordDurationSec + halfSampleSec;
    }
};

PagedEdfReader::PagedEdfReader(const std::filesystem::path& path, PagedReaderOptions options) {
    io::detail::EdfStreamReader parsed(path);   // header checks and record count exactly as the streaming reader
    impl_ = std::make_unique<Impl>(path, options, parsed);
    auto& m = *impl_;
    m.fd = io::detail::openRegularFile(path);
    const auto& h = m.header;
    m.startIso = io::detail::isoFromEdfHeader(h);
    std::size_t byteOffset = 0;
    for (std::size_t i = 0; i < h.signals.size(); ++i) {
        const auto& s = h.signals[i];
        const std::size_t bytes = static_cast<std::size_t>(s.samplesPerRecord) * h.bytesPerSample();
        if (s.isAnnotation()) {
            m.annotationByteOffset.push_back(byteOffset);
            m.annotationBytes.push_back(bytes);
        } else {
            ChannelInfo c;
            c.signalIndex = i;
            c.label = s.label;
            c.sampleRateHz = static_cast<double>(s.samplesPerRecord) / h.recordDurationSec;
            c.samplesPerRecord = s.samplesPerRecord;
            c.storedSamples = m.records * s.samplesPerRecord;
            c.digitalMin = s.digitalMin;
            c.digitalMax = s.digitalMax;
            const double toUv = io::detail::microvoltsPerUnit(s.physicalDimension);
            c.physicalUnit = toUv > 0 ? "uV" : s.physicalDimension;
            const double f = toUv > 0 ? toUv : 1.0;
            c.gain = s.gain() * f;
            c.offset = s.offset() * f;
            m.fastestRateHz = std::max(m.fastestRateHz, c.sampleRateHz);
            m.channels.push_back(std::move(c));
            m.channelByteOffset.push_back(byteOffset);
        }
        byteOffset += bytes;
    }
}

PagedEdfReader::~PagedEdfReader() = default;

const std::filesystem::path& PagedEdfReader::path() const noexcept { return impl_->path; }
bool PagedEdfReader::isBdf() const noexcept { return impl_->header.bdf; }
bool PagedEdfReader::isPlus() const noexcept { return impl_->header.isPlus(); }
bool PagedEdfReader::isDiscontinuous() const noexcept { return impl_->header.isDiscontinuous(); }
std::int64_t PagedEdfReader::records() const noexcept { return impl_->records; }
double PagedEdfReader::recordDurationSec() const noexcept { return impl_->header.recordDurationSec; }
std::size_t PagedEdfReader::recordBytes() const noexcept { return impl_->recordBytes; }
const std::vector<ChannelInfo>& PagedEdfReader::channels() const noexcept { return impl_->channels; }
const std::string& PagedEdfReader::startDateTime() const noexcept { return impl_->startIso; }
const std::vector<std::string>& PagedEdfReader::warnings() const noexcept { return impl_->warnings; }

namespace {
/// What the whole-file reader calls a trigger or stimulus channel (by its label).
bool triggerLabel(std::string label) {
    for (char& c : label) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return label.find("trigger") != std::string::npos || label.rfind("status", 0) == 0 || label.rfind("stim", 0) == 0;
}
}  // namespace

Recording PagedEdfReader::describe() const {
    const auto& m = *impl_;
    Recording rec;
    rec.patientId = m.header.patient;
    rec.recordingId = m.header.recording;
    rec.startDateTime = m.startIso;
    for (const ChannelInfo& ci : m.channels) {
        const auto& signal = m.header.signals.at(ci.signalIndex);
        RecordedChannel ch;
        auto split = io::detail::splitStandardLabel(signal.label);
        ch.label = std::move(split.specification);
        ch.signalType = std::move(split.type);
        ch.transducer = signal.transducer;
        ch.prefilter = signal.prefilter;
        ch.physicalUnit = ci.physicalUnit;
        ch.sampleRateHz = ci.sampleRateHz;
        ch.isAnnotationOrTrigger = triggerLabel(signal.label);
        rec.channels.push_back(std::move(ch));
    }
    return rec;
}
std::size_t PagedEdfReader::cachedBytes() const noexcept { return impl_->cache.bytes(); }
std::uint64_t PagedEdfReader::recordReads() const noexcept { return impl_->reads; }

void PagedEdfReader::setCompleteRecords(std::int64_t completeRecords) {
    auto& m = *impl_;
    if (completeRecords <= m.records) return;
    struct stat st {};
    if (::fstat(m.fd, &st) != 0) throw std::runtime_error(m.name + ": cannot stat: " + std::strerror(errno));
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const std::uint64_t header = m.recordOffset(0);
    if (size < m.recordOffset(completeRecords))
        throw std::runtime_error(m.name + ": the writer reports " + std::to_string(completeRecords) + " complete records, the file holds " +
                                 std::to_string((size - std::min(size, header)) / m.recordBytes));
    m.records = completeRecords;
    for (auto& c : m.channels) c.storedSamples = m.records * c.samplesPerRecord;
}

double PagedEdfReader::recordOnsetSec(std::int64_t record) { return impl_->onset(record); }

double PagedEdfReader::durationSec() {
    if (impl_->records == 0) return 0.0;
    return impl_->onset(impl_->records - 1) + impl_->header.recordDurationSec;
}

std::int64_t PagedEdfReader::recordAt(double tSec) { return impl_->recordAt(tSec); }

std::int64_t PagedEdfReader::storedSampleAt(std::size_t channel, double tSec) { return impl_->storedSampleAt(channel, tSec); }

double PagedEdfReader::timeOfStoredSample(std::size_t channel, std::int64_t index) {
    const auto& ch = impl_->channels.at(channel);
    detail::checkStoredSample(impl_->name, ch, index);
    const std::int64_t r = index / ch.samplesPerRecord;
    return impl_->onset(r) + static_cast<double>(index - r * ch.samplesPerRecord) / ch.sampleRateHz;
}

void PagedEdfReader::readDigital(std::size_t channel, std::int64_t first, std::size_t count, std::int32_t* out) {
    auto& m = *impl_;
    detail::checkSpan(m.name, m.channels, channel, first, count);
    const auto& ch = m.channels[channel];
    const std::size_t bps = m.header.bytesPerSample();
    std::int64_t k = first;
    std::size_t done = 0;
    while (done < count) {
        const std::int64_t r = k / ch.samplesPerRecord;
        const std::int64_t i = k - r * ch.samplesPerRecord;
        const auto n = static_cast<std::size_t>(std::min<std::int64_t>(ch.samplesPerRecord - i, static_cast<std::int64_t>(count - done)));
        const std::uint8_t* rec = m.record(r);
        detail::decodeSamples(rec + m.channelByteOffset[channel] + static_cast<std::size_t>(i) * bps, n, m.header.bdf, out + done);
        done += n;
        k += static_cast<std::int64_t>(n);
    }
}

void PagedEdfReader::readDigital(const std::vector<DigitalSpan>& spans) {
    auto& m = *impl_;
    const auto range = detail::recordsOfSpans(m.name, m.channels, spans, m.records);
    const std::size_t bps = m.header.bytesPerSample();
    for (std::int64_t r = range.first; r <= range.last; ++r) {
        const std::uint8_t* rec = nullptr;
        for (const auto& s : spans) {
            const auto& ch = m.channels[s.channel];
            const std::int64_t lo = std::max(s.first, r * ch.samplesPerRecord);
            const std::int64_t hi = std::min(s.first + static_cast<std::int64_t>(s.count), (r + 1) * ch.samplesPerRecord);
            if (hi <= lo) continue;
            if (!rec) rec = m.record(r);
            const std::int64_t i0 = lo - r * ch.samplesPerRecord;
            detail::decodeSamples(rec + m.channelByteOffset[s.channel] + static_cast<std::size_t>(i0) * bps, static_cast<std::size_t>(hi - lo),
                                  m.header.bdf, s.out + (lo - s.first));
        }
    }
}

void PagedEdfReader::readDigitalMinMax(const std::vector<DigitalColumns>& spans) {
    auto& m = *impl_;
    std::vector<DigitalSpan> asSpans;   // for the checks and the records to read
    for (const auto& s : spans) {
        std::fill(s.min, s.min + s.columns, std::numeric_limits<std::int32_t>::max());
        std::fill(s.max, s.max + s.columns, std::numeric_limits<std::int32_t>::min());
        const std::int64_t first = s.columns ? s.edges[0] : 0, last = s.columns ? s.edges[s.columns] : 0;
        asSpans.push_back({s.channel, first, static_cast<std::size_t>(std::max<std::int64_t>(0, last - first)), nullptr});
    }
    const auto range = detail::recordsOfSpans(m.name, m.channels, asSpans, m.records);
    const std::size_t bps = m.header.bytesPerSample();
    std::vector<std::size_t> column(spans.size(), 0);   // each span's column at the current record
    for (std::int64_t r = range.first; r <= range.last; ++r) {
        const std::uint8_t* rec = nullptr;
        for (std::size_t w = 0; w < spans.size(); ++w) {
            const auto& s = spans[w];
            if (asSpans[w].count == 0) continue;
            const std::int64_t per = m.channels[s.channel].samplesPerRecord;
            std::int64_t k = std::max(s.edges[0], r * per);
            const std::int64_t hi = std::min(s.edges[s.columns], (r + 1) * per);
            if (hi <= k) continue;
            if (!rec) rec = m.record(r);
            const std::uint8_t* base = rec + m.channelByteOffset[s.channel];
            std::size_t j = column[w];
            while (k < hi) {
                while (j < s.columns && s.edges[j + 1] <= k) ++j;
                if (j >= s.columns) break;
                const std::int64_t e = std::min(hi, s.edges[j + 1]);
                detail::foldDigital(base + static_cast<std::size_t>(k - r * per) * bps, static_cast<std::size_t>(e - k), m.header.bdf,
                                    s.min[j], s.max[j]);
                k = e;
            }
            column[w] = j;
        }
    }
}

std::vector<double> PagedEdfReader::readSamples(std::size_t channel, std::int64_t first, std::size_t count) {
    std::vector<std::int32_t> digital(count);
    readDigital(channel, first, count, digital.data());
    const auto& ch = impl_->channels[channel];
    std::vector<double> out(count);
    for (std::size_t i = 0; i < count; ++i) out[i] = ch.physical(digital[i]);
    return out;
}

namespace {
// physical values of `n` samples at `src`
template <bool Bdf>
void toPhysical(const std::uint8_t* src, std::size_t n, double gain, double offset, double* out) noexcept {
    if constexpr (Bdf) {
        for (std::size_t i = 0; i < n; ++i) out[i] = detail::decodeBdfSample(src + 3 * i) * gain + offset;
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            std::int16_t v;
            std::memcpy(&v, src + 2 * i, 2);
            out[i] = v * gain + offset;
        }
    }
}
}  // namespace

void PagedEdfReader::readPage(double startSec, double durationSec, const std::vector<std::size_t>& channels, Page& page) {
    auto& m = *impl_;
    page.startSec = startSec;
    page.durationSec = durationSec;
    page.gaps.clear();
    std::vector<std::size_t> wanted = channels;
    if (wanted.empty())
        for (std::size_t c = 0; c < m.channels.size(); ++c) wanted.push_back(c);
    const double endSec = startSec + std::max(0.0, durationSec);
    // the stored samples of each channel in the span
    std::vector<std::int64_t> from(wanted.size()), to(wanted.size());
    std::vector<std::size_t> cursor(wanted.size(), 0);
    std::int64_t firstRecord = m.records, lastRecord = -1;
    page.channels.resize(wanted.size());
    for (std::size_t w = 0; w < wanted.size(); ++w) {
        const std::size_t c = wanted[w];
        if (c >= m.channels.size())
            throw std::out_of_range(m.name + ": channel " + std::to_string(c) + " of " + std::to_string(m.channels.size()));
        const auto& ch = m.channels[c];
        from[w] = m.storedSampleAt(c, startSec);
        to[w] = std::max(from[w], m.storedSampleAt(c, endSec));
        auto& cp = page.channels[w];   // buffers of a page passed in again are reused
        cp.channel = c;
        cp.sampleRateHz = ch.sampleRateHz;
        cp.runs.clear();
        if (to[w] > from[w]) {
            firstRecord = std::min(firstRecord, from[w] / ch.samplesPerRecord);
            lastRecord = std::max(lastRecord, (to[w] - 1) / ch.samplesPerRecord);
        }
    }
    std::int64_t total = 0;
    for (std::size_t w = 0; w < wanted.size(); ++w) total += to[w] - from[w];
    if (total > kMaxPageSamples)
        throw std::length_error(m.name + ": a page of " + std::to_string(total) + " samples is more than the " +
                                std::to_string(kMaxPageSamples) + " one page may hold: ask for a shorter span or fewer channels");
    for (std::size_t w = 0; w < wanted.size(); ++w) page.channels[w].values.resize(static_cast<std::size_t>(to[w] - from[w]));
    // record by record (each read once), every channel's part of it
    const std::size_t bps = m.header.bytesPerSample();
    std::vector<std::int64_t> previousRecord(wanted.size(), -2);
    for (std::int64_t r = firstRecord; r <= lastRecord; ++r) {
        const std::uint8_t* rec = m.record(r);
        for (std::size_t w = 0; w < wanted.size(); ++w) {
            const auto& ch = m.channels[wanted[w]];
            const std::int64_t lo = std::max(from[w], r * ch.samplesPerRecord);
            const std::int64_t hi = std::min(to[w], (r + 1) * ch.samplesPerRecord);
            if (hi <= lo) continue;
            const auto n = static_cast<std::size_t>(hi - lo);
            const std::int64_t i0 = lo - r * ch.samplesPerRecord;
            auto& cp = page.channels[w];
            const std::uint8_t* src = rec + m.channelByteOffset[wanted[w]] + static_cast<std::size_t>(i0) * bps;
            if (m.header.bdf) toPhysical<true>(src, n, ch.gain, ch.offset, cp.values.data() + cursor[w]);
            else toPhysical<false>(src, n, ch.gain, ch.offset, cp.values.data() + cursor[w]);
            const bool extend = previousRecord[w] == r - 1 && !cp.runs.empty() &&
                                (!m.header.isDiscontinuous() || m.adjacent(r - 1, 0.5 / ch.sampleRateHz));
            if (!extend)
                cp.runs.push_back({m.onset(r) + static_cast<double>(i0) / ch.sampleRateHz, cursor[w], 0, lo});
            cp.runs.back().count += n;
            cursor[w] += n;
            previousRecord[w] = r;
        }
    }
    // holes between records inside the span
    if (m.header.isDiscontinuous() && m.records > 1 && endSec > startSec) {
        const double halfSample = m.fastestRateHz > 0 ? 0.5 / m.fastestRateHz : 0.0;
        for (std::int64_t r = std::max<std::int64_t>(0, m.recordAt(startSec)); r + 1 < m.records; ++r) {
            const double end = m.onset(r) + m.header.recordDurationSec;
            if (end >= endSec) break;
            const double next = m.onset(r + 1);
            if (next > end + halfSample) {
                const double a = std::max(startSec, end), b = std::min(endSec, next);
                if (b > a) page.gaps.push_back({a, b - a});
            }
            if (next >= endSec) break;
        }
    }
}

std::vector<TimedAnnotation> PagedEdfReader::annotationsInRecords(std::int64_t firstRecord, std::int64_t lastRecord) {
    auto& m = *impl_;
    std::vector<TimedAnnotation> out;
    if (m.annotationByteOffset.empty() || m.records == 0) return out;
    firstRecord = std::max<std::int64_t>(0, firstRecord);
    lastRecord = std::min(lastRecord, m.records - 1);
    const double base = m.firstOnset();
    std::vector<std::string> talWarnings;
    for (std::int64_t r = firstRecord; r <= lastRecord; ++r) {
        for (std::size_t k = 0; k < m.annotationByteOffset.size(); ++k) {
            auto tals = m.tals(r, k, talWarnings);
            for (std::size_t t = 0; t < tals.size(); ++t) {
                auto& tal = tals[t];
                const bool timeKeeping = k == 0 && t == 0 && !tal.texts.empty() && tal.texts.front().empty();
                for (std::size_t x = timeKeeping ? 1 : 0; x < tal.texts.size(); ++x)
                    if (!tal.texts[x].empty()) out.push_back({tal.onsetSec - base, tal.durationSec, std::move(tal.texts[x])});
            }
        }
    }
    return out;
}

}  // namespace emg::review

// PagedWfdbReader: a WFDB record read a block of frames at a time through the whole-file reader's
// own pieces (the checked header, the signal-file plan of WfdbSignalStreams, the format decoder).
#include <emg/review/paged_wfdb_reader.h>

#include "file_bytes.h"
#include "pread_exact.h"
#include "span_checks.h"
#include "wfdb_detail.h"
#include "wfdb_signal_streams.h"

#include <emg/io/recording_io.h>
#include <emg/review/paged_edf_reader.h>
#include <emg/io/wfdb.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <list>
#include <stdexcept>
#include <unordered_map>

#include <sys/stat.h>
#include <unistd.h>

namespace emg::review {

namespace {
constexpr double kSampleTolerance = 1e-6;   // in samples: a time exactly on a sample (sums of doubles)

int formatBits(int format) {
    switch (format) {
        case 8: case 80: return 8;
        case 212: return 12;
        case 310: case 311: return 10;
        case 24: return 24;
        case 32: return 32;
        default: return 16;
    }
}

/// One signal file of the record: where its frames are and how they are packed.
struct SignalFile {
    std::filesystem::path path;
    int fd = -1;
    int format = 16;
    std::uintmax_t startByte = 0, availableBytes = 0;
    long long frames = 0;            ///< whole frames the file holds (within the header's bound)
    std::size_t samplesPerFrame = 0; ///< over its signals
    std::vector<int> members;        ///< header indices, in frame order
    int minSkew = 0, maxSkew = 0;
};

/// How signal i is read: from which file, shifted by its skew, with which baseline.
struct SignalPlan {
    int file = -1;                   ///< -1: a null signal (its baseline everywhere: digital 0)
    std::size_t member = 0;
    long long samplesPerFrame = 1;
    long long shift = 0;             ///< value t is the file's sample t + shift of this signal
    long long storedInFile = 0;      ///< this signal's samples in the file
    std::int32_t baseline = 0;
};

/// A decoded block: per channel, the digital values (ADC - baseline) of its samples in the block.
using Block = std::vector<std::vector<std::int32_t>>;
}  // namespace

struct PagedWfdbReader::Impl {
    std::filesystem::path path, checksumPath;
    std::string name;
    io::WfdbHeader header;
    io::WfdbHeader decodeHeader;   // byte offsets 0: blocks are decoded from their first byte
    Recording outline;
    std::vector<ChannelInfo> channels;
    std::vector<SignalPlan> plans;
    std::vector<SignalFile> files;
    std::vector<std::string> warnings;
    std::vector<TimedAnnotation> annotations;
    std::int64_t blockFrames = 6, records = 0;
    double frameRateHz = 250.0, durationSec = 0.0;
    std::size_t blockBytes = 0, capacity = 1;
    std::list<std::pair<std::int64_t, Block>> lru;   // front = most recently used
    std::unordered_map<std::int64_t, std::list<std::pair<std::int64_t, Block>>::iterator> index;
    std::uint64_t reads = 0;
    std::vector<std::uint8_t> bytes;
    std::vector<std::int32_t> scratch;

    ~Impl() {
        for (auto& f : files)
            if (f.fd >= 0) ::close(f.fd);
    }

    void planFiles(const io::detail::WfdbSignalStreams& streams);
    Block decode(std::int64_t r);
    const Block& block(std::int64_t r);
};

void PagedWfdbReader::Impl::planFiles(const io::detail::WfdbSignalStreams& streams) {
    plans.resize(header.signals.size());
    for (const auto& g : streams.groups()) {
        if (g.null) continue;
        const auto& first = header.signals[static_cast<std::size_t>(g.signals.front())];
        if (first.format == 8)
            throw io::FormatError(name + ": format 8 stores each sample as a difference from the one before: it cannot be read page "
                                         "by page (replay it, or convert it with emgws-cli convert)");
        SignalFile f;
        f.path = path.parent_path() / first.fileName;
        f.format = first.format;
        f.startByte = static_cast<std::uintmax_t>(first.byteOffset);
        f.members = g.signals;
        long long maxSkew = 0;
        for (int idx : g.signals) {
            const auto& s = header.signals[static_cast<std::size_t>(idx)];
            f.samplesPerFrame += static_cast<std::size_t>(s.samplesPerFrame);
            f.minSkew = std::min(f.minSkew, s.skew);
            f.maxSkew = std::max(f.maxSkew, s.skew);
            maxSkew = std::max<long long>(maxSkew, s.skew);
        }
        // the frames the file holds, bounded as the whole-file reader bounds them
        const auto bound = io::detail::wfdbSignalFileBound(first, header.samplesPerSignal, maxSkew, static_cast<long long>(f.samplesPerFrame));
        f.fd = io::detail::openRegularFile(f.path);
        struct stat st {};
        if (::fstat(f.fd, &st) != 0) throw io::FormatError(f.path.string() + ": cannot stat");
        f.availableBytes = std::min(static_cast<std::uintmax_t>(st.st_size), bound.maxBytes);
        const long long present = static_cast<long long>(io::detail::wfdbStreamSamples(
                                      f.format, static_cast<std::size_t>(f.availableBytes - std::min(f.availableBytes, f.startByte)))) /
                                  static_cast<long long>(f.samplesPerFrame);
        f.frames = bound.wantFrames >= 0 ? std::min(present, bound.wantFrames) : present;
        const int fileIndex = static_cast<int>(files.size());
        for (std::size_t k = 0; k < g.signals.size(); ++k) {
            const auto i = static_cast<std::size_t>(g.signals[k]);
            const auto& s = header.signals[i];
            auto& p = plans[i];
            p.file = fileIndex;
            p.member = k;
            p.samplesPerFrame = s.samplesPerFrame;
            p.shift = static_cast<long long>(s.skew) * s.samplesPerFrame;
            p.storedInFile = f.frames * s.samplesPerFrame;
        }
        if (checksumPath.empty()) checksumPath = f.path;
        files.push_back(std::move(f));
    }
    for (std::size_t i = 0; i < header.signals.size(); ++i) {
        plans[i].baseline = static_cast<std::int32_t>(header.signals[i].baseline);
        plans[i].samplesPerFrame = header.signals[i].samplesPerFrame;
    }
}

Block PagedWfdbReader::Impl::decode(std::int64_t r) {
    Block out(channels.size());
    for (std::size_t i = 0; i < channels.size(); ++i) {
        const auto& ch = channels[i];
        const std::int64_t first = r * ch.samplesPerRecord;
        out[i].assign(static_cast<std::size_t>(std::max<std::int64_t>(0, std::min(ch.storedSamples, first + ch.samplesPerRecord) - first)), 0);
    }
    for (std::size_t fi = 0; fi < files.size(); ++fi) {
        const SignalFile& f = files[fi];
        // the file's frames this block needs (each signal shifted by its skew), from a whole packing unit
        long long lo = r * blockFrames + f.minSkew, hi = (r + 1) * blockFrames + f.maxSkew;
        lo = std::clamp(lo, 0LL, f.frames);
        hi = std::clamp(hi, lo, f.frames);
        lo = lo / 6 * 6;
        if (hi <= lo) continue;
        const auto spf = static_cast<double>(f.samplesPerFrame);
        const auto from = f.startByte + static_cast<std::uintmax_t>(io::detail::wfdbBytesForSamples(f.format, static_cast<double>(lo) * spf));
        const auto want = static_cast<std::uintmax_t>(io::detail::wfdbBytesForSamples(f.format, static_cast<double>(hi - lo) * spf));
        const std::size_t len = static_cast<std::size_t>(from >= f.availableBytes ? 0 : std::min(want, f.availableBytes - from));
        bytes.resize(len);
        detail::preadExact(f.fd, bytes.data(), len, from, f.path.string());
        std::size_t invalid = 0;
        const auto decoded = io::decodeWfdbSignalFile(decodeHeader, f.members, bytes.data(), len, hi - lo, invalid, f.path.string());
        for (std::size_t k = 0; k < f.members.size(); ++k) {
            const auto i = static_cast<std::size_t>(f.members[k]);
            const SignalPlan& p = plans[i];
            const auto& values = decoded[k];
            const long long base = lo * p.samplesPerFrame;   // stored index of values[0]
            auto& dst = out[i];
            const long long t0 = r * channels[i].samplesPerRecord;
            for (std::size_t j = 0; j < dst.size(); ++j) {
                const long long idx = t0 + static_cast<long long>(j) + p.shift - base;
                // before the file's first sample or past its last (skew): the baseline, as the reader fills it
                if (idx < 0 || idx >= static_cast<long long>(values.size()) || idx + base >= p.storedInFile) continue;
                dst[j] = static_cast<std::int32_t>(std::clamp<std::int64_t>(std::int64_t{values[static_cast<std::size_t>(idx)]} - p.baseline,
                                                                            INT32_MIN, INT32_MAX));
            }
        }
    }
    ++reads;
    return out;
}

const Block& PagedWfdbReader::Impl::block(std::int64_t r) {
    if (const auto it = index.find(r); it != index.end()) {
        lru.splice(lru.begin(), lru, it->second);
        return it->second->second;
    }
    Block b = decode(r);
    while (lru.size() >= capacity) {
        index.erase(lru.back().first);
        lru.pop_back();
    }
    lru.emplace_front(r, std::move(b));
    index[r] = lru.begin();
    return lru.front().second;
}

PagedWfdbReader::PagedWfdbReader(const std::filesystem::path& headerPath, PagedReaderOptions options) : impl_(std::make_unique<Impl>()) {
    auto& m = *impl_;
    m.path = headerPath;
    m.name = headerPath.string();
    if (io::detail::isWfdbMultiSegmentFile(headerPath))
        throw io::FormatError(m.name + ": a multi-segment WFDB record cannot be read page by page; replay or convert it");
    m.header = io::detail::readCheckedWfdbHeader(headerPath);
    io::detail::WfdbSignalStreams streams(m.header, headerPath.parent_path(), m.name);   // the reader's plan and frame counts
    if (streams.refusal())
        throw io::FormatError(m.name + ": this record cannot be read page by page (" + streams.refusal() + "); replay or convert it");
    m.warnings = streams.warnings();
    m.planFiles(streams);
    m.decodeHeader = m.header;
    for (auto& s : m.decodeHeader.signals) s.byteOffset = 0;
    m.frameRateHz = m.header.samplingFrequencyHz;
    // blocks of about a second, whole packing units (6 frames) of every format
    m.blockFrames = std::max<std::int64_t>(6, static_cast<std::int64_t>(std::llround(m.frameRateHz / 6.0)) * 6);

    io::detail::describeWfdbRecord(m.header, m.outline);
    m.outline.channels.resize(m.header.signals.size());
    long long frames = 0;
    std::size_t samplesPerBlock = 0;
    for (std::size_t i = 0; i < m.header.signals.size(); ++i) {
        const auto& s = m.header.signals[i];
        auto& rc = m.outline.channels[i];
        const double scale = io::detail::describeWfdbChannel(m.header, i, rc);
        ChannelInfo c;
        c.signalIndex = i;
        c.label = rc.label;
        c.physicalUnit = rc.physicalUnit;
        c.sampleRateHz = rc.sampleRateHz;
        c.samplesPerRecord = m.blockFrames * s.samplesPerFrame;
        c.storedSamples = streams.samples(i);
        const int bits = formatBits(s.format);
        const std::int64_t lo = bits >= 32 ? INT32_MIN : -(std::int64_t{1} << (bits - 1)), hi = bits >= 32 ? INT32_MAX : (std::int64_t{1} << (bits - 1)) - 1;
        c.digitalMin = static_cast<std::int32_t>(std::clamp<std::int64_t>(lo - s.baseline, INT32_MIN, INT32_MAX));
        c.digitalMax = static_cast<std::int32_t>(std::clamp<std::int64_t>(hi - s.baseline, INT32_MIN, INT32_MAX));
        c.gain = scale;
        c.offset = 0.0;
        frames = std::max(frames, streams.frames(i));
        if (c.sampleRateHz > 0) m.durationSec = std::max(m.durationSec, static_cast<double>(c.storedSamples) / c.sampleRateHz);
        samplesPerBlock += static_cast<std::size_t>(c.samplesPerRecord);
        m.channels.push_back(std::move(c));
    }
    m.records = (frames + m.blockFrames - 1) / m.blockFrames;
    m.blockBytes = samplesPerBlock * sizeof(std::int32_t);
    m.capacity = std::max<std::size_t>(1, options.cacheBytes / std::max<std::size_t>(1, m.blockBytes));
    io::detail::readWfdbAnnotationsBeside(headerPath, m.frameRateHz, m.durationSec, m.outline, m.warnings);
    for (auto& a : m.outline.annotations) m.annotations.push_back({a.onsetSec, a.durationSec, a.text});
    m.outline.annotations.clear();
}

PagedWfdbReader::~PagedWfdbReader() = default;

const std::filesystem::path& PagedWfdbReader::path() const noexcept { return impl_->path; }
const std::filesystem::path& PagedWfdbReader::checksumPath() const noexcept { return impl_->checksumPath; }
std::int64_t PagedWfdbReader::records() const noexcept { return impl_->records; }
double PagedWfdbReader::recordDurationSec() const noexcept { return static_cast<double>(impl_->blockFrames) / impl_->frameRateHz; }
std::int64_t PagedWfdbReader::framesPerBlock() const noexcept { return impl_->blockFrames; }
const std::vector<ChannelInfo>& PagedWfdbReader::channels() const noexcept { return impl_->channels; }
const std::string& PagedWfdbReader::startDateTime() const noexcept { return impl_->outline.startDateTime; }
const std::vector<std::string>& PagedWfdbReader::warnings() const noexcept { return impl_->warnings; }
Recording PagedWfdbReader::describe() const { return impl_->outline; }
std::size_t PagedWfdbReader::cachedBytes() const noexcept { return impl_->lru.size() * impl_->blockBytes; }
std::uint64_t PagedWfdbReader::recordReads() const noexcept { return impl_->reads; }

void PagedWfdbReader::setCompleteRecords(std::int64_t) {
    throw std::logic_error(impl_->name + ": a WFDB record is not read while it is written");
}

double PagedWfdbReader::recordOnsetSec(std::int64_t record) {
    if (record < 0 || record >= impl_->records)
        throw std::out_of_range(impl_->name + ": block " + std::to_string(record) + " outside 0.." + std::to_string(impl_->records - 1));
    return static_cast<double>(record * impl_->blockFrames) / impl_->frameRateHz;
}

double PagedWfdbReader::durationSec() { return impl_->durationSec; }

std::int64_t PagedWfdbReader::recordAt(double tSec) {
    const auto& m = *impl_;
    if (std::isnan(tSec)) throw std::invalid_argument(m.name + ": a time that is not a number");
    if (m.records == 0) return -1;
    const double t = tSec + kSampleTolerance / m.frameRateHz;
    if (t < 0) return -1;
    const double q = std::floor(t * m.frameRateHz / static_cast<double>(m.blockFrames));
    return q >= static_cast<double>(m.records - 1) ? m.records - 1 : static_cast<std::int64_t>(q);
}

std::int64_t PagedWfdbReader::storedSampleAt(std::size_t channel, double tSec) {
    const auto& ch = impl_->channels.at(channel);
    if (std::isnan(tSec)) throw std::invalid_argument(impl_->name + ": a time that is not a number");
    const double i = std::ceil(tSec * ch.sampleRateHz - kSampleTolerance);
    if (!(i > 0)) return 0;
    return i >= static_cast<double>(ch.storedSamples) ? ch.storedSamples : static_cast<std::int64_t>(i);
}

double PagedWfdbReader::timeOfStoredSample(std::size_t channel, std::int64_t index) {
    const auto& ch = impl_->channels.at(channel);
    detail::checkStoredSample(impl_->name, ch, index);
    return static_cast<double>(index) / ch.sampleRateHz;
}

void PagedWfdbReader::readDigital(const std::vector<DigitalSpan>& spans) {
    auto& m = *impl_;
    const auto blocks = detail::recordsOfSpans(m.name, m.channels, spans, m.records);
    for (std::int64_t r = blocks.first; r <= blocks.last; ++r) {
        const Block* b = nullptr;
        for (const auto& s : spans) {
            const auto& ch = m.channels[s.channel];
            const std::int64_t lo = std::max(s.first, r * ch.samplesPerRecord);
            const std::int64_t hi = std::min(s.first + static_cast<std::int64_t>(s.count), (r + 1) * ch.samplesPerRecord);
            if (hi <= lo) continue;
            if (!b) b = &m.block(r);
            const auto& values = (*b)[s.channel];
            std::copy(values.begin() + (lo - r * ch.samplesPerRecord), values.begin() + (hi - r * ch.samplesPerRecord), s.out + (lo - s.first));
        }
    }
}

void PagedWfdbReader::readPage(double startSec, double durationSec, const std::vector<std::size_t>& channels, Page& page) {
    auto& m = *impl_;
    if (std::isnan(startSec) || std::isnan(durationSec)) throw std::invalid_argument(m.name + ": a page time that is not a number");
    page.startSec = startSec;
    page.durationSec = durationSec;
    page.gaps.clear();
    std::vector<std::size_t> wanted = channels;
    if (wanted.empty())
        for (std::size_t c = 0; c < m.channels.size(); ++c) wanted.push_back(c);
    const double endSec = startSec + std::max(0.0, durationSec);
    std::vector<DigitalSpan> spans;
    std::int64_t total = 0;
    for (std::size_t c : wanted) {
        if (c >= m.channels.size()) throw std::out_of_range(m.name + ": channel " + std::to_string(c) + " of " + std::to_string(m.channels.size()));
        const std::int64_t from = storedSampleAt(c, startSec), to = std::max(from, storedSampleAt(c, endSec));
        spans.push_back({c, from, static_cast<std::size_t>(to - from), nullptr});
        total += to - from;
    }
    if (total > kMaxPageSamples)
        throw std::length_error(m.name + ": a page of " + std::to_string(total) + " samples is more than the " + std::to_string(kMaxPageSamples) +
                                " one page may hold: ask for a shorter span or fewer channels");
    m.scratch.resize(static_cast<std::size_t>(total));
    std::size_t at = 0;
    for (auto& s : spans) {
        s.out = m.scratch.data() + at;
        at += s.count;
    }
    readDigital(spans);
    page.channels.resize(wanted.size());
    for (std::size_t w = 0; w < wanted.size(); ++w) {
        const auto& s = spans[w];
        const auto& ch = m.channels[s.channel];
        auto& cp = page.channels[w];   // buffers of a page passed in again are reused
        cp.channel = s.channel;
        cp.sampleRateHz = ch.sampleRateHz;
        cp.runs.clear();
        cp.values.resize(s.count);
        for (std::size_t i = 0; i < s.count; ++i) cp.values[i] = static_cast<double>(s.out[i]) * ch.gain;
        if (s.count > 0) cp.runs.push_back({static_cast<double>(s.first) / ch.sampleRateHz, 0, s.count, s.first});
    }
}

std::vector<TimedAnnotation> PagedWfdbReader::annotationsInRecords(std::int64_t firstRecord, std::int64_t lastRecord) {
    const auto& m = *impl_;
    std::vector<TimedAnnotation> out;
    if (m.records == 0 || lastRecord < firstRecord) return out;
    const double from = static_cast<double>(std::max<std::int64_t>(0, firstRecord) * m.blockFrames) / m.frameRateHz;
    const double to = lastRecord >= m.records - 1 ? INFINITY : static_cast<double>((lastRecord + 1) * m.blockFrames) / m.frameRateHz;
    for (const auto& a : m.annotations)
        if (a.onsetSec >= from && a.onsetSec < to) out.push_back(a);
    return out;
}

bool isWfdbHeaderPath(const std::filesystem::path& path) {
    auto ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext == ".hea";
}

std::unique_ptr<PagedRecording> openPagedRecording(const std::filesystem::path& path, PagedReaderOptions options) {
    if (isWfdbHeaderPath(path)) return std::make_unique<PagedWfdbReader>(path, options);
    return std::make_unique<PagedEdfReader>(path, options);
}

}  // namespace emg::review

// WfdbSignalStreams: each signal file decoded in chunks of whole frames; every signal keeps the
// values of the last chunks it has not taken yet (signals of one file advance together, apart by
// their skew at most).
#include "wfdb_signal_streams.h"

#include "edf_fields.h"
#include "file_bytes.h"
#include "wfdb_detail.h"

#include <emg/io/recording_io.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>

#include <sys/stat.h>
#include <unistd.h>

namespace emg::io::detail {

namespace {
constexpr std::size_t kChunkTargetBytes = 4u << 20;     // bytes of signal files decoded at once, over all files
constexpr std::size_t kMinChunkBytes = 256u << 10;
constexpr long long kMaxSkewSamples = 1LL << 22;        // a signal's values held back for its skew

// Chunks of whole frames of one signal file; a chunk of 6k frames starts on a whole packing unit
// of every format (212: 2 samples in 3 bytes, 310/311: 3 in 4).
class WfdbChunkDecoder {
public:
    WfdbChunkDecoder(const WfdbHeader& h, std::vector<int> indices, std::filesystem::path path, long long frames,
                     std::uintmax_t availableBytes, std::size_t chunkBytes)
        : header_(h), indices_(std::move(indices)), path_(std::move(path)), frames_(frames), availableBytes_(availableBytes) {
        checksumFrames_ = h.samplesPerSignal;
        const auto& first = h.signals[static_cast<std::size_t>(indices_.front())];
        format_ = first.format;
        startByte_ = static_cast<std::uintmax_t>(first.byteOffset);
        for (int i : indices_) {
            spf_ += static_cast<std::size_t>(h.signals[static_cast<std::size_t>(i)].samplesPerFrame);
            initial_.push_back(h.signals[static_cast<std::size_t>(i)].initialValue);
        }
        for (auto& s : header_.signals) {   // chunks start at 0; format 8's running value is carried here
            s.byteOffset = 0;
            if (format_ == 8) s.initialValue = 0;
        }
        const std::size_t bytesPerFrame = std::max<std::size_t>(1, static_cast<std::size_t>(wfdbBytesForSamples(format_, static_cast<double>(spf_))));
        chunkFrames_ = std::max<long long>(6, static_cast<long long>(chunkBytes / bytesPerFrame) / 6 * 6);
        fd_ = openRegularFile(path_);
        rewind();
    }
    ~WfdbChunkDecoder() { ::close(fd_); }
    WfdbChunkDecoder(const WfdbChunkDecoder&) = delete;
    WfdbChunkDecoder& operator=(const WfdbChunkDecoder&) = delete;

    void rewind() {
        done_ = 0;
        invalid_ = 0;
        carried_ = initial_;
        storedSums_.assign(indices_.size(), 0);
    }
    std::size_t invalidSamples() const { return invalid_; }
    /// The WFDB checksum of the `j`th signal's stored samples in the first nsamp frames decoded
    /// since rewind() (every frame when the header leaves nsamp unspecified).
    std::uint16_t storedSum(std::size_t j) const { return storedSums_[j]; }

    /// The next frames' samples, one vector per signal of the file; false at the end.
    bool next(std::vector<std::vector<std::int32_t>>& out) {
        if (done_ >= frames_) return false;
        const long long n = std::min(chunkFrames_, frames_ - done_);
        const auto from = startByte_ + static_cast<std::uintmax_t>(wfdbBytesForSamples(format_, static_cast<double>(done_) * static_cast<double>(spf_)));
        const auto want = static_cast<std::uintmax_t>(wfdbBytesForSamples(format_, static_cast<double>(n) * static_cast<double>(spf_)));
        const std::size_t len = static_cast<std::size_t>(from >= availableBytes_ ? 0 : std::min(want, availableBytes_ - from));
        buffer_.resize(len);
        std::size_t got = 0;
        while (got < len) {
            const ssize_t r = ::pread(fd_, buffer_.data() + got, len - got, static_cast<off_t>(from + got));
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += static_cast<std::size_t>(r);
        }
        // the checksum counts the first nsamp frames; this chunk holds frames done_ .. done_ + n - 1
        const long long sumFrames = checksumFrames_ < 0 ? -1 : std::clamp<long long>(checksumFrames_ - done_, 0, n);
        std::vector<std::uint16_t> chunkSums(indices_.size(), 0);
        out = decodeWfdbSignalFile(header_, indices_, buffer_.data(), got, n, invalid_, path_.string(), &chunkSums, sumFrames);
        for (std::size_t j = 0; j < out.size(); ++j) {
            const auto spf = static_cast<std::size_t>(header_.signals[static_cast<std::size_t>(indices_[j])].samplesPerFrame);
            if (out[j].size() != static_cast<std::size_t>(n) * spf) throw FormatError(path_.string() + ": the file became shorter while it was read");
            std::uint16_t sum = chunkSums[j];
            if (format_ == 8) {   // the chunk's values are relative to the value carried in: each counted one lacks it
                const auto counted = static_cast<std::uint64_t>(sumFrames < 0 ? n : sumFrames) * spf;
                sum = static_cast<std::uint16_t>(sum + static_cast<std::uint16_t>(counted * static_cast<std::uint64_t>(carried_[j])));
            }
            storedSums_[j] = static_cast<std::uint16_t>(storedSums_[j] + sum);
            if (format_ == 8 && !out[j].empty()) {   // differences: chunk-relative sums plus the value carried in
                // (a chunk's sums stay far inside 32 bits: at most 128 x its samples)
                const std::int64_t base = carried_[j];
                carried_[j] = base + out[j].back();
                for (auto& v : out[j]) v = static_cast<std::int32_t>(std::clamp<std::int64_t>(base + v, INT32_MIN, INT32_MAX));
            }
        }
        done_ += n;
        return true;
    }

private:
    WfdbHeader header_;
    std::vector<int> indices_;
    std::filesystem::path path_;
    long long frames_ = 0, done_ = 0, chunkFrames_ = 6;
    std::uintmax_t availableBytes_ = 0, startByte_ = 0;
    std::size_t spf_ = 0;
    int format_ = 16;
    int fd_ = -1;
    std::vector<std::uint8_t> buffer_;
    std::vector<std::int64_t> initial_, carried_;
    std::vector<std::uint16_t> storedSums_;
    long long checksumFrames_ = -1;   ///< the header's nsamp (-1: unspecified, every frame counts)
    std::size_t invalid_ = 0;
};

// Values of one signal decoded but not taken yet.
struct Pending {
    std::vector<std::int32_t> values;
    std::size_t head = 0;       ///< first value not taken
    long long firstIndex = 0;   ///< index of values[head] among the signal's stored samples
    std::size_t available() const { return values.size() - head; }
    void append(const std::vector<std::int32_t>& v) {
        if (head > 0 && head >= values.size() / 2) {   // drop what was taken before growing
            values.erase(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(head));
            head = 0;
        }
        values.insert(values.end(), v.begin(), v.end());
    }
    void skip(std::size_t n) {
        head += n;
        firstIndex += static_cast<long long>(n);
        if (head == values.size()) {
            values.clear();
            head = 0;
        }
    }
};
// A signal file the streams read: its group, path, frames and the bytes it may be read to.
struct Opened {
    std::size_t group;
    std::filesystem::path path;
    long long frames;
    std::uintmax_t bytes;
};

// Groups as readWfdbRecord forms them: one per file name (in the order of first mention), one per null signal.
std::vector<WfdbSignalGroup> signalGroups(const WfdbHeader& h) {
    std::vector<WfdbSignalGroup> groups;
    for (std::size_t i = 0; i < h.signals.size(); ++i) {
        const auto& s = h.signals[i];
        const bool null = s.fileName == "~" || s.format == 0;
        auto it = std::find_if(groups.begin(), groups.end(), [&](const WfdbSignalGroup& g) {
            return !g.null && !null && h.signals[static_cast<std::size_t>(g.signals.front())].fileName == s.fileName;
        });
        if (it == groups.end()) {
            groups.push_back({null, {}});
            it = groups.end() - 1;
        }
        it->signals.push_back(static_cast<int>(i));
    }
    return groups;
}
}  // namespace

struct WfdbSignalStreams::File {
    std::unique_ptr<WfdbChunkDecoder> decoder;
    std::vector<int> signals;   ///< header indices
    std::vector<Pending> pending;
    std::vector<std::vector<std::int32_t>> chunk;
};

WfdbSignalStreams::WfdbSignalStreams(const WfdbHeader& h, const std::filesystem::path& folder, const std::string& context)
    : context_(context) {
    const std::size_t n = h.signals.size();
    signals_.resize(n);
    if (n == 0) {
        refusal_ = "no signal";
        return;
    }
    if (std::any_of(h.signals.begin(), h.signals.end(),
                    [&](const WfdbSignalSpec& x) { return !(h.samplingFrequencyHz * x.samplesPerFrame <= kMaxWfdbSampleRateHz); })) {
        refusal_ = "a sampling rate above the limit";
        return;
    }
    groups_ = signalGroups(h);
    std::size_t storedFiles = 0;
    for (const auto& g : groups_) storedFiles += g.null ? 0 : 1;
    if (storedFiles == 0) {
        refusal_ = "no signal stored in a file";
        return;
    }
    const std::size_t chunkBytes = std::max(kMinChunkBytes, kChunkTargetBytes / storedFiles);

    const long long nsamp = h.samplesPerSignal;
    long long shortestFrames = -1;
    std::vector<long long> groupFrames(groups_.size(), 0);
    std::vector<Opened> opened;
    for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
        const auto& g = groups_[gi];
        if (g.null) continue;
        const auto& first = h.signals[static_cast<std::size_t>(g.signals.front())];
        if (first.fileName.find('/') != std::string::npos || first.fileName.find('\\') != std::string::npos ||
            first.fileName.find("..") != std::string::npos) {
            refusal_ = "a signal file outside the header's folder";
            return;
        }
        long long spf = 0, maxSkew = 0;
        for (int idx : g.signals) {
            const auto& s = h.signals[static_cast<std::size_t>(idx)];
            if (s.format != first.format) {
                refusal_ = "mixed formats in one signal file";
                return;
            }
            if (static_cast<long long>(std::abs(s.skew)) * s.samplesPerFrame > kMaxSkewSamples) {
                refusal_ = "a skew of more than 4 Mi samples";
                return;
            }
            spf += s.samplesPerFrame;
            maxSkew = std::max<long long>(maxSkew, s.skew);
        }
        if (wfdbStreamSamples(first.format, 6) == 0) {
            refusal_ = "an unknown format";
            return;
        }
        const auto path = detail::fileInFolderAnyCase(folder, first.fileName);
        const auto [wantFrames, maxBytes] = wfdbSignalFileBound(first, nsamp, maxSkew, spf);
        std::uintmax_t fileBytes = 0;
        {
            const int fd = openRegularFile(path);   // missing: the reader's message
            struct stat st {};
            ::fstat(fd, &st);
            ::close(fd);
            fileBytes = std::min(static_cast<std::uintmax_t>(st.st_size), maxBytes);
        }
        if (static_cast<std::uintmax_t>(first.byteOffset) > fileBytes) {
            refusal_ = "a byte offset past the end of a signal file";
            return;
        }
        const long long present = static_cast<long long>(wfdbStreamSamples(
                                      first.format, static_cast<std::size_t>(fileBytes - static_cast<std::uintmax_t>(first.byteOffset)))) / spf;
        if (nsamp >= 0 && present < nsamp) {
            if (present * 2 < nsamp)
                throw FormatError(path.string() + ": holds " + std::to_string(present) + " frames of " + std::to_string(spf) + " format-" +
                                  std::to_string(first.format) + " samples, the header announces " + std::to_string(nsamp) +
                                  " (less than half: wrong header, format or signal count)");
            warnings_.push_back("truncated: " + first.fileName + " holds " + std::to_string(present) + " of the " + std::to_string(nsamp) +
                                " samples the header announces");
        }
        const long long frames = wantFrames >= 0 ? std::min(present, wantFrames) : present;
        groupFrames[gi] = frames;
        shortestFrames = shortestFrames < 0 ? frames : std::min(shortestFrames, frames);
        opened.push_back({gi, path, frames, fileBytes});
    }
    // null signals last as long as the stored ones
    const long long nullFrames = nsamp >= 0 ? std::min(nsamp, shortestFrames) : shortestFrames;
    long long storedSamples = 0, synthesized = 0;
    for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
        const auto& g = groups_[gi];
        for (std::size_t k = 0; k < g.signals.size(); ++k) {
            const auto idx = static_cast<std::size_t>(g.signals[k]);
            const auto& s = h.signals[idx];
            auto& sig = signals_[idx];
            const long long spf = s.samplesPerFrame;
            sig.frames = g.null ? nullFrames : (nsamp >= 0 ? std::min(nsamp, groupFrames[gi]) : shortestFrames);
            sig.length = sig.frames * spf;
            sig.baseline = static_cast<std::int32_t>(s.baseline);
            (g.null ? synthesized : storedSamples) += sig.length;
            if (g.null) continue;
            sig.member = k;
            sig.shift = static_cast<long long>(s.skew) * spf;
            sig.stored = groupFrames[gi] * spf;
        }
    }
    // the reader fills at most 4 Mi samples of null signals (memory); streamed, the bound is the stored data
    if (synthesized > std::max(kMaxWfdbSynthesizedSamples, storedSamples)) {
        refusal_ = "null signals longer than the stored data";
        return;
    }
    for (const auto& o : opened) {
        auto f = std::make_unique<File>();
        f->signals = groups_[o.group].signals;
        f->decoder = std::make_unique<WfdbChunkDecoder>(h, f->signals, o.path, o.frames, o.bytes, chunkBytes);
        f->pending.resize(f->signals.size());
        for (int idx : f->signals) signals_[static_cast<std::size_t>(idx)].file = static_cast<int>(files_.size());
        files_.push_back(std::move(f));
    }
}

WfdbSignalStreams::~WfdbSignalStreams() = default;

void WfdbSignalStreams::pull(File& f) {
    if (!f.decoder->next(f.chunk)) throw FormatError(context_ + ": a signal file ended before the samples planned from its size");
    for (std::size_t k = 0; k < f.signals.size(); ++k) {
        const auto& sig = signals_[static_cast<std::size_t>(f.signals[k])];
        if (sig.emitted < sig.length) f.pending[k].append(f.chunk[k]);
        else f.pending[k] = Pending{};   // a signal that has all its values takes no more
    }
}

std::size_t WfdbSignalStreams::take(std::size_t i, std::size_t count, std::vector<std::int32_t>& out) {
    auto& s = signals_[i];
    std::size_t produced = 0;
    while (produced < count && s.emitted < s.length) {
        const long long room = std::min(static_cast<long long>(count - produced), s.length - s.emitted);
        const long long from = s.emitted + s.shift;   // index among the stored samples
        if (s.file < 0 || from < 0 || from >= s.stored) {
            // the baseline: a null signal, before the first stored sample (negative skew), past the last
            const long long n = (s.file >= 0 && from < 0) ? std::min(room, -from) : room;
            out.insert(out.end(), static_cast<std::size_t>(n), s.baseline);
            produced += static_cast<std::size_t>(n);
            s.emitted += n;
            continue;
        }
        File& f = *files_[static_cast<std::size_t>(s.file)];
        Pending& p = f.pending[s.member];
        const long long end = p.firstIndex + static_cast<long long>(p.available());
        if (end <= from) {   // nothing wanted in what is there (skew): drop it, decode more
            p.skip(p.available());
            pull(f);
            continue;
        }
        if (p.firstIndex < from) p.skip(static_cast<std::size_t>(from - p.firstIndex));
        const long long n = std::min({room, static_cast<long long>(p.available()), s.stored - from});
        const auto* v = p.values.data() + p.head;
        out.insert(out.end(), v, v + n);
        p.skip(static_cast<std::size_t>(n));
        produced += static_cast<std::size_t>(n);
        s.emitted += n;
    }
    return produced;
}

void WfdbSignalStreams::decodeRest() {
    for (auto& f : files_) {
        for (auto& p : f->pending) p = Pending{};
        for (int idx : f->signals) signals_[static_cast<std::size_t>(idx)].emitted = signals_[static_cast<std::size_t>(idx)].length;
        while (f->decoder->next(f->chunk)) {
        }
    }
}

std::uint16_t WfdbSignalStreams::storedChecksum(std::size_t i) const {
    const auto& s = signals_[i];
    return s.file < 0 ? 0 : files_[static_cast<std::size_t>(s.file)]->decoder->storedSum(s.member);
}

std::size_t WfdbSignalStreams::invalidSamples() const {
    std::size_t n = 0;
    for (const auto& f : files_) n += f->decoder->invalidSamples();
    return n;
}

void appendWfdbSignalWarnings(const WfdbHeader& h, const WfdbSignalStreams& streams, std::vector<std::string>& warnings) {
    for (const auto& g : streams.groups()) {
        if (g.null) warnings.push_back("signal " + std::to_string(g.signals.front() + 1) + " has no samples stored (null signal); filled with its baseline");
        for (const int idx : g.signals) {
            const auto i = static_cast<std::size_t>(idx);
            const auto& s = h.signals[i];
            if (s.gainDefaulted) warnings.push_back("signal " + std::to_string(i + 1) + ": ADC gain 0 or absent: 200 ADC units per " + s.units + " assumed");
            const std::uint16_t sum = streams.storedChecksum(i);
            if (s.checksum && !g.null && streams.frames(i) == h.samplesPerSignal &&
                static_cast<std::int16_t>(sum) != static_cast<std::int16_t>(static_cast<std::uint16_t>(*s.checksum)))
                warnings.push_back("signal " + std::to_string(i + 1) + ": checksum mismatch (header " + std::to_string(*s.checksum) + ", data " +
                                   std::to_string(static_cast<std::int16_t>(sum)) + ")");
        }
    }
}

void WfdbSignalStreams::rewind() {
    for (auto& f : files_) {
        f->decoder->rewind();
        for (auto& p : f->pending) p = Pending{};
    }
    for (auto& s : signals_) s.emitted = 0;
}

}  // namespace emg::io::detail

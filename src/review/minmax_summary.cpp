// The background job of MinMaxSummary: SHA-256 of the file, then the cache file named by it if
// it matches, else one sequential read building the bins into a new cache file (SafeFileWriter:
// a cancelled or failed build leaves no file behind).
#include <emg/review/minmax_summary.h>

#include "background_priority.h"
#include "edf_stream_reader.h"
#include "summary_builder.h"
#include "summary_file.h"

#include <emg/io/safe_file_writer.h>
#include <emg/io/sha256.h>
#include <emg/review/paged_edf_reader.h>

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <functional>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

namespace emg::review {

std::filesystem::path defaultSummaryCacheDir() {
    if (const char* d = std::getenv("EMGWS_SUMMARY_CACHE"); d && *d) return d;
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::filesystem::path(x) / "emgws" / "summaries";
    if (const char* h = std::getenv("HOME"); h && *h) return std::filesystem::path(h) / ".cache" / "emgws" / "summaries";
    return std::filesystem::temp_directory_path() / "emgws-summaries";
}

const char* toString(SummaryState state) noexcept {
    switch (state) {
        case SummaryState::Hashing: return "hashing";
        case SummaryState::Building: return "building";
        case SummaryState::Ready: return "ready";
        case SummaryState::Failed: return "failed";
        case SummaryState::Cancelled: return "cancelled";
    }
    return "?";
}

struct MinMaxSummary::Impl {
    std::filesystem::path recording;
    SummaryOptions options;
    std::atomic<bool> cancel{false};
    std::atomic<SummaryState> state{SummaryState::Hashing};
    std::atomic<double> progress{0.0};
    std::atomic<bool> fromCache{false};
    std::atomic<double> hashSec{0.0}, buildSec{0.0};
    mutable std::mutex mutex;
    mutable std::condition_variable done;
    std::string sha, error;
    std::filesystem::path cacheFile;
    // set before state becomes Ready, read-only afterwards
    detail::SummaryLayout layout;
    std::vector<ChannelInfo> channels;
    int fd = -1;
    std::thread worker;

    ~Impl() {
        if (fd >= 0) ::close(fd);
    }

    void finish(SummaryState s, const std::string& why = {}) {
        {
            std::lock_guard lock(mutex);
            error = why;
            state.store(s, std::memory_order_release);
        }
        done.notify_all();
    }

    void run() {
        detail::lowerThisThreadPriority();
        try {
            runUnchecked();
        } catch (const std::exception& e) {
            spdlog::warn("review summary of {}: {}", recording.string(), e.what());
            finish(SummaryState::Failed, e.what());
        }
    }

    void runUnchecked() {
        using clock = std::chrono::steady_clock;
        auto reader = openPagedRecording(recording, PagedReaderOptions{0});   // header only: channels and scales
        channels = reader->channels();
        const std::filesystem::path hashed = reader->checksumPath();   // the EDF/BDF file, a WFDB record's signal file
        struct stat st {};
        if (::stat(hashed.c_str(), &st) != 0) throw std::runtime_error(hashed.string() + ": cannot stat");

        const auto t0 = clock::now();
        const std::string digest = io::sha256OfFile(hashed, &cancel, [&](std::uint64_t d, std::uint64_t total) {
            progress.store(0.5 * static_cast<double>(d) / static_cast<double>(std::max<std::uint64_t>(1, total)), std::memory_order_relaxed);
        });
        hashSec.store(std::chrono::duration<double>(clock::now() - t0).count());
        if (cancel.load()) return finish(SummaryState::Cancelled);

        layout.sha256 = digest;
        layout.fileSize = static_cast<std::uint64_t>(st.st_size);
        layout.samplesPerBin = options.samplesPerBin;
        for (const auto& c : channels) layout.storedSamples.push_back(c.storedSamples);
        const std::filesystem::path dir = options.cacheDir.empty() ? defaultSummaryCacheDir() : options.cacheDir;
        const std::filesystem::path file = dir / detail::summaryFileName(digest);
        {
            std::lock_guard lock(mutex);
            sha = digest;
            cacheFile = file;
        }
        std::string whyNot;
        fd = detail::openSummaryFile(file, layout, whyNot);
        if (fd >= 0) {
            fromCache.store(true);
            progress.store(1.0);
            return finish(SummaryState::Ready);
        }
        if (!whyNot.empty()) spdlog::info("review summary cache not used: {}", whyNot);

        state.store(SummaryState::Building, std::memory_order_release);
        const auto t1 = clock::now();
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        bool complete = false;
        {   // the writer (and its temporary file) is gone before anyone hears the outcome
            io::SafeFileWriter writer(file);
            writer.write(layout.header());
            writer.extendTo(layout.totalBytes());
            const auto onProgress = [&](double f) { progress.store(0.5 + 0.5 * f, std::memory_order_relaxed); };
            if (dynamic_cast<PagedEdfReader*>(reader.get())) complete = buildFromEdf(writer, onProgress);
            else complete = detail::buildSummaryBinsPaged(*reader, layout, writer, cancel, onProgress);   // WFDB: block by block
            if (complete) writer.commit();
        }
        if (!complete) return finish(SummaryState::Cancelled);
        buildSec.store(std::chrono::duration<double>(clock::now() - t1).count());
        fd = detail::openSummaryFile(file, layout, whyNot);
        if (fd < 0) throw std::runtime_error("the summary just written cannot be read back: " + whyNot);
        progress.store(1.0);
        finish(SummaryState::Ready);
    }

    /// One sequential read of an EDF/BDF file's data records (the fastest path: no decoding to int).
    bool buildFromEdf(io::SafeFileWriter& writer, const std::function<void(double)>& onProgress) {
        io::detail::EdfStreamReader stream(recording);
        std::vector<detail::SummaryChannelSlot> slots;
        std::size_t off = 0;
        std::size_t next = 0;
        const auto& h = stream.header();
        for (std::size_t i = 0; i < h.signals.size(); ++i) {
            if (next < channels.size() && channels[next].signalIndex == i) {
                slots.push_back({off, h.signals[i].samplesPerRecord});
                ++next;
            }
            off += static_cast<std::size_t>(h.signals[i].samplesPerRecord) * h.bytesPerSample();
        }
        return detail::buildSummaryBins(stream, slots, layout, writer, options.readChunkBytes, cancel, onProgress);
    }

    void requireReady() const {
        if (state.load(std::memory_order_acquire) != SummaryState::Ready)
            throw std::logic_error("review summary of " + recording.string() + " is not ready (" + toString(state.load()) + ")");
    }
};

MinMaxSummary::MinMaxSummary(const std::filesystem::path& recording, SummaryOptions options) : impl_(std::make_shared<Impl>()) {
    const auto& levels = options.samplesPerBin;
    if (levels.empty() || levels.front() < 256)
        throw std::invalid_argument("review summary: the finest level needs at least 256 samples per bin");
    for (std::size_t i = 1; i < levels.size(); ++i)
        if (levels[i] <= levels[i - 1] || levels[i] % levels[i - 1] != 0)
            throw std::invalid_argument("review summary: each level's samples per bin must be a larger multiple of the previous one");
    impl_->recording = recording;
    impl_->options = std::move(options);
    impl_->worker = std::thread([impl = impl_] { impl->run(); });
}

MinMaxSummary::~MinMaxSummary() {
    cancel();
    if (impl_->worker.joinable()) impl_->worker.join();
}

void MinMaxSummary::cancel() noexcept { impl_->cancel.store(true); }
SummaryState MinMaxSummary::state() const noexcept { return impl_->state.load(std::memory_order_acquire); }
double MinMaxSummary::progress() const noexcept { return impl_->progress.load(std::memory_order_relaxed); }
bool MinMaxSummary::fromCache() const noexcept { return impl_->fromCache.load(); }
double MinMaxSummary::hashSeconds() const noexcept { return impl_->hashSec.load(); }
double MinMaxSummary::buildSeconds() const noexcept { return impl_->buildSec.load(); }

bool MinMaxSummary::waitUntilDone(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(impl_->mutex);
    return impl_->done.wait_for(lock, timeout, [&] {
        const auto s = impl_->state.load();
        return s == SummaryState::Ready || s == SummaryState::Failed || s == SummaryState::Cancelled;
    });
}

std::string MinMaxSummary::sha256() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->sha;
}
std::filesystem::path MinMaxSummary::cacheFile() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->cacheFile;
}
std::string MinMaxSummary::error() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->error;
}

const std::vector<std::int64_t>& MinMaxSummary::samplesPerBin() const noexcept { return impl_->options.samplesPerBin; }

std::int64_t MinMaxSummary::binCount(std::size_t channel, std::size_t level) const {
    impl_->requireReady();
    if (channel >= impl_->channels.size() || level >= impl_->layout.samplesPerBin.size())
        throw std::out_of_range("review summary: channel " + std::to_string(channel) + " / level " + std::to_string(level));
    return static_cast<std::int64_t>(impl_->layout.binCount(level, channel));
}

std::vector<MinMax> MinMaxSummary::bins(std::size_t channel, std::size_t level, std::int64_t firstBin, std::size_t count) const {
    const std::int64_t n = binCount(channel, level);
    if (firstBin < 0 || firstBin + static_cast<std::int64_t>(count) > n)
        throw std::out_of_range("review summary: bins " + std::to_string(firstBin) + "+" + std::to_string(count) + " outside 0.." +
                                std::to_string(n));
    std::vector<std::int32_t> raw(2 * count);
    const std::uint64_t offset = impl_->layout.dataOffset(level, channel) + static_cast<std::uint64_t>(firstBin) * 8;
    std::size_t done = 0;
    const std::size_t bytes = raw.size() * sizeof(std::int32_t);
    while (done < bytes) {
        const ssize_t r = ::pread(impl_->fd, reinterpret_cast<char*>(raw.data()) + done, bytes - done, static_cast<off_t>(offset + done));
        if (r <= 0) throw std::runtime_error("review summary: cannot read " + impl_->cacheFile.string());
        done += static_cast<std::size_t>(r);
    }
    const auto& ch = impl_->channels[channel];
    std::vector<MinMax> out(count);
    for (std::size_t i = 0; i < count; ++i) {
        const double a = ch.physical(raw[2 * i]), b = ch.physical(raw[2 * i + 1]);
        out[i] = {std::min(a, b), std::max(a, b), false};
    }
    return out;
}

}  // namespace emg::review

#pragma once
// Multi-resolution min/max summary of a paged recording (issue 13): for every channel, levels of
// bins of N stored samples each (default 256, 4096, 65536), built in a background thread from
// one sequential read of the file and kept in a cache file named by the file's SHA-256 (also
// computed in the background), so a second open of the same bytes reuses it and a changed file
// (another SHA-256) never does. The bins live in the cache file and are read with pread on
// demand: memory does not grow with the recording. Opening a recording never waits for this.
#include <emg/review/review_types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace emg::review {

struct SummaryOptions {
    /// Folder of the cache files; empty: defaultSummaryCacheDir().
    std::filesystem::path cacheDir;
    /// Stored samples per bin, finest first; each a multiple of the one before, the finest >= 256
    /// (so the finest level holds at most 1/256 of the samples).
    std::vector<std::int64_t> samplesPerBin{256, 4096, 65536};
    /// Bytes read per step while building (whole records, at least one): small enough to stay
    /// in the processor's cache between the read and the scan.
    std::size_t readChunkBytes = std::size_t{1} << 20;
};

/// $EMGWS_SUMMARY_CACHE, else $XDG_CACHE_HOME/emgws/summaries, else ~/.cache/emgws/summaries.
std::filesystem::path defaultSummaryCacheDir();

enum class SummaryState { Hashing, Building, Ready, Failed, Cancelled };
const char* toString(SummaryState state) noexcept;

class MinMaxSummary {
public:
    /// Starts the background work (SHA-256, then the cache file or a build) and returns at once.
    /// Throws std::invalid_argument for bad options.
    explicit MinMaxSummary(const std::filesystem::path& recording, SummaryOptions options = {});
    /// Cancels and joins.
    ~MinMaxSummary();
    MinMaxSummary(const MinMaxSummary&) = delete;
    MinMaxSummary& operator=(const MinMaxSummary&) = delete;

    /// Stops the background work soon (state becomes Cancelled; no cache file is written).
    void cancel() noexcept;
    SummaryState state() const noexcept;
    /// Fraction done of the whole job, 0..1 (hashing is the first half when a build follows).
    double progress() const noexcept;
    /// Waits until Ready, Failed or Cancelled; true when that happened within `timeout`.
    bool waitUntilDone(std::chrono::milliseconds timeout) const;

    /// Known once Ready (and set during Building).
    std::string sha256() const;
    bool fromCache() const noexcept;
    std::filesystem::path cacheFile() const;
    /// Failed: why (one line).
    std::string error() const;
    double hashSeconds() const noexcept;
    double buildSeconds() const noexcept;   ///< 0 when loaded from the cache

    // ---- queries: Ready only (std::logic_error otherwise) ------------------------------------
    const std::vector<std::int64_t>& samplesPerBin() const noexcept;
    std::int64_t binCount(std::size_t channel, std::size_t level) const;
    /// Bins [firstBin, firstBin + count) of a level, physical (the channel's scale; µV for
    /// voltages). Bin k covers stored samples [k * samplesPerBin, (k + 1) * samplesPerBin).
    std::vector<MinMax> bins(std::size_t channel, std::size_t level, std::int64_t firstBin, std::size_t count) const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace emg::review

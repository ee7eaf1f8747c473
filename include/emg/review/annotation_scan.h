#pragma once
// All annotations and EDF+D holes of a paged recording, collected in a background thread that
// reads only the annotation signal of each data record (a few bytes per record), cancellable,
// with progress. Opening a recording never waits for it.
#include <emg/review/review_types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace emg::review {

class AnnotationScan {
public:
    explicit AnnotationScan(const std::filesystem::path& recording);
    ~AnnotationScan();   ///< cancels and joins
    AnnotationScan(const AnnotationScan&) = delete;
    AnnotationScan& operator=(const AnnotationScan&) = delete;

    void cancel() noexcept;
    bool done() const noexcept;
    bool waitUntilDone(std::chrono::milliseconds timeout) const;
    double progress() const noexcept;   ///< fraction of records scanned
    /// Once done: annotations by onset (at most 1 Mi; more are counted in warnings), the holes
    /// between EDF+D records, and "" or why the scan stopped.
    std::vector<TimedAnnotation> annotations() const;
    std::vector<GapSpan> gaps() const;
    std::string error() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace emg::review

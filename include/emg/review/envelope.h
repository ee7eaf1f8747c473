#pragma once
// What a trace view draws at any zoom: per pixel column the min and max of the samples whose
// times fall in it. Taken from the coarsest summary level that still gives at least one bin per
// column; when even the finest level is too coarse (or the summary is not ready yet) from the
// raw samples. Columns in a hole of an EDF+D file are empty.
#include <emg/review/review_types.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace emg::review {

class PagedRecording;
class MinMaxSummary;

struct Envelope {
    std::vector<MinMax> columns;
    /// Samples per bin of the summary level used; 0 = computed from the raw samples.
    std::int64_t samplesPerBin = 0;
    /// True when the span holds more raw samples than kMaxRawEnvelopeSamples and the summary is
    /// not ready: the columns are left empty (draw them once the summary is done).
    bool pending = false;
};

/// The most columns one envelope has (std::invalid_argument beyond).
inline constexpr std::size_t kMaxEnvelopeColumns = std::size_t{1} << 20;
/// The most raw samples envelope() reads per channel (a page, never the whole recording).
inline constexpr std::int64_t kMaxRawEnvelopeSamples = std::int64_t{1} << 22;

/// Column j covers times [startSec + j * w, startSec + (j + 1) * w), w = durationSec / columns,
/// i.e. the stored samples from storedSampleAt(start of column) to storedSampleAt(its end). With
/// a summary level the column is widened outward to whole bins (at most one bin each side).
/// `summary` may be null or not ready (then raw samples up to kMaxRawEnvelopeSamples, else
/// Envelope::pending).
Envelope envelope(PagedRecording& reader, const MinMaxSummary* summary, std::size_t channel, double startSec,
                  double durationSec, std::size_t columns);

/// The envelopes of several channels over the same span, reading each data record once for the
/// channels that need raw samples. Same rules as envelope().
std::vector<Envelope> envelopes(PagedRecording& reader, const MinMaxSummary* summary, const std::vector<std::size_t>& channels,
                                double startSec, double durationSec, std::size_t columns);

/// The summary level envelope() uses for that many stored samples per column (index into
/// samplesPerBin, or -1 for raw samples).
int levelForColumn(const std::vector<std::int64_t>& samplesPerBin, double samplesPerColumn) noexcept;

}  // namespace emg::review

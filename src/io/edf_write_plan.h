#pragma once
// What writeRecording decides for each signal and for the data records, shared with the streamed
// conversions that write the same layout without holding the samples (brainvision_convert.cpp).
#include "adc_grid.h"
#include "edf_header.h"

#include <emg/core/recording.h>
#include <emg/io/recording_io.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace emg::io::detail {

/// One signal's header as writeRecording writes it: the label as `origin` says; the file's own
/// digital grid when `kept`; else [lo, hi] (the data's finite range, widened to hold 0, which pads
/// the last record; rounded outward to the field) over the full digital range. samplesPerRecord
/// is left to the caller.
EdfSignalHeader writtenSignalHeader(const RecordedChannel& c, double lo, double hi, const std::optional<AdcWriteRange>& kept,
                                    SignalOrigin origin, bool bdf);

/// The data-record duration writeRecording chooses (<= 1 s where the rates allow; for a recording
/// of segments one that divides them).
double chooseWriteRecordDuration(const std::vector<const RecordedChannel*>& channels, const std::vector<RecordingSegment>& segments);

/// writeRecording, saying per signal written (the channels with a rate and samples, in order)
/// whether its values were re-quantised rather than written as the file's own digital samples.
std::vector<bool> writeRecordingSignals(const Recording& rec, const std::filesystem::path& path, FileFormat format,
                                        const WriteOptions& options);

/// The TAL texts of a continuous file's `records` data records: each record's time keeping (record
/// r at shiftSec + r x recordDurationSec), then each annotation in the record where it starts, at
/// its onset + shiftSec (an onset before 0 in the first record, one after the end in the last).
std::vector<std::string> continuousRecordTals(const std::vector<Annotation>& annotations, std::int64_t records, double recordDurationSec,
                                              double shiftSec = 0.0);

/// The "EDF Annotations" (or BDF) signal appended to `h`, wide enough for the longest of `tals`
/// (one TAL text per data record) and a NUL; returns its samples per record.
std::size_t appendAnnotationSignal(EdfHeader& h, const std::vector<std::string>& tals);

}  // namespace emg::io::detail

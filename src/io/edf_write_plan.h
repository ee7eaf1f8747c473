#pragma once
// What writeRecording decides for each signal and for the data records, shared with the streamed
// conversions that write the same layout without holding the samples (brainvision_convert.cpp).
#include "adc_grid.h"
#include "edf_header.h"

#include <emg/core/recording.h>
#include <emg/io/recording_io.h>

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

/// The "EDF Annotations" (or BDF) signal appended to `h`, wide enough for the longest of `tals`
/// (one TAL text per data record) and a NUL; returns its samples per record.
std::size_t appendAnnotationSignal(EdfHeader& h, const std::vector<std::string>& tals);

}  // namespace emg::io::detail

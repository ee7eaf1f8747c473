#pragma once
// BrainVision Core Data Format (Brain Products; written by BrainVision Recorder and many EMG/MEP
// set-ups with a BrainAmp ExG): a text header (.vhdr) naming a binary data file (.eeg) and a marker
// file (.vmrk). Read liberally: any line ending, ';' comments, a UTF-8 or Latin-1 ("ANSI") header,
// multiplexed or vectorized INT_16 / UINT_16 / INT_32 / IEEE_FLOAT_32 samples in either byte order
// the header states, or ASCII data (a line per sample or, vectorized, per channel; [ASCII Infos]
// SkipLines, SkipColumns and DecimalSymbol read), each channel's resolution and unit (voltages to µV, other units kept), the
// rate from SamplingInterval (µs), markers as annotations named "Type/Description" (as MNE names
// them: "Stimulus/S  1", which the stimulus reader takes as site "s1"). Qt-free.

#include <emg/core/recording.h>
#include <emg/io/recording_io.h>

#include <filesystem>
#include <string_view>

namespace emg::io {

/// Whether `head` (a file's first bytes) is a BrainVision header ("Brain Vision Data Exchange
/// Header File Version 1.0", "BrainVision Core Data Format 1.0", ...).
bool looksLikeBrainVisionHeader(std::string_view head) noexcept;

/// Reads the recording a .vhdr header describes. Throws FormatError naming what is wrong (a
/// missing data file, a field of ASCII data that is not a number); a binary data file that is not
/// a whole number of frames is read up to its last whole frame with a warning. Each channel's ADC
/// grid (recording.h) is its resolution, so a conversion keeps the stored integers.
Recording readBrainVision(const std::filesystem::path& vhdr, ReadInfo& info);

}  // namespace emg::io

#pragma once
// File-to-file conversion (`emgws-cli convert`) that changes nothing it need not.
//
// EDF/EDF+/BDF/BDF+ in: streamed a few data records at a time (memory bounded whatever the file's
// size). Every header field is kept byte for byte (labels, transducers, prefilters, physical
// dimensions, physical and digital ranges, patient and recording fields, start date and time,
// data-record duration and samples per record), and so are the annotation bytes (TALs) and the
// digital samples: EDF -> BDF widens each 16-bit value to 24 bits unchanged. BDF -> EDF keeps the
// values when the signal's digital range fits 16 bits; otherwise the signal is rescaled to
// -32768..32767 over the same physical range, with a warning. EDF+D stays discontinuous, plain
// EDF/BDF stay plain (no annotation signal is invented). What a strict reader (EDFlib) would
// refuse is repaired, each change listed in `headerChanges` with the original bytes.
//
// WFDB in: written with the ADC values as the digital samples and the WFDB gain, baseline, units
// and description as EDF's physical range, dimension and label. A record is streamed (its signal
// files read twice in chunks of frames: the ranges of the ADC values first, then the data
// records), skew, several signal files and null signals included; a record of null signals only,
// or one the reader refuses, is read whole (as readRecording does). Both ways write the same bytes.
#include <emg/io/recording_io.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace emg::io {

/// One header field written differently from the input, and why.
struct HeaderFieldChange {
    std::string field;      ///< "label", "patient", "physical dimension", ...
    int signal = 0;         ///< 1-based signal number, 0 for the file's main header
    std::string original;   ///< the input's bytes (spaces trimmed), possibly not UTF-8
    std::string written;    ///< what the output holds (printable ASCII, spaces trimmed)
    std::string reason;
};

struct ConvertedSignal {
    std::string label;          ///< as written (spaces trimmed)
    std::string unit;           ///< physical dimension as written
    double sampleRateHz = 0.0;
    std::int64_t samples = 0;
    bool rescaled = false;      ///< digital values changed (BDF -> EDF range, WFDB wider than the target)
    std::int64_t clippedSamples = 0;
};

struct ConvertReport {
    FileFormat inputFormat = FileFormat::EdfPlus;
    FileFormat outputFormat = FileFormat::EdfPlus;
    std::vector<ConvertedSignal> signals;   ///< ordinary signals (annotation signals left out)
    std::size_t annotations = 0;            ///< annotations written (time-keeping TALs not counted)
    double durationSec = 0.0;
    std::size_t gaps = 0;                   ///< holes between EDF+D records (or gaps left out)
    bool discontinuous = false;             ///< written as EDF+D/BDF+D
    std::int64_t dataRecords = 0;
    double recordDurationSec = 0.0;
    bool streamed = false;                  ///< read and written record by record
    std::vector<std::string> warnings;
    std::vector<HeaderFieldChange> headerChanges;
};

struct ConvertOptions {
    FileFormat target = FileFormat::EdfPlus;   ///< Edf*/Bdf*: the width of the output
    /// Leave out data records lying inside recorder gaps ("Gap <n> samples" annotations) and
    /// write EDF+D. Only for a continuous EDF+/BDF+ input: it goes through the in-memory path.
    bool leaveOutGaps = false;
};

/// Writes a recording already read (whole, e.g. a headerless file read with its options) to `out`
/// as EDF+/BDF+ the way convertFile writes what it takes through memory: labels as read, gaps left
/// out, each signal's digital samples those of its file where its samples lie on their ADC grid
/// (RecordedChannel::adcStep) and the target's bits hold them, else re-quantised over its range
/// (`rescaled`, and a warning beginning with `why`).
ConvertReport convertRecording(const Recording& rec, const ReadInfo& info, const std::filesystem::path& out, FileFormat target,
                               const std::string& why);

/// Converts `in` (EDF/EDF+/BDF/BDF+ sniffed from the content, or a WFDB record) to `out`.
/// `out` is written through SafeFileWriter: on any error an existing `out` is left untouched.
/// Throws FormatError for bad input, std::runtime_error for I/O failures.
ConvertReport convertFile(const std::filesystem::path& in, const std::filesystem::path& out, const ConvertOptions& options);

}  // namespace emg::io

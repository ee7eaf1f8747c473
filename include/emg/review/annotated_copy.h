#pragma once
// An EDF+/BDF+ copy of a raw recording with the reviewer's annotations added to its annotation
// signal (issue 13). The raw file is only read. The copy is written through SafeFileWriter
// (temporary file + rename), record by record (memory independent of the file's size):
//  - a file with an annotation signal keeps every header byte, every data signal's bytes and the
//    original TALs; the reviewer's TALs go into the free bytes of the first annotation signal of
//    the record where each starts. Only when some record has no room left does that signal grow
//    (its "samples per record" field and the record size change, nothing else);
//  - a file without one (plain EDF/BDF) gets an "EDF Annotations"/"BDF Annotations" signal after
//    its data signals, with a time-keeping TAL in every record, and is marked EDF+C/BDF+C (the
//    reserved field, the header size and the signal count change; every other byte is kept).
// A record count of -1 (unfinished recording) or one past the whole records in the file is written
// as the number of whole records copied. Qt-free.
#include <emg/review/review_types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace emg::review {

enum class AnnotationSignalChange { Kept, Grown, Added };

struct AnnotatedCopyResult {
    bool bdf = false;
    std::int64_t records = 0;
    std::size_t annotationsAdded = 0;
    AnnotationSignalChange annotationSignal = AnnotationSignalChange::Kept;
    std::vector<std::string> warnings;
};

const char* toString(AnnotationSignalChange change) noexcept;

/// Writes `out` as `raw` plus `extra` (onsets in seconds from the first data record, as the
/// review engine and the reviewer annotations count them). Refuses (std::invalid_argument) an
/// `out` that is `raw` itself, a negative or non-finite onset or duration, an empty text;
/// throws emg::io::FormatError for an unreadable raw file, std::runtime_error when writing fails
/// (then `out` is unchanged).
AnnotatedCopyResult writeAnnotatedCopy(const std::filesystem::path& raw, const std::vector<TimedAnnotation>& extra,
                                       const std::filesystem::path& out);

}  // namespace emg::review

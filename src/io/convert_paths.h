#pragma once
// The ways convertFile() takes (file_convert.cpp dispatches).
#include <emg/io/file_convert.h>

namespace emg::io::detail {

inline constexpr const char* kNonAsciiReason = "bytes outside printable ASCII replaced (EDF headers are printable ASCII)";

/// EDF/EDF+/BDF/BDF+ -> EDF(+) or BDF(+), record by record (edf_convert.cpp).
ConvertReport convertEdfStreaming(const std::filesystem::path& in, const std::filesystem::path& out, bool toBdf);

/// A WFDB record (its .hea) -> EDF+/BDF+ with the ADC values as digital samples (wfdb_convert.cpp).
ConvertReport convertWfdbRecord(const std::filesystem::path& headerPath, const std::filesystem::path& out, bool toBdf);

/// A BrainVision recording with binary data -> EDF+/BDF+ in bounded memory: its data file read
/// twice in blocks of frames (each channel's range and grid, then the records), the same header and
/// samples as the in-memory conversion. Returns false, having written nothing, for ASCII data.
bool convertBrainVisionStreaming(const std::filesystem::path& vhdr, const std::filesystem::path& out, bool toBdf, ConvertReport& report);

/// A signal an in-memory or streamed conversion wrote: its description, sample count, and
/// whether its values were re-quantised (not the file's own digital samples).
struct WrittenSignal {
    const RecordedChannel* channel = nullptr;
    std::int64_t samples = 0;
    bool rescaled = false;
};

/// The report of such a conversion, the written header read back from `out` (labels as written,
/// changed fields listed with their originals, records); durationSec is left to the caller.
ConvertReport reportWrittenConversion(const Recording& rec, const std::vector<WrittenSignal>& signals, const ReadInfo& info,
                                      const std::filesystem::path& out, bool toBdf, const std::string& why);

/// Append a HeaderFieldChange when the trimmed texts differ.
void noteChange(std::vector<HeaderFieldChange>& changes, const char* field, int signal, std::string_view original,
                std::string_view written, const std::string& reason);

}  // namespace emg::io::detail

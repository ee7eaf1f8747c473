#pragma once
// The ways convertFile() takes (file_convert.cpp dispatches).
#include <emg/io/file_convert.h>

namespace emg::io::detail {

inline constexpr const char* kNonAsciiReason = "bytes outside printable ASCII replaced (EDF headers are printable ASCII)";

/// EDF/EDF+/BDF/BDF+ -> EDF(+) or BDF(+), record by record (edf_convert.cpp).
ConvertReport convertEdfStreaming(const std::filesystem::path& in, const std::filesystem::path& out, bool toBdf);

/// A WFDB record (its .hea) -> EDF+/BDF+ with the ADC values as digital samples (wfdb_convert.cpp).
ConvertReport convertWfdbRecord(const std::filesystem::path& headerPath, const std::filesystem::path& out, bool toBdf);

/// Append a HeaderFieldChange when the trimmed texts differ.
void noteChange(std::vector<HeaderFieldChange>& changes, const char* field, int signal, std::string_view original,
                std::string_view written, const std::string& reason);

}  // namespace emg::io::detail

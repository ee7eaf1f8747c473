#pragma once
// Where the data files (protocols, normative tables, myotome map) live.

#include <filesystem>

namespace emg::study {

/// The resources folder: $EMGWS_RESOURCE_DIR if set, else the source tree's resources/ (a
/// developer build), else the installed share/emgws. Throws FormatError when none exists.
std::filesystem::path resourceDir();

}  // namespace emg::study

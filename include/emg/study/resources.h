#pragma once
// Where the data files (protocols, normative tables, myotome map) live.

#include <filesystem>

namespace emg::study {

/// The resources folder: $EMGWS_RESOURCE_DIR if set, else share/emgws beside the running
/// executable's bin/ (an installed tree, wherever it was installed), else the source tree's
/// resources/ (a developer build), else the configured install prefix's share/emgws. Throws
/// FormatError when none exists.
std::filesystem::path resourceDir();

}  // namespace emg::study

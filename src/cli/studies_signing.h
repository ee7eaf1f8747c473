#pragma once
// emgws-cli studies sign|verify|addendum|history|signed-pdf (cmd_studies_signing.cpp).
#include <optional>
#include <string>
#include <vector>

namespace emg::cli {

/// Runs the sub-command when it is one of these; std::nullopt otherwise.
std::optional<int> runStudySigningCommand(const std::string& sub, const std::vector<std::string>& args);

extern const char* const kStudySigningUsage;

}  // namespace emg::cli

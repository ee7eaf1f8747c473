#pragma once
// "key: value" lines of a file's header comments (Recording::headerComments): EMGLAB writes
// "# muscle: brachial biceps", PhysioNet "# <age>: 44 <sex>: F".

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace emg {

/// The value of the first comment that starts with `key` (case ignored, written "key:" or
/// "<key>:"), trimmed; nullopt when no comment does.
std::optional<std::string> headerCommentValue(const std::vector<std::string>& comments, std::string_view key);

}  // namespace emg

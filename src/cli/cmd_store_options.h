#pragma once
// Shared by the store sub-commands (patients, studies, store): --db and simple --key value options.

#include <emg/study/session_store.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace emg::cli {

struct ParsedArgs {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;   ///< "--name value" -> options["name"]
    std::optional<std::string> get(const std::string& key) const;
    std::string require(const std::string& key) const;   ///< throws with "missing --key"
    std::optional<double> number(const std::string& key) const;   ///< throws on a non-number
};

/// Parses "--key value" pairs (every option takes a value) and positionals; throws
/// std::invalid_argument on an option outside `allowed` (which always includes "db").
ParsedArgs parseArgs(const std::vector<std::string>& args, std::set<std::string> allowed);

/// Opens the store named by --db (default: the user's SQLite file).
std::unique_ptr<emg::study::SessionStore> openStore(const ParsedArgs& a);

/// Prints JSON to stdout (indent 2).
void printJson(const std::string& dumped);

}  // namespace emg::cli

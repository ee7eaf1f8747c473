#pragma once
// The versioned schema: each migration is a list of statements for both dialects (internal).

#include <string>
#include <vector>

namespace emg::study::store {

enum class Dialect { Sqlite, Postgres };

struct Migration {
    int version;
    std::string description;
    std::vector<std::string> statements;   ///< already in the dialect's syntax
};

std::vector<Migration> migrations(Dialect d);
int latestVersion();

}  // namespace emg::study::store

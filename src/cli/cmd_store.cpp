// emgws-cli store info: which store, back end, schema version and migrations (migrates on open).
#include "cmd_store_options.h"
#include "command_registry.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace {

int runStore(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] != "info") {
        std::cerr << "usage: emgws-cli store info [--db sqlite:PATH|postgresql://user@host:port/db]\n"
                     "Opens (creating and migrating when needed) the store and prints its back end and schema version.\n";
        return args.empty() || args[0] != "--help" ? 2 : 0;
    }
    const auto a = emg::cli::parseArgs({args.begin() + 1, args.end()}, {});
    const auto where = emg::study::parseStoreUrl(a.get("db").value_or(""));
    auto store = emg::study::SessionStore::open(where);
    emg::cli::printJson(nlohmann::json{{"store", where.display()},
                                       {"backend", store->backendName()},
                                       {"schemaVersion", store->schemaVersion()},
                                       {"latestSchemaVersion", emg::study::SessionStore::latestSchemaVersion()},
                                       {"migrations", store->appliedMigrations()}}
                            .dump(2));
    return 0;
}

const emg::cli::CommandRegistration reg{"store", "show the study store's back end and schema version", &runStore};

}  // namespace

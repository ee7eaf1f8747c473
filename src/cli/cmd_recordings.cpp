// emgws-cli recordings push|fetch|verify|list: raw recordings kept by the store for every
// workstation of a lab (schema v6, emg/study/raw_files.h), by SHA-256.
#include "cmd_store_options.h"
#include "command_registry.h"

#include <emg/study/session_store.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <iostream>

namespace {

using nlohmann::json;
using namespace emg::study;

constexpr const char* kUsage =
    "usage: emgws-cli recordings push FILE [--study ID] [--db URL] [--raw-folder DIR]\n"
    "       emgws-cli recordings fetch SHA256 [--db URL] [--raw-folder DIR] [--cache DIR]\n"
    "       emgws-cli recordings verify SHA256 [--db URL] [--raw-folder DIR] [--cache DIR]\n"
    "       emgws-cli recordings list [--study ID] [--db URL]\n"
    "  push: keeps FILE for every workstation, content-addressed by its SHA-256: in the shared folder\n"
    "  when one is given (--raw-folder, else $EMGWS_RAW_FOLDER), else in the PostgreSQL database as a\n"
    "  large object, else (SQLite) at its local path. Streamed in 1 MiB chunks, checksum checked on the\n"
    "  way. --study also links it to that study (as the GUI's recording does).\n"
    "  fetch: the verified local copy (the cache, --cache else $EMGWS_RAW_CACHE else\n"
    "  $XDG_CACHE_HOME/emgws/raw; a cached copy with another checksum is fetched again).\n"
    "  verify: reads the stored copy through and checks the cached one; exit 1 when either differs.\n"
    "  list: the raw files the store keeps, or a study's recordings and whether the store keeps them.\n";

std::unique_ptr<SessionStore> open(const emg::cli::ParsedArgs& a) {
    StoreOptions options;
    if (auto folder = a.get("raw-folder")) options.rawFiles.sharedFolder = *folder;
    if (auto cache = a.get("cache")) options.rawFiles.cacheDir = *cache;
    return SessionStore::open(a.get("db").value_or(""), options);
}

double mbPerSec(std::uint64_t bytes, double seconds) { return seconds > 0.0 ? bytes / 1e6 / seconds : 0.0; }

json infoJson(const RawFileInfo& i) {
    json j{{"sha256", i.sha256},         {"sizeBytes", i.sizeBytes}, {"format", i.format}, {"originalName", i.originalName},
           {"location", i.location},     {"storedAt", i.storedAt},   {"storedBy", i.storedBy}};
    if (!i.path.empty()) j["path"] = i.path;
    if (i.location == "database") j["largeObjectOid"] = i.largeObjectOid;
    return j;
}

json transferJson(const RawTransfer& t) {
    json j = infoJson(t.info);
    j["bytesMoved"] = t.bytesMoved;
    j["seconds"] = t.seconds;
    j["mbPerSec"] = mbPerSec(t.bytesMoved, t.seconds);
    return j;
}

std::string shaArgument(const emg::cli::ParsedArgs& p, const char* sub) {
    if (p.positional.size() != 1) throw std::invalid_argument(std::string("recordings ") + sub + " needs one SHA-256");
    std::string sha = p.positional[0];
    std::transform(sha.begin(), sha.end(), sha.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return sha;
}

int push(const std::vector<std::string>& rest) {
    const auto p = emg::cli::parseArgs(rest, {"study", "raw-folder"});
    if (p.positional.size() != 1) throw std::invalid_argument("recordings push needs one FILE");
    auto store = open(p);
    std::string sha;
    json out;
    if (auto study = p.get("study")) {
        const auto rec = store->addRecording(*study, p.positional[0]);
        sha = rec.sha256;
        out["recordingId"] = rec.id;
    }
    const auto t = store->pushRawFile(p.positional[0], sha);
    out.update(transferJson(t));
    out["alreadyStored"] = t.alreadyStored;
    emg::cli::printJson(out.dump(2));
    return 0;
}

int fetch(const std::vector<std::string>& rest) {
    const auto p = emg::cli::parseArgs(rest, {"raw-folder", "cache"});
    const std::string sha = shaArgument(p, "fetch");
    auto store = open(p);
    const auto t = store->fetchRawFile(sha);
    json out = transferJson(t);
    out["localPath"] = t.localPath.string();
    out["fromCache"] = t.fromCache;
    out["cacheWasCorrupt"] = t.cacheWasCorrupt;
    emg::cli::printJson(out.dump(2));
    return 0;
}

int verify(const std::vector<std::string>& rest) {
    const auto p = emg::cli::parseArgs(rest, {"raw-folder", "cache"});
    const std::string sha = shaArgument(p, "verify");
    auto store = open(p);
    const auto v = store->verifyRawFile(sha);
    emg::cli::printJson(json{{"sha256", v.sha256}, {"storedOk", v.storedOk}, {"storedActual", v.storedActual}, {"cache", v.cacheState}}.dump(2));
    return v.storedOk && v.cacheState != "corrupt" ? 0 : 1;
}

int list(const std::vector<std::string>& rest) {
    const auto p = emg::cli::parseArgs(rest, {"study"});
    auto store = open(p);
    json items = json::array();
    if (auto study = p.get("study")) {
        for (const auto& r : store->recordings(*study)) {
            json j{{"id", r.id}, {"path", r.path}, {"sha256", r.sha256}, {"sizeBytes", r.sizeBytes}, {"addedAt", r.addedAt}};
            const auto kept = store->rawFile(r.sha256);
            j["stored"] = kept ? json(kept->location) : json(nullptr);
            items.push_back(j);
        }
    } else {
        for (const auto& i : store->rawFiles()) items.push_back(infoJson(i));
    }
    emg::cli::printJson(items.dump(2));
    return 0;
}

int runRecordings(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cerr << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string sub = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (sub == "push") return push(rest);
    if (sub == "fetch") return fetch(rest);
    if (sub == "verify") return verify(rest);
    if (sub == "list") return list(rest);
    std::cerr << "emgws-cli recordings: unknown sub-command '" << sub << "'\n" << kUsage;
    return 2;
}

const emg::cli::CommandRegistration reg{"recordings", "raw recordings kept by the store for every workstation (push, fetch, verify)",
                                        &runRecordings};

}  // namespace

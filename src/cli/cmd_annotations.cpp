// emgws-cli annotations list|add|remove|export: the reviewer's annotations on a recording, kept
// in the store by the recording's SHA-256 (never in the raw file), and an EDF+/BDF+ copy of the
// raw file with them added.
#include "cmd_store_options.h"
#include "command_registry.h"

#include <emg/io/sha256.h>
#include <emg/review/annotated_copy.h>
#include <emg/review/paged_edf_reader.h>
#include <emg/study/session_store.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <iostream>

namespace {

using emg::study::StoredReviewerAnnotation;
using nlohmann::json;

constexpr const char* kUsage =
    "usage: emgws-cli annotations list FILE|SHA256 [--include-removed] [--db URL]\n"
    "       emgws-cli annotations add FILE --at SEC [--duration SEC] --text TEXT --by NAME [--db URL]\n"
    "       emgws-cli annotations remove ID --by NAME [--db URL]\n"
    "       emgws-cli annotations export FILE OUT.edf|OUT.bdf [--db URL]\n"
    "  The reviewer's annotations on a recording (EDF, EDF+, BDF, BDF+) are kept in the store, linked\n"
    "  to the file's SHA-256 (not its path), with who added them and when; a removal keeps the\n"
    "  annotation in the store's history with who removed it and when. The raw file is never changed.\n"
    "  --at, --duration: seconds from the recording's first data record.\n"
    "  export: a copy of FILE (EDF+ for EDF input, BDF+ for BDF input) with the reviewer's annotations\n"
    "  added to its annotation signal (one is added when the file has none); every other header field\n"
    "  and every sample is copied byte for byte.\n"
    "  --db: sqlite:PATH or postgresql://user@host:port/db (default: the user's SQLite store)\n";

bool isSha256(const std::string& s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

std::string lowerCase(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

json annotationJson(const StoredReviewerAnnotation& s) {
    const auto& a = s.annotation;
    json j{{"id", a.id},       {"onsetSec", a.onsetSec},     {"durationSec", a.durationSec}, {"text", a.text},
           {"author", a.author}, {"createdUtc", a.createdUtc}, {"removed", s.removed()}};
    if (s.removed()) {
        j["removedBy"] = s.removedBy;
        j["removedUtc"] = s.removedUtc;
    }
    return j;
}

std::string print(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

/// The recording's SHA-256: the argument itself when it is one and no such file exists.
std::string shaOf(const std::string& fileOrSha) {
    if (isSha256(fileOrSha) && !std::filesystem::exists(fileOrSha)) return lowerCase(fileOrSha);
    return emg::io::sha256OfFile(fileOrSha);
}

std::int64_t parseId(const std::string& text) {
    std::size_t used = 0;
    long long id = 0;
    try {
        id = std::stoll(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || id <= 0) throw std::invalid_argument("annotation ID must be a positive whole number, got '" + text + "'");
    return id;
}

int list(const std::vector<std::string>& rest) {
    std::vector<std::string> args;
    bool includeRemoved = false;
    for (const auto& a : rest) {
        if (a == "--include-removed") includeRemoved = true;
        else args.push_back(a);
    }
    const auto p = emg::cli::parseArgs(args, {});
    if (p.positional.size() != 1) throw std::invalid_argument("annotations list needs one FILE or SHA-256");
    const std::string sha = shaOf(p.positional[0]);
    auto store = emg::cli::openStore(p);
    json items = json::array();
    for (const auto& s : store->reviewerAnnotations(sha, includeRemoved)) items.push_back(annotationJson(s));
    emg::cli::printJson(print(json{{"recordingSha256", sha}, {"annotations", items}}));
    return 0;
}

int add(const std::vector<std::string>& rest) {
    const auto p = emg::cli::parseArgs(rest, {"at", "duration", "text", "by"});
    if (p.positional.size() != 1) throw std::invalid_argument("annotations add needs one FILE (the recording)");
    const std::string file = p.positional[0];
    emg::review::ReviewerAnnotation a;
    const auto at = p.number("at");
    if (!at) throw std::invalid_argument("missing --at SEC (the annotation's time in the recording)");
    a.onsetSec = *at;
    a.durationSec = p.number("duration").value_or(0.0);
    a.text = p.require("text");
    a.author = p.require("by");
    // the time must lie in the recording (its header says how long it is)
    emg::review::PagedEdfReader reader(file);
    const double endSec = reader.durationSec();
    if (a.onsetSec < 0.0 || a.onsetSec > endSec)
        throw std::invalid_argument("--at " + p.require("at") + " s is outside the recording (0.." + std::to_string(endSec) + " s)");
    if (a.durationSec < 0.0) throw std::invalid_argument("--duration must be >= 0 s");
    if (a.onsetSec + a.durationSec > endSec + 1e-9)
        throw std::invalid_argument("--at + --duration ends after the recording's end (" + std::to_string(endSec) + " s)");
    a.recordingSha256 = emg::io::sha256OfFile(file);
    auto store = emg::cli::openStore(p);
    const auto stored = store->addReviewerAnnotation(a);
    json j = annotationJson({stored, "", ""});
    j["recordingSha256"] = stored.recordingSha256;
    j["file"] = file;
    emg::cli::printJson(print(j));
    return 0;
}

int remove(const std::vector<std::string>& rest) {
    const auto p = emg::cli::parseArgs(rest, {"by"});
    if (p.positional.size() != 1) throw std::invalid_argument("annotations remove needs one annotation ID");
    const std::int64_t id = parseId(p.positional[0]);
    const std::string by = p.require("by");
    auto store = emg::cli::openStore(p);
    const auto before = store->reviewerAnnotation(id);
    if (!before) throw std::invalid_argument("no reviewer annotation " + std::to_string(id) + " in the store");
    if (before->removed())
        throw std::invalid_argument("reviewer annotation " + std::to_string(id) + " was already removed by " + before->removedBy + " at " +
                                    before->removedUtc);
    if (!store->removeReviewerAnnotation(id, by))
        throw std::runtime_error("reviewer annotation " + std::to_string(id) + " was removed by someone else meanwhile");
    const auto after = store->reviewerAnnotation(id);
    json j = annotationJson(*after);
    j["recordingSha256"] = after->annotation.recordingSha256;
    emg::cli::printJson(print(j));
    return 0;
}

int exportCopy(const std::vector<std::string>& rest) {
    const auto p = emg::cli::parseArgs(rest, {});
    if (p.positional.size() != 2) throw std::invalid_argument("annotations export needs FILE and OUT");
    const std::filesystem::path file = p.positional[0], out = p.positional[1];
    emg::review::PagedEdfReader reader(file);
    const std::string ext = lowerCase(out.extension().string());
    if (reader.isBdf() && ext == ".edf")
        throw std::invalid_argument(file.string() + " is BDF (24-bit): its annotated copy is BDF+; name it .bdf, not .edf");
    if (!reader.isBdf() && ext == ".bdf")
        throw std::invalid_argument(file.string() + " is EDF (16-bit): its annotated copy is EDF+; name it .edf, not .bdf");
    const std::string sha = emg::io::sha256OfFile(file);
    auto store = emg::cli::openStore(p);
    std::vector<emg::review::TimedAnnotation> extra;
    for (const auto& s : store->reviewerAnnotations(sha)) extra.push_back({s.annotation.onsetSec, s.annotation.durationSec, s.annotation.text});
    const auto r = emg::review::writeAnnotatedCopy(file, extra, out);
    json j{{"file", file.string()},
           {"recordingSha256", sha},
           {"out", out.string()},
           {"format", r.bdf ? "BDF+" : "EDF+"},
           {"records", r.records},
           {"annotationsAdded", r.annotationsAdded},
           {"annotationSignal", emg::review::toString(r.annotationSignal)}};
    if (!r.warnings.empty()) j["warnings"] = r.warnings;
    emg::cli::printJson(print(j));
    return 0;
}

int runAnnotations(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cerr << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string sub = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (sub == "list") return list(rest);
    if (sub == "add") return add(rest);
    if (sub == "remove") return remove(rest);
    if (sub == "export") return exportCopy(rest);
    std::cerr << "emgws-cli annotations: unknown sub-command '" << sub << "'\n" << kUsage;
    return 2;
}

const emg::cli::CommandRegistration reg{"annotations", "reviewer annotations of a recording (store) and their EDF+ export",
                                        &runAnnotations};
}  // namespace

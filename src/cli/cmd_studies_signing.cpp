// emgws-cli studies sign|verify|addendum|history|signed-pdf: the examiner's signature, the lock,
// later addenda and the audit trail of a stored study (docs/study-model.md, "Signing").
#include "cmd_store_options.h"
#include "pdf_application.h"
#include "studies_signing.h"

#include <emg/io/safe_file_writer.h>
#include <emg/io/sha256.h>
#include <emg/report/study_signing.h>
#include <emg/study/canonical_json.h>
#include <emg/study/signature_check.h>

#include <iostream>

namespace emg::cli {

const char* const kStudySigningUsage =
    "       emgws-cli studies sign STUDY_ID --examiner NAME [--db URL]   (store the signed report PDF; lock the study)\n"
    "       emgws-cli studies verify STUDY_ID [--db URL]     (what differs from what was signed; exit 1 when anything does)\n"
    "       emgws-cli studies addendum STUDY_ID --text TEXT --by NAME [--db URL]   (later text after a signed report)\n"
    "       emgws-cli studies history STUDY_ID [--text yes] [--db URL]   (every change: who, when, old -> new)\n"
    "       emgws-cli studies signed-pdf STUDY_ID OUT.pdf [--db URL]   (the PDF exactly as signed)\n";

namespace {

using namespace emg::study;

std::string oneStudy(const ParsedArgs& a, const std::string& sub, std::size_t positionals = 1) {
    if (a.positional.size() != positionals)
        throw std::invalid_argument("studies " + sub + " needs " + (positionals == 1 ? "one study id" : "a study id and an output file"));
    return a.positional[0];
}

int sign(const std::vector<std::string>& args) {
    const auto a = parseArgs(args, {"examiner"});
    const std::string id = oneStudy(a, "sign");
    const std::string examiner = a.require("examiner");
    if (examiner.find_first_not_of(" \t") == std::string::npos) throw std::invalid_argument("--examiner needs the examiner's name");
    auto store = openStore(a);
    const auto app = makePdfApplication();
    const auto out = report::signStudyReport(*store, id, examiner, osLoginName(), NormativeTable::loadDefault(), MyotomeMap::loadDefault());
    printJson(nlohmann::json{{"studyId", id},
                             {"examiner", out.signature.examinerName},
                             {"osLogin", out.signature.osLogin},
                             {"signedAt", out.signature.signedAt},
                             {"pdfSha256", out.signature.pdfSha256},
                             {"studySha256", out.signature.canonicalSha256},
                             {"pages", out.pdf.pages},
                             {"locked", true}}
                  .dump(2));
    return 0;
}

int verify(const std::vector<std::string>& args) {
    const auto a = parseArgs(args, {});
    const std::string id = oneStudy(a, "verify");
    const auto c = checkSignedStudy(*openStore(a), id);
    if (!c.isSigned) {
        std::cerr << "emgws-cli studies verify: study " << id << " is not signed (emgws-cli studies sign)\n";
        return 1;
    }
    printJson(nlohmann::json{{"studyId", id},
                             {"intact", c.intact()},
                             {"signedBy", c.signedBy},
                             {"osLogin", c.osLogin},
                             {"signedAt", c.signedAt},
                             {"signedStudySha256", c.signedStudySha256},
                             {"currentStudySha256", c.currentStudySha256},
                             {"signedRecordIntact", c.keptJsonIntact},
                             {"pdfIntact", c.pdfIntact},
                             {"lockTriggersMissing", c.missingLockTriggers},
                             {"differences", c.differences},
                             {"patientRecordChangesSinceSigning", c.patientChanges}}
                  .dump(2));
    if (c.intact()) return 0;
    std::cerr << "emgws-cli studies verify: study " << id << " is NOT as signed:";
    if (!c.differences.empty()) std::cerr << " " << c.differences.size() << " difference(s) from the signed study;";
    if (!c.keptJsonIntact) std::cerr << " the kept signed study JSON was altered;";
    if (!c.pdfIntact) std::cerr << " the stored PDF was altered;";
    if (!c.missingLockTriggers.empty()) std::cerr << " " << c.missingLockTriggers.size() << " lock trigger(s) missing;";
    std::cerr << "\n";
    return 1;
}

int addendum(const std::vector<std::string>& args) {
    const auto a = parseArgs(args, {"text", "by"});
    const std::string id = oneStudy(a, "addendum");
    auto store = openStore(a);
    const auto ad = store->addAddendum(id, a.require("text"), a.require("by"), osLoginName());
    printJson(nlohmann::json{{"studyId", id}, {"number", ad.number}, {"author", ad.author}, {"osLogin", ad.osLogin},
                             {"createdAt", ad.createdAt}, {"text", ad.text}}
                  .dump(2));
    return 0;
}

std::string describe(const AuditEntry& e) {
    std::string line = e.changedAt + "  " + e.changedBy;
    if (!e.osLogin.empty() && e.osLogin != e.changedBy) line += " (login " + e.osLogin + ")";
    auto side = [](const std::optional<std::string>& v, const std::string& source) {
        std::string s = v ? *v : "(none)";
        if (s.size() > 120) s = s.substr(0, 117) + "...";
        return source.empty() ? s : s + " [" + source + "]";
    };
    line += "  " + (e.item.rfind(e.entity, 0) == 0 ? e.item : e.entity + " " + e.item) + ": ";   // not "finding finding 1"
    if (e.entity == "test" && e.action == "update" && e.oldValue && e.newValue) {   // a test's fields: name what changed
        const auto before = nlohmann::json::parse(*e.oldValue, nullptr, false), after = nlohmann::json::parse(*e.newValue, nullptr, false);
        if (!before.is_discarded() && !after.is_discarded()) {
            std::string changes;
            for (const auto& d : describeJsonDifferences(before, after)) changes += (changes.empty() ? "" : "; ") + d;
            return line + changes;
        }
    }
    if (e.action == "insert") line += "added " + side(e.newValue, e.newSource);
    else if (e.action == "delete") line += "removed " + side(e.oldValue, e.oldSource);
    else line += side(e.oldValue, e.oldSource) + " -> " + side(e.newValue, e.newSource);
    return line;
}

int history(const std::vector<std::string>& args) {
    const auto a = parseArgs(args, {"text"});
    const std::string id = oneStudy(a, "history");
    auto store = openStore(a);
    if (!store->study(id)) {
        std::cerr << "emgws-cli studies history: no study '" << id << "'\n";
        return 1;
    }
    const auto entries = store->history(id);
    if (a.get("text")) {
        for (const auto& e : entries) std::cout << describe(e) << "\n";
        return 0;
    }
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : entries) {
        nlohmann::json j{{"id", e.id},         {"changedAt", e.changedAt}, {"changedBy", e.changedBy}, {"osLogin", e.osLogin},
                         {"entity", e.entity}, {"item", e.item},           {"action", e.action}};
        j["old"] = e.oldValue ? nlohmann::json(*e.oldValue) : nlohmann::json();
        j["new"] = e.newValue ? nlohmann::json(*e.newValue) : nlohmann::json();
        j["oldSource"] = e.oldSource;
        j["newSource"] = e.newSource;
        out.push_back(std::move(j));
    }
    printJson(out.dump(2));
    return 0;
}

int signedPdf(const std::vector<std::string>& args) {
    const auto a = parseArgs(args, {});
    const std::string id = oneStudy(a, "signed-pdf", 2);
    io::refuseUnsafeTarget(a.positional[1]);
    auto store = openStore(a);
    const auto sig = store->signature(id);
    if (!sig) throw std::invalid_argument("study " + id + " is not signed");
    const std::string pdf = store->signedPdf(id);
    const std::string sha = io::sha256Hex(pdf);
    io::writeFileSafely(a.positional[1], pdf);
    printJson(nlohmann::json{{"pdf", a.positional[1]}, {"bytes", pdf.size()}, {"sha256", sha}, {"matchesSignature", sha == sig->pdfSha256}}
                  .dump(2));
    return sha == sig->pdfSha256 ? 0 : 1;
}

}  // namespace

std::optional<int> runStudySigningCommand(const std::string& sub, const std::vector<std::string>& args) {
    if (sub == "sign") return sign(args);
    if (sub == "verify") return verify(args);
    if (sub == "addendum") return addendum(args);
    if (sub == "history") return history(args);
    if (sub == "signed-pdf") return signedPdf(args);
    return std::nullopt;
}

}  // namespace emg::cli

// emgws-cli patients add|list|show: the store's patients as JSON.
#include "cmd_store_options.h"
#include "command_registry.h"

#include <emg/study/json.h>

#include <iostream>

namespace {

using namespace emg::study;

constexpr const char* kUsage =
    "usage: emgws-cli patients add --id ID [--name NAME] [--birth-date YYYY-MM-DD] [--sex female|male|other|unknown]\n"
    "                              [--height-cm H] [--symptom-side left|right|bilateral|unspecified] [--update] [--db URL]\n"
    "       emgws-cli patients add --json FILE [--update] [--db URL]   (import a patient JSON object or array)\n"
    "       emgws-cli patients list [--db URL]\n"
    "       emgws-cli patients show ID [--db URL]\n"
    "An id already in the store is refused (nothing changed) unless --update is given; --update changes\n"
    "only the fields given (for --json: the keys present) and adds new ids. An import is one transaction:\n"
    "every patient is stored, or none (a failed import can simply be run again).\n"
    "--db: sqlite:PATH or postgresql://user@host:port/db (default: the user's SQLite store)\n";

int runPatients(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cerr << kUsage;
        return args.empty() ? 2 : 0;
    }
    const std::string sub = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (sub == "add") {
        // --update is a flag (the only option without a value)
        std::vector<std::string> optionArgs;
        bool update = false;
        for (const auto& x : rest) {
            if (x == "--update") update = true;
            else optionArgs.push_back(x);
        }
        const auto a = emg::cli::parseArgs(optionArgs, {"id", "name", "birth-date", "sex", "height-cm", "symptom-side", "json"});
        // each patient as the JSON fields given (nothing more), so that --update changes only those
        std::vector<nlohmann::json> given;
        if (auto file = a.get("json")) {
            const auto j = readJsonFile(*file);
            if (j.is_array())
                for (std::size_t i = 0; i < j.size(); ++i) {
                    patientFromJson(j[i], "patients[" + std::to_string(i) + "]");   // checked before the store is touched
                    given.push_back(j[i]);
                }
            else {
                patientFromJson(j);
                given.push_back(j);
            }
        } else {
            nlohmann::json g{{"id", a.require("id")}};
            if (auto v = a.get("name")) g["name"] = *v;
            if (auto v = a.get("birth-date")) g["birthDate"] = *v;
            if (auto v = a.get("sex")) g["sex"] = *v;
            if (auto v = a.number("height-cm")) g["heightCm"] = *v;
            if (auto v = a.get("symptom-side")) g["symptomSide"] = *v;
            patientFromJson(g);
            given.push_back(g);
        }
        auto store = emg::cli::openStore(a);
        std::vector<Patient> toSave;
        for (const auto& g : given) {
            const std::string id = g.at("id").get<std::string>();
            const auto existing = store->patient(id);
            if (existing && !update)
                throw std::invalid_argument("patient '" + id + "' is already in the store; nothing was changed "
                                            "(--update changes only the fields given)");
            nlohmann::json merged = existing ? toJson(*existing) : nlohmann::json::object();
            merged.update(g);
            toSave.push_back(patientFromJson(merged));
        }
        // one transaction: every patient is stored, or none
        if (update) store->savePatients(toSave);
        else store->addPatients(toSave);
        nlohmann::json out = nlohmann::json::array();
        for (const auto& p : toSave) out.push_back(toJson(p));
        emg::cli::printJson((out.size() == 1 ? out[0] : out).dump(2));
        return 0;
    }
    if (sub == "list") {
        const auto a = emg::cli::parseArgs(rest, {});
        nlohmann::json out = nlohmann::json::array();
        for (const auto& p : emg::cli::openStore(a)->patients()) out.push_back(toJson(p));
        emg::cli::printJson(out.dump(2));
        return 0;
    }
    if (sub == "show") {
        const auto a = emg::cli::parseArgs(rest, {});
        if (a.positional.size() != 1) throw std::invalid_argument("patients show needs one patient id");
        auto p = emg::cli::openStore(a)->patient(a.positional[0]);
        if (!p) {
            std::cerr << "emgws-cli patients: no patient '" << a.positional[0] << "'\n";
            return 1;
        }
        emg::cli::printJson(toJson(*p).dump(2));
        return 0;
    }
    std::cerr << "emgws-cli patients: unknown sub-command '" << sub << "'\n" << kUsage;
    return 2;
}

const emg::cli::CommandRegistration reg{"patients", "add, list and show patients in the study store", &runPatients};

}  // namespace
